"""Merging two records of one person, and undoing it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers import serialize

from parity.core.models import AuditEvent
from parity.dedup import actions, moves, selectors
from parity.dedup.choices import MergeState, PairStatus
from parity.dedup.error_codes import DedupError
from parity.dedup.tests.conftest import TYPO_ID
from parity.people.models import Employment, Person, Residence


def test_every_relation_to_a_person_has_a_merge_rule():
    # A new table pointing at people must say what a merge does with its rows.
    assert moves.person_relations() == set(moves.RELATIONS)


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


def test_a_merge_moves_every_record_to_the_survivor(histories, colleague, merge_as):
    first, second = histories
    theirs = _records_of(second.pk)
    ours = _records_of(first.pk)
    merge = merge_as(colleague)
    assert not Person.objects.filter(pk=second.pk).exists()
    assert moves.remaining(second) == []
    after = _records_of(first.pk)
    for relation, pks in theirs.items():
        if relation == "people.HouseholdMember.person":
            assert pks <= after[relation]
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
    assert selectors.tombstone_for(second.id_hash).survivor_id == first.pk


def test_a_merge_is_one_audit_event_with_both_people_before(twins, colleague, merge_as):
    first, second = twins
    merge = merge_as(colleague)
    events = AuditEvent.objects.filter(action="dedup.merge")
    assert events.count() == 1
    before = events.get().before
    assert before["merged"]["id"] == second.pk and before["survivor"]["name"] == first.name
    assert "id_number_enc" not in before["merged"]
    assert merge.pair.status == PairStatus.MERGED


def _state(pks):
    people = serialize("json", Person.objects.filter(pk__in=pks).order_by("pk"))
    return people, {pk: _records_of(pk) for pk in pks}


def test_unmerge_restores_both_people_and_their_links_exactly(histories, colleague, merge_as):
    first, second = histories
    before = _state([first.pk, second.pk])
    merge = merge_as(colleague, id_number=second.pk, phone=second.pk)
    actions.pair_unmerge(acting_user=colleague, merge=merge)
    assert _state([first.pk, second.pk]) == before
    merge.refresh_from_db()
    assert merge.state == MergeState.UNMERGED
    assert merge.pair.status == PairStatus.OPEN


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
