"""Reads about accounts and departments that other apps share."""

from __future__ import annotations

from django.db.models import QuerySet

from parity.accounts.models import Department
from parity.areas.models import Area


def provider_departments(user) -> QuerySet[Department]:
    """Departments a user may name as a service's provider: those in their area and those
    above it (a grid worker records what the street's health centre delivered)."""
    return Department.objects.filter(area__in=Area.objects.visible_to(user)).select_related("area")
