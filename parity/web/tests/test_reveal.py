import pytest
from django.urls import reverse

from parity.conftest import make_id
from parity.core.models import AuditEvent

pytestmark = pytest.mark.django_db

NUMBER = make_id(seq=201)


@pytest.fixture
def person(register):
    return register(id_number=NUMBER, phone="13912345678")


def test_allowed_user_gets_the_clear_number_and_the_reveal_is_audited(login, person, colleague):
    client = login(colleague)
    page = client.get(reverse("web:person_detail", args=[person.pk])).content.decode()
    assert "显示" in page
    response = client.post(
        reverse("web:person_reveal", args=[person.pk, "id_number"]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert NUMBER in response.content.decode()
    assert "<html" not in response.content.decode()
    event = AuditEvent.objects.get(action="person.reveal")
    assert (event.actor, event.object_id, event.note) == (colleague, str(person.pk), "id_number")


def test_reveal_without_htmx_renders_a_full_page(login, person, owner):
    response = login(owner).post(reverse("web:person_reveal", args=[person.pk, "phone"]))
    assert response.status_code == 200
    assert "13912345678" in response.content.decode()
    assert "<html" in response.content.decode()


def test_official_cannot_reveal_and_never_sees_a_clear_number(login, person, official):
    client = login(official)
    response = client.post(reverse("web:person_reveal", args=[person.pk, "id_number"]))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="person.reveal").exists()
    pages = [
        response,
        client.get(reverse("web:person_detail", args=[person.pk])),
        client.get(reverse("web:person_list")),
        client.get(reverse("web:home")),
    ]
    for page in pages:
        html = page.content.decode()
        assert NUMBER not in html
        assert "13912345678" not in html
    detail = pages[1].content.decode()
    assert person.id_masked in detail
    assert reverse("web:person_reveal", args=[person.pk, "id_number"]) not in detail


def test_reveal_is_for_the_id_and_phone_numbers_only(login, person, owner):
    response = login(owner).post(reverse("web:person_reveal", args=[person.pk, "name"]))
    assert response.status_code == 403


def test_reveal_needs_post(login, person, owner):
    response = login(owner).get(reverse("web:person_reveal", args=[person.pk, "id_number"]))
    assert response.status_code == 405
