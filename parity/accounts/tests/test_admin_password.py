"""``parity ensure_admin`` keeps the generated password in var/admin_password only until
the administrator changes it."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated(settings, tmp_path, areas):
    settings.VAR_DIR = tmp_path
    out = io.StringIO()
    call_command("ensure_admin", stdout=out)
    password_file = tmp_path / "admin_password"
    assert password_file.read_text() in out.getvalue()
    return get_user_model().objects.get(username="admin"), password_file


def test_the_generated_password_file_is_private(generated):
    _admin, password_file = generated
    assert password_file.stat().st_mode & 0o777 == 0o600


def test_changing_the_administrators_password_deletes_the_file(generated):
    admin, password_file = generated
    admin.set_password("a-new-long-password-1")
    admin.save()
    assert not password_file.exists()


def test_the_password_change_page_deletes_the_file(client, generated):
    admin, password_file = generated
    client.force_login(admin)
    response = client.post(
        reverse("admin:password_change"),
        {
            "old_password": password_file.read_text(),
            "new_password1": "a-new-long-password-1",
            "new_password2": "a-new-long-password-1",
        },
    )
    assert response.status_code == 302
    assert not password_file.exists()


def test_the_changepassword_command_deletes_the_file(generated, monkeypatch):
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "a-new-long-password-1")
    call_command("changepassword", "admin", stdout=io.StringIO())
    assert not generated[1].exists()


def test_saving_the_administrator_without_a_new_password_keeps_the_file(generated):
    admin, password_file = generated
    admin.first_name = "系统管理员"
    admin.save()
    assert password_file.exists()


def test_another_user_changing_their_password_keeps_the_file(generated, owner):
    _admin, password_file = generated
    owner.set_password("a-new-long-password-1")
    owner.save()
    assert password_file.exists()
