"""Uploading a file of service records, and its template."""

from __future__ import annotations

import tempfile

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parity.accounts.permissions import SERVE, allows
from parity.core.exports import XLSX
from parity.core.uploads import run_import
from parity.core.views import ImportForm, import_context
from parity.services.imports import import_services, write_template

_CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX}


class ServiceImportForm(ImportForm):
    file_label = gettext_lazy("服务记录文件")


@login_required
def import_page(request):
    if not allows(request.user, SERVE):
        raise PermissionDenied
    result, file_error = None, ""
    form = ServiceImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        result, file_error = run_import(
            form.cleaned_data["file"],
            request.user,
            lambda path: import_services(path, acting_user=request.user),
        )
    return render(
        request,
        "services/import.html",
        import_context(form, result, file_error),
    )


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
