"""Reading downloads back in tests: every cell of an .xlsx (with openpyxl's own idea of its
type) or of a .csv, and the formula-like values the injection tests register."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

# What a user may type in a name, address or employer that a spreadsheet would run.
FORMULAS = ('=HYPERLINK("http://x","y")', "@SUM(1)", "+1", "-1+2")


def neutral(text: str) -> str:
    return "'" + text


def download(response) -> bytes:
    assert response.status_code == 200, response.status_code
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def xlsx_cells(data: bytes) -> list:
    """Every non-empty cell of every sheet."""
    book = load_workbook(io.BytesIO(data))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
            if cell.value is not None]  # fmt: skip


def xlsx_values(data: bytes) -> set:
    return {cell.value for cell in xlsx_cells(data)}


def assert_no_formula_cells(data: bytes) -> None:
    formulas = [cell.coordinate for cell in xlsx_cells(data) if cell.data_type == "f"]
    assert formulas == []


def csv_values(data: bytes) -> set[str]:
    text = data.decode("utf-8-sig")
    return {value for row in csv.reader(io.StringIO(text)) for value in row}
