"""Writes of the duplicates app: recording candidate pairs, deciding them, merging two
people into one and undoing it (STYLE.md rule 3: keyword-only, acting user first, one
transaction, one audit event)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parity.certificates.eligible import permit_eligibility_refresh
from parity.core.actions import ensure_can, snapshot
from parity.core.jobs import job
from parity.core.models import audit
from parity.dedup import candidates, rules
from parity.dedup.choices import MergeState, PairStatus
from parity.dedup.error_codes import DedupError
from parity.dedup.models import DuplicatePair, Merge
from parity.dedup.moves import (
    RELATIONS,
    Mover,
    Undo,
    reinsert,
    remaining,
    restore_state,
    row_state,
    serialize_row,
)
from parity.dedup.selectors import possible_duplicates, warning_text
from parity.immunization.due import dose_due_follow_birth_date, dose_due_refresh_person
from parity.immunization.models import ScheduleDose, VaccinationRecord
from parity.maternal.due import is_child, refresh_child
from parity.maternal.visit_due import refresh_person as refresh_pregnancy_visit_dues
from parity.people.models import Person, Residence

# What a reviewer chooses field by field, and the columns each choice carries along.
FIELD_GROUPS: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "id_number": ("id_number_enc", "id_hash", "id_masked", "birth_date", "sex"),
    "phone": ("phone_enc", "phone_hash", "phone_masked"),
    "ethnicity": ("ethnicity",),
    "education": ("education",),
    "marital_status": ("marital_status",),
    "hukou_code": ("hukou_code",),
    "hukou_type": ("hukou_type",),
}
# Where the person lives and is managed follows the open residence the merge keeps.
PLACE = (
    "status",
    "area_code",
    "grid",
    "outflow_region_code",
    "outflow_since",
    "arrived_city_on",
    "left_city_on",
)


def _pair_key(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def pairs_record(found: dict[tuple[int, int], tuple[rules.Match, str, str]]) -> int:
    """Queue new candidate pairs; pairs already known keep their status (a pair found "not
    the same person" does not come back). Returns how many were new."""
    before = DuplicatePair.objects.count()
    rows = [
        DuplicatePair(
            low_id=low,
            high_id=high,
            area_low=area_low,
            area_high=area_high,
            score=match.score,
            reasons=list(match.reasons),
        )
        for (low, high), (match, area_low, area_high) in found.items()
    ]
    for start in range(0, len(rows), 5000):
        DuplicatePair.objects.bulk_create(rows[start : start + 5000], ignore_conflicts=True)
    return DuplicatePair.objects.count() - before


@dataclass
class SweepReport:
    people: int
    compared: int
    candidates: int
    new: int
    seconds: float


def pairs_sweep(*, acting_user, min_score: float = rules.MIN_SCORE, progress=None) -> SweepReport:
    """Compare everyone with everyone in their blocks (``candidates.sweep``) and queue the
    pairs found. For the whole city: run by ``parity dedup sweep`` or the worker."""

    if acting_user is not None:
        ensure_can(acting_user, "change", settings.PARITY_CITY_CODE)
    started = timezone.now()
    with job("dedup_sweep") as summary:
        result = candidates.sweep(min_score=min_score, progress=progress)
        with transaction.atomic():
            new = pairs_record(result.found)
            audit(
                acting_user=acting_user,
                action="dedup.sweep",
                object_type="dedup.duplicatepair",
                after={"people": result.people, "candidates": len(result.found), "new": new},
            )
        summary.update(people=result.people, candidates=len(result.found), new=new)
    return SweepReport(
        people=result.people,
        compared=result.compared,
        candidates=len(result.found),
        new=new,
        seconds=(timezone.now() - started).total_seconds(),
    )


def person_screen(*, acting_user, person: Person) -> list[tuple[Person, rules.Match]]:
    """Check a person just registered or imported against the registry: the likely
    duplicates, best first, each queued for review. Never refuses anything."""

    found = possible_duplicates(person)
    if found:
        pairs_record(
            {
                _pair_key(person.pk, other.pk): (
                    match,
                    *(
                        (person.area_code, other.area_code)
                        if person.pk < other.pk
                        else (other.area_code, person.area_code)
                    ),
                )
                for other, match in found
            }
        )
    return found


# An import creating more people than this is checked by a background sweep instead.
IMPORT_SCREEN_MAX = 2000


def import_screen(*, acting_user, since: dt.datetime, area_code: str) -> list[str]:
    """Check the people an import created (since ``since``, in ``area_code``) as a
    registration is checked: one warning line per likely duplicate. A large import is left
    to a background sweep, which the worker runs."""

    created = Person.objects.filter(created_at__gte=since, area_code__startswith=area_code)
    if created.count() > IMPORT_SCREEN_MAX:
        # deferred: dedup.tasks imports this module (the sweep job runs an action)
        from parity.dedup.tasks import dedup_sweep

        dedup_sweep.enqueue(rules.MIN_SCORE)
        return [_("本次导入人数较多,已安排后台比对疑似重复人员,结果见“疑似重复”")]
    warnings = []
    for person in created.order_by("pk"):
        for other, _match in person_screen(acting_user=acting_user, person=person):
            warnings.append(f"{person}:{warning_text(acting_user, other)}")
    return warnings


def _decidable(pair: DuplicatePair, acting_user) -> tuple[DuplicatePair, Person, Person]:
    pair = DuplicatePair.objects.select_for_update().get(pk=pair.pk)
    if pair.status != PairStatus.OPEN:
        raise ValidationError(
            _("该疑似重复已处理(%(status)s)") % {"status": pair.get_status_display()},
            code=DedupError.PAIR_DECIDED,
        )
    people = {
        p.pk: p
        for p in Person.objects.select_for_update()
        .filter(pk__in=[pair.low_id, pair.high_id])
        .order_by("pk")
    }
    if len(people) != 2:
        raise ValidationError(_("其中一人已不在登记中"), code=DedupError.PERSON_GONE)
    low, high = people[pair.low_id], people[pair.high_id]
    ensure_can(acting_user, "change", low.area_code)
    ensure_can(acting_user, "change", high.area_code)
    return pair, low, high


@transaction.atomic
def pair_dismiss(*, acting_user, pair: DuplicatePair, note: str = "") -> DuplicatePair:
    """The reviewer found two different people: the pair is remembered and not queued again."""
    pair, _low, _high = _decidable(pair, acting_user)
    pair.status = PairStatus.NOT_DUPLICATE
    pair.decided_at = timezone.now()
    pair.decided_by = acting_user if getattr(acting_user, "pk", None) else None
    pair.note = note.strip()[:200]
    pair.save(update_fields=["status", "decided_at", "decided_by", "note"])
    audit(
        acting_user=acting_user,
        action="dedup.dismiss",
        obj=pair,
        area_code=pair.area_low,
        after={"low_id": pair.low_id, "high_id": pair.high_id, "note": pair.note},
    )
    return pair


def _refresh_dues(person: Person, had_dues: bool) -> None:
    # Records moved by queryset updates, which send no signal.
    permit_eligibility_refresh([person.pk])
    if is_child(person.birth_date):
        refresh_child(person)
    refresh_pregnancy_visit_dues(person)
    if not ScheduleDose.objects.exists():
        return
    if had_dues or VaccinationRecord.objects.filter(person=person).exists():
        dose_due_refresh_person(person)
    else:  # rows written since (a nightly refresh) with the birth date an undo restored
        dose_due_follow_birth_date(person)


@transaction.atomic
def pair_merge(
    *,
    acting_user,
    pair: DuplicatePair,
    survivor_id: int,
    winners: dict[str, int] | None = None,
) -> Merge:
    """Merge the pair's two people into ``survivor_id``. ``winners`` says, for fields of
    ``FIELD_GROUPS``, whose value the survivor keeps (a person's key; the survivor's by
    default). Every record of the other moves to the survivor by ``moves.RELATIONS``;
    the other is deleted and kept as a tombstone (``Merge``) that ``pair_unmerge`` undoes."""
    pair, low, high = _decidable(pair, acting_user)
    if survivor_id not in (low.pk, high.pk):
        raise ValidationError(_("保留人员必须是这两人之一"), code=DedupError.SURVIVOR_NOT_IN_PAIR)
    survivor, merged = (low, high) if survivor_id == low.pk else (high, low)
    winners = winners or {}
    unknown = set(winners) - set(FIELD_GROUPS)
    bad = {k for k, v in winners.items() if v not in (low.pk, high.pk)}
    if unknown or bad:
        raise ValidationError(
            _("无法识别的合并字段:%(f)s") % {"f": "、".join(sorted(unknown | bad))},
            code=DedupError.FIELD_UNKNOWN,
        )
    before = {"survivor": snapshot(survivor), "merged": snapshot(merged)}
    survivor_state = row_state(survivor)

    open_residences = sorted(
        Residence.objects.filter(person__in=[survivor, merged], departed_on__isnull=True),
        key=lambda r: (r.arrived_on, r.pk),
    )
    place_from = merged if open_residences and open_residences[-1].person_id == merged.pk else None

    mover = Mover(survivor, merged)
    for run in RELATIONS.values():
        run(mover)
    left = remaining(merged)
    if left:  # a relation ``RELATIONS`` does not know: refuse rather than lose rows
        raise ValidationError(
            _("仍有记录未转移:%(t)s") % {"t": ", ".join(left)}, code=DedupError.FIELD_UNKNOWN
        )
    merged_row = serialize_row(merged)
    Person.objects.filter(pk=merged.pk).delete()

    values: dict[str, Any] = {}
    for group, winner in winners.items():
        if winner == merged.pk:
            for column in FIELD_GROUPS[group]:
                values[column] = getattr(merged, column)
    if place_from is not None:
        for column in PLACE:
            values[column] = getattr(place_from, column)
    if values:
        for column, value in values.items():
            setattr(survivor, column, value)
        survivor.full_clean(exclude=["id_hash"])
        survivor.save(update_fields=[*values, "updated_at"])
    _refresh_dues(survivor, mover.undo.dues_removed)

    other_pairs = list(
        DuplicatePair.objects.involving(merged.pk).exclude(pk=pair.pk).select_for_update()
    )
    for other in other_pairs:
        mover.remove(other)

    pair.status = PairStatus.MERGED
    pair.decided_at = timezone.now()
    pair.decided_by = acting_user if getattr(acting_user, "pk", None) else None
    pair.area_low = pair.area_high = survivor.area_code
    pair.save(update_fields=["status", "decided_at", "decided_by", "area_low", "area_high"])
    undo = mover.undo.as_json()
    undo["survivor"] = survivor_state
    undo["merged_row"] = merged_row
    merge = Merge.objects.create(
        pair=pair,
        survivor_id=survivor.pk,
        merged_id=merged.pk,
        merged_id_hash=merged.id_hash,
        merged_name=merged.name,
        merged_id_masked=merged.id_masked,
        area_code=survivor.area_code,
        merged_area_code=merged.area_code,
        undo=undo,
        merged_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    audit(
        acting_user=acting_user,
        action="dedup.merge",
        obj=merge,
        area_code=survivor.area_code,
        before={
            **before,
            "moved": [[label, f, old, pks] for label, f, old, pks in mover.undo.moved],
            "changed": mover.undo.changed,
            "removed": [[r["model"], r["pk"]] for r in mover.undo.removed],
        },
        after={"survivor_id": survivor.pk, "merged_id": merged.pk, "fields": sorted(values)},
    )
    return merge


def unmerge_deadline(merge: Merge) -> dt.datetime:
    return merge.merged_at + dt.timedelta(days=settings.PARITY_DEDUP_UNMERGE_DAYS)


@transaction.atomic
def pair_unmerge(*, acting_user, merge: Merge) -> Merge:
    """Undo a merge within ``PARITY_DEDUP_UNMERGE_DAYS``: the person merged away comes back
    with their key, fields and records, and the survivor gets their own fields back."""
    merge = Merge.objects.select_for_update().select_related("pair").get(pk=merge.pk)
    if merge.state != MergeState.MERGED:
        raise ValidationError(_("该合并已撤销"), code=DedupError.UNMERGE_DONE)
    if timezone.now() > unmerge_deadline(merge):
        raise ValidationError(
            _("合并已超过 %(n)d 天,不能撤销") % {"n": settings.PARITY_DEDUP_UNMERGE_DAYS},
            code=DedupError.UNMERGE_EXPIRED,
        )
    survivor = Person.objects.select_for_update().filter(pk=merge.survivor_id).first()
    if survivor is None:
        raise ValidationError(
            _("保留人员此后又被合并或删除,请先撤销后来的合并"),
            code=DedupError.UNMERGE_LATER_MERGE,
        )
    ensure_can(acting_user, "change", survivor.area_code)
    ensure_can(acting_user, "change", merge.merged_area_code)
    before = snapshot(survivor)
    undo = Undo.from_json(merge.undo)
    restore_state(Person, survivor.pk, merge.undo["survivor"])
    reinsert(merge.undo["merged_row"])

    for label, attname, old, pks in reversed(undo.moved):
        apps.get_model(label)._default_manager.filter(pk__in=pks).update(**{attname: old})
    for label, pk, state in reversed(undo.changed):
        restore_state(apps.get_model(label), pk, state)
    for data in reversed(undo.removed):
        reinsert(data)
    survivor.refresh_from_db()
    merged = Person.objects.get(pk=merge.merged_id)
    _refresh_dues(survivor, undo.dues_removed)
    _refresh_dues(merged, undo.dues_removed)

    pair = merge.pair
    pair.status = PairStatus.OPEN
    pair.decided_at = None
    pair.decided_by = None
    low, high = (survivor, merged) if survivor.pk < merged.pk else (merged, survivor)
    pair.area_low, pair.area_high = low.area_code, high.area_code
    pair.save(update_fields=["status", "decided_at", "decided_by", "area_low", "area_high"])
    merge.state = MergeState.UNMERGED
    merge.unmerged_at = timezone.now()
    merge.unmerged_by = acting_user if getattr(acting_user, "pk", None) else None
    merge.save(update_fields=["state", "unmerged_at", "unmerged_by"])
    audit(
        acting_user=acting_user,
        action="dedup.unmerge",
        obj=merge,
        area_code=survivor.area_code,
        before={"survivor": before},
        after={"survivor": snapshot(survivor), "merged": snapshot(merged)},
    )
    return merge
