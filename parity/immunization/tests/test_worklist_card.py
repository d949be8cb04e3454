"""From the vaccine-overdue card of the work list, the quick action opens the child's
immunization page with the overdue dose chosen; a dose recorded there takes the child
off the list (no bare "预防接种" service event in between)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from parity.immunization.tests.conftest import months_ago
from parity.services.models import ServiceEvent

pytestmark = pytest.mark.django_db
NORM = {"batch_number": "202405A", "vaccinator": "王护士"}


def _card(client, person_pk: int):
    response = client.get(reverse("services:worklist"), {"group": "vaccine_overdue"})
    rows = response.context["page"].object_list
    return next((row for row in rows if row.person_id == person_pk), None), response


def test_the_vaccine_card_opens_the_immunization_page_with_the_dose_chosen(
    client, owner, child, site
):
    baby = child(months_ago(5), name="小宝")
    client.force_login(owner)

    row, response = _card(client, baby.pk)
    url, label = row.quick

    assert url == reverse("immunization:person", args=[baby.pk])
    assert label == "记录接种"
    assert f'href="{url}?next=' in response.content.decode()
    form = client.get(url).context["form"]
    assert form.initial["dose"] == "HepB:1"  # overdue the longest: due at birth


def test_a_dose_named_in_the_link_is_the_one_chosen(client, owner, child):
    baby = child(months_ago(5), name="小宝")
    client.force_login(owner)

    form = client.get(reverse("immunization:person", args=[baby.pk]), {"dose": "DTaP:1"}).context[
        "form"
    ]

    assert form.initial["dose"] == "DTaP:1"


def test_recording_the_doses_from_the_card_takes_the_child_off_the_list(client, owner, child, site):
    baby = child(months_ago(1), name="小宝")
    client.force_login(owner)
    assert _card(client, baby.pk)[0] is not None
    today = timezone.localdate().isoformat()

    url = reverse("immunization:person", args=[baby.pk])
    for dose in ("HepB:1", "BCG:1"):
        response = client.post(url, {**NORM, "dose": dose, "date": today, "site": site.pk})
        assert response.status_code == 302

    assert _card(client, baby.pk)[0] is None
    assert ServiceEvent.objects.filter(person=baby).count() == 2
