import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from parity.accounts.models import Department
from parity.conftest import GRID, make_id
from parity.services import actions
from parity.services.models import KeyGroupList, ProviderStaff

pytestmark = pytest.mark.django_db


@pytest.fixture
def women(make_service):
    return make_service(
        "folic_acid",
        {"sex": "F", "age_min": 15, "age_max": 49, "marital_status": ["married"]},
        name="增补叶酸",
        category="family_planning",
        validity_days=365,
    )


def test_the_person_page_lists_entitlements_events_and_visits(
    login, owner, register, health_record, followup
):
    # Born 2000: too young for the chronic follow-up (35+), so only the health record applies.
    person = register(id_number=make_id(birth="20000101"), arrived_on=dt.date(2024, 1, 1))
    actions.visit_record(
        acting_user=owner, person=person, visited_on=dt.date.today(), outcome="met"
    )
    response = login(owner).get(reverse("web:person_detail", args=[person.pk]))
    html = response.content.decode()
    assert [e.service.code for e in response.context["entitlements"]] == ["health_record"]
    assert response.context["missing_count"] == 1
    assert "基本公共服务" in html and "未提供" in html
    assert f"{reverse('services:service_record', args=[person.pk])}?type=health_record" in html
    assert "见到本人" in html

    actions.service_record(
        acting_user=owner, person=person, service_type=health_record, date=dt.date(2025, 1, 1)
    )
    html = login(owner).get(reverse("web:person_detail", args=[person.pk])).content.decode()
    assert "已提供" in html and "居民健康档案" in html


def test_the_catalog_reads_rules_in_plain_chinese(login, official, women, health_record):
    response = login(official).get(reverse("services:catalog"))
    html = response.content.decode()
    assert "女性,15–49岁,已婚" in html
    assert "在本市居住满6个月" in html
    assert "最近365天内有服务记录" in html
    detail = login(official).get(reverse("services:catalog_detail", args=["folic_acid"]))
    assert "2009-01-01 起施行" in detail.content.decode()
    # The service's internal code is in the address, not in the page's text.
    assert "<dt>代码</dt>" not in detail.content.decode()


def test_coverage_compares_floating_and_registered_people_with_links_to_them(
    login, official, owner, register, health_record, refresh_coverage
):
    floating = register(id_number=make_id(seq=21), arrived_on=dt.date(2024, 1, 1))
    register(id_number=make_id("150203", seq=23), arrived_on=dt.date(2000, 1, 1))
    actions.service_record(
        acting_user=owner, person=floating, service_type=health_record, date=dt.date(2025, 1, 1)
    )
    client = login(official)
    before = client.get(reverse("services:coverage"))
    assert before.context["rows"] == [] and "还没有计算过指标" in before.content.decode()
    snapshot = refresh_coverage(timezone.localdate())
    response = client.get(reverse("services:coverage"))
    assert response.context["snapshot"] == snapshot
    row = response.context["rows"][0]
    assert row["floating"] == {"eligible": 1, "delivered": 1, "missing": 0, "rate": 100.0}
    assert row["registered"]["missing"] == 1
    assert row["gap"] == -100.0
    people = reverse("services:coverage_people", args=["health_record"])
    html = response.content.decode()
    on = snapshot.as_of.isoformat()
    assert f"{people}?which=missing&amp;group=registered&amp;on={on}" in html

    missing = client.get(people, {"which": "missing", "group": "registered"})
    assert [p.id_masked for p in missing.context["page"].object_list] != []
    delivered = client.get(people, {"which": "delivered"})
    assert [p.pk for p in delivered.context["page"].object_list] == [floating.pk]
    export = client.get(people, {"which": "eligible", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][:2] == ("姓名", "身份证号码")
    assert len(rows) == 3
    assert all("*" in r[1] for r in rows[1:])  # masked


def test_coverage_of_an_area_outside_the_users_scope_is_404(login, owner):
    assert login(owner).get(reverse("services:coverage"), {"area": "150204"}).status_code == 404


def test_key_groups_count_members_list_export_and_save_them(
    login, colleague, register, health_record
):
    register(name="赵六", id_number=make_id(seq=31), arrived_on=dt.date(2024, 1, 1))
    client = login(colleague)
    counts = {
        r["group"].code: r["count"]
        for r in client.get(reverse("services:keygroup_list")).context["groups"]
    }
    assert counts["no_health_record"] == 1

    url = reverse("services:keygroup_members", args=["no_health_record"])
    page = client.get(url)
    member = page.context["page"].object_list[0]
    assert (member.name, member.since) == ("赵六", dt.date(2024, 7, 1))  # six months on
    export = client.get(url, {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(b"".join(export.streaming_content))).active.values)
    assert rows[1][0] == "赵六" and rows[0][-2:] == ("起始日期", "说明")

    saved = client.post(reverse("services:keygroup_save", args=["no_health_record"]))
    saved_list = KeyGroupList.objects.get()
    assert saved["Location"] == reverse("services:keygroup_saved_detail", args=[saved_list.pk])
    assert saved_list.size == 1
    detail = client.get(saved["Location"])
    assert [m.person.name for m in detail.context["page"].object_list] == ["赵六"]
    listing = client.get(reverse("services:keygroup_saved_list"))
    assert "居住半年以上未建健康档案" in listing.content.decode()


def test_an_outsider_sees_no_members_and_no_saved_list(
    login, colleague, outsider, register, health_record
):
    register(arrived_on=dt.date(2024, 1, 1))
    saved = actions.key_group_save(
        acting_user=colleague, group="no_health_record", on=dt.date.today()
    )
    client = login(outsider)
    url = reverse("services:keygroup_members", args=["no_health_record"])
    assert client.get(url).context["page"].paginator.count == 0
    assert client.get(url, {"area": GRID}).status_code == 404
    detail = reverse("services:keygroup_saved_detail", args=[saved.pk])
    assert client.get(detail).status_code == 404
    assert client.get(reverse("services:keygroup_members", args=["nope"])).status_code == 404


def test_sites_are_counted_by_district_and_registered_by_users_who_may_change(
    login, colleague, official, areas
):
    Department.objects.create(name="站甲", kind="health_station", area=areas["150203001001"])
    Department.objects.create(name="学校", kind="school", area=areas["150203001001"])
    client = login(colleague)
    response = client.post(
        reverse("services:site_register"),
        {"name": "昆区第二卫生服务站", "kind": "health_station", "area": areas["150203001001"].pk},
    )
    assert response.status_code == 302
    listing = client.get(reverse("services:site_list"))
    assert listing.context["total"] == 2
    assert listing.context["districts"][0]["code"] == "150203"
    assert "学校" not in listing.content.decode()
    assert login(official).get(reverse("services:site_register")).status_code == 403


def test_staff_are_registered_listed_by_role_and_their_phone_is_masked(login, colleague, areas):
    station = Department.objects.create(
        name="站甲", kind="health_station", area=areas["150203001001"]
    )
    client = login(colleague)
    response = client.post(
        reverse("services:staff_register"),
        {
            "name": "孙协管",
            "role": "health_supervision_assistant",
            "department": station.pk,
            "phone": "13812345678",
        },
    )
    assert response.status_code == 302
    assert ProviderStaff.objects.get().phone_masked != "13812345678"
    listing = client.get(reverse("services:staff_list"), {"role": "health_supervision_assistant"})
    html = listing.content.decode()
    assert "孙协管" in html and "13812345678" not in html
    assert (
        client.get(reverse("services:staff_list"), {"role": "doctor"})
        .context["page"]
        .paginator.count
        == 0
    )


def test_a_bad_phone_is_refused_on_its_field(login, colleague, areas):
    station = Department.objects.create(
        name="站甲", kind="health_station", area=areas["150203001001"]
    )
    response = login(colleague).post(
        reverse("services:staff_register"),
        {"name": "孙", "role": "doctor", "department": station.pk, "phone": "123"},
    )
    assert "phone" in response.context["form"].errors
