"""Immunization downloads (overdue children, campaign targets) write a formula-like name
as text, never as a live formula."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from parity.core.tests.sheets import assert_no_formula_cells, download, neutral, xlsx_values
from parity.people.models import Person

pytestmark = pytest.mark.django_db

NAME = "-1+2"


def test_the_overdue_download_holds_a_formula_like_name_as_text(client, owner, child):
    child(timezone.localdate() - dt.timedelta(days=150), name=NAME)
    call_command("refresh_immunization", verbosity=0)
    client.force_login(owner)
    data = download(client.get(reverse("immunization:overdue_export")))
    assert_no_formula_cells(data)
    assert neutral(NAME) in xlsx_values(data)


def test_the_campaign_target_download_holds_a_formula_like_name_as_text(client, official, campaign):
    Person.objects.filter(pk=campaign.targets.first().person_id).update(name=NAME)
    client.force_login(official)
    url = reverse("immunization:campaign_targets_export", args=[campaign.pk])
    data = download(client.get(url))
    assert_no_formula_cells(data)
    assert neutral(NAME) in xlsx_values(data)
