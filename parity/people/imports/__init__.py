"""The people import engine: one path for the command line, the web upload and the demo
population. See ``columns`` for the file layout, ``rows`` for per-row validation and
``writer`` for the bulk upsert."""

from parity.accounts.permissions import CHANGE
from parity.core.imports import ImportFailed, ImportResult, RowError
from parity.core.imports.mapping import Importer
from parity.people.imports.columns import HEADERS, TEMPLATE_COLUMNS, Column, header_spec
from parity.people.imports.engine import import_people
from parity.people.imports.records import PersonRecord
from parity.people.imports.template import write_template
from parity.people.imports.writer import PeopleWriter

# The people import as its page and ``parity import people`` run it.
PEOPLE = Importer(kind="people", action=CHANGE, spec=header_spec, run=import_people)

__all__ = [
    "HEADERS",
    "PEOPLE",
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
