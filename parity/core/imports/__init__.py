"""The shared import kit: every import (people, service records, assessment targets) reads
its file, finds its header, names its columns and reports its errors through these
modules, so a register a community office keeps reads the same way whatever it holds.

- ``reading``: the file's real format from its content (.csv in UTF-8 / GBK, .xlsx, .xls),
  a first pass that refuses a file that cannot be read to its end, and its rows;
- ``headers``: the header row under a title, two-row merged headers, header names as
  people write them, the alias table, the columns that will not be imported;
- ``values``: cells as people type them (full-width digits, invisible characters, an
  apostrophe, phones with +86) and the numbers Excel damaged;
- ``errors``: per-row errors and warnings, and the error file (.xlsx or .csv);
- ``copy``: the one ``COPY`` helper of every bulk writer.
"""

from parity.core.imports.errors import report_path, write_error_file
from parity.core.imports.headers import HeaderMatch, HeaderSpec, find_header, normalise_header
from parity.core.imports.reading import ACCEPT, SUFFIXES, Cell, detect_format, open_sheets
from parity.core.imports.results import ImportResult, RowError
from parity.core.imports.table import ImportFailed, Table, open_table

__all__ = [
    "ACCEPT",
    "SUFFIXES",
    "Cell",
    "HeaderMatch",
    "HeaderSpec",
    "ImportFailed",
    "ImportResult",
    "RowError",
    "Table",
    "detect_format",
    "find_header",
    "normalise_header",
    "open_sheets",
    "open_table",
    "report_path",
    "write_error_file",
]
