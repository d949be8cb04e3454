"""Reads of the registry: the population on a date, the recently changed, and the
programmes that concern a person.

**The population on a date** is defined here once, and the home page, the area pages, the
people list, the dashboard, the report and the indicators all count with it:

resident on D
    the current stay in the city covers D (``arrived_city_on`` ≤ D, and not left by D).
inflow on D
    status ``inflow`` (registered elsewhere) and resident on D: someone who has left the
    city is no longer counted, though their status stays ``inflow``.
outflow on D
    status ``outflow`` (registered here, living elsewhere) who had left by D
    (``outflow_since`` ≤ D, or unknown).
floating on D
    inflow on D plus outflow on D.
home province
    the first two digits of the city's code (``PARITY_CITY_CODE``).

Every read for a page starts from ``.restrict(user, ...)`` so a page never shows more
than the user's area subtree.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils.translation import gettext as _

from parity.people.choices import FLOATING, Sex, Status
from parity.people.models import Person

# --- the population on a date ---------------------------------------------------------


def home_province() -> str:
    return settings.PARITY_CITY_CODE[:2]


def resident_q(on: dt.date) -> Q:
    """Living in the city on the date (the current stay covers it)."""
    return Q(arrived_city_on__lte=on) & (Q(left_city_on__isnull=True) | Q(left_city_on__gt=on))


def inflow_q(on: dt.date) -> Q:
    """Inflow people living in the city on the date."""
    return Q(status=Status.INFLOW) & resident_q(on)


def outflow_q(on: dt.date) -> Q:
    """People registered here who had left the city by the date."""
    return Q(status=Status.OUTFLOW) & (Q(outflow_since__isnull=True) | Q(outflow_since__lte=on))


def floating_q(on: dt.date) -> Q:
    """The floating population on the date: inflow plus outflow on it."""
    return inflow_q(on) | outflow_q(on)


def floating_on(people: QuerySet[Person], on: dt.date) -> QuerySet[Person]:
    """Those of ``people`` in the floating population on the date. Saying ``status IN
    (inflow, outflow)`` as well lets PostgreSQL read the index of the floating population
    (``people_person_floating``, which carries every column of the definition)."""
    return people.filter(status__in=FLOATING).filter(floating_q(on))


def status_on(people: QuerySet[Person], status: str, on: dt.date) -> QuerySet[Person]:
    """Those of ``people`` counted under ``status`` on the date: inflow and outflow by the
    definitions above, registered by their status."""
    if status == Status.INFLOW:
        return people.filter(inflow_q(on))
    if status == Status.OUTFLOW:
        return people.filter(outflow_q(on))
    return people.filter(status=status)


def population_on(people: QuerySet[Person], on: dt.date) -> dict[str, int]:
    """How many of ``people`` are inflow, outflow and registered on the date, and floating
    (inflow + outflow). Two aggregates, each answered from an index alone on PostgreSQL:
    the floating population's (``people_person_floating``) and (status, area_code) for
    the registered, whose status is their residence."""
    people = people.order_by()
    counts = people.filter(status__in=FLOATING).aggregate(
        inflow=Count("pk", filter=inflow_q(on)), outflow=Count("pk", filter=outflow_q(on))
    )
    registered = people.filter(status=Status.REGISTERED).count()
    return {
        Status.INFLOW.value: counts["inflow"],
        Status.OUTFLOW.value: counts["outflow"],
        Status.REGISTERED.value: registered,
        "floating": counts["inflow"] + counts["outflow"],
    }


def population_by_prefix(
    people: QuerySet[Person], on: dt.date, length: int
) -> dict[str, dict[str, int]]:
    """``population_on`` for each group of area codes cut to ``length`` digits (the
    children of a node): the same two aggregates, grouped."""
    child = Substr("area_code", 1, length)
    people = people.order_by().annotate(child=child)
    by_child: dict[str, dict[str, int]] = {}

    def entry(code: str) -> dict[str, int]:
        return by_child.setdefault(code, {**dict.fromkeys(Status.values, 0), "floating": 0})

    floating = (
        people.filter(status__in=FLOATING)
        .values_list("child")
        .annotate(
            i=Count("pk", filter=inflow_q(on)),
            o=Count("pk", filter=outflow_q(on)),
        )
    )
    for code, inflow, outflow in floating:
        row = entry(code)
        row[Status.INFLOW.value], row[Status.OUTFLOW.value] = inflow, outflow
        row["floating"] = inflow + outflow
    registered = people.filter(status=Status.REGISTERED).values_list("child").annotate(n=Count("*"))
    for code, n in registered:
        entry(code)[Status.REGISTERED.value] = n
    return by_child


# --- pages ---------------------------------------------------------------------------


def people_by_status(user, on: dt.date, *, within: str = "") -> dict[str, int]:
    """``population_on`` the date in the user's scope (optionally below a node)."""
    people = Person.objects.restrict(user, "view")
    if within:
        people = people.in_area(within)
    return population_on(people, on)


def recently_changed_people(user, *, limit: int = 10):
    return (
        Person.objects.restrict(user, "view")
        .select_related("grid")
        .order_by("-updated_at", "-id")[:limit]
    )


def person_programme_links(person, on) -> list[tuple[str, str]]:
    """Links from a person's page to the programmes that concern them on the date."""
    age = person.age_on(on)
    links: list[tuple[str, str]] = []
    if age < 18:
        links.append((_("预防接种"), reverse("immunization:person", args=[person.pk])))
    if age < 7:
        links.append((_("儿童健康检查"), reverse("maternal:child_checks", args=[person.pk])))
    if person.sex == Sex.FEMALE and 10 <= age <= 60:
        links.append((_("孕产期保健"), reverse("maternal:person", args=[person.pk])))
    if person.sex == Sex.FEMALE and 18 <= age <= 49:
        links.append((_("婚育证明"), reverse("certificates:person", args=[person.pk])))
    if person.status == Status.INFLOW:
        links.append((_("居住证"), reverse("certificates:permit", args=[person.pk])))
    # Notices sent to and received from other regions about the person, and 协查: for
    # the floating, and for anyone a partner region has told us about.
    if person.status != Status.REGISTERED or _has_received_notices(person):
        links.append((_("区域协作通报"), reverse("exchange:notices", args=[person.pk])))
    return links


def _has_received_notices(person) -> bool:
    # deferred: another app's module, needed on this path only
    from parity.exchange.models import InboxMessage

    return InboxMessage.objects.filter(person=person).exists()
