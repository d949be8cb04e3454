"""Passwords: Django's validators and a zxcvbn strength check, with Chinese messages, on
every path that sets a password (the password page, the admin, ensure_admin)."""

from io import StringIO

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command

pytestmark = pytest.mark.django_db

STRONG = "grid-walks-north-at-7-lantern"


def change_password(client, user, old, new):
    client.force_login(user)
    return client.post(
        "/accounts/password/",
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


@pytest.mark.parametrize("weak", ["84736251", "Parity123", "password1234"])
def test_the_password_page_refuses_a_weak_password_with_a_chinese_message(client, owner, weak):
    response = change_password(client, owner, "pw-owner-123", weak)

    assert response.status_code == 200
    errors = response.context["form"].errors["new_password2"]
    assert errors
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in error) for error in errors), errors
    owner.refresh_from_db()
    assert owner.check_password("pw-owner-123")


def test_the_password_page_accepts_a_strong_password(client, owner):
    response = change_password(client, owner, "pw-owner-123", STRONG)

    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password(STRONG)


def test_an_all_digit_password_is_refused_as_entirely_numeric(owner):
    with pytest.raises(ValidationError) as refused:
        validate_password("84736251", owner)

    assert "password_entirely_numeric" in {e.code for e in refused.value.error_list}


def test_the_admin_refuses_to_set_a_weak_password(client, admin_user, owner):
    client.force_login(admin_user)

    response = client.post(
        f"/admin/accounts/user/{owner.pk}/password/",
        {"usable_password": "true", "password1": "Parity123", "password2": "Parity123"},
    )

    assert response.status_code == 200
    owner.refresh_from_db()
    assert owner.check_password("pw-owner-123")


def test_ensure_admin_generates_a_password_the_validators_accept(areas, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("ensure_admin", stdout=StringIO())
    password = (tmp_path / "admin_password").read_text(encoding="utf-8")

    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.get(username="admin")
    validate_password(password, admin)
    assert admin.check_password(password)
