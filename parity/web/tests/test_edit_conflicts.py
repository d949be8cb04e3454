"""Two people editing the same person: the second save is refused, not a silent undo."""

import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _open_form(user, person) -> tuple[Client, dict]:
    """A browser of ``user`` with the edit form open: its client and the form's fields."""
    client = Client()
    client.force_login(user)
    html = client.get(reverse("web:person_edit", args=[person.pk])).content.decode()
    version = re.search(r'name="version" value="([^"]+)"', html)
    assert version, "the edit form carries a hidden version token"
    fields = {"name": person.name, "ethnicity": "01", "hukou_code": "410102", "phone": ""}
    return client, {**fields, "version": version.group(1)}


def _save(client, person, fields):
    return client.post(reverse("web:person_edit", args=[person.pk]), fields)


def _both_open_then_owner_saves(person, owner, colleague, change: dict):
    """The owner and the colleague open the edit form; the owner saves ``change``.
    Returns the colleague's client and form, still holding the old version."""
    first, first_form = _open_form(owner, person)
    second, second_form = _open_form(colleague, person)
    assert _save(first, person, {**first_form, **change}).status_code == 302
    return second, second_form


def test_the_second_of_two_concurrent_edits_is_refused_and_names_the_first(
    register, owner, colleague
):
    person = register(name="张三")
    second, form = _both_open_then_owner_saves(person, owner, colleague, {"name": "张三丰"})

    response = _save(second, person, {**form, "marital_status": "married"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "已被他人修改" in html
    assert "姓名:张三 → 张三丰" in html
    assert "owner" in html
    person.refresh_from_db()
    assert person.name == "张三丰"
    assert person.marital_status == ""


def test_a_refused_edit_shows_the_current_values_and_a_fresh_version(register, owner, colleague):
    person = register(name="张三")
    second, form = _both_open_then_owner_saves(person, owner, colleague, {"name": "张三丰"})

    html = _save(second, person, {**form, "name": "李四"}).content.decode()

    assert 'value="张三丰"' in html
    assert 'value="李四"' not in html
    version = re.search(r'name="version" value="([^"]+)"', html)
    assert version is not None
    fresh = version.group(1)
    assert fresh != form["version"]
    # Redone on the current values, the edit goes through.
    assert _save(second, person, {**form, "name": "李四", "version": fresh}).status_code == 302
    person.refresh_from_db()
    assert person.name == "李四"


def test_a_conflict_message_shows_a_changed_phone_number_masked(register, owner, colleague):
    person = register(name="张三")
    second, form = _both_open_then_owner_saves(person, owner, colleague, {"phone": "13912345678"})

    html = _save(second, person, {**form, "name": "李四"}).content.decode()

    assert "已被他人修改" in html
    assert "联系电话" in html
    assert "13912345678" not in html
    assert "139****5678" in html


def test_an_edit_form_posted_without_its_version_is_refused_with_a_clear_message(register, owner):
    person = register(name="张三")
    client, fields = _open_form(owner, person)
    del fields["version"]

    response = _save(client, person, {**fields, "name": "张三丰"})

    assert response.status_code == 200
    assert "表单缺少版本信息" in response.content.decode()
    person.refresh_from_db()
    assert person.name == "张三"
