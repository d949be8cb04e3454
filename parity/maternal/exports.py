"""Maternal and certificate lists as .xlsx downloads (see ``parity.core.exports``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.http import FileResponse

from parity.core.exports import xlsx_download


def xlsx_response(title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> FileResponse:
    return xlsx_download(title, title, headers, rows)


def wants_xlsx(request) -> bool:
    return request.GET.get("format") == "xlsx"
