"""The public-services part of the person page: entitlements on a date, recent service
events and visits. A fixed number of queries, whatever the catalog's size."""

from __future__ import annotations

import datetime as dt

from parity.accounts.permissions import SERVE, VIEW, in_scope
from parity.people.models import Person
from parity.services.models import ServiceEvent, Visit
from parity.services.selectors import person_entitlements

RECENT = 10


def person_services(user, person: Person, on: dt.date) -> dict:
    entitlements = [e for e in person_entitlements(person, on) if e.eligible]
    return {
        "entitlements": entitlements,
        "missing_count": sum(1 for e in entitlements if e.missing),
        "service_events": list(
            ServiceEvent.objects.restrict(user, VIEW)
            .filter(person=person)
            .select_related("service_type", "provider")[:RECENT]
        ),
        "visits": list(
            Visit.objects.restrict(user, VIEW)
            .filter(person=person)
            .select_related("visitor")[:RECENT]
        ),
        "can_serve": in_scope(user, person.area_code, SERVE),
    }
