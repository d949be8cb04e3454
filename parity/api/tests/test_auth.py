"""Token authentication: the login endpoint and the ``api_token`` command."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from parity.core.models import AuditEvent


def test_a_token_obtained_with_username_and_password_authenticates_requests(owner, register):
    register()
    client = APIClient()

    response = client.post(
        "/api/v1/auth/token/", {"username": "owner", "password": "pw-owner-123"}, format="json"
    )
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")

    assert response.status_code == 200
    assert client.get("/api/v1/persons/").json()["count"] == 1


def test_a_wrong_password_gets_no_token(owner):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "owner", "password": "wrong"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "authorization"
    assert not Token.objects.exists()


def test_a_bad_token_is_refused(owner):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    response = client.get("/api/v1/persons/")
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "authentication_failed"


def test_the_api_token_command_creates_a_token_once_and_prints_it(owner):
    first, second = StringIO(), StringIO()

    call_command("api_token", "owner", stdout=first, stderr=StringIO())
    call_command("api_token", "owner", stdout=second, stderr=StringIO())

    key = Token.objects.get(user=owner).key
    assert first.getvalue().strip() == key == second.getvalue().strip()
    events = AuditEvent.objects.filter(action="api_token.create", object_id=str(owner.pk))
    assert events.count() == 1
    assert key not in str(events.get().after) + events.get().note


def test_the_api_token_command_replaces_a_token_on_reset(owner):
    call_command("api_token", "owner", stdout=StringIO(), stderr=StringIO())
    old = Token.objects.get(user=owner).key
    out = StringIO()

    call_command("api_token", "owner", "--reset", stdout=out, stderr=StringIO())

    assert out.getvalue().strip() == Token.objects.get(user=owner).key != old


def test_the_api_token_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError):
        call_command("api_token", "nobody", stdout=StringIO(), stderr=StringIO())
