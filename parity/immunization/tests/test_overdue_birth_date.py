"""The overdue list's narrow rows read the age bands and age limits from the birth date
copied on each pending dose (``DoseDue.birth_date``), not from the child: the same
children, figures, order and count as the whole-row query on the child's own birth date,
on varied data; and the copy follows every write of a birth date at once (a corrected
birth date, a merge, the refresh, the migration's fill)."""

from __future__ import annotations

import datetime as dt
import importlib
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from parity.conftest import COMMUNITY, OTHER_GRID, SISTER_GRID
from parity.dedup.actions import pair_merge, pair_unmerge
from parity.dedup.models import DuplicatePair
from parity.immunization.actions import vaccination_record
from parity.immunization.due import dose_due_refresh_all, dose_due_refresh_person
from parity.immunization.models import DoseDue, Vaccine
from parity.immunization.schedule import add_months
from parity.immunization.selectors import (
    OVERDUE_FIGURES,
    children_for_rows,
    children_overdue,
    children_overdue_rows,
)
from parity.immunization.tests.conftest import months_ago
from parity.people.models import Person
from parity.services.keygroups import KEY_GROUPS
from parity.services.selectors import group_members

pytestmark = pytest.mark.django_db

FIGURES = ("pk", *OVERDUE_FIGURES)


def _old(on: dt.date, people=None) -> list[tuple]:
    """The whole-row computation on the child's birth date (what the list pages)."""
    return [
        tuple(row[f] for f in FIGURES)
        for row in children_overdue(on, people=people).values(*FIGURES)
    ]


def _new(rows) -> list[tuple]:
    return [tuple(row[f] for f in FIGURES) for row in rows]


def _stale(person: Person, vaccine: str, dose: int, overdue_on: dt.date) -> None:
    """A row the nightly refresh wrote before the child passed an age limit."""
    DoseDue.objects.create(
        person=person,
        vaccine=Vaccine.objects.get(code=vaccine),
        dose=dose,
        due_on=overdue_on - dt.timedelta(days=30),
        earliest_on=overdue_on - dt.timedelta(days=30),
        overdue_on=overdue_on,
        computed_on=overdue_on,
        area_code=person.area_code,
        birth_date=person.birth_date,
    )


@pytest.fixture
def varied(child, owner, admin_user):
    """Children of every age band and on each edge of the bands and age limits, in three
    grids, some with doses given, some with rows past an age limit, twins (ties)."""
    today = timezone.localdate()
    made = []
    grids = [None, SISTER_GRID, OTHER_GRID]
    months = [1, 2, 5, 11, 23, 24, 25, 30, 47, 48, 49, 60, 83, 84, 85, 100, 150, 200, 215]
    for n, age in enumerate(months):
        grid = grids[n % 3]
        extra = {"grid": grid, "by": admin_user} if grid else {}
        made.append(child(months_ago(age), name=f"童{age}", **extra))
    # On the very edge of each band (born exactly 24 and 84 months before today).
    made.append(child(add_months(today, -24), name="两岁整"))
    made.append(child(add_months(today, -84), name="七岁整"))
    # Twins: the same doses overdue on the same days, ordered by id.
    made.append(child(months_ago(7), name="双胞胎甲"))
    made.append(child(months_ago(7), name="双胞胎乙"))
    # Some doses given: fewer overdue, other latest dates.
    for person in made[2:8]:
        first = (
            DoseDue.objects.filter(person=person, overdue_on__lte=today)
            .select_related("vaccine")
            .order_by("overdue_on", "vaccine__sort_order")
            .first()
        )
        if first is not None:
            vaccination_record(
                acting_user=admin_user,
                person=person,
                vaccine=first.vaccine,
                dose=first.dose,
                date=today,
            )
    # Rows written before the child passed an age limit (BCG from 4 years, MPSV-A from
    # 24 months, everything at 18).
    by_name = {p.name: p for p in made}
    _stale(by_name["童49"], "BCG", 1, add_months(by_name["童49"].birth_date, 3))
    _stale(by_name["童47"], "BCG", 1, add_months(by_name["童47"].birth_date, 3))
    _stale(by_name["童30"], "MPSV-A", 1, add_months(by_name["童30"].birth_date, 7))
    adult = child(add_months(today, -18 * 12) - dt.timedelta(days=1), name="成年")
    _stale(adult, "HepB", 3, add_months(adult.birth_date, 7))
    return made


@pytest.mark.parametrize("days", [0, -45, 120])
def test_the_rows_match_the_whole_row_query_on_varied_data(varied, owner, days):
    on = timezone.localdate() + dt.timedelta(days=days)
    scopes = [
        None,
        Person.objects.restrict(owner),
        Person.objects.filter(area_code__startswith=COMMUNITY),
        Person.objects.filter(area_code__startswith=OTHER_GRID),
        Person.objects.filter(name__startswith="双胞胎"),
    ]
    for people in scopes:
        old = _old(on, people)
        rows = children_overdue_rows(on, people=people)
        assert _new(rows) == old
        assert rows.count() == len(old)
        # Pages as the paginator cuts them, across the bands.
        for start, stop in ((0, 1), (0, 5), (3, 9), (6, 17), (10, 40), (len(old), len(old) + 5)):
            assert _new(rows[start:stop]) == old[start:stop], (people, start, stop)
    everyone = _old(on)
    assert len(everyone) >= 15
    assert {band for *_, band in everyone} == {0, 1, 2}


def test_a_stale_row_past_an_age_limit_is_left_out_as_before(varied):
    today = timezone.localdate()
    listed = {row["pk"] for row in children_overdue_rows(today)}
    adult = Person.objects.get(name="成年")
    assert adult.pk not in listed
    # A child under four is listed for BCG, one past four is not (other doses may remain).
    bcg = Vaccine.objects.get(code="BCG")
    young = Person.objects.get(name="童47")
    assert DoseDue.objects.filter(person=young, vaccine=bcg).exists()
    assert young.pk in listed


def test_the_page_and_the_api_show_the_rows_in_the_old_order(client, owner, varied):
    today = timezone.localdate()
    expected = [row[0] for row in _old(today, Person.objects.restrict(owner))]
    client.force_login(owner)
    page = client.get(reverse("immunization:overdue")).context["page"]
    assert [p.pk for p in page.object_list] == expected
    assert page.paginator.count == len(expected)
    api = APIClient()
    api.force_authenticate(owner)
    body = api.get("/api/v1/overdue-children/").json()
    assert body["count"] == len(expected)
    assert [c["id"] for c in body["results"]] == expected


def test_a_corrected_birth_date_moves_the_child_to_its_band_at_once(child, client, owner):
    today = timezone.localdate()
    toddler = child(months_ago(30), name="改生日")
    assert set(DoseDue.objects.filter(person=toddler).values_list("birth_date", flat=True)) == {
        toddler.birth_date
    }
    rows = {row["pk"]: row for row in children_overdue_rows(today)}
    assert rows[toddler.pk]["band"] == 1

    toddler.birth_date = months_ago(5)
    toddler.save()

    dues = DoseDue.objects.filter(person=toddler)
    assert set(dues.values_list("birth_date", flat=True)) == {months_ago(5)}
    rows = {row["pk"]: row for row in children_overdue_rows(today)}
    assert rows[toddler.pk]["band"] == 0
    assert _new(children_overdue_rows(today)) == _old(today)
    # The doses were computed again for the new birth date, as the refresh would.
    again = sorted(dues.values_list("vaccine_id", "dose", "due_on", "overdue_on"))
    dose_due_refresh_person(Person.objects.get(pk=toddler.pk))
    assert sorted(dues.values_list("vaccine_id", "dose", "due_on", "overdue_on")) == again
    client.force_login(owner)
    page = client.get(reverse("immunization:overdue")).context["page"]
    assert page.object_list[0].pk == toddler.pk  # the youngest band, most recently overdue


def test_a_birth_date_past_eighteen_takes_the_child_off_the_list(child):
    today = timezone.localdate()
    person = child(months_ago(40), name="成年了")
    assert person.pk in {row["pk"] for row in children_overdue_rows(today)}

    person.birth_date = add_months(today, -20 * 12)
    person.save(update_fields=["birth_date", "updated_at"])

    assert not DoseDue.objects.filter(person=person).exists()
    assert person.pk not in {row["pk"] for row in children_overdue_rows(today)}
    assert _new(children_overdue_rows(today)) == _old(today)


def test_a_save_without_the_birth_date_leaves_the_rows(child):
    person = child(months_ago(10), name="不变")
    before = sorted(DoseDue.objects.filter(person=person).values_list("id", flat=True))
    person.name = "改名"
    person.save(update_fields=["name", "updated_at"])
    person.save()  # every field, the same birth date: one EXISTS, nothing rebuilt
    assert sorted(DoseDue.objects.filter(person=person).values_list("id", flat=True)) == before


def test_a_merge_taking_the_other_birth_date_moves_the_survivor(child, admin_user):
    today = timezone.localdate()
    survivor = child(months_ago(50), name="合并甲")
    merged = child(months_ago(6), name="合并乙")
    low, high = sorted([survivor, merged], key=lambda p: p.pk)
    pair = DuplicatePair.objects.create(
        low_id=low.pk,
        high_id=high.pk,
        score=0.9,
        area_low=low.area_code,
        area_high=high.area_code,
    )
    pair_merge(
        acting_user=admin_user, pair=pair, survivor_id=survivor.pk, winners={"id_number": merged.pk}
    )
    survivor.refresh_from_db()
    assert survivor.birth_date == merged.birth_date
    assert set(DoseDue.objects.filter(person=survivor).values_list("birth_date", flat=True)) == {
        survivor.birth_date
    }
    rows = {row["pk"]: row for row in children_overdue_rows(today)}
    assert rows[survivor.pk]["band"] == 0
    assert _new(children_overdue_rows(today)) == _old(today)


def _person_birth_date():
    return Subquery(Person.objects.filter(pk=OuterRef("person_id")).values("birth_date")[:1])


def test_an_undone_merge_gives_each_child_their_own_birth_date_back(child, admin_user):
    today = timezone.localdate()
    survivor = child(months_ago(50), name="撤销甲")
    merged = child(months_ago(6), name="撤销乙")
    own = survivor.birth_date
    # Registered by an import (no signals): no rows until the nightly refresh, so the
    # merge has none to drop and none to compute again.
    DoseDue.objects.filter(person__in=[survivor, merged]).delete()
    low, high = sorted([survivor, merged], key=lambda p: p.pk)
    pair = DuplicatePair.objects.filter(low_id=low.pk, high_id=high.pk).first()
    if pair is None:
        pair = DuplicatePair.objects.create(
            low_id=low.pk,
            high_id=high.pk,
            score=0.9,
            area_low=low.area_code,
            area_high=high.area_code,
        )
    merge = pair_merge(
        acting_user=admin_user, pair=pair, survivor_id=survivor.pk, winners={"id_number": merged.pk}
    )
    # A nightly refresh between the merge and its undo writes the survivor's rows with the
    # birth date taken from the other.
    dose_due_refresh_all(on=today)

    pair_unmerge(acting_user=admin_user, merge=merge)

    dates = set(DoseDue.objects.filter(person=survivor).values_list("birth_date", flat=True))
    assert dates == {own}
    assert Person.objects.get(pk=survivor.pk).birth_date == own
    rows = {row["pk"]: row for row in children_overdue_rows(today)}
    assert rows[survivor.pk]["band"] == 1
    assert _new(children_overdue_rows(today)) == _old(today)


def test_the_refresh_copies_every_child_birth_date(varied):
    DoseDue.objects.update(birth_date=dt.date(2000, 1, 1))
    dose_due_refresh_all(on=timezone.localdate())
    wrong = DoseDue.objects.exclude(birth_date=_person_birth_date())
    assert not wrong.exists()
    assert DoseDue.objects.exists()


def test_the_migration_fill_copies_birth_dates_and_drops_orphans(varied):
    migration = importlib.import_module("parity.immunization.migrations.0007_dose_due_birth_date")
    DoseDue.objects.update(birth_date=dt.date(2000, 1, 1))
    orphan = DoseDue.objects.first()
    assert orphan is not None
    DoseDue.objects.filter(pk=orphan.pk).update(person_id=10**9)
    migration.fill(apps, SimpleNamespace(connection=connection))

    assert not DoseDue.objects.filter(pk=orphan.pk).exists()
    assert not DoseDue.objects.exclude(birth_date=_person_birth_date()).exists()
    assert _new(children_overdue_rows(timezone.localdate())) == _old(timezone.localdate())


def test_a_scope_of_no_one_lists_and_counts_nothing(varied):
    """Bad input: the people of no scope (``restrict`` for a user without one) and an
    area code no one lives in give an empty list and a count of 0, not an error."""
    today = timezone.localdate()
    for people in (Person.objects.none(), Person.objects.filter(area_code__startswith="9999")):
        rows = children_overdue_rows(today, people=people)
        assert rows.count() == 0
        assert list(rows) == []
        assert rows[0:50] == []
        assert children_for_rows(rows[0:50]) == []
    with pytest.raises(TypeError):
        children_overdue_rows(today)[3]


def _member(person: Any) -> tuple:
    return (person.pk, person.since, person.detail)


@pytest.mark.parametrize("who", ["owner", "admin_user"])
def test_the_key_group_page_pages_the_same_rows_as_its_whole_row_query(
    client, varied, who, request
):
    """``/services/keygroups/vaccine_overdue/`` reads the overdue list's narrow rows: the
    same members, order, ``since`` and ``detail`` as the group's own query."""
    user = request.getfixturevalue(who)
    today = timezone.localdate()
    scope = "" if user.is_superuser else user.area.code
    group = KEY_GROUPS["vaccine_overdue"]
    expected = [
        _member(p)
        for p in group_members("vaccine_overdue", today, area_code=scope).order_by(
            *group.member_order
        )
    ]
    assert expected
    client.force_login(user)
    response = client.get(reverse("services:keygroup_members", args=["vaccine_overdue"]))
    page = response.context["page"]
    assert [_member(p) for p in page.object_list] == expected
    assert page.paginator.count == len(expected)
    # Another area chosen inside the scope: the same as the group's query for it.
    if user.is_superuser:
        other = [
            p.pk
            for p in group_members("vaccine_overdue", today, area_code=OTHER_GRID).order_by(
                *group.member_order
            )
        ]
        response = client.get(
            reverse("services:keygroup_members", args=["vaccine_overdue"]), {"area": OTHER_GRID}
        )
        assert [p.pk for p in response.context["page"].object_list] == other
        assert other
