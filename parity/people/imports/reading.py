"""Reading a people file through the import kit: the header found under a title, named
through the alias table, the rows after it. Everything that makes a whole file unreadable
is found here, before a single row is written, and raised as a ``ValidationError``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from parity.core.imports import SUFFIXES, Table, open_table
from parity.people.imports.columns import header_spec

FORMATS = SUFFIXES


def open_sheet(
    path: Path,
    *,
    header_row: int | None = None,
    mapping: Mapping[int, str | None] | None = None,
) -> Table:
    return open_table(path, header_spec(), header_row=header_row, mapping=mapping)
