"""Importing the registers community offices really keep (台账): files built the way
offices build them — a title above the table, a two-row header with merged cells, other
names for the columns, columns in any order, full-width and padded values, ID numbers
Excel turned into numbers, old .xls, GBK and BOM CSVs, an unclosed quote, formula cells
— each test asserting what was stored, and that importing the file again changes
nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from parity.conftest import GRID, OTHER_GRID, make_id
from parity.core.error_codes import ErrorCode
from parity.core.imports import ImportFailed
from parity.core.models import AuditEvent, ImportAlias, ImportValueSynonym
from parity.people.choices import Ethnicity, HousingType, MaritalStatus, MoveReason
from parity.people.imports import import_people
from parity.people.models import Person, Residence
from parity.people.tests.web import import_by_command, with_cached_values

FILES = Path(__file__).parent / "files"
TITLE = "昆都仑区XX社区流动人口登记表（2024年第三季度）"
LI = make_id("410102", "19880512", 31)
HAN = make_id("410102", "19900101", 42)
WANG = make_id("410102", "19920315", 64)
ZHOU = make_id("410102", "19900101", 123)
FULL_WIDTH = "".join(chr(ord(c) + 0xFEE0) for c in ZHOU)  # ４１０１０２…


def opened(someone: Person) -> Residence:
    """The person's open residence, which every imported person has."""
    residence = someone.open_residence()
    assert residence is not None
    return residence


def person(number: str) -> Person:
    return Person.objects.by_id_number(number).get()


def assert_again_changes_nothing(path: Path, user, **options) -> None:
    before = sorted(Person.objects.values_list("id", "name", "updated_at"))
    again = import_people(path, acting_user=user, **options)
    assert (again.created, again.updated) == (0, 0)
    assert sorted(Person.objects.values_list("id", "name", "updated_at")) == before


def office_workbook(path: Path) -> Path:
    """A title row, a two-row header (户籍地 merged over 省/市/县, the others merged
    down), 序号 first, 备注 last, columns out of the template's order, other names."""
    book = Workbook()
    sheet = book.active
    sheet.title = "登记表"
    sheet.append([TITLE])
    sheet.merge_cells("A1:M1")
    top = ["序号", "联系电话", "姓名", "公民身份号码", "户籍地", "", "", "民族", "婚姻状况",
           "现居住地址", "所属网格", "来包时间", "居住方式", "流入原因", "宗教信仰",
           "备注"]  # fmt: skip
    sub = ["", "", "", "", "省", "市", "县", "", "", "", "", "", "", "", "", ""]
    sheet.append(top)
    sheet.append(sub)
    sheet.merge_cells("E2:G2")
    for column in "ABCDHIJKLMNOP":
        sheet.merge_cells(f"{column}2:{column}3")
    rows = [
        [1, "+86 138-1234-5678", "李 雷", LI, "河南省", "郑州市", "金水区", "汉", "初婚",
         "钢铁大街１号", GRID, dt.datetime(2023, 5, 1), "租房", "打工", "无", ""],
        [2, "0086 13912345678", "韩梅梅", "\u200b" + HAN + "\u00a0", "内蒙古自治区", "包头市",
         "昆都仑区", "回", "再婚", "钢铁大街2号", GRID, "2024/2/29", "租住", "务工", "", "新来"],
        [3, "", "", "", "", "", "", "", "", "", "", "", "", "", "", "合计:2人"],
    ]  # fmt: skip
    for values in rows:
        sheet.append(values)
    book.save(path)
    return path


def test_a_register_with_a_title_and_a_merged_two_row_header_imports_as_meant(tmp_path, owner):
    path = office_workbook(tmp_path / "登记表.xlsx")

    result = import_people(path, acting_user=owner)

    assert result.errors == []
    assert (result.created, result.header_row, result.total_rows) == (2, 3, 2)
    assert result.ignored_columns == ["宗教信仰"]  # named back; 序号 and 备注 are silent
    li = person(LI)
    assert (li.name, li.ethnicity, li.marital_status) == (
        "李雷",
        Ethnicity.HAN,
        MaritalStatus.MARRIED,
    )
    assert li.hukou_code == "410105"  # 河南省 郑州市 金水区
    assert li.phone_masked == "138****5678"
    residence = opened(li)
    assert residence.address == "钢铁大街1号"  # the full-width digit made half-width
    assert (residence.arrived_on, residence.housing_type) == (
        dt.date(2023, 5, 1),
        HousingType.RENTED,
    )
    assert residence.move_reason == MoveReason.WORK
    han = person(HAN)
    assert (han.ethnicity, han.marital_status, han.hukou_code) == (
        Ethnicity.HUI, MaritalStatus.MARRIED, "150203"
    )  # fmt: skip
    assert han.phone_masked == "139****5678"
    assert opened(han).arrived_on == dt.date(2024, 2, 29)
    assert_again_changes_nothing(path, owner)


def test_an_old_xls_register_imports_and_its_number_cell_id_is_refused(tmp_path, owner):
    path = shutil.copy(FILES / "register.xls", tmp_path / "register.xls")

    result = import_people(path, acting_user=owner)

    assert result.created == 2
    assert person(LI).name == "李雷"
    assert opened(person(HAN)).housing_type == HousingType.DORMITORY
    [error] = result.errors
    assert (error.row, error.column, error.code) == (5, "身份证号码", ErrorCode.ID_EXCEL_DAMAGED)
    assert error.value == "4.10102E+17"  # as Excel shows it
    assert "设为文本格式" in error.message and error.name == "王芳"
    assert not Person.objects.filter(name="王芳").exists()
    assert_again_changes_nothing(Path(path), owner)


def test_an_xls_renamed_xlsx_is_read_by_its_content(tmp_path, owner):
    path = shutil.copy(FILES / "register.xls", tmp_path / "renamed.xlsx")

    assert import_people(path, acting_user=owner).created == 2


def test_an_id_typed_into_a_number_cell_is_refused_whatever_its_check_digit(tmp_path, owner):
    # Excel keeps 15 digits: the 18-digit number comes back ending in 000 — here a number
    # whose check digit happens to be right, so it would register a different person.
    rounded = next(
        make_id("410102", "19900101", seq)
        for seq in range(100, 1000, 100)
        if make_id("410102", "19900101", seq).endswith("000")
    )
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号码", "网格代码", "来本地日期", "住所类型"])
    sheet.append(["赵六", int(rounded), GRID, "2024-03-01", "出租房屋"])
    sheet.append(["钱七", float(make_id(seq=5)), GRID, "2024-03-01", "出租房屋"])
    sheet.append(["孙八", make_id(seq=7), GRID, "2024-03-01", "出租房屋"])
    path = tmp_path / "numbers.xlsx"
    book.save(path)

    result = import_people(path, acting_user=owner)

    assert [(e.row, e.code) for e in result.errors] == [
        (2, ErrorCode.ID_EXCEL_DAMAGED),
        (3, ErrorCode.ID_EXCEL_DAMAGED),
    ]
    assert result.errors[0].value == "4.10102E+17"
    assert list(Person.objects.values_list("name", flat=True)) == ["孙八"]


def test_a_csv_id_in_scientific_form_or_ending_000_is_refused(tmp_path, owner):
    rounded = make_id(seq=100)[:15] + "000"
    path = tmp_path / "ids.csv"
    path.write_text(
        "姓名,身份证号码,网格代码,来本地日期,住所类型\n"
        f"赵六,1.40202E+17,{GRID},2024-03-01,出租房屋\n"
        f"钱七,{rounded},{GRID},2024-03-01,出租房屋\n"
        f"孙八,{make_id(seq=7)},{GRID},2024-03-01,出租房屋\n",
        encoding="utf-8",
    )

    result = import_people(path, acting_user=owner)

    assert [(e.row, e.value, e.code) for e in result.errors] == [
        (2, "1.40202E+17", ErrorCode.ID_EXCEL_DAMAGED),
        (3, rounded, ErrorCode.ID_EXCEL_DAMAGED),
    ]
    assert list(Person.objects.values_list("name", flat=True)) == ["孙八"]


def test_a_real_id_ending_000_imports_when_the_column_is_text(tmp_path, owner):
    # One real ID number in about 1,100 ends in 000 (sequence x00, check digit 0).
    real = next(
        make_id("410102", birth, 100)
        for birth in (f"1990{m:02d}{d:02d}" for m in range(1, 13) for d in range(1, 29))
        if make_id("410102", birth, 100).endswith("000")
    )
    path = tmp_path / "real.csv"
    path.write_text(
        "姓名,身份证号码,网格代码,来本地日期,住所类型\n"
        f"赵六,{real},{GRID},2024-03-01,出租房屋\n"
        f"孙八,{make_id(seq=7)},{GRID},2024-03-01,出租房屋\n",
        encoding="utf-8",
    )

    result = import_people(path, acting_user=owner)

    assert result.errors == [] and person(real).name == "赵六"


def test_ids_ending_000_throughout_are_a_column_that_went_through_a_number(tmp_path, owner):
    numbers = [make_id(seq=n)[:15] + "000" for n in (1, 2, 3)]
    path = tmp_path / "rounded.csv"
    path.write_text(
        "姓名,身份证号码,网格代码,来本地日期,住所类型\n"
        + "".join(
            f"王{n},{number},{GRID},2024-03-01,出租房屋\n" for n, number in enumerate(numbers)
        ),
        encoding="utf-8",
    )

    result = import_people(path, acting_user=owner)

    assert [e.code for e in result.errors] == [ErrorCode.ID_EXCEL_DAMAGED] * 3
    assert not Person.objects.exists()


def gbk_register(path: Path, encoding: str) -> Path:
    """As Chinese Excel saves "CSV": a title line, other header names with 「＊」 and
    「（必填）」, a date column formatted as numbers (Excel serials), full-width digits."""
    lines = [
        [TITLE],
        ["序号", "＊姓名", "身份证号码（必填）", "网格编码", "来本地时间", "住房类型", "手机号码",
         "流动原因"],
        ["1", "周 杰", FULL_WIDTH, GRID, "45352", "租房", "138 1234 5678", "务工"],
        ["2", "吴敏", "'" + make_id(seq=9), GRID, "2024-03-01", "自有住房", "13912345678", "投亲"],
        ["", "", "", "", "", "", "", ""],
    ]  # fmt: skip
    buffer = io.StringIO()
    csv.writer(buffer).writerows(lines)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_a_csv_register_in_each_encoding_excel_saves_imports_as_meant(tmp_path, owner, encoding):
    path = gbk_register(tmp_path / "台账.csv", encoding)

    result = import_people(path, acting_user=owner)

    assert result.errors == [] and result.created == 2
    zhou = person(ZHOU)
    assert zhou.name == "周杰"
    assert opened(zhou).arrived_on == dt.date(2024, 3, 1)  # serial 45352
    assert opened(zhou).move_reason == MoveReason.WORK
    wu = person(make_id(seq=9))  # the leading apostrophe dropped
    assert opened(wu).move_reason == MoveReason.RELATIVES
    assert_again_changes_nothing(path, owner)


def test_an_unclosed_quote_at_the_end_of_a_large_file_writes_nothing(tmp_path, owner):
    rows = [f"王{n},{make_id(seq=n % 1000, birth=f'19{60 + n // 1000}0101')},{GRID},2024-03-01,租房"
            for n in range(1, 2501)]  # fmt: skip
    rows[2497] = f'王2498,"{make_id(seq=998)},{GRID},2024-03-01,出租房屋'  # never closed
    path = tmp_path / "big.csv"
    path.write_text("姓名,身份证号码,网格代码,来本地日期,住所类型\n" + "\n".join(rows) + "\n")

    with pytest.raises(ImportFailed) as excinfo:
        import_people(path, acting_user=owner)

    message = excinfo.value.messages[0]
    assert "第2499行有未闭合的引号" in message and "没有写入任何数据" in message
    assert not Person.objects.exists()
    report = excinfo.value.result.error_file
    assert report is not None and "第2499行" in report.read_text(encoding="utf-8-sig")
    event = AuditEvent.objects.get(action="people.import_failed")
    assert event.after is not None
    assert event.after["created"] == 0 and "2499" in event.after["reason"]


def test_a_stray_quote_closed_rows_later_does_not_swallow_rows_silently(tmp_path, owner):
    path = tmp_path / "stray.csv"
    path.write_text(
        "姓名,身份证号码,网格代码,来本地日期,住所类型\n"
        f'王一,"{make_id(seq=1)},{GRID},2024-03-01,出租房屋\n'
        f"王二,{make_id(seq=2)},{GRID},2024-03-01,出租房屋\n"
        f'王三,{make_id(seq=3)}",{GRID},2024-03-01,出租房屋\n',
        encoding="utf-8",
    )

    with pytest.raises(ValidationError, match="第2行有未闭合的引号"):
        import_people(path, acting_user=owner)
    assert not Person.objects.exists()


def test_a_truncated_workbook_writes_nothing_and_says_so_in_chinese(tmp_path, owner):
    whole = office_workbook(tmp_path / "whole.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(whole[: len(whole) // 2])

    with pytest.raises(ImportFailed) as excinfo:
        import_people(path, acting_user=owner)

    assert "文件不完整或已损坏" in excinfo.value.messages[0]
    assert not Person.objects.exists()
    assert AuditEvent.objects.filter(action="people.import_failed").count() == 1


def test_formula_cells_import_their_stored_values(tmp_path, owner):
    number = make_id(seq=31)
    book = Workbook()
    sheet = book.active
    sheet.append(
        ["姓名", "身份证号码", "网格代码", "来本地日期", "住所类型", "号码前段", "号码后段"]
    )
    sheet.append(["郑九", "=F2&G2", GRID, "2024-03-01", "出租房屋", number[:9], number[9:]])
    path = tmp_path / "formulas.xlsx"
    book.save(path)
    with_cached_values(path, {"B2": number})

    result = import_people(path, acting_user=owner)

    assert result.errors == [] and result.created == 1
    assert person(number).name == "郑九"


def test_warnings_do_not_block_the_row(tmp_path, owner):
    old = make_id("410102", "19050101", 11)
    path = tmp_path / "warn.csv"
    path.write_text(
        "姓名,身份证号码,性别,网格代码,来本地日期,住所类型,工作单位\n"
        f"老人,{old},男,{GRID},2024-03-01,出租房屋,\n"
        f"女士,{make_id(seq=13)},女,{GRID},2024-03-01,出租房屋,包头某公司\n",
        encoding="utf-8",
    )

    result = import_people(path, acting_user=owner)

    assert result.errors == [] and result.created == 2
    assert [(w.row, w.column, w.code) for w in result.warnings] == [
        (2, "身份证号码", ErrorCode.AGE_UNLIKELY),
        (3, "行业", ErrorCode.JOB_WITHOUT_INDUSTRY),
        (3, "性别", ErrorCode.SEX_MISMATCH),
    ]
    assert person(make_id(seq=13)).sex == "M"  # the ID number decides
    report = load_workbook(
        import_people(path, acting_user=owner, error_format="xlsx").error_file
    ).worksheets[0]
    kinds = [row[5].value for row in report.iter_rows(min_row=2)]
    assert kinds == ["提醒", "提醒", "提醒"]


def test_an_arrival_before_birth_is_refused(tmp_path, owner):
    path = tmp_path / "born.csv"
    path.write_text(
        "姓名,身份证号码,网格代码,来本地日期,住所类型\n"
        f"新生,{make_id(birth='20200101')},{GRID},2019-03-01,出租房屋\n",
        encoding="utf-8",
    )
    result = import_people(path, acting_user=owner)
    assert [e.code for e in result.errors] == [ErrorCode.DATE_ORDER]
    assert not Person.objects.exists()


def test_the_error_file_keeps_id_numbers_as_text(tmp_path, owner):
    path = tmp_path / "bad.csv"
    bad = make_id(seq=21)[:17] + ("0" if make_id(seq=21)[17] != "0" else "1")
    path.write_text(
        f"姓名,身份证号码,网格代码,来本地日期,住所类型\n王五,{bad},{GRID},2024-03-01,出租房屋\n",
        encoding="utf-8",
    )

    result = import_people(path, acting_user=owner, error_format="xlsx")

    sheet = load_workbook(result.error_file).worksheets[0]
    header, row = [[c for c in r] for r in sheet.iter_rows(max_row=2)]
    assert [c.value for c in header] == ["行号", "姓名", "列", "值", "错误原因", "类型"]
    assert [c.value for c in row[:4]] == [2, "王五", "身份证号码", bad]
    assert row[3].data_type == "s" and row[3].number_format == "@"


def test_another_areas_person_in_a_register_is_refused(tmp_path, owner, outsider):
    number = make_id(seq=77)
    theirs = tmp_path / "theirs.csv"
    theirs.write_text(
        f"姓名,身份证号码,网格代码,来本地日期,住所类型\n外区,{number},{OTHER_GRID},2024-03-01,租房\n",
        encoding="utf-8",
    )
    assert import_people(theirs, acting_user=outsider).created == 1
    path = office_workbook(tmp_path / "mine.xlsx")
    wb = load_workbook(path)
    wb.active["D5"] = number
    wb.active["C5"] = "外区"
    wb.save(path)

    result = import_people(path, acting_user=owner)

    assert [(e.row, e.code) for e in result.errors] == [(5, ErrorCode.OUTSIDE_SCOPE)]
    assert person(number).area_code == OTHER_GRID and person(number).name == "外区"


def test_an_alias_added_by_an_administrator_names_a_column(tmp_path, owner):
    ImportAlias.objects.create(kind="people", alias="身份证号(18位)", header="身份证号码")
    ImportValueSynonym.objects.create(
        kind="people", header="住所类型", value="廉租房", means="其他"
    )
    path = tmp_path / "alias.csv"
    path.write_text(
        f"姓名,身份证号(18位),网格,来本市日期,住所类型\n王五,{make_id(seq=5)},{GRID},2024-03-01,廉租房\n",
        encoding="utf-8",
    )

    result = import_people(path, acting_user=owner)

    assert result.errors == [] and result.created == 1
    assert opened(person(make_id(seq=5))).housing_type == HousingType.OTHER


def test_the_command_line_takes_a_mapping_as_options_or_by_name(tmp_path, owner):
    path = tmp_path / "odd.csv"
    path.write_text(
        f"人名,号码,片区,日期,住所类型\n王五,{make_id(seq=5)},{GRID},2024-03-01,出租房屋\n",
        encoding="utf-8",
    )
    columns = {"人名": "姓名", "号码": "身份证号码", "片区": "网格代码", "日期": "来本地日期"}
    written = Person.objects.exists
    import_by_command("people", path, owner, GRID, {**columns, "住所类型": "住所类型"}, written)
    assert person(make_id(seq=5)).name == "王五"


THEIR_NAME = "楚外人"
THEIR_ARRIVAL = dt.date(2023, 1, 5)
THEIR_SISTER_GRID = "150204001001002"  # 青山区, beside OTHER_GRID


@pytest.fixture
def theirs(register, outsider):
    """A person registered by another district's grid worker (青山区)."""
    return register(
        id_number=make_id("410102", "19930715", 714),
        name=THEIR_NAME,
        grid=OTHER_GRID,
        by=outsider,
        arrived_on=THEIR_ARRIVAL,
    )


@pytest.mark.parametrize("staging", [True, False], ids=["staging-path", "row-path"])
def test_rows_of_another_area_in_an_office_register_are_refused_and_tell_nothing(
    tmp_path, owner, theirs, staging
):
    # Given: a person registered by another district's grid worker (青山区), and the
    # owner's register (a title row, a merged two-row header) that names that person under
    # a new name, registers a newcomer in the other district's grid, and holds two people
    # of the owner's own grid.
    before = (theirs.name, theirs.area_code, theirs.updated_at, opened(theirs).arrived_on)
    newcomer = make_id("410102", "19950202", 88)
    path = office_workbook(tmp_path / "登记表.xlsx")
    book = load_workbook(path)
    sheet = book.active
    sheet["C6"], sheet["D6"], sheet["K6"] = "冒名", theirs.id_number, GRID
    sheet["L6"], sheet["M6"] = dt.datetime(2024, 3, 1), "租房"
    sheet["C7"], sheet["D7"], sheet["K7"] = "外来新人", newcomer, THEIR_SISTER_GRID
    sheet["L7"], sheet["M7"] = dt.datetime(2024, 3, 1), "租房"
    sheet["P5"] = ""  # the total line moves below
    sheet["P8"] = "合计:4人"
    book.save(path)

    # When
    result = import_people(path, acting_user=owner, staging=staging, error_format="xlsx")

    # Then: the owner's two people are imported, the other area's two rows refused.
    assert (result.created, result.updated) == (2, 0)
    assert {p.name for p in Person.objects.filter(area_code=GRID)} == {"李雷", "韩梅梅"}
    refused = {(e.row, e.code): e for e in result.errors}
    assert set(refused) == {(6, ErrorCode.OUTSIDE_SCOPE), (7, ErrorCode.AREA_OUT_OF_SCOPE)}
    # The registered person is untouched, and the importer is only told whom to ask.
    theirs.refresh_from_db()
    assert (theirs.name, theirs.area_code, theirs.updated_at, opened(theirs).arrived_on) == before
    assert refused[(6, ErrorCode.OUTSIDE_SCOPE)].message == (
        "该身份证号码的人员登记在您的管辖区域以外(青山区),您不能修改其登记信息;"
        "如其已迁入您的辖区,请提交迁入申请,由青山区确认"
    )
    assert not Person.objects.by_id_number(newcomer).exists()
    # Nothing about the person leaks: not in the result, not in the error file.
    assert result.error_file is not None
    sheet = load_workbook(result.error_file).worksheets[0]
    told = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)
    told += " ".join(f"{e.name} {e.value} {e.message}" for e in result.errors + result.warnings)
    grid = theirs.grid
    assert grid is not None
    secrets = [THEIR_NAME, grid.name, OTHER_GRID, THEIR_ARRIVAL.isoformat(), "2023/1/5"]
    assert [s for s in secrets if s in told] == []
    assert theirs.id_number not in told  # the number the row gave is shown masked only
    assert_again_changes_nothing(path, owner, staging=staging)
    theirs.refresh_from_db()
    assert theirs.name == THEIR_NAME


@pytest.mark.parametrize("staging", [True, False], ids=["staging-path", "row-path"])
def test_another_area_s_person_typed_in_full_width_digits_is_still_refused(
    tmp_path, owner, theirs, staging
):
    # Given: another district's person, and the owner's office register naming them with the
    # ID number typed in full-width digits (a Chinese input method's) and a different name.
    before = (theirs.name, theirs.area_code, theirs.updated_at)
    full_width = theirs.id_number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    assert full_width != theirs.id_number
    path = office_workbook(tmp_path / "登记表.xlsx")
    book = load_workbook(path)
    sheet = book.active
    sheet["C6"], sheet["D6"], sheet["K6"] = "冒名", full_width, GRID
    sheet["L6"], sheet["M6"] = dt.datetime(2024, 3, 1), "租房"
    sheet["P5"] = ""
    sheet["P7"] = "合计:3人"
    book.save(path)

    result = import_people(path, acting_user=owner, staging=staging, error_format="xlsx")

    # Then: once normalised the number is the registered one, so the row is refused as outside
    # the owner's area: no second record, the person untouched, the owner's rows imported.
    assert (result.created, result.updated) == (2, 0)
    assert [(e.row, e.code) for e in result.errors] == [(6, ErrorCode.OUTSIDE_SCOPE)]
    assert Person.objects.by_id_number(theirs.id_number).count() == 1
    theirs.refresh_from_db()
    assert (theirs.name, theirs.area_code, theirs.updated_at) == before
