"""The schedule's data carry both languages: vaccine and schedule names (and so the dose
labels) are English when the user has switched to English, Chinese otherwise. The
loaders fill the English from the data files; the indicators' descriptions likewise."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from parity.immunization.models import ScheduleEdition, Vaccine
from parity.immunization.schedule_data import read_schedule_file
from parity.immunization.tests.conftest import months_ago
from parity.indicators.catalog import load_builtin
from parity.indicators.models import Indicator

pytestmark = pytest.mark.django_db


def english(client):
    client.post(reverse("set_language"), {"language": "en"})
    return client


@pytest.fixture
def baby(child):
    return child(months_ago(5), name="小宝")


def test_every_vaccine_and_edition_of_the_file_has_an_english_name_and_the_loader_stores_it():
    data = read_schedule_file()
    assert all(v.get("name_en") for v in data["vaccines"])
    assert all(e.get("name_en") for e in data["editions"])
    Vaccine.objects.update(name_en="")
    ScheduleEdition.objects.update(name_en="")
    call_command("load_schedule", verbosity=0)
    assert Vaccine.objects.get(code="HepB").name_en == "Hepatitis B vaccine"
    assert not Vaccine.objects.filter(name_en="").exists()
    assert ScheduleEdition.objects.get(code="2021").name_en.startswith(
        "National Immunization Programme Schedule"
    )


def test_display_names_follow_the_active_language():
    hepb = Vaccine.objects.get(code="HepB")
    with translation.override("zh-hans"):
        assert hepb.display_name == "乙肝疫苗"
    with translation.override("en"):
        assert hepb.display_name == "Hepatitis B vaccine"
    hepb.name_en = ""  # data without English fall back to the Chinese
    with translation.override("en"):
        assert hepb.display_name == "乙肝疫苗"


def test_the_child_page_names_vaccines_doses_and_the_schedule_in_english(client, owner, baby):
    client.force_login(owner)
    url = reverse("immunization:person", args=[baby.pk])
    chinese = client.get(url).content.decode()
    assert "乙肝疫苗 第1剂" in chinese
    assert "国家免疫规划疫苗儿童免疫程序" in chinese
    page = english(client).get(url).content.decode()
    assert "Hepatitis B vaccine dose 1" in page
    assert "National Immunization Programme Schedule for Children" in page
    assert "乙肝疫苗" not in page and "第1剂" not in page
    choices = dict(client.get(url).context["form"].fields["dose"].choices)
    assert ("HepB:1", "Hepatitis B vaccine dose 1") in choices["Can be given today"]


def test_the_overdue_list_names_every_overdue_dose_in_english(client, owner, baby):
    call_command("refresh_immunization", verbosity=0)
    client.force_login(owner)
    chinese = client.get(reverse("immunization:overdue")).content.decode()
    assert "乙肝疫苗 第1剂" in chinese
    page = english(client).get(reverse("immunization:overdue")).content.decode()
    assert "Hepatitis B vaccine dose 1" in page
    assert "乙肝疫苗" not in page


def test_indicator_descriptions_and_dose_names_are_english_in_english(client, admin_user, catalog):
    load_builtin(dt.date(2026, 6, 30))
    record = Indicator.objects.get(code="health_record")
    assert record.description_en.startswith("Of the residents who have lived")
    dose = Indicator.objects.get(code="dose-hepb-1")
    assert dose.name_en == "Hepatitis B vaccine dose 1 coverage"
    assert dose.description_en.startswith("Of children under 7 past the age for Hepatitis B")
    client.force_login(admin_user)
    url = reverse("indicators:indicator_list")
    chinese = client.get(url).content.decode()
    assert record.description in chinese
    page = english(client).get(url).content.decode()
    assert record.description_en in page
    assert record.description not in page
    assert "Hepatitis B vaccine dose 1 coverage" in page
