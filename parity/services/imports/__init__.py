"""Service-event import: one path for ``parity import services FILE`` and the upload page.
Rows are checked with the form's functions (``details.clean_details``,
``actions.check_service_date``); good rows are written in bulk, bad ones reported."""

from parity.services.imports.columns import FIXED_HEADERS, REQUIRED_HEADERS, detail_headers
from parity.services.imports.engine import SERVICES, header_spec, import_services
from parity.services.imports.template import write_template

__all__ = [
    "FIXED_HEADERS",
    "REQUIRED_HEADERS",
    "SERVICES",
    "detail_headers",
    "header_spec",
    "import_services",
    "write_template",
]
