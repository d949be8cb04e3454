"""Sortable columns of a long list: ``?sort=name`` (ascending) or ``?sort=-name``
(descending), each list whitelisting its columns. The record id is always the last key, so
that the order is total and stable across pages. A sort key the list does not offer is a
400 with the keys it does offer (like any other bad parameter), never a silent reorder.
Filters and pagination keep ``sort`` (their links are built from the query string).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _

from parity.core.error_codes import ErrorCode
from parity.core.params import BadParameter

PARAM = "sort"

Rows = TypeVar("Rows", bound=QuerySet)


@dataclass(frozen=True)
class Sorting:
    """The order a list is shown in: the chosen column (``""``: the list's own order)."""

    key: str = ""
    descending: bool = False
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def value(self) -> str:
        return f"-{self.key}" if self.descending and self.key else self.key

    def next_value(self, key: str) -> str:
        """The ``sort`` value of a column's header link: ascending first, then reversed."""
        return f"-{key}" if key == self.key and not self.descending else key

    @property
    def choices(self) -> list[tuple[str, str]]:
        """Every order as (``sort`` value, label), for the phone's chooser (no headers)."""
        return [
            (value, f"{label} {mark}")
            for key, label in self.labels.items()
            for value, mark in ((key, "↑"), (f"-{key}", "↓"))
        ]

    def state(self, key: str) -> str:
        """``ascending``, ``descending`` or ``""`` (the column's ``aria-sort``)."""
        if key != self.key:
            return ""
        return "descending" if self.descending else "ascending"


def sort_value(raw: str, columns: Mapping[str, object]) -> tuple[str, bool]:
    """``"-name"`` as ``("name", True)``; a key not in ``columns`` is a ValidationError."""
    text = raw.strip()
    descending = text.startswith("-")
    key = text[1:] if descending else text
    if key not in columns:
        raise ValidationError(
            _("不能按“%(key)s”排序,可排序的列:%(keys)s") % {"key": key, "keys": ", ".join(columns)},
            code=ErrorCode.INVALID_PARAMETER,
        )
    return key, descending


def sort_list(
    params: QueryDict, queryset: Rows, columns: Mapping[str, tuple[Any, tuple[str, ...]]]
) -> tuple[Rows, Sorting]:
    """The list in the order ``?sort=`` asks for (its own order when absent), with the id
    last: ``columns`` maps each sortable key to its label and the fields it orders by."""
    labels = {key: str(label) for key, (label, _fields) in columns.items()}
    raw = (params.get(PARAM) or "").strip()
    if not raw:
        return queryset, Sorting(labels=labels)
    try:
        key, descending = sort_value(raw, columns)
    except ValidationError as exc:
        raise BadParameter(PARAM, exc) from None
    sign = "-" if descending else ""
    order = [f"{sign}{name}" for name in columns[key][1]]
    return queryset.order_by(*order, f"{sign}id"), Sorting(key, descending, labels)
