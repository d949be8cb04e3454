"""Defect: the work list, the 疫苗接种逾期儿童 group and /immunization/overdue/ put the
least actionable first (15-year-olds missing HepB since 2011 on page one). They now show
what to do today first: pregnant women due for a visit and children under two, then
younger children before older ones, the most recently overdue first; a child past the
age a dose is still given is not listed for it; a card names every overdue dose."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from parity.conftest import make_id
from parity.immunization.models import DoseDue, Vaccine
from parity.immunization.schedule import add_months
from parity.immunization.selectors import children_overdue
from parity.immunization.tests.conftest import months_ago
from parity.maternal import actions as maternal_actions
from parity.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def children(child):
    # Made oldest first, so that the ids run against the order asked for.
    teen = child(months_ago(15 * 12 + 2), name="少年")
    schoolchild = child(months_ago(8 * 12), name="学童")
    toddler = child(months_ago(25), name="幼儿")
    infant = child(months_ago(5), name="婴儿")
    return infant, toddler, schoolchild, teen


def test_the_overdue_list_puts_young_and_recently_overdue_children_first(client, owner, children):
    client.force_login(owner)

    page = client.get(reverse("immunization:overdue")).context["page"]

    assert [p.name for p in page.object_list] == ["婴儿", "幼儿", "学童", "少年"]


def test_the_overdue_list_names_every_overdue_dose_of_a_child(client, owner, children):
    client.force_login(owner)

    html = client.get(reverse("immunization:overdue")).content.decode()

    assert "乙肝疫苗 第1剂" in html and "卡介苗 第1剂" in html


def test_the_key_group_page_has_the_same_order(client, owner, children):
    client.force_login(owner)

    page = client.get(reverse("services:keygroup_members", args=["vaccine_overdue"])).context[
        "page"
    ]

    assert [p.name for p in page.object_list] == ["婴儿", "幼儿", "学童", "少年"]


def _stale(person: Person, vaccine: str, overdue_on: dt.date) -> None:
    """A row the nightly refresh wrote before the child passed an age limit."""
    DoseDue.objects.filter(person=person).delete()
    DoseDue.objects.create(
        person=person,
        vaccine=Vaccine.objects.get(code=vaccine),
        dose=1,
        due_on=person.birth_date,
        earliest_on=person.birth_date,
        overdue_on=overdue_on,
        computed_on=overdue_on,
        area_code=person.area_code,
        birth_date=person.birth_date,
    )


def test_a_child_past_the_age_a_dose_is_given_is_not_listed_for_it(child):
    today = timezone.localdate()
    five = child(months_ago(5 * 12 + 1), name="五岁")
    _stale(five, "BCG", add_months(five.birth_date, 3))  # BCG: not from 4 years
    adult = child(add_months(today, -18 * 12) - dt.timedelta(days=1), name="成年")
    _stale(adult, "HepB", add_months(adult.birth_date, 1))  # catch-up ends at 18
    three = child(months_ago(3 * 12), name="三岁")
    _stale(three, "BCG", add_months(three.birth_date, 3))  # still given, with a skin test

    listed = {p.name for p in children_overdue(today)}

    assert listed == {"三岁"}


def test_the_work_list_starts_with_a_pregnant_woman_then_children_under_two(
    client, owner, register, catalog, children
):
    today = timezone.localdate()
    woman = register(
        id_number=make_id("410102", "19950101", 2),
        name="孕妇",
        arrived_on=today - dt.timedelta(days=400),
        marital_status="married",
    )
    maternal_actions.pregnancy_register(
        acting_user=owner, person=woman, lmp=today - dt.timedelta(days=120)
    )
    client.force_login(owner)

    page = client.get(reverse("services:worklist")).context["page"]
    rows = list(page.object_list)

    assert [r.name for r in rows[:3]] == ["孕妇", "婴儿", "幼儿"]
    assert [r.name for r in rows if r.name in ("学童", "少年")] == ["学童", "少年"]
    infant = rows[1]
    doses = next(d.detail for d in infant.items if d.item.group.code == "vaccine_overdue")
    assert "乙肝疫苗 第1剂" in doses and "、" in doses
