"""The import page, template and export downloads on the web."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from parity.conftest import GRID, make_id
from parity.people.imports import HEADERS
from parity.people.models import Person
from parity.people.tests.web import web_import

GOOD = make_id("410102", "19900101", 123)


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    settings.IMPORT_DIR = tmp_path / "imports"
    return settings.IMPORT_DIR


def upload(name: str, rows: list[dict[str, str]]) -> io.BytesIO:
    text = io.StringIO()
    out = csv.writer(text)
    out.writerow(HEADERS)
    for values in rows:
        out.writerow([values.get(h, "") for h in HEADERS])
    data = io.BytesIO(text.getvalue().encode("utf-8-sig"))
    data.name = name
    return data


def good_row(**extra) -> dict[str, str]:
    return {
        "姓名": "王五",
        "身份证号码": GOOD,
        "网格代码": GRID,
        "来本地日期": "2024-03-01",
        "住所类型": "出租房屋",
        **extra,
    }


def test_an_anonymous_visitor_is_sent_to_login(client, areas):
    response = client.get(reverse("people_io:import"))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_view_only_official_may_not_open_the_import_page(client, official):
    client.force_login(official)

    assert client.get(reverse("people_io:import")).status_code == 403


def test_the_import_page_offers_templates(client, owner):
    client.force_login(owner)

    response = client.get(reverse("people_io:import"))

    assert response.status_code == 200
    assert reverse("people_io:template", args=["xlsx"]) in response.content.decode()


def test_an_upload_imports_good_rows_and_lists_the_bad_ones(client, owner, import_dir):
    client.force_login(owner)
    rows = [good_row(), good_row(身份证号码=make_id(seq=9), 联系电话="12345")]

    response = web_import(client, upload("人员.csv", rows))

    assert response.status_code == 200
    page = response.content.decode()
    assert "导入完成" in page
    assert "电话号码格式不正确" in page
    assert Person.objects.by_id_number(GOOD).exists()
    stored = list((import_dir / str(owner.pk)).iterdir())
    assert [p.name.endswith(".errors.xlsx") for p in stored] == [True]  # the upload is gone
    assert response.context["result"].created == 1
    assert response.context["errors"][0].row == 3


def test_the_error_file_downloads_only_for_the_uploader(client, owner, colleague):
    client.force_login(owner)
    rows = [good_row(联系电话="1")]
    response = web_import(client, upload("a.csv", rows))
    url = reverse("people_io:error_file", args=[response.context["error_file"]])

    mine = client.get(url)
    client.force_login(colleague)
    theirs = client.get(url)

    assert mine.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(mine.streaming_content))).worksheets[0]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0] == ["行号", "姓名", "列", "值", "错误原因", "类型"]
    assert cells[1][:4] == [2, "王五", "联系电话", "1"]
    assert theirs.status_code == 404


def test_a_file_that_is_not_a_table_is_refused_with_the_reason(client, owner):
    client.force_login(owner)
    data = io.BytesIO(b"%PDF-1.4\x00\x01")
    data.name = "people.pdf"

    response = web_import(client, data)

    assert response.status_code == 200
    assert "不是可以导入的表格文件" in response.content.decode()
    assert not Person.objects.exists()


def test_a_file_without_the_headers_writes_nothing_and_says_why(client, owner):
    client.force_login(owner)
    data = io.BytesIO("名字\n张三\n".encode())
    data.name = "people.csv"

    response = web_import(client, data)

    assert "还缺少必填的列:身份证号码、网格代码" in response.content.decode()
    assert not Person.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_downloads_in_both_formats(client, owner, fmt):
    client.force_login(owner)

    response = client.get(reverse("people_io:template", args=[fmt]))

    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    if fmt == "csv":
        assert body.decode("utf-8-sig").strip() == ",".join(HEADERS)
    else:
        sheet = load_workbook(io.BytesIO(body)).worksheets[0]
        assert [c.value for c in sheet[1]] == HEADERS


def test_the_export_download_is_restricted_masked_and_filtered(client, register, outsider, owner):
    register(id_number=GOOD, name="张三")
    register(id_number=make_id(seq=7), name="本市人", hukou_code="150203")
    client.force_login(owner)

    mine = client.get(reverse("people_io:export"), {"format": "csv", "status": "inflow"})
    client.force_login(outsider)
    theirs = client.get(reverse("people_io:export"), {"format": "csv"})

    rows = list(csv.reader(io.StringIO(b"".join(mine.streaming_content).decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["张三"]
    assert GOOD not in str(rows)
    other = b"".join(theirs.streaming_content).decode("utf-8-sig").splitlines()
    assert other == [",".join(HEADERS)]


def odd_register(name: str, number: str) -> io.BytesIO:
    data = io.BytesIO(
        f"人名,号码,片区,日期,住所类型\n王五,{number},{GRID},2024-03-01,出租房屋\n".encode()
    )
    data.name = name
    return data


def test_a_confirmed_mapping_is_proposed_again_for_the_same_headers(client, owner, colleague):
    client.force_login(owner)
    change = {0: "姓名", 1: "身份证号码", 2: "网格代码", 3: "来本地日期"}
    response = web_import(client, odd_register("a.csv", GOOD), change=change)
    assert response.context["result"].created == 1

    again = client.post(
        reverse("people_io:import"), {"file": odd_register("b.csv", make_id(seq=7))}
    )
    page = client.get(again["Location"]).context["page"]

    assert page.saved
    assert page.match.fields == ["姓名", "身份证号码", "网格代码", "来本地日期", "住所类型"]
    assert page.match.missing == []
    # Kept for the owner's area: a user of another area starts from the proposal.
    client.force_login(colleague)
    theirs = client.post(
        reverse("people_io:import"), {"file": odd_register("c.csv", make_id(seq=8))}
    )
    assert client.get(theirs["Location"]).context["page"].match.missing


def test_another_users_waiting_upload_is_not_found(client, owner, colleague):
    client.force_login(owner)
    response = client.post(reverse("people_io:import"), {"file": upload("a.csv", [good_row()])})
    client.force_login(colleague)

    assert client.get(response["Location"]).status_code == 404
    assert client.post(response["Location"], {"action": "import"}).status_code == 404
    assert not Person.objects.exists()
