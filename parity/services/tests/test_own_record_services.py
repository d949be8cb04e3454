"""Defect: a vaccination entered through 「记录服务」 was saved as a bare service event that
no schedule reads, and the child stayed overdue. A service whose data has its own model
(vaccination, antenatal visit, child check, certificate, permit) is sent to that model's
page by the general form, and refused, with a link to it, by the form, the API and the
file import; nothing is written."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from parity.conftest import make_id
from parity.services import actions
from parity.services.error_codes import ServiceErrorCode
from parity.services.models import ServiceEvent, ServiceType

pytestmark = pytest.mark.django_db

OWN_PAGES = [
    ("vaccination", "immunization:person"),
    ("maternal_health", "maternal:person"),
    ("child_health", "maternal:child_checks"),
    ("marriage_certificate", "certificates:person"),
    ("residence_permit", "certificates:permit"),
]


@pytest.fixture
def person(register):
    return register(id_number=make_id(birth="20240101", seq=31), name="李小宝")


@pytest.mark.parametrize(("code", "page"), OWN_PAGES)
def test_the_general_form_sends_the_service_to_its_own_page(
    catalog, login, owner, person, code, page
):
    url = reverse("services:service_record", args=[person.pk])

    response = login(owner).get(url, {"type": code})

    assert response.status_code == 302
    assert response["Location"] == reverse(page, args=[person.pk])


@pytest.mark.parametrize(("code", "page"), OWN_PAGES)
def test_choosing_the_service_in_the_form_leaves_for_its_own_page(
    catalog, login, owner, person, code, page
):
    service = ServiceType.objects.get(code=code)
    response = login(owner).get(
        reverse("services:service_record", args=[person.pk]),
        {"service_type": service.pk},
        HTTP_HX_REQUEST="true",
    )

    assert response["HX-Redirect"] == reverse(page, args=[person.pk])


@pytest.mark.parametrize(("code", "page"), OWN_PAGES)
def test_posting_the_service_is_refused_with_a_link_and_nothing_is_written(
    catalog, login, owner, person, code, page
):
    service = ServiceType.objects.get(code=code)

    response = login(owner).post(
        reverse("services:service_record", args=[person.pk]),
        {
            "service_type": service.pk,
            "date": "2026-01-05",
            "outcome": "completed",
            "d_vaccine": "百白破",
            "d_dose": "4",
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{reverse(page, args=[person.pk])}"' in html
    assert "须在" in html
    assert not ServiceEvent.objects.exists()


@pytest.mark.parametrize(("code", "page"), OWN_PAGES)
def test_the_action_refuses_the_service_unless_its_own_record_writes_it(
    catalog, owner, person, code, page
):
    service = ServiceType.objects.get(code=code)

    with pytest.raises(ValidationError) as refused:
        actions.service_record(
            acting_user=owner, person=person, service_type=service, date=dt.date(2026, 1, 5)
        )

    assert refused.value.error_dict["service_type"][0].code == ServiceErrorCode.OWN_RECORD
    assert not ServiceEvent.objects.exists()


def test_the_api_refuses_a_vaccination_as_a_service_event(catalog, login, owner, person):
    response = login(owner).post(
        "/api/v1/service-events/",
        {
            "person": person.pk,
            "service_type": "vaccination",
            "date": "2026-01-05",
            "details": {"vaccine": "DTaP", "dose": 4},
        },
        content_type="application/json",
    )

    assert response.status_code == 400, response.content
    assert ServiceErrorCode.OWN_RECORD in response.content.decode()
    assert not ServiceEvent.objects.exists()


def test_a_service_without_its_own_record_is_still_recorded(catalog, login, owner, person):
    service = ServiceType.objects.get(code="health_record")

    response = login(owner).post(
        reverse("services:service_record", args=[person.pk]),
        {"service_type": service.pk, "date": "2026-01-05", "outcome": "completed"},
    )

    assert response.status_code == 302
    assert ServiceEvent.objects.get().service_type == service
