"""The Django admin behind the same gate: scoped rows, masked values, registry read-only."""

import pytest

from parity.accounts.choices import Role
from parity.areas.models import Area
from parity.conftest import GRID, OTHER_GRID, SISTER_GRID, make_id
from parity.core.models import AuditEvent


@pytest.fixture
def staff(client):
    def _staff(user):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        client.force_login(user)
        return client

    return _staff


def test_the_person_changelist_shows_an_outsider_nothing_from_other_districts(
    staff, register, outsider
):
    register(name="昆都仑张三")
    register(name="青山李四", id_number=make_id(seq=8), grid=OTHER_GRID, by=outsider)

    html = staff(outsider).get("/admin/people/person/").content.decode()

    assert "青山李四" in html
    assert "昆都仑张三" not in html


def test_a_person_outside_scope_cannot_be_opened_in_the_admin(staff, register, outsider):
    person = register()
    response = staff(outsider).get(f"/admin/people/person/{person.pk}/change/")
    assert response.status_code == 302  # "does not exist", back to the admin index


def test_the_person_page_shows_masked_values_only_and_no_form(staff, register, owner):
    number = make_id(seq=55)
    person = register(id_number=number, phone="13812345678")

    response = staff(owner).get(f"/admin/people/person/{person.pk}/change/")
    html = response.content.decode()

    assert response.status_code == 200
    assert person.id_masked in html
    assert number not in html and "13812345678" not in html
    assert person.id_number_enc not in html and person.id_hash not in html
    assert 'name="name"' not in html  # read-only: no input to edit


def test_registry_records_cannot_be_added_or_changed_in_the_admin(staff, register, owner):
    person = register()
    client = staff(owner)
    assert client.get("/admin/people/person/add/").status_code == 403
    client.post(f"/admin/people/person/{person.pk}/change/", {"name": "改名"})
    person.refresh_from_db()
    assert person.name == "张三"
    assert client.post(f"/admin/people/person/{person.pk}/delete/").status_code == 403


def test_the_admin_finds_a_person_by_full_id_number(staff, register, colleague):
    number = make_id(seq=77)
    register(id_number=number, name="要找的人")
    register(id_number=make_id(seq=78), name="别的人")

    client = staff(colleague)
    response = client.post("/admin/people/person/", {"q": number, "status__exact": "inflow"})
    html = client.get(response["Location"]).content.decode()

    assert response.status_code == 302
    assert number not in response["Location"] and "status__exact=inflow" in response["Location"]
    assert "要找的人" in html and "别的人" not in html
    assert 'method="post" role="search"' in html


def test_the_admin_ignores_an_id_number_given_in_the_url(staff, register, colleague):
    register(id_number=make_id(seq=77), name="要找的人")
    register(id_number=make_id(seq=78), name="别的人")

    html = staff(colleague).get("/admin/people/person/", {"q": make_id(seq=77)}).content.decode()

    assert "要找的人" in html and "别的人" in html


def test_grid_workers_see_no_users_areas_or_audit_log(staff, owner):
    client = staff(owner)
    assert client.get("/admin/accounts/user/").status_code == 403
    assert client.get("/admin/areas/area/").status_code == 403
    assert client.get("/admin/core/auditevent/").status_code == 403


def test_a_district_administrator_manages_users_only_in_their_district(
    staff, django_user_model, areas, outsider, owner
):
    district_admin = django_user_model.objects.create_user(
        username="kdl-admin", password="pw-x-12345", role=Role.ADMIN, area=areas["150203"]
    )
    client = staff(district_admin)

    html = client.get("/admin/accounts/user/").content.decode()

    assert "owner" in html and "outsider" not in html
    assert client.get(f"/admin/accounts/user/{outsider.pk}/change/").status_code == 302
    form = {"username": "owner", "role": Role.COMMUNITY_OFFICER, "is_active": "on"}
    url = f"/admin/accounts/user/{owner.pk}/change/"

    outside = client.post(url, {**form, "area": areas[OTHER_GRID].pk})
    owner.refresh_from_db()
    assert outside.status_code == 200  # the form comes back with an error
    assert owner.area.code == GRID

    inside = client.post(url, {**form, "area": areas[SISTER_GRID].pk, "is_superuser": "on"})
    owner.refresh_from_db()
    assert inside.status_code == 302
    assert (owner.area.code, owner.role) == (SISTER_GRID, Role.COMMUNITY_OFFICER)
    assert not owner.is_superuser


def test_an_administrator_renames_an_area_and_the_change_is_audited(staff, admin_user):
    client = staff(admin_user)
    area = Area.objects.get(code=GRID)

    response = client.post(f"/admin/areas/area/{area.pk}/change/", {"name": "新名字网格"})

    assert response.status_code == 302
    area.refresh_from_db()
    assert area.name == "新名字网格" and area.code == GRID
    event = AuditEvent.objects.get(action="area.admin_change")
    # The path shown in lists (街道 › 社区 › 网格) follows the name.
    assert event.after == {"name": "新名字网格", "path": "沼潭街道 › 钢铁社区 › 新名字网格"}


def test_a_new_area_must_extend_its_parents_code(staff, admin_user):
    client = staff(admin_user)
    parent = Area.objects.get(code="150203001001")

    bad = client.post(
        "/admin/areas/area/add/", {"parent": parent.pk, "code": "150204", "name": "x"}
    )
    good = client.post(
        "/admin/areas/area/add/", {"parent": parent.pk, "code": "150203001001099", "name": "新网格"}
    )

    assert bad.status_code == 200 and not Area.objects.filter(code="150204", name="x").exists()
    assert good.status_code == 302
    assert Area.objects.get(code="150203001001099").level == 5


def test_the_audit_log_is_read_only_even_for_administrators(staff, admin_user):
    client = staff(admin_user)
    event = AuditEvent.objects.first()
    assert event is not None
    assert client.get("/admin/core/auditevent/").status_code == 200
    assert client.get("/admin/core/auditevent/add/").status_code == 403
    assert client.post(f"/admin/core/auditevent/{event.pk}/delete/").status_code == 403
