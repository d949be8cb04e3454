import datetime as dt

import pytest

from parity.core.models import AuditEvent
from parity.services.models import ServiceType

pytestmark = pytest.mark.django_db


def _form(rule: str) -> dict:
    return {
        "code": "older",
        "name": "老年人",
        "name_en": "Older people",
        "category": "health",
        "department_kind": "health_centre",
        "description": "",
        "required_count": "1",
        "delivered_by": "",
        "details_schema": "[]",
        "is_active": "on",
        "sort_order": "1",
        "rules-TOTAL_FORMS": "1",
        "rules-INITIAL_FORMS": "0",
        "rules-0-effective_from": "2020-01-01",
        "rules-0-rule": rule,
        "rules-0-note": "",
    }


def test_an_administrator_adds_a_service_with_a_validated_rule(client, admin_user):
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    response = client.post("/admin/services/servicetype/add/", _form('{"age_min": 65}'))
    assert response.status_code == 302
    service = ServiceType.objects.get(code="older")
    rule = service.rule_on(dt.date(2021, 1, 1))
    assert rule is not None and rule.rule == {"age_min": 65}
    assert AuditEvent.objects.filter(action="servicetype.admin_add").exists()


def test_a_rule_with_an_unknown_condition_is_refused_in_the_admin(client, admin_user):
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    response = client.post("/admin/services/servicetype/add/", _form('{"age": 65}'))
    assert response.status_code == 200
    assert "未知的条件" in response.content.decode()
    assert not ServiceType.objects.exists()


def test_an_official_cannot_edit_the_catalog(client, official):
    official.is_staff = True
    official.save()
    client.force_login(official)
    response = client.post("/admin/services/servicetype/add/", _form('{"age_min": 65}'))
    assert response.status_code == 403
    assert not ServiceType.objects.exists()
