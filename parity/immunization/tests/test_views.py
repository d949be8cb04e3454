"""The immunization pages: a child's schedule and the record form, the overdue list and
campaigns; outsiders see nothing; list pages run a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from parity.immunization.actions import campaign_draw_targets, vaccination_record
from parity.immunization.models import VaccinationRecord, Vaccine
from parity.immunization.tests.conftest import months_ago

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def baby(child):
    return child(months_ago(5), name="小宝")


def test_the_child_page_lists_pending_doses_and_offers_the_doses_valid_today(
    client, owner, baby, site
):
    client.force_login(owner)
    response = client.get(reverse("immunization:person", args=[baby.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "乙肝疫苗 第1剂" in page
    assert "逾期未种" in page
    form = response.context["form"]
    listed = dict(form.fields["dose"].choices)["今天可接种"]
    assert ("HepB:1", "乙肝疫苗 第1剂") in listed
    assert form.initial["site"] == site.pk


def test_a_vaccination_recorded_from_the_page_redirects_back_with_the_dose_listed(
    client, owner, baby, site
):
    client.force_login(owner)
    url = reverse("immunization:person", args=[baby.pk])
    today = timezone.localdate().isoformat()
    response = client.post(
        url,
        {
            "dose": "HepB:1",
            "date": today,
            "site": site.pk,
            "batch_number": "202405A",
            "vaccinator": "王护士",
        },
    )
    assert response.status_code == 302
    record = VaccinationRecord.objects.get(person=baby)
    assert (record.vaccine.code, record.dose, record.site) == ("HepB", 1, site)
    page = client.get(url).content.decode()
    assert "乙肝疫苗 第2剂" in page


def test_an_invalid_vaccination_from_the_page_shows_the_reason_and_writes_nothing(
    client, owner, baby
):
    client.force_login(owner)
    url = reverse("immunization:person", args=[baby.pk])
    response = client.post(
        url,
        {
            "dose": "HepB:3",
            "date": timezone.localdate().isoformat(),
            "batch_number": "202405A",
            "vaccinator": "王护士",
        },
    )
    assert response.status_code == 200
    assert "最早在6月龄接种" in response.content.decode()
    assert not VaccinationRecord.objects.exists()


def test_an_outsider_gets_404_for_a_child_page(client, outsider, baby):
    client.force_login(outsider)
    url = reverse("immunization:person", args=[baby.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"dose": "HepB:1"}).status_code == 404


def test_a_viewer_sees_the_schedule_but_cannot_record(client, official, baby):
    client.force_login(official)
    url = reverse("immunization:person", args=[baby.pk])
    response = client.get(url)
    assert response.status_code == 200 and response.context["form"] is None
    assert client.post(url, {"dose": "HepB:1"}).status_code == 403


def test_the_overdue_list_shows_the_users_children_and_exports_them(client, owner, outsider, baby):
    call_command("refresh_immunization", verbosity=0)
    client.force_login(owner)
    response = client.get(reverse("immunization:overdue"))
    assert [p.name for p in response.context["page"].object_list] == ["小宝"]
    export = client.get(reverse("immunization:overdue_export"))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "姓名" and rows[1][0] == "小宝"
    assert rows[1][1] == baby.id_masked  # masked, never the clear number
    client.force_login(outsider)
    assert not client.get(reverse("immunization:overdue")).context["page"].object_list
    export = client.get(reverse("immunization:overdue_export"))
    assert len(list(load_workbook(io.BytesIO(b"".join(export.streaming_content))).active.rows)) == 1


def test_the_campaign_page_shows_coverage_by_area_and_the_target_list(
    client, official, campaign, owner
):
    target = campaign.targets.select_related("person").first()
    vaccination_record(
        acting_user=owner,
        person=target.person,
        vaccine=campaign.vaccine,
        date=timezone.localdate(),
        campaign=campaign,
    )
    client.force_login(official)
    response = client.get(reverse("immunization:campaign_detail", args=[campaign.pk]))
    assert response.status_code == 200
    total = response.context["total"]
    assert (total.targets, total.vaccinated, str(total.coverage)) == (3, 1, "33.33")
    assert [r.code for r in response.context["rows"]] == ["150203001"]
    assert response.context["page"].paginator.count == 3
    export = client.get(reverse("immunization:campaign_targets_export", args=[campaign.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert len(list(sheet.rows)) == 4


def test_an_outsider_sees_no_campaign_of_another_district(client, outsider, campaign):
    client.force_login(outsider)
    assert not client.get(reverse("immunization:campaign_list")).context["page"].object_list
    url = reverse("immunization:campaign_detail", args=[campaign.pk])
    assert client.get(url).status_code == 404
    export = reverse("immunization:campaign_targets_export", args=[campaign.pk])
    assert client.get(export).status_code == 404


def test_a_grid_worker_may_not_draw_a_district_campaign_list(client, owner, campaign):
    client.force_login(owner)
    url = reverse("immunization:campaign_draw", args=[campaign.pk])
    assert client.post(url).status_code == 403


# --- query counts ---------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_overdue_list_runs_the_same_queries_for_2_or_6_children(client, owner, child):
    client.force_login(owner)
    url = reverse("immunization:overdue")
    for n in range(2):
        child(months_ago(6 + n), name=f"甲{n}")
    call_command("refresh_immunization", verbosity=0)
    few = _queries(client, url)
    for n in range(4):
        child(months_ago(12 + n), name=f"乙{n}")
    call_command("refresh_immunization", verbosity=0)
    assert _queries(client, url) == few


def test_the_campaign_pages_run_the_same_queries_for_more_targets(
    client, official, campaign, child, admin_user
):
    client.force_login(official)
    detail = reverse("immunization:campaign_detail", args=[campaign.pk])
    listing = reverse("immunization:campaign_list")
    few = (_queries(client, detail), _queries(client, listing))
    for n in range(4):
        child(months_ago(20 + n), name=f"丙{n}")
    campaign_draw_targets(acting_user=admin_user, campaign=campaign)
    assert (_queries(client, detail), _queries(client, listing)) == few


def test_the_child_page_runs_the_same_queries_for_more_records(client, owner, baby):
    client.force_login(owner)
    url = reverse("immunization:person", args=[baby.pk])
    vaccination_record(
        acting_user=owner,
        person=baby,
        vaccine=Vaccine.objects.get(code="HepB"),
        dose=1,
        date=baby.birth_date,
    )
    few = _queries(client, url)
    for code, dose, days in (("HepB", 2, 40), ("BCG", 1, 2), ("IPV", 1, 70)):
        vaccination_record(
            acting_user=owner,
            person=baby,
            vaccine=Vaccine.objects.get(code=code),
            dose=dose,
            date=baby.birth_date + dt.timedelta(days=days),
        )
    assert _queries(client, url) == few


def test_a_grid_worker_sees_the_district_campaign_counted_over_their_grid(
    client, owner, campaign, child, admin_user
):
    child(months_ago(9), name="邻网格儿童", grid="150203001001002", by=admin_user)
    campaign_draw_targets(acting_user=admin_user, campaign=campaign)
    client.force_login(owner)
    response = client.get(reverse("immunization:campaign_detail", args=[campaign.pk]))
    assert response.status_code == 200
    assert response.context["total"].targets == 3
    assert "邻网格儿童" not in response.content.decode()


# --- what 预防接种工作规范 asks a record to carry -------------------------------------------


def test_a_fresh_dose_needs_its_batch_number_and_vaccinator(client, owner, baby):
    client.force_login(owner)
    url = reverse("immunization:person", args=[baby.pk])

    response = client.post(url, {"dose": "HepB:1", "date": timezone.localdate().isoformat()})

    errors = response.context["form"].errors
    assert errors["batch_number"] == ["请填写疫苗批号"]
    assert errors["vaccinator"] == ["请填写接种人员"]
    assert not VaccinationRecord.objects.exists()


def test_a_dose_copied_from_a_card_may_lack_them(client, owner, baby):
    client.force_login(owner)
    url = reverse("immunization:person", args=[baby.pk])

    response = client.post(url, {"dose": "HepB:1", "date": baby.birth_date.isoformat()})

    assert response.status_code == 302
    record = VaccinationRecord.objects.get()
    assert (record.batch_number, record.vaccinator, record.route) == ("", "", "im")


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"batch_number": "批号?"}, "batch_number", "疫苗批号应为2–30位字母、数字、“-”或“/”"),
        ({"route": "oral"}, "route", "乙肝疫苗为注射类疫苗,接种途径不能为口服"),
        ({"route": "nasal"}, "route", "接种途径无效"),
        ({"injection_site": "left_ear"}, "injection_site", "接种部位无效"),
    ],
)
def test_bad_details_are_refused_on_their_field(owner, baby, values, field, message):
    with pytest.raises(ValidationError) as refused:
        vaccination_record(
            acting_user=owner,
            person=baby,
            vaccine=Vaccine.objects.get(code="HepB"),
            dose=1,
            date=timezone.localdate(),
            **values,
        )

    assert refused.value.message_dict[field] == [message]
    assert not VaccinationRecord.objects.exists()


def test_an_oral_vaccine_takes_no_injection_site(owner, child):
    toddler = child(months_ago(5), name="小童")
    vaccination_record(
        acting_user=owner,
        person=toddler,
        vaccine=Vaccine.objects.get(code="IPV"),
        dose=1,
        date=months_ago(2),
    )
    vaccination_record(
        acting_user=owner,
        person=toddler,
        vaccine=Vaccine.objects.get(code="IPV"),
        dose=2,
        date=months_ago(1),
    )
    with pytest.raises(ValidationError) as refused:
        vaccination_record(
            acting_user=owner,
            person=toddler,
            vaccine=Vaccine.objects.get(code="bOPV"),
            dose=3,
            date=timezone.localdate(),
            route="oral",
            injection_site="left_arm",
        )

    assert refused.value.message_dict["injection_site"] == ["口服疫苗不填接种部位"]


def test_the_details_are_in_the_api_and_the_export(client, owner, baby):
    client.force_login(owner)
    response = client.post(
        "/api/v1/vaccinations/",
        {
            "person": baby.pk,
            "vaccine": "HepB",
            "dose": 1,
            "date": timezone.localdate().isoformat(),
            "batch_number": "2024-07b",
            "manufacturer": "深圳康泰",
            "route": "im",
            "injection_site": "left_thigh",
            "vaccinator": "李医生",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["batch_number"], body["injection_site"], body["vaccinator"]) == (
        "2024-07B",
        "left_thigh",
        "李医生",
    )

    export = client.get(reverse("immunization:records_export", args=[baby.pk]))

    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][6:11] == ("疫苗批号", "生产企业", "接种途径", "接种部位", "接种人员")
    assert rows[1][6:11] == ("2024-07B", "深圳康泰", "肌内注射", "左大腿前外侧", "李医生")
