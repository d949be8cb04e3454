"""The indicator catalog pages: an administrator defines an indicator from the page,
validated (and previewed) before it is saved; nobody else can."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parity.core.models import AuditEvent
from parity.indicators.models import Indicator

NEW = reverse("indicators:indicator_new")
FIELDS = {
    "code": "young_records",
    "name": "青年健康档案率",
    "category": "custom",
    "period": "year",
    "den_service": "",
    "age_min": "18",
    "age_max": "34",
    "num_service": "health_record",
    "dimensions": ["sex"],
    "in_index": "on",
}


@pytest.mark.django_db
class TestDefinePage:
    def test_an_administrator_defines_an_indicator_from_fields(self, client, admin_user, catalog):
        client.force_login(admin_user)
        response = client.post(NEW, FIELDS)
        assert response.status_code == 302
        indicator = Indicator.objects.get(code="young_records")
        assert indicator.denominator == {"age_min": 18, "age_max": 34}
        assert indicator.numerator == {"service": "health_record"}
        assert indicator.dimensions == ["sex"] and indicator.in_index and not indicator.builtin
        assert AuditEvent.objects.filter(action="indicator.define").exists()

    def test_preview_counts_the_city_and_saves_nothing(self, client, admin_user, catalog, register):
        register()
        client.force_login(admin_user)
        response = client.post(NEW, {**FIELDS, "age_min": "0", "age_max": "120", "preview": "1"})
        assert response.status_code == 200
        assert response.context["counts"]["floating_den"] == 1
        assert not Indicator.objects.filter(code="young_records").exists()

    def test_a_bad_definition_is_shown_next_to_its_field_and_not_saved(
        self, client, admin_user, catalog
    ):
        client.force_login(admin_user)
        response = client.post(
            NEW, {**FIELDS, "age_min": "50", "numerator_json": '{"event": {"service": "nope"}}'}
        )
        assert response.status_code == 200
        form = response.context["form"]
        assert any("age_min" in e for e in form.errors["denominator_json"])
        assert any("nope" in e for e in form.errors["numerator_json"])
        assert not Indicator.objects.filter(code="young_records").exists()

    def test_json_that_does_not_parse_is_named(self, client, admin_user, catalog):
        client.force_login(admin_user)
        response = client.post(NEW, {**FIELDS, "denominator_json": "{age_min: 3"})
        assert "JSON" in " ".join(response.context["form"].errors["denominator_json"])

    def test_an_empty_numerator_is_refused(self, client, admin_user, catalog):
        client.force_login(admin_user)
        response = client.post(NEW, {**FIELDS, "num_service": ""})
        assert response.status_code == 200
        assert not Indicator.objects.exists()

    def test_others_cannot_open_the_page(self, client, official, owner, outsider, catalog):
        for user in (official, owner, outsider):
            client.force_login(user)
            assert client.get(NEW).status_code == 403
            assert client.post(NEW, FIELDS).status_code == 403
        assert not Indicator.objects.exists()


@pytest.mark.django_db
def test_the_list_shows_every_indicator_and_lets_an_administrator_switch_one_off(
    client, admin_user, official, catalog
):
    import datetime as dt

    from parity.immunization.actions import schedule_load
    from parity.immunization.schedule_data import read_schedule_file
    from parity.indicators.catalog import load_builtin

    schedule_load(acting_user=None, data=read_schedule_file())
    load_builtin(dt.date(2026, 6, 30))
    client.force_login(official)
    page = client.get(reverse("indicators:indicator_list")).content.decode()
    assert "健康档案建档率" in page and "新建指标" not in page
    # Categories by their names, not their codes; each cell labelled for phones.
    assert '<td data-label="类别">基本公共卫生</td>' in page
    assert ">public_health<" not in page
    toggle = reverse("indicators:indicator_toggle", args=["health_record"])
    assert client.post(toggle).status_code == 403
    client.force_login(admin_user)
    assert client.post(toggle).status_code == 302
    assert not Indicator.objects.get(code="health_record").is_active
