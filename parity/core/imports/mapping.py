"""The mapping step of an import page, and the mappings a department keeps.

Upload → a preview of the first rows, the header row found and each column's proposed
field (the user may change any of them, and the header row) → a check of the whole file
→ the import. A mapping confirmed by an import is kept for the user's area
(``ImportMapping``) and proposed again for a file with the same headers; the command
line names it (``--mapping NAME``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from parity.core.error_codes import ErrorCode
from parity.core.imports.headers import (
    HeaderMatch,
    HeaderSpec,
    column_index,
    find_header,
    unknown_message,
)
from parity.core.imports.reading import Cell, Sheet, open_sheets
from parity.core.imports.results import ImportResult

PREVIEW_ROWS = 8


@dataclass(frozen=True)
class Importer:
    """One import as its pages and the command line run it: its ``kind`` (the alias
    table's and the saved mappings' key), the permission ``action`` it needs, its header
    ``spec`` and ``run(path, *, acting_user, header_row=None, mapping=None,
    check_only=False, error_format="csv", on_rows=None) -> ImportResult``, which refuses a
    whole file with ``ImportFailed`` (its error file and audit event written) and calls
    ``on_rows``, if it can, with the rows read so far."""

    kind: str
    action: str
    spec: Callable[[], HeaderSpec]
    run: Callable[..., ImportResult]


def display(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if not value.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


@dataclass
class Column:
    index: int
    name: str
    field: str | None
    examples: list[str]

    @property
    def letter(self) -> str:
        number, letters = self.index + 1, ""
        while number:
            number, rest = divmod(number - 1, 26)
            letters = chr(65 + rest) + letters
        return letters


@dataclass
class Preview:
    sheet: Sheet
    match: HeaderMatch
    saved: str = ""
    rows: list[tuple[int, list[str]]] = field(default_factory=list)

    @property
    def columns(self) -> list[Column]:
        data = [cells for number, cells in self.rows if number > self.match.row]
        return [
            Column(
                index,
                name,
                self.match.fields[index] if index < len(self.match.fields) else None,
                [r[index] for r in data if index < len(r) and r[index]][:3],
            )
            for index, name in enumerate(self.match.names)
        ]

    @property
    def unknown(self) -> str:
        return unknown_message(self.match.unknown)

    @property
    def data_rows(self) -> int:
        """The rows under the header (blank ones included), as the import will read them."""
        return max(self.sheet.total - self.match.row, 0)

    @property
    def header_rows(self) -> list[int]:
        return list(range(1, min(len(self.sheet.head), 15) + 1))


def preview(
    path: Path,
    spec: HeaderSpec,
    *,
    kind: str,
    area_code: str,
    header_row: int | None = None,
    mapping: Mapping[int, str | None] | None = None,
) -> Preview:
    """The first sheet whose header names the required fields (else the first sheet), its
    header found or as chosen, the columns mapped as proposed, as saved for these headers
    in the user's area, or as the user changed them."""
    sheets = open_sheets(path)
    match: HeaderMatch | None = None
    chosen = sheets[0]
    for sheet in sheets:
        candidate = find_header(sheet.head, spec, header_row=header_row, require=False)
        if match is None or (match.missing and not candidate.missing):
            match, chosen = candidate, sheet
    assert match is not None
    saved = ""
    if header_row is None and mapping is None:
        kept = saved_mapping(kind=kind, area_code=area_code, signature=match.signature)
        if kept is not None:
            header_row, mapping, saved = kept.header_row, kept.mapping, kept.name
    if header_row is not None or mapping is not None:
        match = find_header(
            chosen.head, spec, header_row=header_row, mapping=mapping, require=False
        )
    first = match.first_row
    rows = [
        (number, [display(c) for c in cells])
        for number, cells in enumerate(chosen.head, start=1)
        if first <= number <= match.row + PREVIEW_ROWS
    ]
    return Preview(chosen, match, saved, rows)


def mapping_from_post(
    data: Mapping[str, str], known: Sequence[str]
) -> tuple[int | None, dict[int, str | None] | None]:
    """The header row and the columns' fields a page posted (``header_row``, ``col_N``);
    a field that is not one of ``known`` reads as "not imported"."""
    raw = str(data.get("header_row", "") or "")
    header_row = int(raw) if raw.isdigit() and 0 < int(raw) <= 100 else None
    mapping: dict[int, str | None] = {}
    for key, value in data.items():
        if key.startswith("col_") and key[4:].isdigit():
            mapping[int(key[4:])] = value if value in known else None
    return header_row, (mapping or None)


def _model():
    return apps.get_model("core", "ImportMapping")


def saved_mapping(*, kind: str, area_code: str, signature: str):
    return _model().objects.filter(kind=kind, area_code=area_code, signature=signature).first()


def named_mapping(*, kind: str, name: str, area_code: str | None = None):
    """A saved mapping by its name (the command line's ``--mapping``); the most recent if
    several areas use the name, within ``area_code`` when given."""
    found = _model().objects.filter(kind=kind, name=name)
    if area_code:
        found = found.filter(area_code__startswith=area_code)
    mapping = found.order_by("-updated_at").first()
    if mapping is None:
        raise ValidationError(
            _("没有名为“%(name)s”的列对应方案") % {"name": name}, code=ErrorCode.FILE_HEADER
        )
    return mapping


def remember_mapping(page: Preview, *, kind: str, area_code: str, user, name: str = "") -> None:
    """Keep the mapping an import confirmed, for the next file with the same headers."""
    match = page.match
    _model().objects.update_or_create(
        kind=kind,
        area_code=area_code,
        signature=match.signature,
        defaults={
            "name": name
            or _("%(sheet)s(%(day)s)")
            % {"sheet": page.sheet.name, "day": timezone.localdate().isoformat()},
            "header_row": match.first_row,
            "headers": match.names,
            "fields": [f or "" for f in match.fields],
            "saved_by": user if getattr(user, "pk", None) else None,
        },
    )


def command_mapping(
    importer: Importer,
    *,
    scope: str | None,
    header_row: int | None = None,
    name: str | None = None,
    columns: Sequence[str] = (),
) -> tuple[int | None, dict[int, str | None] | None]:
    """The command line's mapping: a saved mapping by ``name`` (in the user's ``scope``),
    then each ``COLUMN=HEADER`` of ``columns`` (a letter or a 1-based number; an empty
    header skips the column), as the page's mapping step takes them."""
    mapping: dict[int, str | None] | None = None
    if name:
        saved = named_mapping(kind=importer.kind, name=name, area_code=scope)
        header_row = header_row or saved.header_row
        mapping = saved.mapping
    known = importer.spec().known
    for item in columns:
        column, _sep, header = item.partition("=")
        index = column_index(column.strip())
        header = header.strip()
        if index is None or (header and header not in known):
            raise ValidationError(
                _("--map %(item)s:应为“列=表头”,表头须是可导入的列:%(known)s")
                % {"item": item, "known": "、".join(known)},
                code=ErrorCode.FILE_HEADER,
            )
        mapping = {**(mapping or {}), index: header or None}
    return header_row, mapping
