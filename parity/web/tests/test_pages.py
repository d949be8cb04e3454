import pytest
from django.urls import reverse

from parity.conftest import DISTRICT, GRID, make_id
from parity.core.concurrency import version_of

pytestmark = pytest.mark.django_db


def test_login_page_renders_for_anonymous_users(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_pages_require_login(client, areas):
    response = client.get(reverse("web:person_list"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_home_counts_people_in_the_users_area(login, register, owner):
    register(name="王五")
    response = login(owner).get(reverse("web:home"))
    assert response.status_code == 200
    assert "王五" in response.content.decode()
    assert response.context["floating"] == 1


def test_area_page_shows_children_with_counts(login, register, official):
    register()
    response = login(official).get(reverse("web:area_detail", args=[DISTRICT]))
    assert response.status_code == 200
    rows = {row["area"].code: row for row in response.context["children"]}
    assert rows[GRID[:9]]["people"] == 1


def test_area_page_shows_ancestors_for_orientation_only(login, owner):
    client = login(owner)
    response = client.get(reverse("web:area_detail", args=[DISTRICT]))
    assert response.status_code == 200
    assert [row["area"].code for row in response.context["children"]] == [GRID[:9]]


def test_area_root_opens_on_the_users_area(login, owner):
    response = login(owner).get(reverse("web:area_root"))
    assert response.context["node"].code == GRID


def test_person_page_shows_residence_origin_and_stay_class(login, register, owner):
    person = register(id_number=make_id("410102"))
    html = login(owner).get(reverse("web:person_detail", args=[person.pk])).content.decode()
    assert "河南省" in html
    assert "出租房屋" in html
    assert any(label in html for label in ("半年以下", "半年至五年", "五年以上"))


def test_edit_form_updates_the_person(login, register, owner):
    person = register()
    response = login(owner).post(
        reverse("web:person_edit", args=[person.pk]),
        {
            "name": "张三丰",
            "ethnicity": "01",
            "hukou_code": "410102",
            "phone": "",
            "version": version_of(person),
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name == "张三丰"


def test_move_form_closes_the_old_residence(login, register, owner, colleague):
    person = register()
    client = login(colleague)
    response = client.post(
        reverse("web:residence_move", args=[person.pk]),
        {
            "grid": _area_pk(GRID[:12] + "002"),
            "arrived_on": "2024-06-01",
            "housing_type": "rented",
        },
    )
    assert response.status_code == 302
    assert person.residences.filter(departed_on__isnull=True).get().grid.code.endswith("002")


def test_departure_form_reports_a_missing_destination_on_its_field(login, register, owner):
    person = register(id_number=make_id("150203"))
    response = login(owner).post(
        reverse("web:residence_close", args=[person.pk]), {"departed_on": "2024-07-01"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["destination_code"]


def test_employment_form_records_a_job(login, register, owner):
    person = register()
    response = login(owner).post(
        reverse("web:employment_record", args=[person.pk]),
        {"industry": "C", "employer": "包钢", "started_on": "2024-03-02"},
    )
    assert response.status_code == 302
    assert person.employments.get().employer == "包钢"


def test_household_can_be_created_and_given_a_member(login, register, owner):
    head = register(name="户主甲", id_number=make_id(seq=101))
    member = register(name="成员乙", id_number=make_id(seq=102))
    client = login(owner)
    response = client.post(
        reverse("web:household_create") + f"?person={head.pk}", {"address": "幸福路1号"}
    )
    assert response.status_code == 302
    household = head.membership.household
    response = client.post(
        reverse("web:household_add_member", args=[household.pk]),
        {"person": make_id(seq=102), "relation": "spouse"},
    )
    assert response.status_code == 302
    html = client.get(reverse("web:household_detail", args=[household.pk])).content.decode()
    assert "成员乙" in html
    assert member.membership.household == household


def test_dwelling_register_form_records_the_landlord(login, owner, areas):
    client = login(owner)
    response = client.post(
        reverse("web:dwelling_register"),
        {
            "address": "钢铁大街1号",
            "grid": areas[GRID].pk,
            "dwelling_type": "rented",
            "is_let": "on",
            "landlord_kind": "person",
            "landlord_name": "李房东",
            "landlord_phone": "13812345678",
        },
    )
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "李房东" in html
    assert "138****5678" in html
    assert "13812345678" not in html


def test_dwelling_page_lists_current_residents(login, register, owner, areas):
    from parity.housing.actions import dwelling_register

    dwelling = dwelling_register(
        acting_user=owner, address="钢铁大街2号", grid=areas[GRID], dwelling_type="rented"
    )
    register(name="租客甲", dwelling=dwelling)
    html = login(owner).get(reverse("web:dwelling_detail", args=[dwelling.pk])).content.decode()
    assert "租客甲" in html


def test_audit_page_is_for_users_with_the_audit_permission(login, owner, admin_user):
    assert login(owner).get(reverse("web:audit_list")).status_code == 403
    assert login(admin_user).get(reverse("web:audit_list")).status_code == 200


def _area_pk(code):
    from parity.areas.models import Area

    return Area.objects.get(code=code).pk
