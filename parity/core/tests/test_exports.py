"""The shared writer neutralises formula-like text (OWASP CSV injection) in .xlsx and .csv
files, and leaves numbers and dates alone."""

import datetime as dt
import io
from decimal import Decimal

import pytest

from parity.core.exports import neutralise, write_csv, write_private_csv, write_xlsx
from parity.core.tests.sheets import (
    FORMULAS,
    assert_no_formula_cells,
    csv_values,
    neutral,
    xlsx_cells,
)


@pytest.mark.parametrize("text", [*FORMULAS, "\t=1+1", "\r=1+1"])
def test_text_starting_like_a_formula_gets_a_leading_quote(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize(
    "value",
    [
        "张三",
        "150203********123X",
        "1+1",
        "",
        -5,
        3.5,
        Decimal("-1.5"),
        None,
        dt.date(2024, 1, 1),
    ],  # fmt: skip
)
def test_plain_text_numbers_dates_and_none_are_left_alone(value):
    assert neutralise(value) == value


def test_an_xlsx_holds_formula_like_text_as_text_and_numbers_as_numbers():
    out = io.BytesIO()
    write_xlsx(out, "表", ["=标题", "数"], [[text, -1] for text in FORMULAS])
    data = out.getvalue()
    assert_no_formula_cells(data)
    values = {cell.value: cell.data_type for cell in xlsx_cells(data)}
    assert {neutral(text) for text in FORMULAS} | {neutral("=标题")} <= set(values)
    assert values[-1] == "n"


def test_a_csv_holds_formula_like_text_neutralised():
    out = io.StringIO()
    write_csv(out, ["姓名", "日期"], [[text, dt.date(2024, 5, 1)] for text in FORMULAS])
    values = csv_values(out.getvalue().encode())
    assert {neutral(text) for text in FORMULAS} <= values
    assert not set(FORMULAS) & values
    assert "2024-05-01" in values


def test_a_private_csv_is_readable_by_its_owner_only(tmp_path):
    target = tmp_path / "x.errors.csv"
    target.write_text("old")
    target.chmod(0o644)
    write_private_csv(target, ["值"], [["=1+1"]])
    assert target.stat().st_mode & 0o777 == 0o600
    assert neutral("=1+1") in csv_values(target.read_bytes())
