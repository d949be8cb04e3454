import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from parity.conftest import GRID, make_id
from parity.core.models import AuditEvent
from parity.people.models import Person

pytestmark = pytest.mark.django_db


def _form_data(areas, **overrides):
    return {
        "id_number": make_id(),
        "name": "张三",
        "grid": areas[GRID].pk,
        "arrived_on": "2024-03-01",
        "housing_type": "rented",
        "ethnicity": "01",
        **overrides,
    }


def test_registration_form_registers_a_person(login, owner, areas):
    response = login(owner).post(reverse("web:person_register"), _form_data(areas))
    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:person_detail", args=[person.pk])
    assert person.residences.get().grid.code == GRID


def test_registration_form_shows_field_errors_and_writes_nothing(login, owner, areas):
    bad_checksum = make_id()[:17] + ("0" if make_id()[17] != "0" else "1")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    events = AuditEvent.objects.count()
    response = login(owner).post(
        reverse("web:person_register"),
        _form_data(areas, id_number=bad_checksum, arrived_on=tomorrow.isoformat()),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "校验位" in errors["id_number"][0]
    assert "不能晚于今天" in errors["arrived_on"][0]
    html = response.content.decode()
    assert 'id="id_id_number_error"' in html
    assert 'id="id_arrived_on_error"' in html
    assert Person.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_registration_form_puts_an_actions_error_on_its_field(login, register, owner, areas):
    register()  # the same ID number is already registered
    response = login(owner).post(reverse("web:person_register"), _form_data(areas))
    assert response.status_code == 200
    assert "已登记" in response.context["form"].errors["id_number"][0]
    assert Person.objects.count() == 1


def test_registration_form_offers_only_grids_the_user_may_change(login, colleague):
    response = login(colleague).get(reverse("web:person_register"))
    codes = {grid.code for grid in response.context["form"].fields["grid"].queryset}
    assert codes and all(code.startswith(colleague.area.code) for code in codes)
