"""The role → action table (``parity.accounts.permissions.ROLE_ACTIONS``): each role can
do what it should inside its area, and nothing more. The table below is the
specification, written out again on purpose: a change to the permissions must change it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from parity.accounts.choices import Role
from parity.accounts.permissions import (
    ASSESS,
    AUDIT,
    CHANGE,
    DEFINE,
    REVEAL,
    SERVE,
    VIEW,
    allows,
    in_scope,
    scope_code,
)
from parity.conftest import COMMUNITY, DISTRICT, GRID, OTHER_GRID
from parity.core.tests.factories import DwellingFactory, PersonFactory, UserFactory
from parity.people import actions as people_actions
from parity.people.models import Person
from parity.services import actions as service_actions
from parity.services.models import ServiceType

ACTIONS = (VIEW, CHANGE, REVEAL, AUDIT, SERVE, ASSESS, DEFINE)
# role: (its usual access area, what it may do there)
TABLE = {
    Role.ADMIN: ("1502", {VIEW, CHANGE, REVEAL, AUDIT, SERVE, ASSESS, DEFINE}),
    Role.OFFICIAL: (DISTRICT, {VIEW, ASSESS}),
    Role.COMMUNITY_OFFICER: (COMMUNITY, {VIEW, CHANGE, REVEAL, SERVE}),
    Role.GRID_WORKER: (GRID, {VIEW, CHANGE, REVEAL, SERVE}),
    Role.SERVICE_PROVIDER: (DISTRICT, {VIEW, SERVE}),
    Role.AUDITOR: (DISTRICT, {VIEW, AUDIT}),
}


def test_the_table_names_every_role():
    assert set(TABLE) == set(Role)


@pytest.fixture
def user_of(areas):
    def make(role: Role, area: str | None = None):
        return UserFactory.create(role=role, area=areas[area or TABLE[role][0]])

    return make


@pytest.fixture
def person(areas):
    return PersonFactory.create(grid=areas[GRID])


@pytest.mark.parametrize("role", list(Role))
def test_each_role_is_allowed_exactly_its_actions(db, user_of, role):
    user = user_of(role)

    allowed = {action for action in ACTIONS if allows(user, action)}

    assert allowed == TABLE[role][1]


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", ACTIONS)
def test_an_allowed_action_reaches_the_roles_area_and_no_further(db, user_of, role, action):
    user = user_of(role)
    area = TABLE[role][0]

    if action not in TABLE[role][1]:
        assert scope_code(user, action) is None
        assert not in_scope(user, GRID, action)
        return
    assert scope_code(user, action) == area
    assert in_scope(user, GRID, action)
    # Another district's grid: inside the scope of a city-wide role only.
    assert in_scope(user, OTHER_GRID, action) is (area == "1502")
    assert not in_scope(user, "150102001001001", action)  # another city


@pytest.mark.parametrize("role", list(Role))
def test_a_role_without_an_area_may_do_nothing(db, role):
    user = UserFactory.create(role=role, area=None)

    assert all(scope_code(user, action) is None for action in ACTIONS)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_the_people_of_its_area_only(db, user_of, role, person, areas):
    elsewhere = PersonFactory.create(grid=areas[OTHER_GRID])

    seen = set(Person.objects.restrict(user_of(role), VIEW))

    assert seen == ({person, elsewhere} if role == Role.ADMIN else {person})


@pytest.mark.parametrize("role", list(Role))
def test_only_roles_that_change_may_register_a_dwelling(db, user_of, role, areas):
    user = user_of(role)

    if CHANGE in TABLE[role][1]:
        assert DwellingFactory.create(acting_user=user, grid=areas[GRID]).area_code == GRID
    else:
        with pytest.raises(PermissionDenied):
            DwellingFactory.create(acting_user=user, grid=areas[GRID])


@pytest.mark.parametrize("role", list(Role))
def test_only_roles_that_reveal_see_a_clear_id_number(db, user_of, role, person):
    user = user_of(role)

    if REVEAL in TABLE[role][1]:
        assert people_actions.person_reveal(acting_user=user, person=person, field="id_number")
    else:
        with pytest.raises(PermissionDenied):
            people_actions.person_reveal(acting_user=user, person=person, field="id_number")


@pytest.mark.parametrize("role", list(Role))
def test_only_roles_that_serve_may_record_a_service(db, catalog, user_of, role, person):
    user = user_of(role)
    kwargs = {
        "acting_user": user,
        "person": person,
        "service_type": ServiceType.objects.get(code="health_education"),
        "date": dt.date(2024, 5, 1),
    }

    if SERVE in TABLE[role][1]:
        assert service_actions.service_record(**kwargs).person == person
    else:
        with pytest.raises(PermissionDenied):
            service_actions.service_record(**kwargs)
