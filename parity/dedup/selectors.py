"""Reads of the duplicates app: the check of one person, the review queue, the two people
of a pair side by side, and where a merged-away person now is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from parity.accounts.permissions import in_scope
from parity.certificates.models import MarriageCertificate, ResidencePermit
from parity.dedup import candidates, rules
from parity.dedup.choices import MergeState, PairStatus, Reason
from parity.dedup.models import DuplicatePair, Merge
from parity.immunization.models import VaccinationRecord
from parity.maternal.models import Pregnancy
from parity.people.models import Person
from parity.services.models import ServiceEvent, Visit

# A registration is checked against at most this many people of its birth-date block.
_SCREEN_LIMIT = 2000


def possible_duplicates(
    person: Person, *, min_score: float = rules.MIN_SCORE
) -> list[tuple[Person, rules.Match]]:
    """The registered people ``person`` may be, best first: those born the same day with
    the same sex (homophones, typos outside the date, the 15-digit form, another or no ID
    number) and those with the same phone number. A typo in the birth date itself is left
    to the sweep, which has the whole registry in hand."""
    me = candidates.facts_of(person)
    near = Person.objects.exclude(pk=person.pk).filter(
        Q(birth_date=person.birth_date, sex=person.sex)
        | (Q(phone_hash=person.phone_hash) if person.phone_hash else Q(pk__in=[]))
    )
    found: list[tuple[int, rules.Match]] = []
    for row in near.order_by("pk").values_list(*candidates.FACT_COLUMNS)[:_SCREEN_LIMIT]:
        other = candidates.facts_from_row(row)
        if not rules.maybe_pair(me, other):
            continue
        match = rules.match(me, other)
        if rules.is_candidate(match, min_score):
            assert match is not None
            found.append((other.pk, match))
    tombstone = tombstone_for(person.id_hash)
    if tombstone is not None and tombstone.survivor_id != person.pk:
        found.append((tombstone.survivor_id, rules.Match(1.0, (Reason.MERGED_ID.value,))))
    found.sort(key=lambda item: -item[1].score)
    people = Person.objects.in_bulk([pk for pk, _m in found])
    return [(people[pk], match) for pk, match in found if pk in people]


def warning_text(user, other: Person) -> str:
    """「可能与 张三(150203********1234) 为同一人」, naming the other person only to a user
    who may see them."""

    if in_scope(user, other.area_code, "view"):
        return _("可能与 %(person)s 为同一人,已列入疑似重复核查") % {"person": str(other)}
    return _("可能与其他辖区已登记的一人为同一人,已列入疑似重复核查")


def duplicate_warnings(user, person: Person) -> list[str]:
    """The warnings to show after registering ``person``: one per open candidate pair."""
    pairs = list(DuplicatePair.objects.open().involving(person.pk).order_by("-score", "id"))
    others = Person.objects.in_bulk([p.other(person.pk) for p in pairs])
    return [
        warning_text(user, others[p.other(person.pk)])
        for p in pairs
        if p.other(person.pk) in others
    ]


def tombstone_for(id_hash: str) -> Merge | None:
    """The merge that took away a person with this ID number (blind index), if any."""
    return Merge.objects.active().filter(merged_id_hash=id_hash).first()


def queue(user, status: str = PairStatus.OPEN) -> QuerySet[DuplicatePair]:
    """The review queue of ``user``: pairs both of whose people they may change."""
    return DuplicatePair.objects.restrict(user, "change").filter(status=status)


def people_of(pairs: list[DuplicatePair]) -> dict[int, Person]:
    """The people of a page of pairs, in one query."""
    ids = {pk for p in pairs for pk in (p.low_id, p.high_id)}
    return Person.objects.in_bulk(list(ids))


def reason_labels(reasons: list[str]) -> list[str]:
    labels = dict(Reason.choices)
    return [str(labels.get(r, r)) for r in reasons]


@dataclass
class Side:
    person: Person
    records: dict[str, list[Any]]


def records_of(person: Person) -> dict[str, list[Any]]:
    """A person's records by kind, for the side-by-side page."""
    return {
        _("居住登记"): list(person.residences.select_related("grid")),
        _("服务记录"): list(
            ServiceEvent.objects.filter(person=person).select_related("service_type")[:50]
        ),
        _("预防接种"): list(
            VaccinationRecord.objects.filter(person=person).select_related("vaccine")
        ),
        _("孕产期"): list(Pregnancy.objects.filter(person=person)),
        _("婚育证明"): list(MarriageCertificate.objects.filter(person=person)),
        _("居住证"): list(ResidencePermit.objects.filter(person=person)),
        _("入户走访"): list(Visit.objects.filter(person=person)[:50]),
    }


COMPARED = (
    ("name", _("姓名")),
    ("id_masked", _("身份证号码")),
    ("sex", _("性别")),
    ("birth_date", _("出生日期")),
    ("ethnicity", _("民族")),
    ("education", _("文化程度")),
    ("marital_status", _("婚姻状况")),
    ("hukou_code", _("户籍地代码")),
    ("hukou_type", _("户口性质")),
    ("phone_masked", _("联系电话")),
    ("status", _("人口类别")),
    ("area_code", _("管理区划代码")),
)


def side_by_side(pair: DuplicatePair) -> tuple[list[Side], list[dict[str, Any]]] | None:
    """The two people of an open pair with their records, and their fields row by row
    (whether they agree); None when one of them is gone."""
    people = people_of([pair])
    if len(people) != 2:
        return None
    sides = [Side(people[pk], records_of(people[pk])) for pk in (pair.low_id, pair.high_id)]
    rows = []
    for name, label in COMPARED:
        values = []
        for side in sides:
            display = getattr(side.person, f"get_{name}_display", None)
            values.append(display() if display else getattr(side.person, name))
        rows.append(
            {"field": name, "label": label, "values": values, "same": values[0] == values[1]}
        )
    return sides, rows


def resolve_person(pk: int) -> int | None:
    """Where the person with key ``pk`` is now: itself, or the survivor of the merges that
    took it away (followed to the end); None if unknown."""
    seen = set()
    while pk not in seen:
        seen.add(pk)
        if Person.objects.filter(pk=pk).exists():
            return pk
        merge = Merge.objects.filter(merged_id=pk, state=MergeState.MERGED).first()
        if merge is None:
            return None
        pk = merge.survivor_id
    return None


def survivor_for(user, pk: int) -> int | None:
    """The survivor a person merged away (``pk`` no longer exists) now lives on in, if
    ``user`` may see the survivor; None otherwise (unknown, still there, or out of scope)."""
    found = resolve_person(pk)
    if found is None or found == pk:
        return None
    return found if Person.objects.restrict(user, "view").filter(pk=found).exists() else None
