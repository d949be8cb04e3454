"""Merging two records of one person, and undoing it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers import serialize
from django.utils import timezone

from parity.core.models import AuditEvent
from parity.dedup import actions, moves, selectors
from parity.dedup.choices import MergeState, PairStatus
from parity.dedup.error_codes import DedupError
from parity.dedup.tests.conftest import TYPO_ID
from parity.people.models import Employment, Person, Residence


def test_every_relation_to_a_person_has_a_merge_rule():
    # A new table pointing at people must say what a merge does with its rows.
    assert moves.person_relations() == set(moves.RELATIONS)


# Rows computed from the schedule, not moved: pending doses, overdue child checks and
# pregnancy visits.
DERIVED = (
    "immunization.DoseDue.person",
    "maternal.ChildCheckDue.person",
    "maternal.PregnancyVisitDue.person",
)


def _records_of(person_id: int) -> dict[str, set[int]]:
    """Every row of every relation pointing at the person, by relation."""
    found = {}
    for label, field in sorted(moves.person_relations()):
        model = apps.get_model(label)
        pks = set(model._default_manager.filter(**{field: person_id}).values_list("pk", flat=True))
        if pks:
            found[f"{label}.{field}"] = pks
    return found


@pytest.fixture
def histories(twins, service_type, owner):
    """A record of each kind on the record merged away, some on the survivor."""
    from parity.certificates.models import MarriageCertificate
    from parity.housing.models import Dwelling
    from parity.maternal.models import Pregnancy
    from parity.people.actions import household_create
    from parity.services.models import ServiceEvent, Visit

    first, second = twins
    for person, day in ((first, 5), (second, 6)):
        ServiceEvent.objects.create(
            person=person,
            service_type=service_type,
            date=dt.date(2024, 3, day),
            area_code=person.area_code,
        )
        Visit.objects.create(
            person=person,
            visited_on=dt.date(2024, 3, day),
            outcome="met",
            area_code=person.area_code,
        )
    Employment.objects.create(person=second, industry="C", area_code=second.area_code)
    MarriageCertificate.objects.create(
        person=second,
        region_code="150203",
        number="HY-1",
        issued_on=dt.date(2020, 1, 1),
        area_code=second.area_code,
    )
    Pregnancy.objects.create(
        person=second,
        registered_on=dt.date(2024, 3, 1),
        lmp=dt.date(2024, 1, 15),
        area_code=second.area_code,
    )
    household_create(acting_user=owner, head=second, address="某小区")
    Dwelling.objects.create(
        address="某小区1号",
        grid_id=second.grid_id,
        area_code=second.area_code,
        dwelling_type="rented",
        landlord_person=second,
    )
    return first, second


def _first_choice(model, name: str) -> str:
    return model._meta.get_field(name).choices[0][0]


@pytest.fixture
def every_record(histories, service_type, areas):
    """``histories`` and a row of every other relation to a person on the record merged
    away: a transfer, a dose and one due, a campaign target, a child's check and the
    pregnancy it came from, a residence permit, a key-group list, exchange messages."""
    import uuid

    from parity.certificates.models import ResidencePermit
    from parity.conftest import GRID
    from parity.exchange.models import InboxMessage, OutboxMessage, Partner, VerificationRequest
    from parity.immunization.models import (
        Campaign,
        CampaignRound,
        CampaignTarget,
        DoseDue,
        VaccinationRecord,
        Vaccine,
    )
    from parity.maternal.choices import ChildCheckPoint
    from parity.maternal.models import ChildCheckDue, ChildHealthCheck, Pregnancy
    from parity.people.models import TransferRequest
    from parity.services.models import KeyGroupList, KeyGroupMember, ServiceEvent

    first, second = histories
    area = second.area_code
    day = dt.date(2024, 4, 1)

    def event(person, on):
        return ServiceEvent.objects.create(
            person=person, service_type=service_type, date=on, area_code=area
        )

    TransferRequest.objects.create(
        person=second,
        from_area_code=area,
        grid=areas[GRID],
        area_code=area,
        arrived_on=day,
        housing_type="rented",
    )
    vaccine, _created = Vaccine.objects.get_or_create(
        code="HepB", defaults={"name": "乙肝疫苗", "series": "HepB"}
    )
    VaccinationRecord.objects.create(
        person=second, vaccine=vaccine, dose=1, date=day, event=event(second, day), area_code=area
    )
    DoseDue.objects.create(
        person=second,
        vaccine=vaccine,
        dose=2,
        due_on=day + dt.timedelta(days=30),
        earliest_on=day + dt.timedelta(days=30),
        computed_on=day,
        area_code=area,
        birth_date=second.birth_date,
    )
    campaign = Campaign.objects.create(
        name="麻疹强化免疫", vaccine=vaccine, area=areas[GRID], area_code=area
    )
    round_ = CampaignRound.objects.create(
        campaign=campaign, number=1, start_on=day, end_on=day + dt.timedelta(days=10)
    )
    CampaignTarget.objects.create(campaign=campaign, round=round_, person=second, area_code=area)
    Pregnancy.objects.filter(person=second).update(child=first)
    ChildHealthCheck.objects.create(
        person=second, date=day, event=event(second, day), area_code=area
    )
    ResidencePermit.objects.create(
        person=second,
        basis=_first_choice(ResidencePermit, "basis"),
        applied_on=day,
        apply_event=event(second, day),
        area_code=area,
    )
    saved = KeyGroupList.objects.create(group="elderly", as_of=day, area_code=area)
    KeyGroupMember.objects.create(saved_list=saved, person=second)
    partner = Partner.objects.create(code="410102", url="https://partner.example/exchange")
    OutboxMessage.objects.create(
        person=second,
        payload="{}",
        partner=partner,
        type=_first_choice(OutboxMessage, "type"),
        subject="流出人口",
        seq=1,
        area_code=area,
        event_on=day,
        due_on=day,
    )
    InboxMessage.objects.create(
        person=second,
        payload="{}",
        sender=partner,
        message_id=uuid.uuid4(),
        type=_first_choice(InboxMessage, "type"),
        subject="流入人口",
        seq=1,
        digest="0" * 64,
        status=_first_choice(InboxMessage, "status"),
    )
    VerificationRequest.objects.create(
        person=second,
        payload="{}",
        direction=_first_choice(VerificationRequest, "direction"),
        partner=partner,
        person_name=second.name,
        urgency=_first_choice(VerificationRequest, "urgency"),
        question="核实户籍",
        requested_on=day,
        area_code=area,
    )
    # Written last: the writes above rebuild a child's overdue-check rows from the schedule.
    ChildCheckDue.objects.create(
        person=second,
        point=ChildCheckPoint.values[0],
        overdue_on=day,
        overdue_until=day + dt.timedelta(days=30),
        computed_on=day,
    )
    return first, second


def test_the_records_cover_every_relation_to_a_person(every_record):
    """So that the merge and unmerge tests below move a row of every table (the list is
    read from the models: a new relation without a row here fails)."""
    first, second = every_record
    held = set(_records_of(second.pk)) | set(_records_of(first.pk))
    assert held == {f"{label}.{field}" for label, field in moves.person_relations()}


def test_a_merge_moves_every_record_to_the_survivor(every_record, colleague, merge_as):
    first, second = every_record
    theirs = _records_of(second.pk)
    ours = _records_of(first.pk)
    merge = merge_as(colleague)
    assert not Person.objects.filter(pk=second.pk).exists()
    assert moves.remaining(second) == []
    after = _records_of(first.pk)
    for relation, pks in theirs.items():
        if relation in DERIVED:
            # Derived rows: dropped for both and computed again for the survivor.
            continue
        assert pks <= after.get(relation, set()), relation
    for relation, pks in ours.items():
        assert pks <= after[relation], relation
    assert merge.state == MergeState.MERGED


def test_two_open_residences_leave_the_later_one_open(twins, colleague, merge_as):
    first, second = twins
    merge_as(colleague)
    residences = list(Residence.objects.filter(person=first).order_by("arrived_on"))
    assert [r.departed_on for r in residences] == [dt.date(2024, 2, 20), None]


def test_the_field_winners_are_kept(twins, colleague, merge_as):
    first, second = twins
    merge_as(colleague, id_number=second.pk, name=second.pk)
    survivor = Person.objects.get(pk=first.pk)
    assert survivor.name == "王小丽"
    assert survivor.id_number == TYPO_ID


def test_the_merged_away_person_resolves_to_the_survivor(twins, colleague, merge_as):
    first, second = twins
    merge_as(colleague)
    assert selectors.resolve_person(second.pk) == first.pk
    tombstone = selectors.tombstone_for(second.id_hash)
    assert tombstone is not None
    assert tombstone.survivor_id == first.pk


def test_a_merge_is_one_audit_event_with_both_people_before(twins, colleague, merge_as):
    first, second = twins
    merge = merge_as(colleague)
    events = AuditEvent.objects.filter(action="dedup.merge")
    assert events.count() == 1
    before = events.get().before
    assert before is not None
    assert before["merged"]["id"] == second.pk and before["survivor"]["name"] == first.name
    assert "id_number_enc" not in before["merged"]
    assert merge.pair.status == PairStatus.MERGED


def _state(pks):
    """Both people's rows and every record pointing at them, but their pending doses and
    overdue checks: derived rows, computed again from the schedule after a merge and after
    an unmerge."""
    people = serialize("json", Person.objects.filter(pk__in=pks).order_by("pk"))
    records = {pk: _records_of(pk) for pk in pks}
    for found in records.values():
        for relation in DERIVED:
            found.pop(relation, None)
    return people, records


def test_unmerge_restores_both_people_and_their_links_exactly(every_record, colleague, merge_as):
    first, second = every_record
    before = _state([first.pk, second.pk])
    merge = merge_as(colleague, id_number=second.pk, phone=second.pk)
    actions.pair_unmerge(acting_user=colleague, merge=merge)
    assert _state([first.pk, second.pk]) == before
    merge.refresh_from_db()
    assert merge.state == MergeState.UNMERGED
    assert merge.pair.status == PairStatus.OPEN


def test_the_overdue_visits_follow_the_pregnancy_through_a_merge_and_its_undo(
    twins, colleague, merge_as, owner
):
    from parity.maternal.actions import pregnancy_register
    from parity.maternal.keygroups import pregnancy_overdue_group
    from parity.maternal.models import PregnancyVisitDue

    first, second = twins
    today = timezone.localdate()
    pregnancy = pregnancy_register(
        acting_user=owner, person=second, lmp=today - dt.timedelta(days=120), registered_on=today
    )

    def listed() -> set[int]:
        return set(pregnancy_overdue_group(today).values_list("pk", flat=True))

    assert listed() == {second.pk}
    merge = merge_as(colleague)
    assert listed() == {first.pk}
    assert set(
        PregnancyVisitDue.objects.filter(pregnancy=pregnancy).values_list("person_id", flat=True)
    ) == {first.pk}
    actions.pair_unmerge(acting_user=colleague, merge=merge)
    assert listed() == {second.pk}
    assert not PregnancyVisitDue.objects.filter(person=first).exists()


def test_unmerge_after_the_period_is_refused(twins, colleague, merge_as, settings):
    merge = merge_as(colleague)
    settings.PARITY_DEDUP_UNMERGE_DAYS = 0
    from parity.dedup.models import Merge

    Merge.objects.filter(pk=merge.pk).update(merged_at=merge.merged_at - dt.timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        actions.pair_unmerge(acting_user=colleague, merge=merge)
    assert exc.value.code == DedupError.UNMERGE_EXPIRED


def test_a_pair_merged_cannot_be_merged_again(twins, colleague, merge_as, pair):
    merge_as(colleague)
    with pytest.raises(ValidationError) as exc:
        actions.pair_merge(acting_user=colleague, pair=pair, survivor_id=pair.low_id)
    assert exc.value.code == DedupError.PAIR_DECIDED


def test_an_outsider_cannot_merge(twins, outsider, merge_as):
    with pytest.raises(PermissionDenied):
        merge_as(outsider)
    assert Person.objects.filter(pk__in=[p.pk for p in twins]).count() == 2


def test_a_user_without_access_to_both_cannot_merge(register, colleague, areas, owner, admin_user):
    from parity.conftest import OTHER_GRID
    from parity.dedup.models import DuplicatePair
    from parity.dedup.tests.conftest import FIRST_ID

    # In another district a sequence typo needs corroboration: the same phone number.
    here = register(id_number=FIRST_ID, name="王晓丽", phone="13812345678")
    there = register(
        id_number=TYPO_ID, name="王晓丽", grid=OTHER_GRID, by=admin_user, phone="13812345678"
    )
    pair = DuplicatePair.objects.get(low_id=here.pk, high_id=there.pk)
    with pytest.raises(PermissionDenied):
        actions.pair_merge(acting_user=colleague, pair=pair, survivor_id=here.pk)
    assert Person.objects.filter(pk=there.pk).exists()
    assert not selectors.queue(colleague).filter(pk=pair.pk).exists()
    assert selectors.queue(admin_user).filter(pk=pair.pk).exists()


def test_not_a_duplicate_is_remembered(pair, colleague):
    actions.pair_dismiss(acting_user=colleague, pair=pair, note="双胞胎")
    found = {(pair.low_id, pair.high_id): (actions.rules.Match(0.9, ("id_one_char",)), "", "")}
    assert actions.pairs_record(found) == 0
    pair.refresh_from_db()
    assert pair.status == PairStatus.NOT_DUPLICATE
    assert not selectors.queue(colleague).exists()


def test_a_survivor_outside_the_pair_is_refused(pair, colleague, register):
    with pytest.raises(ValidationError) as exc:
        actions.pair_merge(acting_user=colleague, pair=pair, survivor_id=pair.high_id + 99)
    assert exc.value.code == DedupError.SURVIVOR_NOT_IN_PAIR
