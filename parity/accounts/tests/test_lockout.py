"""Brute force on the sign-in: django-axes locks a username per address and, at a higher
count, from everywhere; the client address comes from X-Forwarded-For only behind a
configured number of trusted proxies."""

import datetime as dt

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse

from parity.core.models import AuditEvent
from parity.core.net import client_ip

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PASSWORD = "pw-owner-123"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.PARITY_LOCKOUT_USER_LIMIT = 20
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=30)
    settings.PARITY_TRUSTED_PROXY_COUNT = 0


def sign_in(client, password, *, username="owner", addr="10.0.0.1", forwarded=None):
    extra = {"REMOTE_ADDR": addr}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_right_password_is_refused_after_five_wrong_ones_from_one_address(client, owner):
    for _ in range(4):
        assert sign_in(client, "wrong").status_code == 200
    assert sign_in(client, "wrong").status_code == 429

    response = sign_in(client, PASSWORD)

    assert response.status_code == 429
    assert "登录已暂时锁定" in response.content.decode()
    assert "30 分钟后再试" in response.content.decode()
    assert not signed_in(client)


def test_four_wrong_passwords_then_the_right_one_signs_in(client, owner):
    for _ in range(4):
        sign_in(client, "wrong")

    response = sign_in(client, PASSWORD)

    assert response.status_code == 302
    assert signed_in(client)


def test_a_forged_x_forwarded_for_does_not_open_a_new_count(client, owner):
    for i in range(5):
        sign_in(client, "wrong", forwarded=f"203.0.113.{i}")

    response = sign_in(client, PASSWORD, forwarded="198.51.100.77")

    assert response.status_code == 429
    assert not signed_in(client)


def test_rotating_addresses_locks_the_username_at_the_higher_count(client, owner):
    # Four failures from each of five addresses: under the per-address limit every time.
    for host in range(5):
        for _ in range(4):
            sign_in(client, "wrong", addr=f"10.0.1.{host}")

    response = sign_in(client, PASSWORD, addr="10.0.2.1")

    assert response.status_code == 429
    assert not signed_in(client)


def test_other_users_are_not_locked_by_someone_elses_failures(client, owner, colleague):
    for _ in range(5):
        sign_in(client, "wrong")

    response = sign_in(client, "pw-colleague-123", username="colleague")

    assert response.status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, owner):
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(5):
            sign_in(client, "wrong")
        clock.shift(dt.timedelta(minutes=29))
        assert sign_in(client, PASSWORD).status_code == 429
        clock.shift(dt.timedelta(minutes=31))

        response = sign_in(client, PASSWORD)

        assert response.status_code == 302
        assert signed_in(client)


def test_a_lockout_is_a_security_event_in_the_audit_log(client, owner):
    for _ in range(5):
        sign_in(client, "wrong")

    event = AuditEvent.objects.filter(action="security.lockout").latest("pk")

    assert event.object_id == str(owner.pk)
    assert "username=owner" in event.note
    assert "wrong" not in event.note


def test_the_admin_login_is_locked_too(client, admin_user):
    for _ in range(5):
        client.post(
            "/admin/login/", {"username": "admin", "password": "wrong"}, REMOTE_ADDR="10.0.0.9"
        )

    response = client.post(
        "/admin/login/",
        {"username": "admin", "password": "pw-admin-123"},
        REMOTE_ADDR="10.0.0.9",
    )

    assert response.status_code == 429
    assert not signed_in(client)


def test_the_api_token_endpoint_refuses_the_right_password_once_locked(client, owner):
    url = reverse("api:token")
    for _ in range(5):
        client.post(url, {"username": "owner", "password": "wrong"}, REMOTE_ADDR="10.0.0.3")

    response = client.post(url, {"username": "owner", "password": PASSWORD}, REMOTE_ADDR="10.0.0.3")

    assert response.status_code in (400, 429)
    assert "token" not in response.json()


class TestClientAddress:
    def test_without_trusted_proxies_the_client_is_the_remote_address(self, settings):
        settings.PARITY_TRUSTED_PROXY_COUNT = 0
        request = RequestFactory().get(
            "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9"
        )
        assert client_ip(request) == "10.0.0.1"

    def test_behind_one_proxy_the_client_is_the_address_the_proxy_appended(self, settings):
        settings.PARITY_TRUSTED_PROXY_COUNT = 1
        request = RequestFactory().get(
            "/", REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
        )
        assert client_ip(request) == "203.0.113.9"

    def test_behind_two_proxies_the_outer_proxys_entry_counts(self, settings):
        settings.PARITY_TRUSTED_PROXY_COUNT = 2
        request = RequestFactory().get(
            "/", REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9, 10.0.0.2"
        )
        assert client_ip(request) == "203.0.113.9"

    def test_behind_a_proxy_a_request_without_the_header_is_its_remote_address(self, settings):
        settings.PARITY_TRUSTED_PROXY_COUNT = 1
        request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.7")
        assert client_ip(request) == "10.0.0.7"
