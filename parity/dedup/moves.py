"""Moving a person's records to another, with the conflict rules, and back again.

``RELATIONS`` names every foreign key to ``people.Person`` and what a merge does with its
rows; a test compares it with the models, so that a new table cannot be forgotten. Every
change is written down in an ``Undo`` so that an unmerge restores both people exactly:
rows moved (with their old key), rows changed (their old values), rows removed (in full).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext as _

from parity.certificates.models import ACTIVE_PERMIT, ResidencePermit
from parity.dedup.error_codes import DedupError
from parity.immunization.models import DoseDue, VaccinationRecord
from parity.maternal.choices import PregnancyStatus
from parity.maternal.models import (
    AntenatalVisit,
    ChildCheckDue,
    ChildHealthCheck,
    PostpartumVisit,
    Pregnancy,
    PregnancyVisitDue,
)
from parity.people.models import HouseholdMember, Person, Residence, TransferRequest


@dataclass
class Undo:
    """What a merge did, in the order it did it (JSON-safe: stored on the Merge)."""

    moved: list[list[Any]] = field(default_factory=list)  # [label, field, old value, [pks]]
    changed: list[list[Any]] = field(default_factory=list)  # [label, pk, {attname: old}]
    removed: list[dict[str, Any]] = field(default_factory=list)  # serialized rows
    dues_removed: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "moved": self.moved,
            "changed": self.changed,
            "removed": self.removed,
            "dues_removed": self.dues_removed,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Undo:
        return cls(
            moved=data["moved"],
            changed=data["changed"],
            removed=data["removed"],
            dues_removed=data.get("dues_removed", False),
        )


def _json_key(pk: Any) -> Any:
    """A primary key as the undo record keeps it: an integer, or a string (an exchange
    message's UUID)."""
    return pk if isinstance(pk, int | str) else str(pk)


def row_state(obj: models.Model, names: list[str] | None = None) -> dict[str, Any]:
    """Concrete field values by attname, as JSON-safe strings (``Field.value_to_string``)."""
    fields = obj._meta.concrete_fields
    state = {}
    for f in fields:
        if names is not None and f.attname not in names and f.name not in names:
            continue
        value = f.value_from_object(obj)
        state[f.attname] = None if value is None else f.value_to_string(obj)
    return state


def restore_state(model: type[models.Model], pk: Any, state: dict[str, Any]) -> None:
    """Write ``row_state`` values back with an UPDATE (no ``auto_now`` bump)."""
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    values = {
        name: None if value is None else by_attname[name].to_python(value)
        for name, value in state.items()
        if name != model._meta.pk.attname
    }
    model._default_manager.filter(pk=pk).update(**values)


class Mover:
    """Moves rows from ``merged`` to ``survivor``, recording each step in ``undo``."""

    def __init__(self, survivor: Person, merged: Person) -> None:
        self.survivor = survivor
        self.merged = merged
        self.undo = Undo()

    # -- primitives ------------------------------------------------------------------
    def move(self, queryset: models.QuerySet, field_name: str, to: Any) -> int:
        model = queryset.model
        attname = model._meta.get_field(field_name).attname
        by_old: dict[Any, list[Any]] = {}
        for pk, old in queryset.values_list("pk", attname):
            by_old.setdefault(old, []).append(_json_key(pk))
        for old, pks in by_old.items():
            self.undo.moved.append([model._meta.label, attname, old, pks])
            model._default_manager.filter(pk__in=pks).update(**{attname: to})
        return sum(len(p) for p in by_old.values())

    def change(self, obj: models.Model, **values: Any) -> None:
        self.undo.changed.append([obj._meta.label, _json_key(obj.pk), row_state(obj, list(values))])
        type(obj)._default_manager.filter(pk=obj.pk).update(**values)

    def remove(self, obj: models.Model) -> None:
        """Delete a row kept in full for the unmerge; its service event (the record's
        one-to-one ``event``, protected while the record exists) goes with it."""
        event = getattr(obj, "event", None) if hasattr(type(obj), "event") else None
        self.undo.removed.append(serialize_row(obj))
        type(obj)._default_manager.filter(pk=obj.pk).delete()
        if event is not None:
            self.undo.removed.append(serialize_row(event))
            type(event)._default_manager.filter(pk=event.pk).delete()


def serialize_row(obj: models.Model) -> dict[str, Any]:
    data = serializers.serialize("python", [obj])[0]
    data["fields"] = {k: _plain(v) for k, v in data["fields"].items()}
    return data


def _plain(value: Any) -> Any:

    if isinstance(value, str | int | float | bool | type(None)):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return DjangoJSONEncoder().default(value)


def reinsert(data: dict[str, Any]) -> None:
    """Insert a removed row again with its key and every value, timestamps included."""
    for restored in serializers.deserialize("python", [data]):
        restored.save()
        obj = restored.object
        stamps = {
            f.attname: f.to_python(data["fields"][f.name])
            for f in obj._meta.concrete_fields
            if (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
            and data["fields"].get(f.name) is not None
        }
        if stamps:
            type(obj)._default_manager.filter(pk=obj.pk).update(**stamps)


# -- the conflict rules, one per relation that has one --------------------------------


def _household_member(m: Mover) -> None:

    theirs = HouseholdMember.objects.filter(person=m.merged).first()
    if theirs is None:
        return
    if HouseholdMember.objects.filter(person=m.survivor).exists():
        # Already in a household: the survivor stays there; the other membership goes.
        m.remove(theirs)
    else:
        m.move(HouseholdMember.objects.filter(pk=theirs.pk), "person", m.survivor.pk)


def _residences(m: Mover) -> None:
    """Two open residences: the later arrival stays open, the earlier closes on that day."""

    open_ = list(
        Residence.objects.filter(person__in=[m.survivor, m.merged], departed_on__isnull=True)
    )
    if len(open_) == 2:
        earlier, later = sorted(open_, key=lambda r: (r.arrived_on, r.pk))
        m.change(earlier, departed_on=later.arrived_on)
    m.move(Residence.objects.filter(person=m.merged), "person", m.survivor.pk)


def _keep_earlier(m: Mover, ours: models.Model, theirs: models.Model, date: str) -> None:
    """The same thing recorded for both: the earlier record is kept (the later is the
    repeat), whoever it belonged to."""
    first, second = sorted((ours, theirs), key=lambda r: (getattr(r, date), r.pk))
    m.remove(second)


def _vaccinations(m: Mover) -> None:
    """The same dose (or campaign round) recorded twice: the earlier dose is kept."""

    ours = list(VaccinationRecord.objects.filter(person=m.survivor))
    by_dose = {(r.vaccine_id, r.dose): r for r in ours if r.dose is not None}
    by_round = {r.round_id: r for r in ours if r.round_id is not None}
    for record in VaccinationRecord.objects.filter(person=m.merged):
        twin = by_dose.get((record.vaccine_id, record.dose)) if record.dose is not None else None
        twin = twin or (by_round.get(record.round_id) if record.round_id is not None else None)
        if twin is not None:
            _keep_earlier(m, twin, record, "date")
    m.move(VaccinationRecord.objects.filter(person=m.merged), "person", m.survivor.pk)


def _dose_dues(m: Mover) -> None:
    """Derived rows: dropped for both and computed again for the survivor."""

    dues = DoseDue.objects.filter(person__in=[m.survivor, m.merged])
    m.undo.dues_removed = dues.exists()
    dues.delete()


def _check_dues(m: Mover) -> None:
    """Derived rows: dropped for both and computed again for each after the merge or its
    undo (``actions._refresh_dues``)."""

    ChildCheckDue.objects.filter(person__in=[m.survivor, m.merged]).delete()


def _visit_dues(m: Mover) -> None:
    """Derived rows: dropped for both and computed again for each after the merge or its
    undo (``actions._refresh_dues``)."""

    PregnancyVisitDue.objects.filter(person__in=[m.survivor, m.merged]).delete()


def _once_per(label: str, key: str) -> Callable[[Mover], None]:
    """Rows unique per (``key``, person): the merged-away person's row where the survivor
    has one for the same ``key`` goes (a campaign round's target, a saved list's member)."""

    def run(m: Mover) -> None:
        model = apps.get_model(label)
        rows = model._default_manager
        ours = set(rows.filter(person=m.survivor).values_list(key, flat=True))
        for row in rows.filter(person=m.merged, **{f"{key}__in": ours}):
            m.remove(row)
        m.move(rows.filter(person=m.merged), "person", m.survivor.pk)

    return run


def _pregnancies(m: Mover) -> None:
    """Two pregnancies with the same LMP are one: the one further on (delivered or ended
    before open), else the one registered first, is kept and gets the other's visits."""
    ours = {p.lmp: p for p in Pregnancy.objects.filter(person=m.survivor)}
    for theirs in Pregnancy.objects.filter(person=m.merged):
        twin = ours.get(theirs.lmp)
        if twin is None:
            continue
        kept, dropped = sorted(
            (twin, theirs),
            key=lambda p: (p.status == PregnancyStatus.OPEN, p.registered_on, p.pk),
        )
        points = set(
            AntenatalVisit.objects.filter(pregnancy=kept)
            .exclude(point="")
            .values_list("point", flat=True)
        )
        for visit in AntenatalVisit.objects.filter(pregnancy=dropped, point__in=points):
            m.remove(visit)
        m.move(AntenatalVisit.objects.filter(pregnancy=dropped), "pregnancy", kept.pk)
        m.move(PostpartumVisit.objects.filter(pregnancy=dropped), "pregnancy", kept.pk)
        if kept.person_id != m.survivor.pk:
            m.move(Pregnancy.objects.filter(pk=kept.pk), "person", m.survivor.pk)
        m.remove(dropped)
        ours[kept.lmp] = kept
    still_open = Pregnancy.objects.filter(
        person__in=[m.survivor, m.merged], status=PregnancyStatus.OPEN
    )
    if still_open.count() > 1:
        raise ValidationError(
            _("两人各有一条在孕记录且末次月经不同,请先核实并结束其中一条再合并"),
            code=DedupError.OPEN_PREGNANCIES,
        )
    m.move(Pregnancy.objects.filter(person=m.merged), "person", m.survivor.pk)


def _child_checks(m: Mover) -> None:

    ours = {
        c.point: c for c in ChildHealthCheck.objects.filter(person=m.survivor).exclude(point="")
    }
    for check in ChildHealthCheck.objects.filter(person=m.merged).exclude(point=""):
        twin = ours.get(check.point)
        if twin is not None:
            _keep_earlier(m, twin, check, "date")
    m.move(ChildHealthCheck.objects.filter(person=m.merged), "person", m.survivor.pk)


def _permits(m: Mover) -> None:

    active = ResidencePermit.objects.filter(
        person__in=[m.survivor, m.merged], status__in=[s.value for s in ACTIVE_PERMIT]
    )
    if active.count() > 1:
        raise ValidationError(
            _("两人各有一张有效的居住证,请先注销其中一张再合并"),
            code=DedupError.ACTIVE_PERMITS,
        )
    m.move(ResidencePermit.objects.filter(person=m.merged), "person", m.survivor.pk)


def _transfers(m: Mover) -> None:

    pending = TransferRequest.objects.pending().filter(person__in=[m.survivor, m.merged])
    if pending.count() > 1:
        raise ValidationError(
            _("两人各有一份待确认的迁入申请,请先处理其中一份再合并"),
            code=DedupError.PENDING_TRANSFERS,
        )
    m.move(TransferRequest.objects.filter(person=m.merged), "person", m.survivor.pk)


def _plain_move(label: str, field_name: str) -> Callable[[Mover], None]:
    def run(m: Mover) -> None:
        model = apps.get_model(label)
        m.move(model._default_manager.filter(**{field_name: m.merged}), field_name, m.survivor.pk)

    return run


# Every foreign key to a person, and what a merge does with its rows (in this order).
RELATIONS: dict[tuple[str, str], Callable[[Mover], None]] = {
    ("people.HouseholdMember", "person"): _household_member,
    ("people.Household", "head"): _plain_move("people.Household", "head"),
    ("people.Residence", "person"): _residences,
    ("people.Employment", "person"): _plain_move("people.Employment", "person"),
    ("people.TransferRequest", "person"): _transfers,
    ("housing.Dwelling", "landlord_person"): _plain_move("housing.Dwelling", "landlord_person"),
    ("immunization.DoseDue", "person"): _dose_dues,
    ("immunization.VaccinationRecord", "person"): _vaccinations,
    ("immunization.CampaignTarget", "person"): _once_per("immunization.CampaignTarget", "round_id"),
    ("maternal.PregnancyVisitDue", "person"): _visit_dues,
    ("maternal.Pregnancy", "person"): _pregnancies,
    ("maternal.Pregnancy", "child"): _plain_move("maternal.Pregnancy", "child"),
    ("maternal.ChildHealthCheck", "person"): _child_checks,
    ("maternal.ChildCheckDue", "person"): _check_dues,
    ("certificates.MarriageCertificate", "person"): _plain_move(
        "certificates.MarriageCertificate", "person"
    ),
    ("certificates.ResidencePermit", "person"): _permits,
    # After the records that hold service events: removed duplicates took theirs along.
    ("services.ServiceEvent", "person"): _plain_move("services.ServiceEvent", "person"),
    ("services.Visit", "person"): _plain_move("services.Visit", "person"),
    ("services.KeyGroupMember", "person"): _once_per("services.KeyGroupMember", "saved_list_id"),
    # Messages with partner regions about the person follow them to the survivor.
    ("exchange.OutboxMessage", "person"): _plain_move("exchange.OutboxMessage", "person"),
    ("exchange.InboxMessage", "person"): _plain_move("exchange.InboxMessage", "person"),
    ("exchange.VerificationRequest", "person"): _plain_move(
        "exchange.VerificationRequest", "person"
    ),
}


def person_relations() -> set[tuple[str, str]]:
    """Every (model, field) in the project that points at a person."""
    found = set()
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if f.is_relation and f.concrete and f.related_model is Person:
                found.add((model._meta.label, f.name))
    return found


def remaining(person: Person) -> list[str]:
    """The relations that still have rows pointing at ``person`` (none after a merge)."""
    left = []
    for label, field_name in sorted(person_relations()):
        model = apps.get_model(label)
        if model._default_manager.filter(**{field_name: person}).exists():
            left.append(f"{label}.{field_name}")
    return left
