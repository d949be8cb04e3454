"""Certificate and permit pages: shown, restricted, recording, exported, query counts."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from parity.certificates.actions import certificate_record, permit_apply, permit_issue
from parity.certificates.models import MarriageCertificate, ResidencePermit
from parity.conftest import make_id
from parity.people.actions import employment_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_as(client):
    def _as(user):
        client.force_login(user)
        return client

    return _as


def test_the_certificate_page_shows_the_state(client_as, owner, woman):
    response = client_as(owner).get(reverse("certificates:person", args=[woman.pk]))
    assert response.status_code == 200
    assert "未办理" in response.content.decode()


def test_recording_and_checking_a_certificate_from_the_page(client_as, owner, woman):
    client = client_as(owner)
    response = client.post(
        reverse("certificates:certificate_record", args=[woman.pk]),
        {"region_code": "410102", "number": "A-1", "issued_on": "2023-12-01", "children_count": 0},
    )
    assert response.status_code == 302
    certificate = MarriageCertificate.objects.get()
    response = client.post(
        reverse("certificates:certificate_check", args=[certificate.pk]),
        {"checked_on": "2024-03-01"},
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.checked_late
    assert (
        "逾期查验" in client.get(reverse("certificates:person", args=[woman.pk])).content.decode()
    )


def test_a_bad_region_code_is_shown_on_its_field(client_as, owner, woman):
    response = client_as(owner).post(
        reverse("certificates:certificate_record", args=[woman.pk]),
        {"region_code": "990000", "number": "A-1", "issued_on": "2023-12-01", "children_count": 0},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["region_code"]


def test_applying_issuing_and_seeing_the_permit(client_as, owner, woman):
    client = client_as(owner)
    response = client.post(
        reverse("certificates:permit_apply", args=[woman.pk]),
        {"basis": "residence", "applied_on": "2024-08-01"},
    )
    assert response.status_code == 302
    permit = ResidencePermit.objects.get()
    client.post(
        reverse("certificates:permit_issue", args=[permit.pk]),
        {"number": "150203202400009", "issued_on": "2024-08-10"},
    )
    body = client.get(reverse("certificates:permit", args=[woman.pk])).content.decode()
    assert "150203202400009" in body and "连续居住年限" in body


def test_a_refused_application_names_the_stay(client_as, owner, woman):
    response = client_as(owner).post(
        reverse("certificates:permit_apply", args=[woman.pk]),
        {"basis": "residence", "applied_on": "2024-05-01"},
    )
    assert "未满半年" in str(response.context["form"].errors["applied_on"])


@pytest.mark.parametrize("name", ["certificates:missing_list", "certificates:permit_eligible_list"])
def test_the_outsider_sees_nothing(client_as, outsider, woman, name):
    response = client_as(outsider).get(reverse(name) + "?on=2024-09-01")
    assert response.context["page"].paginator.count == 0


def test_the_outsider_cannot_open_or_write_a_persons_pages(client_as, outsider, owner, woman):
    certificate = certificate_record(
        acting_user=owner,
        person=woman,
        region_code="410102",
        number="X",
        issued_on=dt.date(2023, 1, 1),
    )
    client = client_as(outsider)
    assert client.get(reverse("certificates:person", args=[woman.pk])).status_code == 404
    assert client.get(reverse("certificates:permit", args=[woman.pk])).status_code == 404
    response = client.post(
        reverse("certificates:certificate_check", args=[certificate.pk]),
        {"checked_on": "2024-01-10"},
    )
    assert response.status_code == 404
    certificate.refresh_from_db()
    assert certificate.checked_on is None


def test_the_missing_list_exports_to_xlsx(client_as, owner, woman):
    response = client_as(owner).get(
        reverse("certificates:missing_list") + "?on=2024-09-01&format=xlsx"
    )
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert rows[1][0] == "李梅" and rows[1][5] == dt.datetime(2024, 2, 5)


@pytest.mark.parametrize("rows", [1, 25])
@pytest.mark.parametrize("name", ["certificates:missing_list", "certificates:permit_eligible_list"])
def test_lists_run_a_fixed_number_of_queries(
    client_as, owner, register, catalog, rows, name, django_assert_max_num_queries
):
    for i in range(rows):
        register(
            id_number=make_id(birth="19920615", seq=300 + 2 * i), arrived_on=dt.date(2024, 1, 1)
        )
    client = client_as(owner)
    # Each list pages its narrow rows, then reads the page's people: 7 whatever the rows.
    with django_assert_max_num_queries(7):
        response = client.get(reverse(name) + "?on=2024-09-01")
    assert len(response.context["page"].object_list) == rows


def test_an_applicant_leaves_the_eligible_list(client_as, owner, woman):
    employment_record(
        acting_user=owner, person=woman, industry="F", started_on=dt.date(2024, 1, 10)
    )
    client = client_as(owner)
    url = reverse("certificates:permit_eligible_list") + "?on=2024-09-01"
    assert client.get(url).context["page"].paginator.count == 1
    permit = permit_apply(
        acting_user=owner, person=woman, basis="employment", applied_on=dt.date(2024, 8, 1)
    )
    permit_issue(acting_user=owner, permit=permit, issued_on=dt.date(2024, 8, 2), number="N1")
    assert client.get(url).context["page"].paginator.count == 0
