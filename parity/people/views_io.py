"""Web pages for people files: upload an import, map its columns, check it, import it;
download the template, an export and an import's error file. Thin: they parse the
request, call the engine and render."""

from __future__ import annotations

import io
import tempfile

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parity.accounts.permissions import CHANGE, VIEW, allows, scope_code
from parity.core.downloads import export_file
from parity.core.filters import filtered
from parity.core.imports import ACCEPT, ImportFailed
from parity.core.imports.headers import unknown_message
from parity.core.imports.mapping import mapping_from_post, preview, remember_mapping
from parity.core.search import search_data
from parity.core.uploads import (
    check_upload_size,
    pending_drop,
    pending_exists,
    pending_file,
    pending_name,
    pending_store,
    read_report,
    user_dir,
)
from parity.people.exports import FORMATS, SHEET_TITLE, export_rows
from parity.people.filters import PersonFilterSet
from parity.people.imports import import_people, write_template
from parity.people.imports.columns import HEADERS, READ_HEADERS, REQUIRED_HEADERS, header_spec
from parity.people.models import Person

SHOWN_ERRORS = 100
KIND = "people"


def import_context(form, result, file_error: str) -> dict:
    """What the shared import page (``web/_import.html``) shows: the form, the counts, the
    first ``SHOWN_ERRORS`` bad cells and the file with all of them."""
    return {
        "form": form,
        "result": result,
        "file_error": file_error,
        "errors": result.errors[:SHOWN_ERRORS] if result else [],
        "warnings": result.warnings[:SHOWN_ERRORS] if result else [],
        "more_errors": max(len(result.errors) - SHOWN_ERRORS, 0) if result else 0,
        "error_file": result.error_file.name if result and result.error_file else "",
        "ignored": unknown_message(result.ignored_columns) if result else "",
    }


_CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("人员信息文件"),
        help_text=gettext_lazy(
            "Excel(.xlsx、.xls)或CSV文件。表头可以在标题行下面,列名与模板不同也可以:"
            "上传后先预览,确认每一列对应的内容,检查无误再导入"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload_size(upload)
        return upload


@login_required
def import_page(request):
    """Step 1: the upload. The file waits (sealed) for the mapping step."""
    if not allows(request.user, CHANGE):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token = pending_store(form.cleaned_data["file"], request.user)
        return redirect("people_io:import_map", token=token)
    return render(request, "people/import.html", import_context(form, None, ""))


@login_required
def import_map(request, token: str):
    """Steps 2–4: the preview with the proposed mapping (the user may change any column
    and the header row), the check of the whole file (nothing written), the import."""
    user = request.user
    if not allows(user, CHANGE):
        raise PermissionDenied
    if not pending_exists(token, user):
        raise Http404
    scope = scope_code(user, CHANGE) or ""
    action = request.POST.get("action", "") if request.method == "POST" else ""
    header_row, mapping = mapping_from_post(request.POST, READ_HEADERS)
    if action == "reread":
        mapping = None  # a new header row: propose the columns anew
    result, file_error, page = None, "", None
    with pending_file(token, user) as path:
        try:
            page = preview(
                path, header_spec(), kind=KIND, area_code=scope, header_row=header_row,
                mapping=mapping,
            )  # fmt: skip
        except ValidationError:
            # Unreadable as a whole (an unclosed quote, a truncated workbook): the import
            # refuses it the same way, with its error file and audit event.
            try:
                import_people(path, acting_user=user, error_format="xlsx")
            except ImportFailed as exc:
                result, file_error = exc.result, "; ".join(exc.messages)
        if page is not None and action in ("check", "import") and not page.match.missing:
            try:
                result = import_people(
                    path,
                    acting_user=user,
                    header_row=page.match.first_row,
                    mapping=dict(enumerate(page.match.fields)),
                    check_only=action == "check",
                    error_format="xlsx",
                )
            except ImportFailed as exc:
                result, file_error = exc.result, "; ".join(exc.messages)
            if action == "import" and not file_error:
                remember_mapping(page, kind=KIND, area_code=scope, user=user)
                pending_drop(token, user)
    context = import_context(None, result, file_error)
    context.update(
        token=token,
        file_name=pending_name(token),
        page=page,
        fields=READ_HEADERS,
        required=REQUIRED_HEADERS,
        action=action,
        imported=action == "import" and result is not None and not file_error,
    )
    return render(request, "people/import_map.html", context)


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
