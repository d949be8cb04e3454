"""Writes to the housing register: dwelling_register and dwelling_update."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from parity.conftest import COMMUNITY, GRID
from parity.core.concurrency import version_of
from parity.core.error_codes import ErrorCode
from parity.core.models import AuditEvent
from parity.core.tests.factories import DwellingFactory
from parity.housing import actions
from parity.housing.models import Dwelling


def codes(exc: ValidationError) -> dict[str, list[str | None]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


def test_it_registers_a_dwelling_with_a_masked_landlord_phone_and_an_audit_row(owner, areas):
    dwelling = DwellingFactory.create(
        acting_user=owner, grid=areas[GRID], is_let=True, landlord_phone="13812345678"
    )

    assert dwelling.area_code == GRID
    assert dwelling.landlord_phone_masked != "13812345678"
    assert "13812345678" not in dwelling.landlord_phone_enc
    event = AuditEvent.objects.get(action="dwelling.register")
    assert (event.actor, event.area_code) == (owner, GRID)
    assert "13812345678" not in str(event.after)


def test_it_refuses_an_area_above_grid_level(colleague, areas):
    with pytest.raises(ValidationError) as caught:
        DwellingFactory.create(acting_user=colleague, grid=areas[COMMUNITY])

    assert codes(caught.value) == {"grid": [ErrorCode.AREA_NOT_GRID]}
    assert not Dwelling.objects.exists()


def test_it_refuses_a_bad_landlord_phone_and_writes_nothing(owner, areas):
    with pytest.raises(ValidationError) as caught:
        DwellingFactory.create(acting_user=owner, grid=areas[GRID], landlord_phone="12345")

    assert codes(caught.value) == {"landlord_phone": [ErrorCode.PHONE_FORMAT]}
    assert not Dwelling.objects.exists()
    assert not AuditEvent.objects.filter(action="dwelling.register").exists()


def test_an_outsider_may_neither_register_nor_update_a_dwelling(owner, outsider, areas):
    dwelling = DwellingFactory.create(acting_user=owner, grid=areas[GRID])

    with pytest.raises(PermissionDenied):
        DwellingFactory.create(acting_user=outsider, grid=areas[GRID])
    with pytest.raises(PermissionDenied):
        actions.dwelling_update(acting_user=outsider, dwelling=dwelling, address="别处")
    dwelling.refresh_from_db()
    assert dwelling.address != "别处"
    assert not Dwelling.objects.restrict(outsider, "view").exists()


def test_an_update_audits_only_what_changed(owner, areas):
    dwelling = DwellingFactory.create(acting_user=owner, grid=areas[GRID], is_let=False)

    actions.dwelling_update(acting_user=owner, dwelling=dwelling, is_let=True)

    event = AuditEvent.objects.get(action="dwelling.update")
    assert (event.before, event.after) == ({"is_let": False}, {"is_let": True})


def test_an_update_that_changes_nothing_leaves_no_audit_row(owner, areas):
    dwelling = DwellingFactory.create(acting_user=owner, grid=areas[GRID])

    actions.dwelling_update(acting_user=owner, dwelling=dwelling, address=dwelling.address)

    assert not AuditEvent.objects.filter(action="dwelling.update").exists()


def test_an_update_from_a_stale_version_is_refused(owner, areas):
    dwelling = DwellingFactory.create(acting_user=owner, grid=areas[GRID])
    seen = version_of(dwelling)
    actions.dwelling_update(acting_user=owner, dwelling=dwelling, is_let=True)

    with pytest.raises(ValidationError) as caught:
        actions.dwelling_update(
            acting_user=owner, dwelling=dwelling, address="新地址", expected_version=seen
        )

    assert ErrorCode.STALE in [e.code for e in caught.value.error_list]
    dwelling.refresh_from_db()
    assert dwelling.address != "新地址"


def test_an_unknown_field_is_a_programming_error(owner, areas):
    dwelling = DwellingFactory.create(acting_user=owner, grid=areas[GRID])

    with pytest.raises(ValueError, match="not editable"):
        actions.dwelling_update(acting_user=owner, dwelling=dwelling, area_code="1502")
