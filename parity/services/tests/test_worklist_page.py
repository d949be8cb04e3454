import datetime as dt

import pytest
from django.urls import reverse

from parity.conftest import GRID, OTHER_GRID, make_id
from parity.services import actions

pytestmark = pytest.mark.django_db
# Other apps register key groups too; these tests look at the services app's own two.
OWN = ("no_health_record", "not_visited")


def own_codes(row) -> list[str]:
    return [d.item.group.code for d in row.items if d.item.group.code in OWN]


@pytest.fixture
def due(register, health_record, settings):
    settings.PARITY_VISIT_INTERVAL_DAYS = 90
    return register(name="王芳", id_number=make_id(seq=11), arrived_on=dt.date(2024, 1, 1))


def test_a_grid_worker_sees_who_is_due_for_what_in_their_grid(login, owner, due):
    response = login(owner).get(reverse("services:worklist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "王芳" in html
    assert "居住半年以上未建健康档案" in html
    assert "超期未走访" in html
    row = response.context["page"].object_list[0]
    assert row.person_id == due.pk
    assert own_codes(row) == ["no_health_record", "not_visited"]
    assert row.items[0].days == (dt.date.today() - dt.date(2024, 7, 1)).days
    assert reverse("services:visit_record", args=[due.pk]) in html
    assert f"{reverse('services:service_record', args=[due.pk])}?type=health_record" in html


def test_a_visit_takes_the_person_off_the_not_visited_list(login, owner, due):
    client = login(owner)
    actions.visit_record(acting_user=owner, person=due, visited_on=dt.date.today(), outcome="met")
    response = client.get(reverse("services:worklist"))
    assert own_codes(response.context["page"].object_list[0]) == ["no_health_record"]


def test_the_list_can_be_narrowed_to_one_key_group(login, owner, due, register):
    register(name="李四", id_number=make_id(seq=13), arrived_on=dt.date.today())
    response = login(owner).get(reverse("services:worklist"), {"group": "not_visited"})
    rows = response.context["page"].object_list
    assert [r.name for r in rows] == ["王芳"]
    chips = {c: n for c, _label, n in response.context["chips"]}
    assert (chips["no_health_record"], chips["not_visited"]) == (1, 1)


def test_a_community_officer_chooses_a_grid_and_an_outsider_cannot(login, colleague, outsider, due):
    response = login(colleague).get(reverse("services:worklist"), {"area": GRID})
    assert [r.name for r in response.context["page"].object_list] == ["王芳"]
    assert GRID in dict(response.context["choices"])
    assert OTHER_GRID not in dict(response.context["choices"])
    outside = login(outsider).get(reverse("services:worklist"), {"area": GRID})
    assert outside.status_code == 404


def test_an_official_above_community_level_is_asked_to_choose_an_area(login, official, due):
    response = login(official).get(reverse("services:worklist"))
    assert response.status_code == 200
    assert response.context["ready"] is False
    assert "请选择一个社区或网格" in response.content.decode()


def test_a_grid_worker_lands_on_their_work_list_on_the_home_page(login, owner, due):
    response = login(owner).get(reverse("web:home"))
    assert response.context["worklist_total"] == 1
    assert reverse("services:worklist") in response.content.decode()


def test_the_nav_puts_the_work_list_first_for_grid_workers(login, owner):
    html = login(owner).get(reverse("web:home")).content.decode()
    nav = html[html.index('class="mainnav"') :]
    assert nav.index("工作清单") < nav.index("首页")


def test_the_work_list_downloads_as_a_workbook_in_its_order(login, owner, due):
    import io

    from openpyxl import load_workbook

    response = login(owner).get(reverse("services:worklist"), {"format": "xlsx"})

    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(load_workbook(io.BytesIO(body)).active.values)
    assert rows[0][:4] == ("姓名", "身份证号码", "住址", "待办事项")
    assert {r[0] for r in rows[1:]} == {"王芳"}
    items = [r[3] for r in rows[1:]]
    assert items.index("居住半年以上未建健康档案") < items.index("超期未走访")
