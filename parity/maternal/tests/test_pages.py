"""The maternal and child care pages: shown, restricted, recording, exported."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from parity.conftest import make_id
from parity.maternal.actions import antenatal_visit_record, pregnancy_register
from parity.maternal.models import AntenatalVisit, Pregnancy

pytestmark = pytest.mark.django_db

LMP = dt.date(2025, 1, 6)


@pytest.fixture
def client_as(client):
    def _as(user):
        client.force_login(user)
        return client

    return _as


@pytest.fixture
def pregnancy(owner, woman):
    return pregnancy_register(
        acting_user=owner, person=woman, lmp=LMP, registered_on=dt.date(2025, 3, 1)
    )


def test_the_maternal_page_shows_the_five_visits_with_their_states(client_as, owner, pregnancy):
    antenatal_visit_record(acting_user=owner, pregnancy=pregnancy, date=dt.date(2025, 3, 1))
    response = client_as(owner).get(reverse("maternal:person", args=[pregnancy.person_id]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "第1次(孕13周前)" in body and "已完成" in body and "预产期" in body


def test_recording_a_visit_from_the_page(client_as, owner, pregnancy):
    url = reverse("maternal:antenatal_visit_record", args=[pregnancy.pk])
    response = client_as(owner).post(url, {"date": "2025-03-01", "outcome": "completed"})
    assert response.status_code == 302
    assert AntenatalVisit.objects.get().point == "first"


def test_a_visit_after_delivery_shows_the_error_on_the_field(client_as, owner, pregnancy):
    url = reverse("maternal:antenatal_visit_record", args=[pregnancy.pk])
    response = client_as(owner).post(url, {"date": "2024-12-01", "outcome": "completed"})
    assert response.status_code == 200
    assert "日期早于末次月经" in response.content.decode()
    assert not AntenatalVisit.objects.exists()


def test_registering_a_pregnancy_from_the_page(client_as, owner, woman):
    url = reverse("maternal:pregnancy_register", args=[woman.pk])
    response = client_as(owner).post(url, {"lmp": "2025-01-06", "registered_on": "2025-03-01"})
    assert response.status_code == 302
    assert Pregnancy.objects.get().person == woman


@pytest.mark.parametrize(
    "name", ["maternal:overdue_list", "maternal:pregnant_list", "maternal:children_overdue_list"]
)
def test_the_outsider_sees_nothing(client_as, outsider, pregnancy, name):
    response = client_as(outsider).get(reverse(name) + "?on=2025-06-10")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0


def test_the_outsider_cannot_open_or_write_a_womans_page(client_as, outsider, pregnancy):
    client = client_as(outsider)
    assert client.get(reverse("maternal:person", args=[pregnancy.person_id])).status_code == 404
    url = reverse("maternal:antenatal_visit_record", args=[pregnancy.pk])
    assert client.post(url, {"date": "2025-03-01", "outcome": "completed"}).status_code == 404
    assert not AntenatalVisit.objects.exists()


def test_a_view_only_official_cannot_record(client_as, official, pregnancy):
    url = reverse("maternal:antenatal_visit_record", args=[pregnancy.pk])
    assert client_as(official).get(url).status_code == 403


def test_the_overdue_list_exports_to_xlsx(client_as, owner, pregnancy):
    response = client_as(owner).get(reverse("maternal:overdue_list") + "?on=2025-06-10&format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][0] == "姓名"
    assert rows[1][0] == "李梅" and rows[1][5] == "第1次(孕13周前)"


def test_the_pregnant_list_shows_current_pregnancies(client_as, owner, pregnancy):
    response = client_as(owner).get(reverse("maternal:pregnant_list") + "?on=2025-06-10")
    assert [p.pk for p in response.context["page"].object_list] == [pregnancy.person_id]


def _women(owner, register, n):
    for i in range(n):
        woman = register(id_number=make_id(birth="19920615", seq=300 + 2 * i), name=f"女{i}")
        pregnancy_register(
            acting_user=owner, person=woman, lmp=LMP, registered_on=dt.date(2025, 3, 1)
        )


@pytest.mark.parametrize("rows", [1, 25])
@pytest.mark.parametrize("name", ["maternal:overdue_list", "maternal:pregnant_list"])
def test_lists_run_a_fixed_number_of_queries(
    client_as, owner, register, catalog, rows, name, django_assert_max_num_queries
):
    _women(owner, register, rows)
    client = client_as(owner)
    with django_assert_max_num_queries(6):
        response = client.get(reverse(name) + "?on=2025-06-10")
    assert len(response.context["page"].object_list) == rows


@pytest.mark.parametrize("rows", [1, 25])
def test_the_children_list_runs_a_fixed_number_of_queries(
    client_as, owner, register, catalog, rows, django_assert_max_num_queries
):
    for i in range(rows):
        register(id_number=make_id(birth="20240110", seq=600 + i), arrived_on=dt.date(2024, 1, 10))
    client = client_as(owner)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("maternal:children_overdue_list") + "?on=2024-02-15")
    assert len(response.context["page"].object_list) == rows


def test_the_child_checks_page_shows_the_schedule_and_records_a_check(
    client_as, owner, register, catalog
):
    child = register(id_number=make_id(birth="20240110", seq=61), arrived_on=dt.date(2024, 1, 10))
    client = client_as(owner)
    response = client.get(reverse("maternal:child_checks", args=[child.pk]))
    assert response.status_code == 200
    assert "新生儿家庭访视" in response.content.decode()
    response = client.post(
        reverse("maternal:child_check_record", args=[child.pk]),
        {"date": "2024-01-12", "outcome": "completed"},
    )
    assert response.status_code == 302
    assert child.child_checks.get().point == "newborn"


# --- lists: an area filter, 孕周 and 预产期, a page-number jump ---------------------------------


def test_the_pregnancy_list_shows_the_week_and_the_due_date_and_filters_by_area(
    client, owner, woman
):
    from parity.conftest import OTHER_GRID
    from parity.maternal import schedule as maternal_schedule

    lmp = dt.date.today() - dt.timedelta(days=100)
    pregnancy_register(acting_user=owner, person=woman, lmp=lmp)
    client.force_login(owner)
    url = reverse("maternal:pregnant_list")

    html = client.get(url).content.decode()

    assert "14 周" in html
    assert maternal_schedule.expected_delivery(lmp).isoformat() in html
    assert 'name="area"' in html
    assert woman.name in client.get(url, {"area": woman.area_code}).content.decode()
    assert woman.name not in client.get(url, {"area": OTHER_GRID}).content.decode()


def test_the_certificate_list_filters_by_area(client, owner, woman):
    from parity.conftest import OTHER_GRID

    client.force_login(owner)
    url = reverse("certificates:missing_list")

    assert 'name="area"' in client.get(url).content.decode()
    assert woman.name not in client.get(url, {"area": OTHER_GRID}).content.decode()


def test_the_overdue_lists_sort_by_their_columns_and_refuse_other_keys(
    client_as, owner, register, catalog
):
    _women(owner, register, 3)
    client = client_as(owner)
    url = reverse("maternal:overdue_list")
    rows = client.get(url, {"on": "2025-06-10", "sort": "-name"}).context["page"].object_list
    names = [p.person.name for p in rows]
    assert len(names) == 3 and names == sorted(names, reverse=True)
    page = client.get(url, {"on": "2025-06-10", "sort": "name"}).content.decode()
    assert 'aria-sort="ascending"' in page
    assert client.get(url, {"sort": "person__id_hash"}).status_code == 400
    for i in range(2):
        register(
            id_number=make_id(birth=f"2024011{i}", seq=700 + i), arrived_on=dt.date(2024, 1, 12)
        )
    url = reverse("maternal:children_overdue_list")
    rows = client.get(url, {"on": "2024-02-15", "sort": "-birth_date"}).context["page"].object_list
    assert [p.birth_date for p in rows] == [dt.date(2024, 1, 11), dt.date(2024, 1, 10)]
    assert client.get(url, {"sort": "phone_hash"}).status_code == 400
