"""The people import engine: one path for the command line, the web upload and the demo
population. See ``columns`` for the file layout, ``rows`` for per-row validation and
``writer`` for the bulk upsert."""

from parity.people.imports.columns import HEADERS, TEMPLATE_COLUMNS, Column
from parity.people.imports.engine import error_file_path, import_people
from parity.people.imports.records import PersonRecord
from parity.people.imports.results import ImportResult, RowError
from parity.people.imports.template import write_template
from parity.people.imports.writer import PeopleWriter

__all__ = [
    "HEADERS",
    "TEMPLATE_COLUMNS",
    "Column",
    "ImportResult",
    "PeopleWriter",
    "PersonRecord",
    "RowError",
    "error_file_path",
    "import_people",
    "write_template",
]
