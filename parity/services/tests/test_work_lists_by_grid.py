"""Work lists for every grid of an area in one pass (``work_lists_by_grid``): the same
items, in the same order, as ``work_list`` grid by grid, in one query per key group."""

import datetime as dt

import pytest
from django.utils import timezone

from parity.areas.models import Area
from parity.conftest import GRID, OTHER_GRID, SISTER_GRID, make_id
from parity.maternal import actions as maternal_actions
from parity.people.actions import employment_record
from parity.services import actions
from parity.services.catalog import catalog_load, load_catalog_file
from parity.services.keygroups import KEY_GROUPS, work_list, work_lists_by_grid


@pytest.fixture
def catalog(db):
    catalog_load(acting_user=None, entries=load_catalog_file())


@pytest.fixture
def city(register, owner, admin_user, catalog):
    """People in three grids of two districts, each due for something different."""
    today = timezone.localdate()
    long_ago = today - dt.timedelta(days=400)
    woman = register(
        id_number=make_id("410102", "19950101", 2),
        name="孕妇",
        arrived_on=long_ago,
        marital_status="married",
    )
    maternal_actions.pregnancy_register(
        acting_user=owner, person=woman, lmp=today - dt.timedelta(days=120)
    )
    register(
        id_number=make_id("410102", (today - dt.timedelta(days=200)).strftime("%Y%m%d"), 4),
        name="幼儿",
        grid=SISTER_GRID,
        by=admin_user,
        arrived_on=today - dt.timedelta(days=190),
    )
    worker = register(
        id_number=make_id("410102", "19800101", 5),
        name="务工者",
        grid=OTHER_GRID,
        by=admin_user,
        arrived_on=today - dt.timedelta(days=300),
        housing_type="work_site",
    )
    employment_record(
        acting_user=admin_user,
        person=worker,
        industry="H",
        started_on=today - dt.timedelta(days=290),
    )
    visited = register(
        id_number=make_id("410102", "19700101", 7), name="已走访", arrived_on=long_ago
    )
    actions.visit_record(
        acting_user=owner, person=visited, visited_on=today - dt.timedelta(days=3), outcome="met"
    )
    return today


def test_each_grid_s_list_is_the_one_work_list_gives_for_that_grid(city):
    by_grid = work_lists_by_grid("1502", city)
    assert set(by_grid) == {GRID, SISTER_GRID, OTHER_GRID}
    for code in Area.objects.grids().values_list("code", flat=True):
        expected = work_list(code, city).items
        assert (by_grid[code].items if code in by_grid else []) == expected, code
    assert {i.name for i in by_grid[GRID].items} == {"孕妇", "已走访"}
    assert "pregnancy_overdue" in {i.group.code for i in by_grid[GRID].items}
    assert "permit_eligible" in {i.group.code for i in by_grid[OTHER_GRID].items}


def test_a_district_s_lists_leave_out_the_grids_of_other_districts(city):
    assert set(work_lists_by_grid("150203", city)) == {GRID, SISTER_GRID}
    assert work_lists_by_grid("150205", city) == {}


def test_it_runs_one_query_per_key_group_however_many_grids(city, django_assert_num_queries):
    on_worklist = sum(1 for group in KEY_GROUPS.values() if group.on_worklist)
    # + one for the schedule's age limits, which the vaccine group reads first
    with django_assert_num_queries(on_worklist + 1):
        work_lists_by_grid("1502", city)
