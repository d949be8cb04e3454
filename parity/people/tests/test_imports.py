"""Importing people from CSV and Excel files: precise row errors, upsert by ID number,
encryption at rest."""

from __future__ import annotations

import csv
import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from openpyxl import Workbook

from parity.conftest import GRID, OTHER_GRID, SISTER_GRID, make_id
from parity.core.error_codes import ErrorCode
from parity.core.models import AuditEvent
from parity.people.choices import Status
from parity.people.idnumber import with_check_digit
from parity.people.imports import HEADERS, TEMPLATE_COLUMNS, engine, import_people, write_template
from parity.people.models import Employment, Person, Residence

GOOD_ID = make_id("410102", "19900101", 123)


def row(**values: str) -> dict[str, str]:
    base = {
        "姓名": "王五",
        "身份证号码": GOOD_ID,
        "网格代码": GRID,
        "来本地日期": "2024-03-01",
        "住所类型": "出租房屋",
    }
    return {**base, **values}


def write_csv(path: Path, rows: list[dict], encoding: str = "utf-8-sig") -> Path:
    with open(path, "w", encoding=encoding, newline="") as handle:
        out = csv.writer(handle)
        out.writerow(HEADERS)
        for values in rows:
            out.writerow([values.get(h, "") for h in HEADERS])
    return path


def write_xlsx(path: Path, rows: list[list]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for values in rows:
        sheet.append(values)
    book.save(path)
    return path


def after(event: AuditEvent) -> Any:
    """The event's ``after`` state, which an import event always has."""
    assert event.after is not None
    return event.after


def read_error_file(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


@pytest.fixture
def mixed_file(tmp_path, areas):
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    bad_checksum = GOOD_ID[:17] + ("0" if GOOD_ID[17] != "0" else "1")
    rows = [
        row(姓名="王五", 联系电话="13812345678", 行业="批发和零售业", 职业="店员"),  # 2 good
        row(身份证号码=bad_checksum),  # 3
        row(身份证号码=make_id("410102", "19900230", 5)[:17] + "1"),  # 4 impossible birth date
        row(身份证号码=make_id(seq=7), 来本地日期=future),  # 5
        row(身份证号码=make_id(seq=9), 网格代码="150203001001099"),  # 6 unknown grid
        row(身份证号码=make_id(seq=11), 网格代码=OTHER_GRID),  # 7 out of scope
        row(身份证号码=make_id(seq=13), 联系电话="12345"),  # 8
        row(身份证号码=make_id(seq=15), 住所类型="豪宅"),  # 9
        row(身份证号码=make_id(seq=17), 姓名=""),  # 10 missing name
        row(姓名="王五重复"),  # 11 duplicate of row 2
        row(身份证号码="410102900101125", 姓名="老号码"),  # 12 good, 15 digits
        row(身份证号码=make_id(seq=19), 来本地日期="2024-02-30"),  # 13 impossible date
        row(  # 14 good, outflow
            身份证号码=make_id("150203", "19850505", 21),
            姓名="外出者",
            流向地代码="110105",
            流出日期="2023-05-01",
            来本地日期="",
            住所类型="",
        ),
        row(身份证号码=make_id(seq=23), 姓名="陈七", 婚姻状况="已婚", 民族="蒙古族"),  # 15 good
    ]
    return write_csv(tmp_path / "people.csv", rows)


def test_it_keeps_good_rows_and_reports_each_bad_row_precisely(mixed_file, owner):
    result = import_people(mixed_file, acting_user=owner)

    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    assert result.total_rows == 14
    found = {(e.row, e.column, e.code) for e in result.errors}
    assert found == {
        (3, "身份证号码", ErrorCode.ID_CHECKSUM),
        (4, "身份证号码", ErrorCode.ID_BIRTH_DATE),
        (5, "来本地日期", ErrorCode.DATE_IN_FUTURE),
        (6, "网格代码", ErrorCode.AREA_UNKNOWN),
        (7, "网格代码", ErrorCode.AREA_OUT_OF_SCOPE),
        (8, "联系电话", ErrorCode.PHONE_FORMAT),
        (9, "住所类型", ErrorCode.INVALID_CHOICE),
        (10, "姓名", ErrorCode.REQUIRED),
        (11, "身份证号码", ErrorCode.ID_DUPLICATE),
        (13, "来本地日期", ErrorCode.INVALID_DATE),
    }
    by_row = {e.row: e for e in result.errors}
    assert by_row[11].message == "身份证号码与第2行重复"
    assert by_row[3].message == "身份证号码校验位错误"
    assert by_row[6].message == "网格代码 150203001001099 不存在"
    assert "不在您的管辖范围内" in by_row[7].message
    assert "豪宅" in by_row[9].message and "出租房屋" in by_row[9].message
    assert by_row[13].message == "日期不存在"


def test_it_writes_an_error_file_beside_the_input(mixed_file, owner):
    result = import_people(mixed_file, acting_user=owner)

    assert result.error_file == mixed_file.with_name("people.errors.csv")
    assert result.error_file is not None
    assert result.error_file.read_bytes().startswith(b"\xef\xbb\xbf")
    lines = read_error_file(result.error_file)
    assert lines[0] == ["行号", "姓名", "列", "值", "错误原因", "类型"]
    assert lines[1][:3] == ["3", "王五", "身份证号码"]
    assert lines[1][4] == "身份证号码校验位错误"
    assert [
        "6",
        "王五",
        "网格代码",
        "150203001001099",
        "网格代码 150203001001099 不存在",
        "错误",
    ] in lines
    assert len(lines) == 1 + len(result.errors)


def test_good_rows_are_registered_with_residence_and_job(mixed_file, owner):
    import_people(mixed_file, acting_user=owner)

    person = Person.objects.by_id_number(GOOD_ID).get()
    assert person.name == "王五"
    assert person.status == Status.INFLOW
    assert person.phone == "13812345678"
    residence = person.open_residence()
    assert residence.arrived_on == dt.date(2024, 3, 1)
    assert residence.housing_type == "rented"
    job = Employment.objects.get(person=person)
    assert (job.industry, job.occupation) == ("F", "店员")
    chen = Person.objects.get(name="陈七")
    assert (chen.marital_status, chen.ethnicity) == ("married", "02")


def test_a_15_digit_id_number_is_converted(mixed_file, owner):
    import_people(mixed_file, acting_user=owner)

    person = Person.objects.get(name="老号码")
    assert person.id_number == with_check_digit("41010219900101125")
    assert person.birth_date == dt.date(1990, 1, 1)


def test_an_outflow_row_registers_an_outflow_person_without_residence(mixed_file, owner):
    import_people(mixed_file, acting_user=owner)

    person = Person.objects.get(name="外出者")
    assert person.status == Status.OUTFLOW
    assert person.outflow_region_code == "110105"
    assert person.outflow_since == dt.date(2023, 5, 1)
    assert not person.residences.exists()


def test_an_outflow_row_needs_a_hukou_in_the_city(tmp_path, owner):
    path = write_csv(tmp_path / "out.csv", [row(流向地代码="110105", 来本地日期="")])

    result = import_people(path, acting_user=owner)

    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (2, "流向地代码", ErrorCode.STATUS_CONFLICT)
    ]


def test_reimporting_the_same_file_changes_nothing(mixed_file, owner):
    import_people(mixed_file, acting_user=owner)
    audits = AuditEvent.objects.count()
    stamps = dict(Person.objects.values_list("pk", "updated_at"))

    again = import_people(mixed_file, acting_user=owner)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert AuditEvent.objects.count() == audits
    assert dict(Person.objects.values_list("pk", "updated_at")) == stamps
    assert Residence.objects.count() == 3


def test_each_chunk_is_audited_once_with_the_people_it_created(mixed_file, owner):
    import_people(mixed_file, acting_user=owner)

    event = AuditEvent.objects.get(action="people.import_chunk")
    assert (event.actor, event.note, event.area_code) == (owner, "people.csv", GRID)
    assert event.after is not None
    assert sorted(event.after["created"]) == sorted(Person.objects.values_list("pk", flat=True))
    assert event.after["updated"] == {}
    assert not AuditEvent.objects.filter(action="person.register").exists()
    summary = AuditEvent.objects.get(action="people.import")
    assert summary.after is not None
    assert summary.after["created"] == 4 and summary.after["file"] == "people.csv"


def test_no_audit_row_holds_a_clear_id_or_phone_number(tmp_path, owner):
    import_people(write_csv(tmp_path / "a.csv", [row(联系电话="13812345678")]), acting_user=owner)
    import_people(write_csv(tmp_path / "b.csv", [row(联系电话="13912345678")]), acting_user=owner)

    rows = [f"{e.before}{e.after}{e.note}" for e in AuditEvent.objects.all()]
    imports = AuditEvent.objects.filter(action__startswith="people.import")
    assert imports.count() == 4  # a chunk and a summary for each file
    assert not any(GOOD_ID in r or "13812345678" in r or "13912345678" in r for r in rows)
    assert not any(GOOD_ID[6:14] in r and GOOD_ID[:6] in r for r in rows)


def test_a_large_file_gets_one_audit_event_per_chunk(tmp_path, owner, monkeypatch):
    monkeypatch.setattr(engine, "CHUNK_ROWS", 2)
    rows = [row(身份证号码=make_id(seq=n), 姓名=f"工人{n}") for n in range(1, 6)]

    import_people(write_csv(tmp_path / "a.csv", rows), acting_user=owner)

    events = AuditEvent.objects.filter(action="people.import_chunk").order_by("id")
    assert [len(after(e)["created"]) for e in events] == [2, 2, 1]


def test_a_changed_row_updates_the_person_and_moves_the_residence(tmp_path, owner, colleague):
    first = write_csv(tmp_path / "a.csv", [row(联系电话="13812345678")])
    import_people(first, acting_user=colleague)
    changed_file = write_csv(
        tmp_path / "b.csv",
        [row(姓名="王五", 网格代码=SISTER_GRID, 来本地日期="2024-09-01", 联系电话="13912345678")],
    )

    result = import_people(changed_file, acting_user=colleague)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    person = Person.objects.get()
    assert person.area_code == SISTER_GRID
    assert person.phone == "13912345678"
    closed, current = person.residences.order_by("arrived_on")
    assert closed.departed_on == dt.date(2024, 9, 1)
    assert (current.grid.code, current.departed_on) == (SISTER_GRID, None)
    event = AuditEvent.objects.filter(action="people.import_chunk").latest("id")
    assert event.after is not None
    assert event.after["created"] == []
    change = event.after["updated"][str(person.pk)]
    assert change["before"]["area_code"] == GRID and change["after"]["area_code"] == SISTER_GRID
    assert change["after"]["arrived_on"] == "2024-09-01"
    assert change["after"]["phone_masked"] == "139****5678"
    assert "13912345678" not in str(event.after)


def test_blank_optional_cells_keep_what_is_on_file(tmp_path, owner):
    import_people(write_csv(tmp_path / "a.csv", [row(婚姻状况="已婚")]), acting_user=owner)

    result = import_people(write_csv(tmp_path / "b.csv", [row()]), acting_user=owner)

    assert result.unchanged == 1
    assert Person.objects.get().marital_status == "married"


def test_an_arrival_before_the_current_one_is_an_error_not_a_move(tmp_path, owner):
    import_people(write_csv(tmp_path / "a.csv", [row()]), acting_user=owner)

    result = import_people(
        write_csv(tmp_path / "b.csv", [row(来本地日期="2023-01-01")]), acting_user=owner
    )

    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (2, "来本地日期", ErrorCode.DATE_ORDER)
    ]
    assert Residence.objects.count() == 1


def test_the_raw_id_number_is_not_stored_anywhere_in_the_people_table(mixed_file, owner):
    import_people(mixed_file, acting_user=owner)

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Person._meta.db_table}")
        cells = [str(value) for values in cursor.fetchall() for value in values]
    assert cells
    assert not any(GOOD_ID in cell or "13812345678" in cell for cell in cells)
    assert not any(GOOD_ID[6:14] in cell and GOOD_ID[:6] in cell for cell in cells)


def test_it_reads_excel_with_real_dates_and_numbers(tmp_path, owner, areas):
    values = {h: "" for h in HEADERS}
    values.update(row(联系电话=13812345678))  # type: ignore[arg-type]
    values["来本地日期"] = dt.datetime(2024, 3, 1)  # type: ignore[assignment]
    values["网格代码"] = int(GRID)  # type: ignore[assignment]
    path = write_xlsx(tmp_path / "people.xlsx", [[values[h] for h in HEADERS]])

    result = import_people(path, acting_user=owner)

    assert (result.created, result.errors) == (1, [])
    person = Person.objects.get()
    residence = person.open_residence()
    assert residence is not None
    assert residence.arrived_on == dt.date(2024, 3, 1)
    assert person.phone == "13812345678"


def test_an_id_number_stored_as_an_excel_number_gets_a_hint(tmp_path, owner):
    values = row()
    values["身份证号码"] = float(GOOD_ID[:17] + "1")  # type: ignore[assignment]
    path = write_xlsx(tmp_path / "people.xlsx", [[values.get(h, "") for h in HEADERS]])

    result = import_people(path, acting_user=owner)

    assert "文本格式" in result.errors[0].message


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_it_reads_csv_in_the_encodings_excel_saves(tmp_path, owner, encoding):
    path = write_csv(tmp_path / "people.csv", [row(姓名="赵六", 居住地址="钢铁大街5号")], encoding)

    result = import_people(path, acting_user=owner)

    assert result.created == 1
    assert Person.objects.get().name == "赵六"
    assert Residence.objects.get().address == "钢铁大街5号"


@pytest.mark.parametrize("text", ["2024-03-01", "2024/3/1", "20240301", "2024/03/01"])
def test_dates_are_read_in_every_accepted_format(tmp_path, owner, text):
    import_people(write_csv(tmp_path / "a.csv", [row(来本地日期=text)]), acting_user=owner)

    assert Residence.objects.get().arrived_on == dt.date(2024, 3, 1)


def test_the_template_reimports_as_a_file_with_no_rows(tmp_path, owner):
    write_template(tmp_path / "template.csv", "csv")

    result = import_people(tmp_path / "template.csv", acting_user=owner)

    assert (result.total_rows, result.created, result.error_file) == (0, 0, None)


def test_the_xlsx_template_has_the_headers_an_example_and_notes(tmp_path):
    from openpyxl import load_workbook

    write_template(tmp_path / "template.xlsx", "xlsx")

    book = load_workbook(tmp_path / "template.xlsx")
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet.cell(row=2, column=1).value == "张三"
    assert len(book.worksheets) == 2
    assert len(TEMPLATE_COLUMNS) == 18


def test_a_file_without_required_headers_is_refused_and_nothing_is_written(tmp_path, owner):
    path = tmp_path / "bad.csv"
    path.write_text("名字,号码\n张三,1\n", encoding="utf-8")

    with pytest.raises(ValidationError) as excinfo:
        import_people(path, acting_user=owner)

    assert excinfo.value.code == ErrorCode.FILE_HEADER
    assert "身份证号码" in excinfo.value.messages[0]
    assert not Person.objects.exists()


def test_a_file_that_is_not_a_table_is_refused(tmp_path, owner):
    path = tmp_path / "people.pdf"
    path.write_bytes(b"%PDF-1.4\n\x00\x01\x02")

    with pytest.raises(ValidationError) as excinfo:
        import_people(path, acting_user=owner)

    assert excinfo.value.code == ErrorCode.FILE_FORMAT


def test_a_damaged_workbook_is_refused(tmp_path, owner):
    path = tmp_path / "people.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")

    with pytest.raises(ValidationError) as excinfo:
        import_people(path, acting_user=owner)

    assert excinfo.value.code == ErrorCode.FILE_FORMAT


def test_a_view_only_user_may_not_import(tmp_path, official):
    path = write_csv(tmp_path / "a.csv", [row()])

    with pytest.raises(PermissionDenied):
        import_people(path, acting_user=official)


def test_the_error_file_of_an_earlier_run_is_removed_when_the_file_is_clean(tmp_path, owner):
    path = write_csv(tmp_path / "a.csv", [row(联系电话="1")])
    assert import_people(path, acting_user=owner).error_file is not None
    write_csv(path, [row()])

    result = import_people(path, acting_user=owner)

    assert result.error_file is None
    assert not path.with_name("a.errors.csv").exists()


@pytest.mark.django_db(transaction=True)
def test_the_row_path_can_write_chunks_with_parallel_writers(tmp_path, owner, monkeypatch):
    monkeypatch.setattr(engine, "CHUNK_ROWS", 4)
    rows = [row(身份证号码=make_id(seq=n), 姓名=f"工人{n}") for n in range(1, 40)]
    rows.append(row(身份证号码=make_id(seq=1)))
    path = write_csv(tmp_path / "many.csv", rows)

    threads = set()
    write = engine.PeopleWriter.write

    def spy(self, records):
        threads.add(threading.current_thread().name)
        return write(self, records)

    monkeypatch.setattr(engine.PeopleWriter, "write", spy)

    result = import_people(path, acting_user=owner, workers=2, staging=False)

    if connection.vendor == "postgresql":
        assert threads <= {"people-writer-0", "people-writer-1"} and threads
    else:  # SQLite writes in the importing thread
        assert threads == {threading.current_thread().name}
    assert (result.created, len(result.errors)) == (39, 1)
    assert result.errors[0].message == "身份证号码与第2行重复"
    assert Person.objects.by_id_number(make_id(seq=5)).get().name == "工人5"
    assert Residence.objects.count() == 39
    events = AuditEvent.objects.filter(action="people.import_chunk")
    assert sorted(pk for e in events for pk in after(e)["created"]) == sorted(
        Person.objects.values_list("pk", flat=True)
    )


def test_the_import_command_prints_counts_and_the_error_file(mixed_file, owner, capsys):
    call_command("import", "people", str(mixed_file), "--user", "owner", verbosity=0)

    out = capsys.readouterr().out
    assert "created: 4" in out
    assert "people.errors.csv" in out


def test_the_import_command_fails_on_a_file_level_error(tmp_path, owner):
    path = tmp_path / "bad.csv"
    path.write_text("名字\n", encoding="utf-8")

    with pytest.raises(CommandError, match="文件缺少必需的列"):
        call_command("import", "people", str(path), "--user", "owner", verbosity=0)


def test_backslashes_survive_the_bulk_write_and_tabs_become_spaces(tmp_path, owner):
    path = write_csv(tmp_path / "a.csv", [row(姓名="王\\五", 居住地址="钢铁\t大街\\5号")])

    import_people(path, acting_user=owner)

    person = Person.objects.get()
    assert person.name == "王\\五"
    residence = person.open_residence()
    assert residence is not None
    assert residence.address == "钢铁 大街\\5号"


# -- the current stay in the city (Person.arrived_city_on / left_city_on) ----------------

LOCAL_ID = make_id("150203", "19850505", 21)


def test_a_new_resident_arrives_in_the_city_on_the_arrival_date(tmp_path, owner):
    import_people(write_csv(tmp_path / "a.csv", [row()]), acting_user=owner)

    person = Person.objects.get()
    assert (person.arrived_city_on, person.left_city_on) == (dt.date(2024, 3, 1), None)


def test_a_new_outflow_person_left_on_the_outflow_date(tmp_path, owner):
    outflow = row(身份证号码=LOCAL_ID, 流向地代码="110105", 流出日期="2023-05-01", 来本地日期="")

    import_people(write_csv(tmp_path / "a.csv", [outflow]), acting_user=owner)

    person = Person.objects.get()
    assert (person.arrived_city_on, person.left_city_on) == (None, dt.date(2023, 5, 1))


def test_a_move_within_the_city_keeps_the_stay(tmp_path, owner, colleague):
    import_people(write_csv(tmp_path / "a.csv", [row()]), acting_user=colleague)

    moved = row(网格代码=SISTER_GRID, 来本地日期="2024-09-01")
    import_people(write_csv(tmp_path / "b.csv", [moved]), acting_user=colleague)

    person = Person.objects.get()
    assert person.area_code == SISTER_GRID
    assert (person.arrived_city_on, person.left_city_on) == (dt.date(2024, 3, 1), None)


def test_leaving_the_city_closes_the_stay_on_the_outflow_date(tmp_path, owner):
    import_people(write_csv(tmp_path / "a.csv", [row(身份证号码=LOCAL_ID)]), acting_user=owner)

    leaving = row(身份证号码=LOCAL_ID, 流向地代码="110105", 流出日期="2024-06-01", 来本地日期="")
    result = import_people(write_csv(tmp_path / "b.csv", [leaving]), acting_user=owner)

    assert result.updated == 1
    person = Person.objects.get()
    assert person.status == Status.OUTFLOW
    assert (person.arrived_city_on, person.left_city_on) == (
        dt.date(2024, 3, 1),
        dt.date(2024, 6, 1),
    )
    assert person.residences.get().departed_on == dt.date(2024, 6, 1)
    change = AuditEvent.objects.filter(action="people.import_chunk").latest("id")
    assert change.after is not None
    assert change.after["updated"][str(person.pk)]["after"]["left_city_on"] == "2024-06-01"


def test_coming_back_starts_a_new_stay(tmp_path, owner):
    import_people(write_csv(tmp_path / "a.csv", [row(身份证号码=LOCAL_ID)]), acting_user=owner)
    leaving = row(身份证号码=LOCAL_ID, 流向地代码="110105", 流出日期="2024-06-01", 来本地日期="")
    import_people(write_csv(tmp_path / "b.csv", [leaving]), acting_user=owner)

    back = row(身份证号码=LOCAL_ID, 来本地日期="2025-01-10")
    import_people(write_csv(tmp_path / "c.csv", [back]), acting_user=owner)

    person = Person.objects.get()
    assert person.status == Status.REGISTERED
    assert (person.arrived_city_on, person.left_city_on) == (dt.date(2025, 1, 10), None)
    residence = person.open_residence()
    assert residence is not None
    assert residence.arrived_on == dt.date(2025, 1, 10)


# -- the fast paths agree with the general rules -----------------------------------------


def test_the_check_character_agrees_with_stdnum():
    import random

    from stdnum.cn import ric

    from parity.people.imports.rows import check_character

    rng = random.Random(5)
    bodies = [f"{rng.randrange(10**17):017d}" for _ in range(5000)] + ["0" * 17, "9" * 17]
    assert all(check_character(b) == ric.calc_check_digit(b + "0") for b in bodies)


@pytest.mark.parametrize(
    "text",
    [
        GOOD_ID,
        GOOD_ID.lower(),
        "11010X199001010051",
        make_id("150203", "20000229", 8),
        make_id("150203", "19000230", 8)[:17] + "0",
        GOOD_ID[:17] + ("0" if GOOD_ID[17] != "0" else "1"),
        make_id("110105", "19900101", 99)[:17] + "x",
        make_id("110105", "29900101", 99),
        "４１０１０２１９９００１０１１２３４",
        GOOD_ID[:10] + " " + GOOD_ID[10:],
        "410102900101125",
        GOOD_ID + "1",
    ],
)
def test_the_id_number_fast_path_agrees_with_idnumber_parse(areas, text):
    from parity.people import idnumber
    from parity.people.imports.rows import RowValidator

    today = timezone.localdate()
    validator = RowValidator(columns={h: i for i, h in enumerate(HEADERS)}, scope="", today=today)
    try:
        parsed = idnumber.parse(text, today=today)
    except idnumber.IDNumberError as exc:
        expected: tuple = ("error", exc.code, exc.message)
    else:
        expected = ("ok", parsed.number, parsed.birth_date, parsed.sex)

    outcome = validator(2, [row(身份证号码=text).get(h, "") for h in HEADERS])

    if isinstance(outcome, list):
        (error,) = [e for e in outcome if e.column == "身份证号码"]
        assert ("error", error.code, error.message) == expected
    else:
        assert outcome is not None
        assert ("ok", outcome.id_number, outcome.birth_date, outcome.sex) == expected


def test_a_row_whose_id_number_holds_a_superscript_digit_is_reported_and_good_rows_kept(
    tmp_path, owner
):
    # "²" passes str.isdigit() but not int(): it once aborted the whole import.
    bad = make_id(seq=31)[:16] + "²" + make_id(seq=31)[17]
    rows = [row(), row(身份证号码=bad, 姓名="上标"), row(身份证号码=make_id(seq=33), 姓名="李四")]

    result = import_people(write_csv(tmp_path / "p.csv", rows), acting_user=owner)

    assert result.created == 2
    # NFKC reads "²" as "2" (ID numbers are normalised like full-width digits), which here
    # replaces a "1": the check character no longer fits.
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (3, "身份证号码", ErrorCode.ID_CHECKSUM)
    ]
    assert bad not in result.errors[0].message
