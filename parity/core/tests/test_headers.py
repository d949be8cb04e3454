"""Response headers: a strict Content Security Policy, Permissions-Policy, no caching of
pages that show people's data, HSTS and the HTTPS redirect when the deployment asks; and
Django's deploy check clean with the production settings of the README."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from rest_framework.test import APIClient

from parity.conftest import make_id

pytestmark = pytest.mark.django_db

BASE_DIR = Path(django_settings.BASE_DIR)


def csp(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {
        part.strip().split(" ", 1)[0]: part.strip().split(" ", 1)[1]
        for part in policy.split(";")
        if part.strip()
    }


def assert_strict_policy(response):
    policy = csp(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy["script-src"]
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions


@pytest.fixture
def person(register):
    return register(id_number=make_id(seq=301), phone="13912345678")


def test_a_page_carries_the_policy_and_is_not_stored(client, owner):
    client.force_login(owner)

    response = client.get("/")

    assert_strict_policy(response)
    assert "no-store" in response["Cache-Control"]
    assert response["X-Frame-Options"] == "DENY"


def test_the_login_page_carries_the_policy(client, db):
    assert_strict_policy(client.get("/accounts/login/"))


def test_an_api_response_carries_the_policy_and_is_not_stored(owner):
    api = APIClient()
    api.force_authenticate(owner)

    response = api.get("/api/v1/persons/")

    assert response.status_code == 200
    assert_strict_policy(response)
    assert "no-store" in response["Cache-Control"]


def test_the_api_docs_page_has_no_inline_script_or_style(client, owner):
    client.force_login(owner)

    response = client.get("/api/v1/docs/")
    html = response.content.decode()

    assert_strict_policy(response)
    assert "<style" not in html
    tags = re.findall(r"<script[^>]*>", html)
    assert tags and all("src=" in tag for tag in tags), tags


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for path in (BASE_DIR / "parity").rglob("*.html"):
        if "vendor" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for chunk in text.split("<script")[1:]:
            tag = chunk.split(">", 1)[0]
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{path}: <script{tag}>")
        for handler in (" onclick=", " onchange=", " onsubmit=", " onload=", " oninput="):
            if handler in text:
                offenders.append(f"{path}: {handler}")
    assert not offenders


def test_the_person_page_and_the_reveal_are_not_stored(client, owner, person):
    client.force_login(owner)

    page = client.get(reverse("web:person_detail", args=[person.pk]))
    reveal = client.post(reverse("web:person_reveal", args=[person.pk, "phone"]))

    assert page.status_code == reveal.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert "no-store" in reveal["Cache-Control"]


def test_the_api_reveal_is_not_stored(owner, person):
    api = APIClient()
    api.force_authenticate(owner)

    response = api.post(f"/api/v1/persons/{person.pk}/reveal/", {"field": "phone"})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_with_hsts_configured_https_responses_carry_it(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True

    response = client.get("/accounts/login/", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_with_the_redirect_configured_plain_http_goes_to_https(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/accounts/login/")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"


def test_the_embedded_mode_neither_redirects_nor_sends_hsts(client, db):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response


def deploy_check(tmp_path, **env) -> subprocess.CompletedProcess:
    (tmp_path / "secret_key").write_text("k" * 10 + os.urandom(32).hex(), encoding="utf-8")
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE", "SECRET", "SECURE", "SESSION", "CSRF", "DEBUG"))
    }
    return subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PARITY_VAR_DIR": str(tmp_path),
            "SECRET_KEY_FILE": str(tmp_path / "secret_key"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            **env,
        },
        capture_output=True,
        text=True,
        check=False,
    )


# The production settings of the README's "Deploying" section.
PRODUCTION = {
    "DEBUG": "false",
    "ALLOWED_HOSTS": "parity.city.gov.cn",
    "SESSION_COOKIE_SECURE": "true",
    "CSRF_COOKIE_SECURE": "true",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_PROXY_SSL_HEADER": "true",
    "PARITY_TRUSTED_PROXY_COUNT": "1",
}


def test_the_deploy_check_is_clean_with_the_production_settings(tmp_path):
    result = deploy_check(tmp_path, **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deploy_check_warns_when_https_is_left_off(tmp_path):
    result = deploy_check(tmp_path, **{**PRODUCTION, "SECURE_HSTS_SECONDS": "0"})

    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


def test_the_readme_documents_the_production_settings():
    readme = (BASE_DIR / "README.md").read_text(encoding="utf-8")
    for name, value in PRODUCTION.items():
        if name != "DEBUG":
            assert f"{name}={value}" in readme, name
