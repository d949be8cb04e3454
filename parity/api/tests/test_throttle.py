"""The token endpoint's throttle keys a client on the address the trusted proxy saw, so a
client that rotates X-Forwarded-For gets no new bucket."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/token/"


def test_rotating_x_forwarded_for_gives_no_new_throttle_bucket(db):
    client = APIClient()
    for i in range(20):
        response = client.post(
            URL,
            {"username": f"nobody{i}", "password": "x"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
        )
        assert response.status_code == 400

    response = client.post(
        URL,
        {"username": "nobody", "password": "x"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.1",
    )

    assert response.status_code == 429


def test_behind_a_trusted_proxy_clients_get_a_bucket_each(settings):
    settings.PARITY_TRUSTED_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    client = APIClient()
    for i in range(20):
        client.post(
            URL,
            {"username": f"nobody{i}", "password": "x"},
            REMOTE_ADDR="10.0.0.254",
            HTTP_X_FORWARDED_FOR="203.0.113.1",
        )

    other = client.post(
        URL,
        {"username": "nobody", "password": "x"},
        REMOTE_ADDR="10.0.0.254",
        HTTP_X_FORWARDED_FOR="203.0.113.2",
    )
    same = client.post(
        URL,
        {"username": "nobody", "password": "x"},
        REMOTE_ADDR="10.0.0.254",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.1",
    )

    assert other.status_code == 400
    assert same.status_code == 429


def test_the_throttle_trusts_as_many_proxies_as_the_lockout(settings):
    from config import settings as project_settings

    assert (
        project_settings.REST_FRAMEWORK["NUM_PROXIES"]
        == project_settings.PARITY_TRUSTED_PROXY_COUNT
    )
