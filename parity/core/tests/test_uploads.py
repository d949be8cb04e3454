"""Import uploads are deleted once their import ends, error reports are private (0600 in
0700 folders), neutralised and purged after the retention, and a file past the size limit
is refused with a message on the page."""

from __future__ import annotations

import csv
import io
import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from parity.conftest import GRID, make_id
from parity.core.tests.sheets import assert_no_formula_cells, download, neutral, xlsx_values
from parity.core.uploads import SizeLimitUploadHandler, purge_uploads
from parity.people.imports import HEADERS
from parity.people.models import Person
from parity.people.tests.web import web_import

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x","y")'


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    settings.IMPORT_DIR = tmp_path / "media" / "imports"
    return settings.IMPORT_DIR


def people_csv(*rows: dict[str, str], name: str = "人员.csv") -> SimpleUploadedFile:
    text = io.StringIO()
    out = csv.writer(text)
    out.writerow(HEADERS)
    out.writerows([row.get(h, "") for h in HEADERS] for row in rows)
    return SimpleUploadedFile(name, text.getvalue().encode("utf-8-sig"))


def person_row(**extra) -> dict[str, str]:
    row = {"姓名": "王五", "身份证号码": make_id(seq=11), "网格代码": GRID,
           "来本地日期": "2024-03-01", "住所类型": "出租房屋"}  # fmt: skip
    return {**row, **extra}


def files_in(folder) -> list:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_a_successful_import_keeps_no_copy_of_the_upload(client, owner, import_dir):
    client.force_login(owner)
    response = web_import(client, people_csv(person_row()))
    assert response.context["result"].created == 1
    assert files_in(import_dir) == []


def test_an_upload_waiting_for_its_mapping_is_kept_sealed_only(client, owner, import_dir):
    client.force_login(owner)
    upload = SimpleUploadedFile("人员.csv", "电话\n13812345678\n".encode())
    response = web_import(client, upload)
    assert "还缺少必填的列" in response.content.decode()
    [waiting] = files_in(import_dir)
    assert waiting.name.endswith(".pending")
    assert waiting.read_text(encoding="ascii").startswith("v1:")
    assert b"13812345678" not in waiting.read_bytes()


def test_a_file_refused_as_a_whole_keeps_its_sealed_report(client, owner, import_dir):
    client.force_login(owner)
    text = "".join(f"王{i},{make_id(seq=i)},{GRID},2024-03-01,出租房屋\n" for i in range(1, 5))
    content = "姓名,身份证号码,网格代码,来本地日期,住所类型\n" + text + '王五,"4101\n'
    upload = SimpleUploadedFile("人员.csv", content.encode())
    client.post(reverse("people_io:import"), {"file": upload})
    [waiting] = files_in(import_dir)
    response = client.post(
        reverse("people_io:import_map", args=[waiting.name]), {"action": "import"}
    )
    assert "第6行有未闭合的引号" in response.content.decode()
    assert not Person.objects.exists()
    names = sorted(p.name.rsplit(".", 2)[-2:][-1] for p in files_in(import_dir))
    assert names == ["pending", "xlsx"]
    assert all(p.read_text(encoding="ascii").startswith("v1:") for p in files_in(import_dir))


def test_the_error_report_is_private_and_holds_values_as_text(client, owner, import_dir):
    client.force_login(owner)
    bad = person_row(民族=FORMULA)
    response = web_import(client, people_csv(bad))
    [report] = files_in(import_dir)
    assert report.name.endswith(".errors.xlsx")
    assert report.stat().st_mode & 0o777 == 0o600
    for folder in (import_dir, report.parent):
        assert folder.stat().st_mode & 0o777 == 0o700
    url = reverse("people_io:error_file", args=[response.context["error_file"]])
    data = download(client.get(url))
    values = xlsx_values(data)
    assert neutral(FORMULA) in values and FORMULA not in values
    assert_no_formula_cells(data)


def test_the_error_report_on_disk_is_sealed_and_downloads_in_clear(client, owner, import_dir):
    number = make_id(seq=13)
    client.force_login(owner)
    rows = [person_row(身份证号码=number), person_row(身份证号码=number)]  # a repeated row
    response = web_import(client, people_csv(*rows))
    [report] = files_in(import_dir)
    on_disk = report.read_bytes()
    assert number.encode() not in on_disk and "身份证号码".encode() not in on_disk
    url = reverse("people_io:error_file", args=[response.context["error_file"]])
    assert number in xlsx_values(download(client.get(url)))


def test_an_error_report_that_cannot_be_opened_is_a_404(client, owner, import_dir):
    folder = import_dir / str(owner.pk)
    folder.mkdir(parents=True)
    (folder / "x.errors.csv").write_text("v1:bm90IGEgcmVhbCBjaXBoZXJ0ZXh0IGF0IGFsbA==")
    client.force_login(owner)
    assert client.get(reverse("people_io:error_file", args=["x.errors.csv"])).status_code == 404


def test_a_service_import_keeps_only_its_sealed_error_report(
    client, owner, register, catalog, import_dir
):
    register(id_number=make_id(seq=12))
    content = "身份证号码,服务项目,服务日期\n" + f"{make_id(seq=12)},health_record,2099-03-01\n"
    upload = SimpleUploadedFile("s.csv", content.encode("utf-8-sig"))
    client.force_login(owner)
    response = web_import(client, upload, url="services:import")
    assert response.context["result"].error_rows == 1
    [report] = files_in(import_dir)
    assert report.name.endswith(".errors.xlsx")
    assert not report.read_bytes().startswith(b"PK")  # sealed, not the workbook in clear


def test_a_target_import_keeps_no_copy_of_the_upload(client, admin_user, areas, import_dir):
    from parity.indicators.tests.assessment_data import make_indicator

    make_indicator("vaccination")
    upload = SimpleUploadedFile(
        "targets.csv", "年度,区划代码,指标代码,目标值(%)\n2026,150203,vaccination,95\n".encode()
    )
    client.force_login(admin_user)
    response = web_import(client, upload, url="indicators:assessment_import")
    assert response.context["result"].created == 1
    assert files_in(import_dir) == []


def test_a_file_past_the_size_limit_is_refused_with_a_message_and_not_kept(
    client, owner, settings, import_dir
):
    settings.PARITY_UPLOAD_MAX_MB = 1
    big = people_csv(person_row(居住地址="包" * 400_000))  # 1.2 MB in UTF-8
    client.force_login(owner)
    response = web_import(client, big)
    assert response.status_code == 200
    html = response.content.decode()
    assert "文件太大(1.1 MB),不能超过 1 MB" in html
    assert not Person.objects.exists()
    assert files_in(import_dir) == []


def test_a_file_within_the_size_limit_is_imported(client, owner, settings):
    settings.PARITY_UPLOAD_MAX_MB = 1
    client.force_login(owner)
    response = web_import(client, people_csv(person_row()))
    assert response.context["result"].created == 1


def _aged(path, days: float) -> None:
    stamp = time.time() - days * 86400
    os.utime(path, (stamp, stamp))


def test_the_purge_deletes_reports_older_than_the_retention_and_keeps_newer_ones(
    settings, import_dir
):
    settings.PARITY_UPLOAD_RETENTION_DAYS = 7
    old_dir, new_dir = import_dir / "1", import_dir / "2"
    old_dir.mkdir(parents=True)
    new_dir.mkdir()
    old, new = old_dir / "a.errors.csv", new_dir / "b.errors.csv"
    old.write_text("x")
    new.write_text("y")
    _aged(old, 8)
    _aged(new, 6)
    assert purge_uploads() == 1
    assert not old.exists() and not old_dir.exists()
    assert new.exists()


def test_the_purge_command_takes_another_retention(import_dir):
    import_dir.mkdir(parents=True)
    report = import_dir / "a.errors.csv"
    report.write_text("x")
    _aged(report, 2)
    out = io.StringIO()
    call_command("purge_uploads", "--days", "1", stdout=out)
    assert "deleted 1" in out.getvalue()
    assert not report.exists()


def test_the_purge_of_a_missing_folder_deletes_nothing(import_dir):
    assert purge_uploads() == 0


def test_past_the_limit_the_upload_handler_passes_nothing_on_and_reports_the_size(settings):
    settings.PARITY_UPLOAD_MAX_MB = 1
    handler = SizeLimitUploadHandler()
    handler.new_file("file", "big.csv", "text/csv", None)
    chunk = b"x" * (512 * 1024)
    assert handler.receive_data_chunk(chunk, 0) == chunk
    assert handler.receive_data_chunk(chunk, len(chunk)) == chunk
    assert handler.receive_data_chunk(chunk, 2 * len(chunk)) is None  # past 1 MB
    assert handler.receive_data_chunk(chunk, 3 * len(chunk)) is None
    placeholder = handler.file_complete(4 * len(chunk))
    assert placeholder is not None
    assert (placeholder.name, placeholder.size, placeholder.read()) == ("big.csv", 2 << 20, b"")
