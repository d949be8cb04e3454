"""The import kit's pieces on their own: header names as people write them, a header under
a title or over two merged rows, values as people type them, places written out, and the
alias table kept by administrators."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from parity.areas.origins import code_for_place
from parity.core.imports.headers import HeaderSpec, column_index, find_header, normalise_header
from parity.core.imports.values import (
    clean_name,
    clean_phone,
    clean_text,
    damaged_number,
    excel_display,
    excel_serial_date,
    round_tripped,
)
from parity.core.models import ImportAlias

SPEC = HeaderSpec(
    kind="people",
    known=["姓名", "身份证号码", "户籍省", "户籍市", "户籍县"],
    required=["姓名", "身份证号码"],
    aliases={
        "公民身份号码": "身份证号码",
        "户籍地省": "户籍省",
        "户籍地市": "户籍市",
        "户籍地县": "户籍县",
    },
)


@pytest.mark.parametrize(
    "written",
    ["*姓名", "姓名＊", "姓名（必填）", "姓名(必填)", " 姓 名 ", "＊姓名(必填)"],
)
def test_header_marks_brackets_and_spaces_are_ignored(written):
    assert normalise_header(written) == "姓名"


def test_the_header_is_found_under_a_title_and_over_two_merged_rows():
    rows: list[list[object]] = [
        ["某社区流动人口登记表", "", "", "", "", ""],
        ["序号", "姓名", "公民身份号码", "户籍地", "", ""],
        ["", "", "", "省", "市", "县"],
        [1, "王五", "410102199001011234", "河南省", "郑州市", "金水区"],
    ]
    match = find_header(rows, SPEC)
    assert (match.first_row, match.row, match.depth) == (2, 3, 2)
    assert match.fields == [None, "姓名", "身份证号码", "户籍省", "户籍市", "户籍县"]
    assert match.unknown == []  # 序号 is never reported


def test_a_chosen_mapping_overrides_the_proposal_and_may_not_name_a_field_twice():
    rows = [["人名", "号码"], ["王五", "410102199001011234"]]
    match = find_header(rows, SPEC, mapping={0: "姓名", 1: "身份证号码"})
    assert match.columns == {"姓名": 0, "身份证号码": 1}
    with pytest.raises(Exception, match="都对应“姓名”"):
        find_header(rows, SPEC, mapping={0: "姓名", 1: "姓名"})


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("４１０１０２", "410102"),
        ("\u200b王五\u00a0", "王五"),
        ("'410102199001011234", "410102199001011234"),
        ('="410102199001011234"', "410102199001011234"),
        ("钢铁\t大街", "钢铁 大街"),
    ],
)
def test_values_are_cleaned_as_meant(typed, meant):
    assert clean_text(typed) == meant


def test_names_lose_the_spaces_between_chinese_characters_only():
    assert clean_name("王 五") == "王五"
    assert clean_name("阿依古丽 · 买买提") == "阿依古丽·买买提"
    assert clean_name("John  Smith") == "John Smith"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("+86 138-1234-5678", "13812345678"),
        ("0086 13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("0472 1234567", "0472-1234567"),
        ("0472-1234567", "0472-1234567"),
    ],
)
def test_phones_are_normalised(typed, meant):
    assert clean_phone(typed) == meant


def test_excel_serials_and_displays():
    assert excel_serial_date("45352") == dt.date(2024, 3, 1)
    assert excel_serial_date("2024") is None and excel_serial_date("20240301") is None
    assert excel_display(410102199001011234.0) == "4.10102E+17"
    assert excel_display(13812345678) == "13812345678"


def test_damaged_numbers_and_round_tripped_columns():
    assert damaged_number(4.101021990010112e17, "410102199001011200") == "4.10102E+17"
    assert damaged_number("1.40202E+17", "1.40202E+17") == "1.40202E+17"
    assert damaged_number("", "410102199001011000", zeros=False) is None
    assert damaged_number("", "410102199001011000") == "410102199001011000"
    assert round_tripped(["410102199001011000", "410102199001012000"])
    assert not round_tripped(["410102199001011000", "410102199001011234", "41010219900101125X"])


def test_places_written_out_become_codes():
    assert code_for_place("河南省郑州市金水区") == "410105"
    assert code_for_place("内蒙古包头昆都仑") == "150203"
    assert code_for_place("火星") is None


def test_columns_are_named_as_excel_names_them():
    assert [column_index(t) for t in ("A", "c", "AB", "3", "0", "中")] == [0, 2, 27, 2, None, None]


def test_an_administrator_edits_the_alias_table_and_a_grid_worker_may_not(
    client, admin_user, owner
):
    client.force_login(admin_user)
    url = reverse("admin:core_importalias_add")
    response = client.post(
        url, {"kind": "people", "alias": "身份证号(18位)", "header": "身份证号码"}
    )
    assert response.status_code == 302
    assert ImportAlias.objects.filter(alias="身份证号(18位)").exists()
    owner.is_staff = True
    owner.save(update_fields=["is_staff"])
    client.force_login(owner)
    assert client.get(reverse("admin:core_importalias_changelist")).status_code == 403
