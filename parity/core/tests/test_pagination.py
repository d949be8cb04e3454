"""Long lists count their total only when counting is quick (``core.pagination``); past
the budget the pager shows "this page, next page" and never a guessed number."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parity.conftest import make_id
from parity.core.pagination import BoundedCountPaginator, bounded_count
from parity.people.models import Person

# The budget is a timeout of the count's own transaction: its tests run outside the test's.
PG_REASON = "the count's time budget is a PostgreSQL timeout"


@pytest.fixture
def twelve(register):
    return [
        register(id_number=make_id(seq=500 + n), arrived_on=dt.date(2024, 1, 1)) for n in range(12)
    ]


def _slow(queryset):
    # Every row costs 20 ms to look at: 12 rows are far past a 50 ms budget.
    return queryset.extra(where=["(SELECT 1 FROM pg_sleep(0.02 + 0 * people_person.id)) = 1"])


def test_a_quick_count_is_exact(twelve):
    paginator = BoundedCountPaginator(Person.objects.order_by("pk"), 5, budget_ms=5000)
    page = paginator.get_page(3)
    assert (paginator.count, paginator.num_pages) == (12, 3)
    assert [p.pk for p in page.object_list] == [p.pk for p in twelve[10:]]
    assert not page.has_next()


@pytest.mark.skipif(connection.vendor != "postgresql", reason=PG_REASON)
@pytest.mark.django_db(transaction=True)
def test_a_count_over_its_budget_is_unknown_and_the_pages_still_read(twelve):
    people = _slow(Person.objects.order_by("pk"))
    assert bounded_count(people, 50) is None
    paginator = BoundedCountPaginator(people, 5, budget_ms=50)
    first, last = paginator.get_page(1), paginator.get_page(3)
    assert paginator.count is None and paginator.num_pages is None
    assert [p.pk for p in first.object_list] == [p.pk for p in twelve[:5]]
    assert first.has_next() and not first.has_previous()
    assert [p.pk for p in last.object_list] == [p.pk for p in twelve[10:]]
    assert not last.has_next() and last.end_index() == 12
    # Past the end, or not a number: the first page.
    assert paginator.get_page(9).number == 1
    assert paginator.get_page("x").number == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason=PG_REASON)
@pytest.mark.django_db(transaction=True)
def test_the_budget_does_not_outlive_the_count(twelve):
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        (before,) = cursor.fetchone()
    assert bounded_count(_slow(Person.objects.all()), 50) is None
    assert bounded_count(Person.objects.all(), 50) == 12
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == (before,)


def _counts(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


@pytest.mark.skipif(connection.vendor != "postgresql", reason=PG_REASON)
@pytest.mark.django_db(transaction=True)
def test_a_list_over_its_budget_is_not_counted_again_until_the_memo_expires(twelve):
    # Given: a list whose count ran over its budget once.
    assert bounded_count(_slow(Person.objects.order_by("pk")), 50) is None

    # When: the same list is asked for again (another request, the same query).
    with CaptureQueriesContext(connection) as again:
        total = bounded_count(_slow(Person.objects.order_by("pk")), 50)

    # Then: it is known to be over the budget without spending it: no count runs.
    assert total is None and _counts(again) == []
    # Another list (another filter, another scope) is counted as usual.
    assert bounded_count(Person.objects.filter(pk__in=[p.pk for p in twelve[:3]]), 50) == 3
    # Once the memo is gone (PARITY_LIST_COUNT_RETRY_S), the count is tried again.
    cache.clear()
    with CaptureQueriesContext(connection) as retried:
        assert bounded_count(_slow(Person.objects.order_by("pk")), 50) is None
    assert len(_counts(retried)) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason=PG_REASON)
@pytest.mark.django_db(transaction=True)
def test_a_count_within_its_budget_is_never_remembered(twelve, register):
    assert bounded_count(Person.objects.all(), 5000) == 12
    register(id_number=make_id(seq=600), arrived_on=dt.date(2024, 1, 1))
    assert bounded_count(Person.objects.all(), 5000) == 13


@pytest.mark.skipif(connection.vendor != "postgresql", reason=PG_REASON)
def test_inside_a_transaction_the_count_is_exact(twelve):
    # The test's own transaction: no budget, however long the count takes.
    assert bounded_count(_slow(Person.objects.all()), 1) == 12


def test_the_people_list_says_the_total_was_not_counted(twelve, client, owner):
    client.force_login(owner)
    with mock.patch("parity.core.pagination.bounded_count", return_value=None):
        html = client.get(reverse("web:person_list")).content.decode()
    assert "未计总数" in html and "共 12 人" not in html
    assert twelve[0].name in html
    # Counted, the total shows as before.
    assert "共 12 人" in client.get(reverse("web:person_list")).content.decode()


class _SelfCounting:
    """A list that is not a queryset but counts itself in SQL (as the overdue children's
    age bands do): the budget applies, there is no query to remember it by."""

    db = "default"

    def __init__(self, queryset):
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.count()


@pytest.mark.skipif(connection.vendor != "postgresql", reason=PG_REASON)
@pytest.mark.django_db(transaction=True)
def test_a_list_that_counts_itself_is_counted_within_the_budget(twelve):
    assert bounded_count(_SelfCounting(Person.objects.all()), 5000) == 12
    assert bounded_count(_SelfCounting(_slow(Person.objects.all())), 50) is None


class _SelfCountingWithKey(_SelfCounting):
    def count_key(self) -> str:
        return str(self.queryset.query)


@pytest.mark.skipif(connection.vendor != "postgresql", reason=PG_REASON)
@pytest.mark.django_db(transaction=True)
def test_a_list_that_counts_itself_and_names_itself_is_remembered_over_the_budget(twelve):
    slow = _SelfCountingWithKey(_slow(Person.objects.all()))
    assert bounded_count(slow, 50) is None
    with CaptureQueriesContext(connection) as again:
        assert bounded_count(_SelfCountingWithKey(_slow(Person.objects.all())), 50) is None
    assert _counts(again) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason=PG_REASON)
@pytest.mark.django_db(transaction=True)
def test_a_list_of_no_one_counts_zero(twelve):
    # A filter that can match no row is never sent to the database (EmptyResultSet).
    assert bounded_count(Person.objects.filter(pk__in=[]), 50) == 0
    assert bounded_count(Person.objects.none(), 50) == 0
