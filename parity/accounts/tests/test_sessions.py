"""Sessions end after PARITY_SESSION_IDLE_MINUTES without a request, and
PARITY_SESSION_MAX_HOURS after the sign-in however busy the user is (time is mocked)."""

import datetime as dt

import pytest
import time_machine

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
PAGE = "/accounts/password/"  # a light page that needs a signed-in user


@pytest.fixture(autouse=True)
def limits(settings):
    settings.PARITY_SESSION_IDLE_MINUTES = 30
    settings.PARITY_SESSION_MAX_HOURS = 12


def test_a_request_within_the_idle_timeout_keeps_the_user_signed_in(client, owner):
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(owner)
        clock.shift(dt.timedelta(minutes=29))

        response = client.get("/")

        assert response.status_code == 200


def test_thirty_minutes_without_a_request_signs_the_user_out(client, owner):
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(owner)
        assert client.get("/").status_code == 200
        clock.shift(dt.timedelta(minutes=31))

        response = client.get("/people/")

        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=%2Fpeople%2F")
        assert "_auth_user_id" not in client.session
        assert "登录已超时" in client.get(response["Location"]).content.decode()


def test_each_request_restarts_the_idle_timeout(client, owner):
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(owner)
        for _ in range(6):
            clock.shift(dt.timedelta(minutes=20))
            assert client.get(PAGE).status_code == 200


def test_a_busy_session_still_ends_twelve_hours_after_the_sign_in(client, owner):
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(owner)
        for _ in range(35):  # every 20 minutes for 11 h 40 min
            clock.shift(dt.timedelta(minutes=20))
            assert client.get(PAGE).status_code == 200
        clock.shift(dt.timedelta(minutes=21))

        response = client.get("/")

        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_the_limits_come_from_the_settings(client, owner, settings):
    settings.PARITY_SESSION_IDLE_MINUTES = 5
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(owner)
        clock.shift(dt.timedelta(minutes=6))

        assert client.get("/").status_code == 302


def test_a_session_signed_in_before_the_limits_existed_is_ended(client, owner):
    client.force_login(owner)
    session = client.session
    del session["parity_signed_in_at"]
    session.save()

    assert client.get("/").status_code == 302


def test_the_session_cookie_lives_no_longer_than_the_absolute_limit():
    from django.conf import settings

    assert settings.SESSION_COOKIE_AGE == settings.PARITY_SESSION_MAX_HOURS * 3600
