"""Importing a register of service records (upload, mapping, check, import), and its
template."""

from __future__ import annotations

import tempfile

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parity.core.exports import XLSX
from parity.core.views import ImportForm, ImportPage
from parity.services.imports import SERVICES, write_template

_CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX}


class ServiceImportForm(ImportForm):
    file_label = gettext_lazy("服务记录文件")


PAGE = ImportPage(
    SERVICES, gettext_lazy("服务记录导入"), "services/import.html", "services:import",
    form=ServiceImportForm,
)  # fmt: skip
# Step 1, the upload; steps 2–4, preview and mapping, check, import (``core.views``).
import_page, import_map = PAGE.views()


@login_required
def template_download(request, fmt: str):
    if fmt not in _CONTENT_TYPES:
        raise Http404
    buffer = tempfile.SpooledTemporaryFile(max_size=1 << 20)  # noqa: SIM115 - FileResponse closes it
    write_template(buffer, fmt)
    buffer.seek(0)
    return FileResponse(
        buffer,
        as_attachment=True,
        filename=_("服务记录导入模板") + f".{fmt}",
        content_type=_CONTENT_TYPES[fmt],
    )
