import csv
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from parity.accounts.models import Department
from parity.conftest import make_id
from parity.core.models import AuditEvent
from parity.people.tests.web import web_import
from parity.services.imports import import_services
from parity.services.imports.template import template_headers
from parity.services.models import ServiceEvent, ServiceType

pytestmark = pytest.mark.django_db

HEADERS = ["身份证号码", "服务项目", "服务日期", "服务机构", "结果", "备注", "病种", "收缩压(mmHg)"]


def write_csv(path, rows, *, encoding="utf-8-sig", headers=HEADERS):
    with open(path, "w", encoding=encoding, newline="") as handle:
        out = csv.writer(handle)
        out.writerow(headers)
        out.writerows(rows)
    return path


def read_errors(path):
    with open(path.with_name(f"{path.stem}.errors.csv"), encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))


@pytest.fixture
def people(register):
    return {
        "a": register(name="甲", id_number=make_id(seq=101)),
        "b": register(name="乙", id_number=make_id(seq=103)),
    }


@pytest.fixture
def centre(areas):
    return Department.objects.create(
        name="沼潭街道社区卫生服务中心", kind="health_centre", area=areas["150203001"]
    )


def test_good_rows_are_written_and_bad_rows_reported_by_row_and_column(
    tmp_path, owner, outsider, register, people, health_record, followup, centre
):
    stranger = register(name="丙", id_number=make_id(seq=105), grid="150204001001001", by=outsider)
    rows = [
        [make_id(seq=101), "health_record", "2025-03-01", centre.name, "", "", "", ""],
        [
            make_id(seq=103),
            "高血压和2型糖尿病患者健康管理",
            "2025/3/2",
            "",
            "已完成",
            "首次",
            "高血压",
            "142",
        ],
        [make_id(seq=103), "chronic_followup", "2025-03-03", "", "", "", "", "999"],
        [make_id(seq=105), "health_record", "2025-03-01", "", "", "", "", ""],
        ["41010219900101999X", "health_record", "2025-03-01", "", "", "", "", ""],
        [make_id(seq=101), "no_such_service", "2099-01-01", "某医院", "好", "", "", ""],
        [make_id(seq=101), "health_record", "2025-03-04", "", "", "", "高血压", ""],
        ["", "", "", "", "", "", "", ""],
    ]
    path = write_csv(tmp_path / "services.csv", rows)
    result = import_services(path, acting_user=owner)
    assert (result.total_rows, result.created, result.unchanged, result.error_rows) == (7, 3, 0, 4)
    events = {(e.person_id, e.service_type.code): e for e in ServiceEvent.objects.all()}
    assert events[(people["a"].pk, "health_record")].provider == centre
    followup_event = events[(people["b"].pk, "chronic_followup")]
    assert followup_event.details == {"condition": "高血压", "systolic": 142}
    assert (followup_event.date, followup_event.note) == (dt.date(2025, 3, 2), "首次")
    assert followup_event.recorded_by == owner
    assert not ServiceEvent.objects.filter(person=stranger).exists()

    errors = read_errors(path)
    assert errors[0] == ["行号", "姓名", "列", "值", "错误原因", "类型"]
    by_cell = {(int(r[0]), r[2]): r[4] for r in errors[1:]}
    assert by_cell[(4, "病种")] == "请填写病种"
    assert "50 到 300" in by_cell[(4, "收缩压(mmHg)")]
    assert by_cell[(5, "身份证号码")] == "在您的管辖区域内没有找到该身份证号码对应的人员"
    assert (6, "身份证号码") in by_cell
    assert "no_such_service" in by_cell[(7, "服务项目")]
    assert (7, "服务日期") in by_cell and (7, "服务机构") in by_cell and (7, "结果") in by_cell
    # A details value the row's service does not have: the row imports, the value is named.
    assert "没有“病种”这一明细,该值未导入" in by_cell[(8, "病种")]
    assert [r[5] for r in errors[1:] if int(r[0]) == 8] == ["提醒"]
    assert ServiceEvent.objects.get(date=dt.date(2025, 3, 4)).details == {}
    assert AuditEvent.objects.filter(action="service.import").count() == 1


def test_importing_the_same_file_twice_records_nothing_twice(
    tmp_path, owner, people, health_record, centre
):
    rows = [
        [make_id(seq=101), "health_record", "2025-03-01", centre.name, "", "", "", ""],
        [make_id(seq=103), "居民健康档案", "2025-03-01", "", "", "", "", ""],
    ]
    path = write_csv(tmp_path / "s.csv", rows, headers=HEADERS[:6] + ["病种", "收缩压(mmHg)"])
    first = import_services(path, acting_user=owner)
    second = import_services(path, acting_user=owner)
    assert (first.created, first.unchanged) == (2, 0)
    assert (second.created, second.unchanged, second.error_rows) == (0, 2, 0)
    assert ServiceEvent.objects.count() == 2
    assert not (tmp_path / "s.errors.csv").exists()


def test_a_row_repeating_an_earlier_one_in_the_same_file_is_an_error(
    tmp_path, owner, people, health_record
):
    row = [make_id(seq=101), "health_record", "2025-03-01", "", "", "", "", ""]
    path = write_csv(tmp_path / "s.csv", [row, row])
    result = import_services(path, acting_user=owner)
    assert (result.created, result.error_rows) == (1, 1)
    assert "与第2行是同一次服务" in read_errors(path)[1][4]


def test_gbk_csv_and_excel_files_are_read(tmp_path, owner, people, health_record):
    gbk = write_csv(
        tmp_path / "gbk.csv",
        [[make_id(seq=101), "居民健康档案", "2025-03-01", "", "", "", "", ""]],
        encoding="gbk",
    )
    assert import_services(gbk, acting_user=owner).created == 1
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS[:3])
    sheet.append([make_id(seq=103), "health_record", dt.datetime(2025, 3, 1)])
    book.save(tmp_path / "s.xlsx")
    assert import_services(tmp_path / "s.xlsx", acting_user=owner).created == 1


def test_a_file_without_the_required_headers_is_refused_whole(tmp_path, owner, health_record):
    path = write_csv(tmp_path / "s.csv", [["x"]], headers=["姓名"])
    with pytest.raises(ValidationError, match="身份证号码、服务项目、服务日期"):
        import_services(path, acting_user=owner)


def test_an_official_may_not_import_services(tmp_path, official, health_record):
    path = write_csv(tmp_path / "s.csv", [])
    with pytest.raises(PermissionDenied):
        import_services(path, acting_user=official)


def test_the_command_imports_services_and_people_still_works(
    tmp_path, owner, people, health_record, capsys
):
    path = write_csv(
        tmp_path / "s.csv", [[make_id(seq=101), "health_record", "2025-03-01", "", "", "", "", ""]]
    )
    call_command("import", "services", str(path), "--user", "owner", verbosity=0)
    assert "created: 1" in capsys.readouterr().out
    people_file = tmp_path / "p.csv"
    people_file.write_text("姓名,身份证号码,网格代码\n", encoding="utf-8")
    call_command("import", "people", str(people_file), "--user", "owner", verbosity=0)
    assert "rows: 0" in capsys.readouterr().out


def test_the_upload_page_imports_and_offers_the_error_file(
    login, owner, people, health_record, settings, tmp_path
):
    settings.IMPORT_DIR = tmp_path
    content = "\ufeff" + ",".join(HEADERS[:3]) + "\n"
    content += f"{make_id(seq=101)},health_record,2025-03-01\n"
    content += f"{make_id(seq=101)},health_record,2099-03-01\n"
    upload = SimpleUploadedFile("s.csv", content.encode("utf-8"), content_type="text/csv")
    client = login(owner)
    response = web_import(client, upload, url="services:import")
    result = response.context["result"]
    assert (result.created, result.error_rows) == (1, 1)
    error_url = reverse("people_io:error_file", args=[response.context["error_file"]])
    assert error_url in response.content.decode()
    assert client.get(error_url).status_code == 200


def test_the_template_has_a_column_per_details_label(login, owner, health_record, followup):
    assert template_headers(list(ServiceType.objects.all()))[6:] == ["病种", "收缩压(mmHg)"]
    client = login(owner)
    response = client.get(reverse("services:import_template", args=["xlsx"]))
    import io

    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert list(next(book.active.values))[:3] == ["身份证号码", "服务项目", "服务日期"]
    assert "服务项目" in book.sheetnames
    csv_template = client.get(reverse("services:import_template", args=["csv"]))
    assert b"".join(csv_template.streaming_content).decode("utf-8-sig").startswith("身份证号码")


def test_a_service_register_as_offices_keep_it_imports_through_the_kit(
    tmp_path, owner, people, health_record
):
    # A title row, other header names (证件号码 / 项目 / 服务时间), a GBK CSV, a full-width
    # ID, an Excel date serial, and an ID Excel turned into 1.01E+17.
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in make_id(seq=101))
    lines = [
        ["XX社区卫生服务中心服务登记表"],
        ["序号", "证件号码", "项目", "服务时间", "备注"],
        ["1", full_width, "health_record", "45717", "首次"],
        ["2", "4.10102E+17", "health_record", "2025-03-02", ""],
    ]
    path = tmp_path / "服务.csv"
    with open(path, "w", encoding="gbk", newline="") as handle:
        csv.writer(handle).writerows(lines)

    result = import_services(path, acting_user=owner)

    assert result.header_row == 2 and result.created == 1
    event = ServiceEvent.objects.get()
    assert (event.person_id, event.date, event.note) == (
        people["a"].pk,
        dt.date(2025, 3, 1),
        "首次",
    )
    assert [(e.row, e.code) for e in result.errors] == [(4, "id_excel_damaged")]
    again = import_services(path, acting_user=owner)
    assert (again.created, again.unchanged) == (0, 1)
    assert ServiceEvent.objects.count() == 1


def test_a_service_file_that_cannot_be_read_whole_writes_nothing(
    tmp_path, owner, people, health_record
):
    path = tmp_path / "s.csv"
    path.write_text(
        "身份证号码,服务项目,服务日期\n"
        f"{make_id(seq=101)},health_record,2025-03-01\n"
        f'{make_id(seq=103)},"health_record,2025-03-01\n',
        encoding="utf-8",
    )

    with pytest.raises(ValidationError, match="第3行有未闭合的引号"):
        import_services(path, acting_user=owner)

    assert not ServiceEvent.objects.exists()
    assert AuditEvent.objects.filter(action="service.import_failed").count() == 1
    assert "第3行" in read_errors(path)[1][4]
