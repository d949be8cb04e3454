"""The population on a date has one definition (``people.selectors``): the home page, the
area page, the people list's filter, the dashboard and ``parity report`` give the same
floating count for the demo city, and an inflow person who has left is counted nowhere."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from parity.accounts.choices import Role
from parity.areas.models import Area
from parity.indicators.catalog import load_builtin
from parity.indicators.compute import refresh
from parity.people.choices import Status
from parity.people.models import Person
from parity.people.selectors import floating_on, population_on
from parity.reports.content import count_zh

SCALE = 0.001  # some 600 floating people
CITY = "1502"


@pytest.fixture(scope="module")
def demo_city(django_db_setup, django_db_blocker):
    """The demo city on today's date, with the indicators computed for today."""
    today = timezone.localdate()
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", scale=SCALE, seed=5, as_of=today, verbosity=0)
        load_builtin(today)
        refresh(as_of=today)
        yield today
        transaction.set_rollback(True)


@pytest.fixture
def official(django_user_model, demo_city):
    return django_user_model.objects.create_user(
        username="agreement",
        password="pw-agree-123",
        role=Role.OFFICIAL,
        area=Area.objects.get(code=CITY),
    )


def _number(html: str, pattern: str) -> int:
    match = re.search(pattern, html, re.S)
    assert match, pattern
    return int(match.group(1).replace(",", ""))


@pytest.mark.django_db
def test_every_page_and_the_report_count_the_same_floating_population(client, official, demo_city):
    today = demo_city
    # Given the demo city, where some inflow people have left the city by today
    everyone = Person.objects.all()
    left = everyone.filter(status=Status.INFLOW, left_city_on__lte=today).count()
    assert left > 0
    expected = floating_on(everyone, today).count()
    assert expected == population_on(everyone, today)["floating"] > 0
    client.force_login(official)

    # the home page
    home = client.get(reverse("web:home"))
    assert home.context["floating"] == expected

    # the area page: the node's own counts and the sum of its children
    area = client.get(reverse("web:area_detail", args=[CITY]))
    statuses = dict(area.context["statuses"])
    assert statuses[Status.INFLOW] + statuses[Status.OUTFLOW] == expected
    assert sum(row["floating"] for row in area.context["children"]) == expected

    # the people list filtered to the floating population, and by status
    listed = client.get(reverse("web:person_list"), {"floating": "true"})
    assert listed.context["page"].paginator.count == expected
    inflow = client.get(reverse("web:person_list"), {"status": "inflow"})
    assert inflow.context["page"].paginator.count == statuses[Status.INFLOW]

    # the dashboard's headline
    dashboard = client.get(reverse("web:dashboard_node", args=[CITY]))
    html = dashboard.content.decode()
    pattern = r'data-figure="floating">.*?<span class="stat-value">([\d,]+)</span>'
    assert _number(html, pattern) == expected

    # and the report
    report = client.get(reverse("reports:report"), {"area": CITY, "as_of": today.isoformat()})
    assert report.status_code == 200
    assert report.context["figures"].floating == expected


@pytest.mark.django_db
def test_the_report_command_counts_the_same_floating_population(demo_city, capsys):
    today = demo_city
    expected = floating_on(Person.objects.all(), today).count()
    call_command("report", as_of=today.isoformat(), area=CITY, fmt="md", output="-")
    text = capsys.readouterr().out
    assert f"流动人口已达{count_zh(expected)}" in text
