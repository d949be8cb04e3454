"""Maternal and certificate lists as .xlsx downloads (see ``parity.core.exports``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import QuerySet
from django.http.response import HttpResponseBase

from parity.core.downloads import export_file


def xlsx_response(
    request, title: str, headers: Sequence[str], rows: Iterable[Sequence], count: QuerySet
) -> HttpResponseBase:
    """The list as .xlsx, or as a background job when it is long."""
    return export_file(
        request, filename=title, title=title, headers=headers, rows=rows, count=count
    )


def wants_xlsx(request) -> bool:
    return request.GET.get("format") == "xlsx"
