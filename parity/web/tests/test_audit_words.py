"""The audit log in words (issue 13): actions and objects named, filtered by them."""

import pytest
from django.urls import reverse

from parity.conftest import make_id
from parity.core.audit_words import ACTIONS, action_label, object_label

pytestmark = pytest.mark.django_db


def test_the_log_shows_actions_and_objects_in_words(login, register, owner, admin_user):
    register(name="李雷", id_number=make_id(seq=201))
    html = login(admin_user).get(reverse("web:audit_list")).content.decode()
    assert "登记人员" in html
    assert ">person.register<" not in html
    assert "people.person#" not in html


def test_the_log_filters_by_action_and_by_object(login, register, owner, admin_user):
    register(name="李雷", id_number=make_id(seq=201))
    client = login(admin_user)
    page = client.get(reverse("web:audit_list"), {"action": "person.register"}).context["page"]
    assert {e.action for e in page.object_list} == {"person.register"}
    page = client.get(reverse("web:audit_list"), {"object_type": "people.person"}).context["page"]
    assert page.object_list and {e.object_type for e in page.object_list} == {"people.person"}


def test_every_action_has_words_and_admin_changes_name_their_model():
    assert all(str(label) for label in ACTIONS.values())
    assert action_label("dwelling.admin_delete") == "后台删除房屋"
    assert object_label("people.person") == "人员"
    assert action_label("unknown.thing") == "unknown.thing"
