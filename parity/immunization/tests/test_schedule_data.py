"""The schedule as data: shipped by the migration, reloaded idempotently, read back into the
engine unchanged."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from parity.immunization.models import ScheduleDose, ScheduleEdition
from parity.immunization.schedule_data import schedule_from_db

pytestmark = pytest.mark.django_db


def test_both_editions_ship_with_their_dates():
    editions = list(ScheduleEdition.objects.values_list("code", "effective_from"))
    assert editions == [("2021", dt.date(2021, 1, 1)), ("2025", dt.date(2025, 1, 1))]
    later = ScheduleDose.objects.filter(edition__code="2025", vaccine__code="DTaP")
    assert sorted(later.values_list("dose", "min_age_months")) == [
        (1, 2),
        (2, 4),
        (3, 6),
        (4, 18),
        (5, 72),
    ]
    assert not ScheduleDose.objects.filter(edition__code="2025", vaccine__code="DT").exists()


def test_loading_the_schedule_again_changes_nothing():
    out = StringIO()
    call_command("load_schedule", stdout=out)
    assert "0 changed" in out.getvalue()


def test_the_engine_reads_the_same_schedule_from_the_tables_as_from_the_file(schedule):
    from_db = schedule_from_db()
    for edition in schedule.editions:
        stored = next(e for e in from_db.editions if e.code == edition.code)
        assert stored.by_key == edition.by_key
        assert (stored.grace, stored.catch_up_until, stored.live_spacing_days) == (
            edition.grace,
            edition.catch_up_until,
            edition.live_spacing_days,
        )
    assert from_db.vaccines == schedule.vaccines
