"""Pages of long lists whose total is counted only when counting is quick.

A list page counts its rows for the pager ("共 N 人 · 第 1 / M 页"). For a district or the
city that count reads hundreds of thousands of rows, and on the scale-1 city it took longer
than the page itself. ``BoundedCountPaginator`` counts within a time budget
(``PARITY_LIST_COUNT_BUDGET_MS``, on PostgreSQL); past it the total is unknown
(``count`` is ``None``), and the pages are read as "this page and whether there is a
next one" (one row more than the page holds), so the list still opens at once. A number
that would have to be guessed is never shown: the templates say the total was not counted.
On SQLite, or with a budget of 0, the count is always exact.

A count that ran over its budget is remembered for ``PARITY_LIST_COUNT_RETRY_S`` seconds
in the cache the web workers share, by the list's SQL: the city's people list is not
counted (and its budget not spent) again on every page a city official opens. Only the
failure is remembered, never a total: a list that can be counted is counted live.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import OperationalError, connections, transaction
from django.db.models import QuerySet
from django.utils.functional import cached_property

logger = logging.getLogger(__name__)

QUERY_CANCELED = "57014"


def bounded_count(queryset, budget_ms: int) -> int | None:
    """``queryset.count()``, or None when PostgreSQL takes longer than ``budget_ms``.

    The budget is a ``statement_timeout`` local to a transaction of the count's own, so
    it ends with it. Inside a transaction already open (a test's, a view's in
    ``atomic``) the count is exact: a cancelled statement there would need a savepoint
    and a restored timeout around every count."""
    alias = queryset.db
    connection = connections[alias]
    if connection.vendor != "postgresql" or budget_ms <= 0 or connection.in_atomic_block:
        return queryset.count()
    memo = _over_budget_key(queryset, budget_ms)
    if memo is not None and cache.get(memo):
        return None
    try:
        with transaction.atomic(using=alias):
            with connection.cursor() as cursor:
                budget = f"{budget_ms}ms"
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [budget])
            return queryset.count()
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) != QUERY_CANCELED:
            raise
        logger.info("list count over its budget of %s ms: not counted", budget_ms)
        if memo is not None:
            cache.set(memo, True, settings.PARITY_LIST_COUNT_RETRY_S)
        return None


def _over_budget_key(queryset, budget_ms: int) -> str | None:
    """The cache key remembering that this list (its SQL and parameters, on its
    database) could not be counted within ``budget_ms``. A list that is not a queryset
    but counts itself (the age bands of the overdue children) names itself by its
    ``count_key()``; without one it is not remembered (None)."""
    if isinstance(queryset, QuerySet):
        try:
            sql, params = queryset.order_by().query.sql_with_params()
        except EmptyResultSet:  # a list of no one (``pk__in=[]``, ``.none()``): counts 0
            return None
        text = repr((queryset.db, budget_ms, sql, params))
    elif callable(getattr(queryset, "count_key", None)):
        text = repr((budget_ms, queryset.count_key()))
    else:
        return None
    return "list-count-over-budget:" + hashlib.sha256(text.encode()).hexdigest()


class UncountedPage(Page):
    """A page of a list whose total is unknown: it knows whether a next page exists."""

    def __init__(self, object_list, number: int, paginator, has_more: bool) -> None:
        super().__init__(object_list, number, paginator)
        self._has_more = has_more

    def has_next(self) -> bool:
        return self._has_more

    def end_index(self) -> int:
        return (self.number - 1) * self.paginator.per_page + len(self.object_list)


class BoundedCountPaginator(Paginator):
    """A ``Paginator`` whose ``count`` (and so ``num_pages``) is None when counting the
    list would take longer than the budget; pages are then read without it."""

    def __init__(self, object_list, per_page, *args, budget_ms: int | None = None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.budget_ms = settings.PARITY_LIST_COUNT_BUDGET_MS if budget_ms is None else budget_ms

    @cached_property
    def count(self) -> int | None:  # type: ignore[override]
        if not hasattr(self.object_list, "query"):
            return len(self.object_list)
        return bounded_count(self.object_list, self.budget_ms)

    @cached_property
    def num_pages(self) -> int | None:  # type: ignore[override]
        if self.count is None:
            return None
        return super().num_pages

    @property
    def counted(self) -> bool:
        return self.count is not None

    def validate_number(self, number: Any) -> int:
        if self.count is not None:
            return super().validate_number(number)
        try:
            value = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from error
        if value < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return value

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        if self.count is not None:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return UncountedPage(rows[: self.per_page], number, self, len(rows) > self.per_page)

    def get_page(self, number: Any) -> Page:
        if self.count is not None:
            return super().get_page(number)
        try:
            number = self.validate_number(number)
        except (PageNotAnInteger, EmptyPage):
            number = 1
        try:
            return self.page(number)
        except EmptyPage:
            return self.page(1)  # past the end of an uncounted list: its first page


PAGE_SIZE = 50


def paginate(request, queryset, per_page: int = PAGE_SIZE) -> Page:
    """The requested page of a list; its total is counted only when that is quick:
    ``page.paginator.count`` may be None."""
    return BoundedCountPaginator(queryset, per_page).get_page(request.GET.get("page"))


def rows_with_figures(rows, queryset, fields) -> list:
    """The records of a page of narrow rows (dicts with ``pk`` and ``fields``), in the
    page's order, each carrying its row's fields: one query by primary key."""
    rows = list(rows)
    found = queryset.in_bulk([row["pk"] for row in rows])
    records = []
    for row in rows:
        record = found.get(row["pk"])
        if record is None:
            continue
        for name in fields:
            setattr(record, name, row[name])
        records.append(record)
    return records


def paginate_narrow(request, queryset, fields, records, per_page: int = PAGE_SIZE) -> Page:
    """``paginate`` for a list grouped or sorted by computed figures: the list is paged as
    ``values("pk", *fields)`` — PostgreSQL groups and sorts those few columns for the
    whole scope instead of every record's whole row — and the page's records are then read
    from ``records`` by id (``rows_with_figures``)."""
    page = paginate(request, queryset.values("pk", *fields), per_page)
    page.object_list = rows_with_figures(page.object_list, records, fields)
    return page
