import datetime as dt

import pytest
from django.urls import reverse

from parity.accounts.models import Department
from parity.conftest import make_id
from parity.services.models import ServiceEvent, Visit

pytestmark = pytest.mark.django_db


def test_the_visit_form_defaults_to_today_and_records_a_visit(login, owner, register):
    person = register()
    client = login(owner)
    url = reverse("services:visit_record", args=[person.pk])
    form = client.get(url).context["form"]
    assert form.initial["visited_on"] == dt.date.today()
    response = client.post(
        url,
        {
            "visited_on": "2026-01-05",
            "outcome": "met",
            "note": "家中有人",
            "next": "/services/worklist/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/services/worklist/"
    visit = Visit.objects.get()
    assert (visit.visited_on, visit.outcome, visit.visitor) == (dt.date(2026, 1, 5), "met", owner)


def test_a_visit_in_the_future_is_refused_on_its_field(login, owner, register):
    person = register()
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    response = login(owner).post(
        reverse("services:visit_record", args=[person.pk]),
        {"visited_on": tomorrow.isoformat(), "outcome": "met"},
    )
    assert response.status_code == 200
    assert "visited_on" in response.context["form"].errors
    assert not Visit.objects.exists()


def test_an_offsite_redirect_is_ignored(login, owner, register):
    person = register()
    response = login(owner).post(
        reverse("services:visit_record", args=[person.pk]),
        {"visited_on": "2026-01-05", "outcome": "met", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("web:person_detail", args=[person.pk])


def test_the_service_form_shows_the_details_of_the_chosen_type(
    login, owner, register, health_record, followup
):
    person = register()
    url = reverse("services:service_record", args=[person.pk])
    client = login(owner)
    plain = client.get(url, {"type": "health_record"}).content.decode()
    assert "病种" not in plain
    reloaded = client.get(url, {"service_type": followup.pk}).content.decode()
    assert "病种" in reloaded and "收缩压(mmHg)" in reloaded


def test_detail_errors_are_shown_on_their_fields_and_nothing_is_written(
    login, owner, register, followup
):
    person = register()
    response = login(owner).post(
        reverse("services:service_record", args=[person.pk]),
        {
            "service_type": followup.pk,
            "date": "2026-01-05",
            "outcome": "completed",
            "d_condition": "",
            "d_systolic": "20",
        },
    )
    errors = response.context["form"].errors
    assert errors["d_condition"] == ["请填写病种"]
    assert "收缩压(mmHg)应在 50 到 300 之间" in errors["d_systolic"][0]
    assert not ServiceEvent.objects.exists()


def test_a_service_is_recorded_with_its_details_and_provider(
    login, owner, register, followup, areas
):
    person = register()
    centre = Department.objects.create(
        name="沼潭街道社区卫生服务中心", kind="health_centre", area=areas["150203001"]
    )
    response = login(owner).post(
        reverse("services:service_record", args=[person.pk]),
        {
            "service_type": followup.pk,
            "date": "2026-01-05",
            "provider": centre.pk,
            "outcome": "completed",
            "d_condition": "高血压",
            "d_systolic": "142",
        },
    )
    assert response.status_code == 302
    event = ServiceEvent.objects.get()
    assert event.details == {"condition": "高血压", "systolic": 142}
    assert event.provider == centre


def test_a_provider_outside_the_users_branch_cannot_be_chosen(
    login, owner, register, health_record, areas
):
    person = register()
    elsewhere = Department.objects.create(
        name="青山区卫生服务中心", kind="health_centre", area=areas["150204"]
    )
    response = login(owner).post(
        reverse("services:service_record", args=[person.pk]),
        {"service_type": health_record.pk, "date": "2026-01-05", "provider": elsewhere.pk},
    )
    assert "provider" in response.context["form"].errors


def test_an_official_gets_403_and_an_outsider_404(login, official, outsider, register):
    person = register(id_number=make_id(seq=77))
    for name in ("services:visit_record", "services:service_record"):
        url = reverse(name, args=[person.pk])
        assert login(official).get(url).status_code == 403
        assert login(outsider).get(url).status_code == 404
