"""Helpers of the import tests (people, service records, targets): going through an import
page as a user does (upload, the preview with the proposed mapping, then "导入" or "检查"),
the command line with a mapping, and workbooks with formula cells as Excel saves them."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from parity.core.models import ImportMapping


def web_import(
    client,
    upload,
    *,
    action: str = "import",
    change: dict[int, str] | None = None,
    url: str = "people_io:import",
):
    """The response of the last step: the upload's own page (``url``) when it refused the
    file, the preview when the file cannot be mapped, else the result of ``action``."""
    response = client.post(reverse(url), {"file": upload})
    if response.status_code != 302:
        return response
    preview = client.get(response["Location"])
    page = preview.context["page"]
    if page is None or (page.match.missing and not change):
        return preview
    data = {"header_row": page.match.first_row, "action": action}
    for column in page.columns:
        data[f"col_{column.index}"] = column.field or ""
    for index, field in (change or {}).items():
        data[f"col_{index}"] = field
    return client.post(response["Location"], data)


def saved_mapping(kind: str, area_code: str, name: str, columns: dict[str, str]) -> ImportMapping:
    """A mapping as an import page keeps it: the file's headers (row 1) → the fields."""
    return ImportMapping.objects.create(
        kind=kind,
        area_code=area_code,
        signature=name,
        name=name,
        header_row=1,
        headers=list(columns),
        fields=list(columns.values()),
    )


def command_import(kind: str, path, user, *options: str) -> str:
    """What ``parity import KIND PATH --user USER OPTIONS…`` prints."""
    out = io.StringIO()
    call_command("import", kind, str(path), "--user", user.username, *options, stdout=out)
    return out.getvalue()


def import_by_command(kind: str, path, user, area_code: str, columns: dict[str, str], written):
    """``parity import`` of a file whose headers no alias names: first with each column
    given as ``--map`` and ``--check`` (nothing may be written: ``written()`` stays false),
    then by the name of a mapping saved for ``area_code``; what the import printed."""
    maps = [f"--map={chr(65 + i)}={field}" for i, field in enumerate(columns.values())]
    assert "checked only" in command_import(kind, path, user, "--check", *maps)
    assert not written()
    saved_mapping(kind, area_code, "台账", columns)
    return command_import(kind, path, user, "--mapping", "台账")


def with_cached_values(path: Path, values: dict[str, str]) -> None:
    """openpyxl writes formulas without results: give the cells the values Excel would
    have stored with them (as a file saved by Excel has)."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    for cell, value in values.items():
        xml = re.sub(
            rf'<c r="{cell}"([^>]*)><f>(.*?)</f><v\s*/?>(?:</v>)?</c>',
            rf'<c r="{cell}" t="str"><f>\2</f><v>{value}</v></c>',
            xml,
        )
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def browser_upload(page, url: str, path: Path) -> None:
    """On a signed-in ``browser_page``: open the import page at ``url`` (a path), upload
    ``path`` and wait for the mapping step."""
    page.goto(f"{page.base_url}{url}")
    page.set_input_files("input[name=file]", str(path))
    page.click("button:has-text('上传并预览')")
    page.wait_for_url(f"{page.base_url}{url}*/")


def browser_error_rows(page) -> list[list]:
    """The rows of the .xlsx error file the result's link downloads."""
    with page.expect_download() as download:
        page.click("#error-file")
    # A download is saved without its extension, which openpyxl would refuse: read the bytes.
    data = io.BytesIO(Path(download.value.path()).read_bytes())
    return [[c.value for c in row] for row in load_workbook(data).worksheets[0].iter_rows()]


def workbook(path: Path, rows: list[list]) -> Path:
    """An .xlsx of ``rows`` (a register as typed: a title, the header, the data)."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path
