"""The blocked sweep finds each kind of duplicate, and nothing between strangers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection

from parity.conftest import make_id
from parity.core import crypto
from parity.dedup import actions, candidates
from parity.dedup.choices import PairStatus, Reason
from parity.dedup.models import DuplicatePair
from parity.people.models import Person


def _copy(person: Person, *, name: str | None = None, id_number: str | None = None, **fields):
    """A second record of ``person`` written straight to the table, as an old import did."""
    twin = Person.objects.get(pk=person.pk)
    twin.pk = None
    twin.name = name or person.name
    number = id_number if id_number is not None else person.id_number
    twin.id_number_enc = crypto.encrypt(number)
    twin.id_hash = crypto.blind_index(number)
    twin.id_masked = crypto.mask_id_number(number)
    for key, value in fields.items():
        setattr(twin, key, value)
    twin.save()
    return twin


def _found(result) -> dict[frozenset, tuple]:
    return {frozenset(k): v[0].reasons for k, v in result.found.items()}


def test_the_sweep_finds_each_kind(register):
    base = register(id_number=make_id("150203", "19850315", 321), name="王晓明")
    people = {
        Reason.ID_ONE_CHAR: _copy(base, id_number=make_id("150203", "19850315", 329)),
        Reason.ID_TRANSPOSED: _copy(base, id_number=make_id("150203", "19850315", 231)),
        Reason.ID_FIFTEEN: _copy(base, id_number="150203850315321"),
        Reason.NAME_HOMOPHONE: _copy(
            base, name="王小明", id_number=make_id("150203", "19850315", 555)
        ),
        Reason.SAME_NAME_BIRTH_SEX: _copy(base, id_number=make_id("150203", "19850315", 777)),
    }
    # A typo in the birth date: the date and the birth-date block differ, the name agrees.
    date_typo = _copy(
        base, id_number=make_id("150203", "19850317", 321), birth_date=dt.date(1985, 3, 17)
    )
    stranger = register(id_number=make_id("410102", "19850315", 321), name="李强")
    found = _found(candidates.sweep())
    for reason, twin in people.items():
        assert reason in found[frozenset((base.pk, twin.pk))], reason
    assert Reason.ID_ONE_CHAR in found[frozenset((base.pk, date_typo.pk))]
    assert not any(stranger.pk in pair for pair in found)


def test_namesakes_numbered_one_apart_are_found_only_with_corroboration(
    register, areas, monkeypatch
):
    """Under a name the sweep counts as common (held by 3 or more here), a typo in the
    units of the sequence code needs the same phone or grid; under a rare one it does not."""
    from parity.conftest import OTHER_GRID, SISTER_GRID
    from parity.dedup import rules

    monkeypatch.setattr(rules, "COMMON_NAME_HOLDERS", 3)
    base = register(id_number=make_id("150203", "19850315", 321), name="王晓明")
    base.set_phone("13812345678")
    base.save()
    no_phone = {"phone_enc": "", "phone_hash": ""}
    namesake = _copy(
        base,
        id_number=make_id("150203", "19850315", 323),
        grid=areas[OTHER_GRID],
        area_code=OTHER_GRID,
        **no_phone,
    )
    same_grid = _copy(base, id_number=make_id("150203", "19850315", 341), **no_phone)
    sister_grid = _copy(
        base,
        id_number=make_id("150203", "19850315", 329),
        grid=areas[SISTER_GRID],
        area_code=SISTER_GRID,
        **no_phone,
    )
    same_phone = _copy(
        base,
        id_number=make_id("150203", "19850315", 381),
        grid=areas[OTHER_GRID],
        area_code=OTHER_GRID,
    )
    rare = register(id_number=make_id("150203", "19850315", 521), name="欧阳明")
    rare_moved = _copy(
        rare,
        id_number=make_id("150203", "19850315", 527),
        grid=areas[OTHER_GRID],
        area_code=OTHER_GRID,
        **no_phone,
    )
    found = _found(candidates.sweep())
    assert frozenset((base.pk, namesake.pk)) not in found
    assert Reason.SAME_GRID in found[frozenset((base.pk, same_grid.pk))]
    assert frozenset((base.pk, sister_grid.pk)) not in found
    assert Reason.SAME_PHONE in found[frozenset((base.pk, same_phone.pk))]
    assert Reason.ID_ONE_CHAR in found[frozenset((rare.pk, rare_moved.pk))]


def test_the_same_phone_is_found_across_blocks(register):
    """Born on other days, from other places, under names read alike: only the phone
    block brings them together."""
    a = register(id_number=make_id("150203", "19850315", 321), name="王晓明", phone="13812345678")
    b = register(id_number=make_id("410102", "19700101", 444), name="王小明", phone="13812345678")
    assert Reason.SAME_PHONE in _found(candidates.sweep())[frozenset((a.pk, b.pk))]


def test_a_family_sharing_one_phone_is_not_queued(register):
    a = register(id_number=make_id("150203", "19850315", 321), name="王晓明", phone="13812345678")
    b = register(id_number=make_id("150203", "19870101", 444), name="赵丽丽", phone="13812345678")
    assert frozenset((a.pk, b.pk)) not in _found(candidates.sweep())


def test_the_command_queues_the_pairs_once_and_keeps_decisions(register, capsys):
    base = register(id_number=make_id("150203", "19850315", 321), name="王晓明")
    twin = _copy(base, id_number="150203850315321")
    call_command("dedup", "sweep")
    pair = DuplicatePair.objects.get()
    assert {pair.low_id, pair.high_id} == {base.pk, twin.pk}
    DuplicatePair.objects.update(status=PairStatus.NOT_DUPLICATE)
    report = actions.pairs_sweep(acting_user=None)
    assert report.new == 0
    assert DuplicatePair.objects.get().status == PairStatus.NOT_DUPLICATE
    assert "candidates" in capsys.readouterr().out


def test_large_blocks_are_compared_with_cdist_the_same_way(register):
    base = register(id_number=make_id("150203", "19850315", 321), name="王晓明")
    # Strangers born the same day: a block past the small size.
    for n, surname in enumerate("李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑"):
        register(id_number=make_id("150203", "19850315", 103 + 42 * n), name=f"{surname}强")
    twin = _copy(base, name="王小明", id_number=make_id("150203", "19850315", 555))
    assert frozenset((base.pk, twin.pk)) in _found(candidates.sweep())
    assert len(candidates.sweep().found) == 1


def test_the_sweep_runs_as_a_background_task(register):
    from parity.dedup.tasks import dedup_sweep

    base = register(id_number=make_id("150203", "19850315", 321), name="王晓明")
    _copy(base, id_number="150203850315321")
    result = dedup_sweep.call(0.5)
    assert result["new"] == 1


def test_the_sweep_leaves_the_planner_settings_as_they_were(register):
    """The whole-table read sets its own plan (``candidates._read_whole_table``) and
    puts the session's settings back after it."""
    if connection.vendor != "postgresql":
        pytest.skip("planner settings: PostgreSQL only")
    register(id_number=make_id("150203", "19850315", 321), name="王晓明")
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_indexscan")
        before = cursor.fetchone()[0]
        candidates.sweep()
        cursor.execute("SHOW enable_indexscan")
        assert cursor.fetchone()[0] == before == "on"
        cursor.execute("SHOW cursor_tuple_fraction")
        assert cursor.fetchone()[0] == "0.1"
