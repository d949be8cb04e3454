"""The immunization key group: children overdue for a vaccine (on the work list)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from parity.immunization.models import DoseDue
from parity.immunization.selectors import (
    BandedRows,
    age_limits,
    children_for_rows,
    children_overdue,
    children_overdue_rows,
    overdue_dose_labels,
    overdue_doses,
)
from parity.people.models import Person
from parity.services.keygroups import KeyGroup, register_key_group


def children_overdue_group(on: dt.date) -> QuerySet[Any]:
    limits = age_limits(on)
    # The dose most recently overdue (the card lists them all, ``overdue_dose_labels``).
    latest = overdue_doses(
        on, DoseDue.objects.filter(person=OuterRef("pk")), limits=limits
    ).order_by("-overdue_on", "vaccine__code")
    return children_overdue(on, limits=limits).annotate(
        since=F("overdue_latest"),
        detail=Subquery(latest.values("vaccine__name")[:1]),
    )


def _labels(person_ids: list[int], on: dt.date) -> dict[int, str]:
    return overdue_dose_labels(person_ids, on)


def _page_rows(on: dt.date, people: QuerySet[Person]) -> BandedRows:
    """The members page as the overdue list pages it: narrow rows, one age band at a time."""
    return children_overdue_rows(on, people=people)


def _page_people(rows, on: dt.date) -> list[Any]:
    """The page's children with what ``children_overdue_group`` annotates: ``since`` (the
    latest overdue date) and ``detail`` (the vaccine of the dose most recently overdue,
    the first by vaccine code on the same day): one query for the page's doses."""
    children = children_for_rows(rows, Person.objects.select_related("grid"))
    latest: dict[int, str] = {}
    doses = (
        overdue_doses(on, DoseDue.objects.filter(person_id__in=[c.pk for c in children]))
        .order_by("person_id", "-overdue_on", "vaccine__code")
        .values_list("person_id", "vaccine__name")
    )
    for person_id, name in doses:
        latest.setdefault(person_id, name)
    for child in children:
        child.since = child.overdue_latest
        child.detail = latest.get(child.pk)
    return children


def register() -> None:
    register_key_group(
        KeyGroup(
            "vaccine_overdue",
            _("疫苗接种逾期儿童"),
            children_overdue_group,
            urgency=10,
            urgent_under_months=24,
            recent_first=True,
            details_for=_labels,
            order=("band", "-overdue_latest", "id"),
            description=_("按国家免疫规划有剂次逾期未种的儿童(按每晚刷新的应种剂次表)"),
            record_url_name="immunization:person",
            record_label=_("记录接种"),
            page_rows=_page_rows,
            page_people=_page_people,
        )
    )
