"""A refresh writes a new snapshot and swaps it in at the end: readers see the old one
whole until then, a failure leaves the old one current, a refresh of some indicators
carries the others over, and two connections count what one does.

On PostgreSQL the refresh runs on two connections in a thread of its own while the test
reads from another connection (so the data is committed: ``transactional_db``); on SQLite
the refresh is sequential and the reader reads from inside its progress hook."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F, Q

from parity.core.models import AuditEvent
from parity.indicators import compute, selectors
from parity.indicators.catalog import load_builtin
from parity.indicators.compute import refresh
from parity.indicators.models import AreaFigure, Indicator, IndicatorValue, Snapshot

AS_OF = dt.date(2026, 6, 30)
# Added to every count of a computation, so that its rows are told from a recomputation's.
MARK = 10**7
POSTGRESQL = connection.vendor == "postgresql"
# Committed on PostgreSQL: the refresh's other connection must see the city.
pytestmark = pytest.mark.django_db(transaction=POSTGRESQL)


@pytest.fixture
def city():
    """A small generated city with the built-in indicators."""
    call_command("demo", scale=0.001, seed=7, as_of=AS_OF, verbosity=0)
    call_command("refresh_immunization", as_of=AS_OF.isoformat(), verbosity=0)
    load_builtin(AS_OF)


def marked(snapshot: Snapshot) -> Snapshot:
    """The snapshot with every count raised by ``MARK``."""
    IndicatorValue.objects.filter(snapshot=snapshot).update(floating_den=F("floating_den") + MARK)
    AreaFigure.objects.filter(snapshot=snapshot).update(value=F("value") + MARK)
    return snapshot


def cells(snapshot: Snapshot) -> tuple[set, set]:
    values = set(
        IndicatorValue.objects.filter(snapshot=snapshot).values_list(
            "indicator_id", "area_code", "level", "dimension", "category",
            "floating_num", "floating_den", "registered_num", "registered_den",
        )
    )  # fmt: skip
    figures = set(
        AreaFigure.objects.filter(snapshot=snapshot).values_list(
            "area_code", "level", "figure", "category", "value"
        )
    )
    return values, figures


def what_a_reader_sees() -> dict:
    """What the pages read: the current snapshot, and every count of it."""
    shown = selectors.latest_snapshot()
    assert shown is not None
    dens = list(
        IndicatorValue.objects.filter(snapshot=shown).values_list("floating_den", flat=True)
    )
    values = list(AreaFigure.objects.filter(snapshot=shown).values_list("value", flat=True))
    return {"pk": shown.pk, "counts": dens + values}


def test_a_reader_during_a_refresh_sees_the_old_snapshot_whole(city):
    old = marked(refresh(as_of=AS_OF))
    old_rows = IndicatorValue.objects.filter(snapshot=old).count()
    paused, resume = threading.Event(), threading.Event()
    seen: dict = {}

    def read_midway() -> None:
        seen.update(what_a_reader_sees())
        running = Snapshot.objects.get(as_of=AS_OF, status="running")
        seen["written"] = IndicatorValue.objects.filter(snapshot=running).count()

    def hook(part: str) -> None:
        if part != "cleanup":  # the last part: the others have started, some have ended
            return
        if POSTGRESQL:
            paused.set()
            assert resume.wait(60)
        else:
            read_midway()

    result: dict = {}

    def run() -> None:
        try:
            result["new"] = refresh(as_of=AS_OF, progress=hook)
        finally:
            if POSTGRESQL:
                connection.close()  # the thread's own

    worker = threading.Thread(target=run)
    if POSTGRESQL:
        worker.start()
        assert paused.wait(120)
        try:
            read_midway()  # from this thread's own connection
        finally:
            resume.set()
            worker.join(120)
    else:
        worker.run()  # here: SQLite has one connection

    assert seen["pk"] == old.pk
    assert len(seen["counts"]) == old_rows + AreaFigure.objects.filter(snapshot=old).count()
    assert all(count >= MARK for count in seen["counts"])
    assert seen["written"] > 0  # the new rows were there, unseen
    after = what_a_reader_sees()
    assert after["pk"] == result["new"].pk
    assert after["counts"] and all(count < MARK for count in after["counts"])
    old.refresh_from_db()
    assert old.status == "replaced"


def test_a_failing_part_leaves_the_old_snapshot_current_and_the_new_one_failed(city, monkeypatch):
    old = refresh(as_of=AS_OF)
    before = cells(old)
    real = compute._person_rows

    def broken(cursor, snapshot, indicators):
        if any(indicator.code == "health_record" for indicator in indicators):
            raise RuntimeError("disk full")
        return real(cursor, snapshot, indicators)

    monkeypatch.setattr(compute, "_person_rows", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        refresh(as_of=AS_OF)

    assert selectors.latest_snapshot() == old
    assert cells(old) == before
    failed = Snapshot.objects.get(as_of=AS_OF, status="failed")
    assert failed.error == "RuntimeError: disk full"
    assert not IndicatorValue.objects.filter(snapshot=failed).exists()
    assert not AreaFigure.objects.filter(snapshot=failed).exists()
    assert AuditEvent.objects.filter(action="indicators.refresh").count() == 1
    # The next refresh succeeds and takes the failed one away.
    monkeypatch.setattr(compute, "_person_rows", real)
    new = refresh(as_of=AS_OF)
    assert selectors.latest_snapshot() == new
    assert not Snapshot.objects.filter(status="failed").exists()
    assert cells(new) == before


def test_a_refresh_of_some_indicators_carries_the_others_over(city):
    old = marked(refresh(as_of=AS_OF))
    chosen = Indicator.objects.get(code="health_record")
    new = refresh(as_of=AS_OF, indicators=[chosen])

    values = IndicatorValue.objects.filter(snapshot=new)
    assert values.count() == IndicatorValue.objects.filter(snapshot=old).count()
    assert values.filter(indicator=chosen).exists()
    assert all(den < MARK for den in values.filter(indicator=chosen).values_list(
        "floating_den", flat=True))  # fmt: skip
    others = values.exclude(indicator=chosen)
    assert others.filter(floating_den__lt=MARK).count() == 0
    old_others = IndicatorValue.objects.filter(snapshot=old).exclude(indicator=chosen)
    assert cells_of(others) == cells_of(old_others)
    assert selectors.latest_snapshot() == new


def cells_of(values) -> set:
    return set(values.values_list("indicator_id", "area_code", "dimension", "category",
                                  "floating_num", "floating_den"))  # fmt: skip


def test_two_connections_count_what_one_does(city):
    one = refresh(as_of=AS_OF, workers=1)
    sequential = cells(one)
    two = refresh(as_of=AS_OF, workers=2)
    assert cells(two) == sequential
    assert sequential[0] and sequential[1]
    used = AuditEvent.objects.filter(action="indicators.refresh").order_by("at")
    assert [(e.after or {}).get("workers") for e in used] == [1, 2 if POSTGRESQL else 1]
    assert (two.rows, two.status) == (one.rows, "done")


def test_indicators_with_one_denominator_count_in_one_pass_what_each_counts_alone(
    city, monkeypatch
):
    chosen = list(Indicator.objects.active())
    parts = [p.name for p in compute._parts(chosen, None, as_of=AS_OF, subset=False)]
    together = [name for name in parts if ", " in name]
    # The catalog has such indicators (health records and festival care: every resident).
    assert any("health_record" in name for name in together)
    shared = cells(refresh(as_of=AS_OF))
    monkeypatch.setattr(compute, "_denominator_key", lambda indicator, _as_of: indicator.pk)
    alone = [p.name for p in compute._parts(chosen, None, as_of=AS_OF, subset=False)]
    assert not any(", " in name for name in alone)
    assert cells(refresh(as_of=AS_OF)) == shared


def test_an_indicator_whose_denominator_is_no_one_gets_no_values(city, monkeypatch):
    chosen = Indicator.objects.get(code="health_record")
    real = compute.denominator_q

    def nobody_for_one(indicator, end):
        return Q(pk__in=[]) if indicator.pk == chosen.pk else real(indicator, end)

    monkeypatch.setattr(compute, "denominator_q", nobody_for_one)
    snapshot = refresh(as_of=AS_OF)
    assert snapshot.status == "done"
    values = IndicatorValue.objects.filter(snapshot=snapshot)
    assert not values.filter(indicator=chosen).exists()
    # Festival care, which shares health records' denominator, is counted all the same.
    assert values.filter(indicator__code="service-festival_care").exists()


def test_a_replaced_snapshot_is_kept_until_the_next_refresh(city):
    first = refresh(as_of=AS_OF)
    second = refresh(as_of=AS_OF)
    first.refresh_from_db()
    assert first.status == "replaced"
    assert IndicatorValue.objects.filter(snapshot=first).count() == second.rows - (
        AreaFigure.objects.filter(snapshot=second).count()
    )
    refresh(as_of=AS_OF)
    assert not Snapshot.objects.filter(pk=first.pk).exists()
    assert not IndicatorValue.objects.filter(snapshot=first).exists()
    assert Snapshot.objects.filter(as_of=AS_OF, status="done").count() == 1


def test_the_command_refreshes_on_the_connections_it_is_told(city):
    import io

    from django.core.management.base import CommandError

    out = io.StringIO()
    call_command("refresh_indicators", as_of=AS_OF, workers=1, stdout=out)
    assert "figures" in out.getvalue()
    assert (AuditEvent.objects.get(action="indicators.refresh").after or {}).get("workers") == 1
    with pytest.raises(CommandError, match="--workers"):
        call_command("refresh_indicators", as_of=AS_OF, workers=0, stdout=out)
