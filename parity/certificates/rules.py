"""The rules of certificates and permits as plain functions of the records and a date.

Residence permit (居住证暂行条例, DOMAIN.md §3):

- May apply (Art. 2) after six months' residence in the city ("半年以上": in Chinese
  legal usage 以上 includes the number, so six full months suffice, as the catalog's
  ``min_stay_months: 6`` reads it) plus one basis that holds on the application date.
- Endorsement (Art. 10): once a year, within the month before each full year counted from
  issue. An endorsement in that window carries the permit to the next full year.
- Missing it lapses the permit from the anniversary: its functions are suspended. A late
  endorsement revives it, and the years count again from the late endorsement: the next
  full year is a year after it.
- Years of continuous residence: full years from the start of the count (the issue date,
  or the last late endorsement) to the date, or to the lapse while lapsed.

Certificate (婚育证明, DOMAIN.md §6): a woman 18–49 living here and registered elsewhere
shows it within 30 days of arrival.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from parity.certificates.choices import CertificateState, PermitState, PermitStatus
from parity.people.choices import Sex, Status

CHECK_WITHIN_DAYS = 30
CERTIFICATE_AGES = (18, 49)
MIN_STAY_MONTHS = 6
ENDORSE_WINDOW_MONTHS = 1
DAY = dt.timedelta(days=1)


def check_due_on(arrived_on: dt.date | None) -> dt.date | None:
    return arrived_on + dt.timedelta(days=CHECK_WITHIN_DAYS) if arrived_on else None


def certificate_required(person, on: dt.date) -> bool:
    """A woman 18–49, inflow, living in the city on the date."""
    low, high = CERTIFICATE_AGES
    return (
        person.sex == Sex.FEMALE
        and person.status == Status.INFLOW
        and person.birth_date <= on - relativedelta(years=low)
        and person.birth_date > on - relativedelta(years=high + 1)
        and person.arrived_city_on is not None
        and person.arrived_city_on <= on
        and (person.left_city_on is None or person.left_city_on > on)
    )


def certificate_state(person, certificates: Iterable, on: dt.date) -> CertificateState:
    current = [
        c
        for c in certificates
        if c.issued_on <= on and (c.valid_until is None or c.valid_until >= on)
    ]
    if any(c.checked_on is not None and c.checked_on <= on for c in current):
        return CertificateState.CHECKED
    if current:
        return CertificateState.ISSUED
    if certificate_required(person, on):
        return CertificateState.MISSING
    return CertificateState.NOT_REQUIRED


def eligible_from(arrived_on: dt.date) -> dt.date:
    """The first day six months' residence is complete."""
    return arrived_on + relativedelta(months=MIN_STAY_MONTHS)


@dataclass
class Standing:
    """A permit's standing on a date."""

    state: str
    counted_from: dt.date | None = None
    valid_until: dt.date | None = None
    endorse_from: dt.date | None = None
    lapsed_since: dt.date | None = None
    years: int = 0

    @property
    def label(self) -> str:
        return str(PermitState(self.state).label)

    @property
    def is_valid(self) -> bool:
        return self.state in (PermitState.VALID, PermitState.DUE_FOR_ENDORSEMENT)


def _anniversary(counted_from: dt.date, years: int) -> dt.date:
    return counted_from + relativedelta(years=years)


def permit_state(permit, endorsements: Iterable, on: dt.date) -> Standing:
    """applied / valid / due_for_endorsement / lapsed on a date, with the dates that
    explain it. ``endorsements`` are the permit's ``PermitEndorsement`` rows."""
    if permit.status == PermitStatus.CANCELLED:
        return Standing(PermitState.CANCELLED)
    if permit.issued_on is None or permit.issued_on > on:
        return Standing(PermitState.APPLIED)
    counted_from, year = permit.issued_on, 1
    for endorsement in sorted(endorsements, key=lambda e: e.endorsed_on):
        if endorsement.endorsed_on > on:
            break
        if endorsement.endorsed_on < _anniversary(counted_from, year):
            year += 1
        else:
            counted_from, year = endorsement.endorsed_on, 1
    anniversary = _anniversary(counted_from, year)
    endorse_from = anniversary - relativedelta(months=ENDORSE_WINDOW_MONTHS)
    standing = Standing(
        PermitState.VALID,
        counted_from=counted_from,
        valid_until=anniversary - DAY,
        endorse_from=endorse_from,
    )
    if on >= anniversary:
        standing.state = PermitState.LAPSED
        standing.lapsed_since = anniversary
        standing.years = relativedelta(anniversary, counted_from).years
    else:
        if on >= endorse_from:
            standing.state = PermitState.DUE_FOR_ENDORSEMENT
        standing.years = relativedelta(on, counted_from).years
    return standing
