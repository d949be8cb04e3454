"""Web pages for people files: upload an import, map its columns, check it, import it;
download the template, an export and an import's error file. Thin: they parse the
request, call the engine and render."""

from __future__ import annotations

import io
import tempfile

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parity.accounts.permissions import VIEW
from parity.core.downloads import export_file
from parity.core.filters import filtered
from parity.core.search import search_data
from parity.core.uploads import read_report, user_dir
from parity.core.views import ImportPage
from parity.people.exports import FORMATS, SHEET_TITLE, export_rows
from parity.people.filters import PersonFilterSet
from parity.people.imports import PEOPLE, write_template
from parity.people.imports.columns import HEADERS
from parity.people.models import Person

_CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


PAGE = ImportPage(PEOPLE, gettext_lazy("人员信息导入"), "people/import.html", "people_io:import")
# Step 1, the upload; steps 2–4, preview and mapping, check, import (``core.views``).
import_page, import_map = PAGE.views()


@login_required
def error_file(request, name: str):
    """An import's error file, only for the user who uploaded the import."""
    if "/" in name or "\\" in name or not name.endswith((".errors.csv", ".errors.xlsx")):
        raise Http404
    path = user_dir(request.user) / name
    content = read_report(path) if path.is_file() else None
    if content is None:
        raise Http404
    fmt = "xlsx" if name.endswith(".xlsx") else "csv"
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=name.split("-", 3)[-1],
        content_type=_CONTENT_TYPES[fmt],
    )


@login_required
def template_download(request, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    buffer = tempfile.SpooledTemporaryFile(max_size=1 << 20)  # noqa: SIM115
    write_template(buffer, fmt)
    buffer.seek(0)
    return FileResponse(
        buffer,
        as_attachment=True,
        filename=_("人员信息导入模板") + f".{fmt}",
        content_type=_CONTENT_TYPES[fmt],
    )


@login_required
def export_download(request):
    """The people the user may see, filtered like the person list, masked; a large list
    is written by the background worker (``parity.core.downloads``)."""
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS:
        raise Http404
    people = Person.objects.restrict(request.user, VIEW)
    # Like the person list: a searched name or number comes by its key ``s``, never in the URL.
    filterset = PersonFilterSet(search_data(request, text_field="q"), queryset=people)
    chosen = filtered(filterset)
    return export_file(
        request,
        filename=_("人员信息"),
        title=SHEET_TITLE,
        headers=HEADERS,
        rows=export_rows(chosen),
        count=chosen,
        fmt=fmt,
    )
