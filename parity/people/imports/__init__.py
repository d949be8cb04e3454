"""The people import engine: one path for the command line, the web upload and the demo
population. See ``columns`` for the file layout, ``rows`` for per-row validation and
``writer`` for the bulk upsert."""

from parity.core.imports import ImportFailed, ImportResult, RowError
from parity.people.imports.columns import HEADERS, TEMPLATE_COLUMNS, Column
from parity.people.imports.engine import import_people
from parity.people.imports.records import PersonRecord
from parity.people.imports.template import write_template
from parity.people.imports.writer import PeopleWriter

__all__ = [
    "HEADERS",
    "TEMPLATE_COLUMNS",
    "Column",
    "ImportFailed",
    "ImportResult",
    "PeopleWriter",
    "PersonRecord",
    "RowError",
    "import_people",
    "write_template",
]
