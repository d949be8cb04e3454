"""Two-factor sign-in (TOTP): required for superusers, administrators and officials, who
can reach only the enrolment page until they have an authenticator and must then enter a
code after the password; optional for everyone else. These tests turn off the suite's
automatic second factor (``real_two_factor``)."""

import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from parity.core.models import AuditEvent

pytestmark = pytest.mark.django_db

SETUP = "/accounts/two-factor/setup/"
VERIFY = "/accounts/two-factor/verify/"


@pytest.fixture(autouse=True)
def _real(real_two_factor):
    pass


def code(device: TOTPDevice, *, later: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + later * device.step
    return f"{totp.token():06d}"


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def password_sign_in(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_an_administrator_without_an_authenticator_is_sent_to_enrolment(client, admin_user):
    client.force_login(admin_user)

    response = client.get("/people/")

    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Fpeople%2F"


def test_an_official_without_an_authenticator_reaches_only_the_enrolment_page(client, official):
    client.force_login(official)

    for path in ("/", "/dashboard/", "/api/v1/persons/", "/admin/"):
        assert client.get(path)["Location"].startswith(SETUP), path
    assert client.get(SETUP).status_code == 200


def test_the_enrolment_page_draws_the_qr_code_itself_and_shows_the_secret(client, admin_user):
    client.force_login(admin_user)

    page = client.get(SETUP).content.decode()

    assert "<svg" in page and "<path" in page
    device = TOTPDevice.objects.get(user=admin_user, confirmed=False)
    shown = re.search(r'class="otp-secret">([A-Z2-7 ]+)<', page)
    assert shown is not None
    secret = shown.group(1)
    from base64 import b32encode

    assert secret.replace(" ", "") == b32encode(device.bin_key).decode().rstrip("=")
    svg = page.split("<svg")[1].split("</svg>")[0]
    assert "href" not in svg and "<img" not in page  # nothing fetched to draw it


def test_enrolling_with_the_right_code_opens_the_site_and_is_audited(client, admin_user):
    client.force_login(admin_user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=admin_user, confirmed=False)

    response = client.post(SETUP, {"otp_token": code(device), "next": "/people/"})

    assert response.status_code == 302
    assert response["Location"] == "/people/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/people/").status_code == 200
    assert AuditEvent.objects.filter(action="security.2fa_enrolled", actor=admin_user).exists()


def test_enrolling_with_a_wrong_code_is_refused_in_chinese(client, admin_user):
    client.force_login(admin_user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=admin_user, confirmed=False)

    response = client.post(SETUP, {"otp_token": code(device, later=5)})

    assert response.status_code == 200
    assert "验证码不正确" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/")["Location"].startswith(SETUP)


def test_after_the_password_an_enrolled_administrator_must_enter_a_code(client, admin_user):
    enrolled(admin_user)

    response = password_sign_in(client, "admin", "pw-admin-123")
    assert response.status_code == 302

    response = client.get(response["Location"])

    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2F"
    assert client.get("/admin/")["Location"].startswith(VERIFY)


def test_a_valid_code_completes_the_sign_in(client, admin_user):
    device = enrolled(admin_user)
    password_sign_in(client, "admin", "pw-admin-123")

    response = client.post(VERIFY, {"otp_token": code(device), "next": "/admin/"})

    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/").status_code == 200


def test_a_wrong_code_is_refused_and_the_site_stays_closed(client, official):
    device = enrolled(official)
    password_sign_in(client, "official", "pw-official-123")

    response = client.post(VERIFY, {"otp_token": code(device, later=10)})

    assert response.status_code == 200
    assert "验证码不正确或已过期" in response.content.decode()
    assert client.get("/")["Location"].startswith(VERIFY)


def test_a_code_cannot_be_used_twice(client, admin_user):
    device = enrolled(admin_user)
    token = code(device)
    password_sign_in(client, "admin", "pw-admin-123")
    client.post(VERIFY, {"otp_token": token})
    client.post("/accounts/logout/")
    password_sign_in(client, "admin", "pw-admin-123")

    response = client.post(VERIFY, {"otp_token": token})

    assert response.status_code == 200
    assert client.get("/")["Location"].startswith(VERIFY)


def test_a_grid_worker_is_not_forced_to_use_a_second_factor(client, owner):
    response = password_sign_in(client, "owner", "pw-owner-123")

    assert client.get(response["Location"]).status_code == 200
    assert client.get("/people/").status_code == 200


def test_a_grid_worker_who_enrolled_needs_the_code_at_the_next_sign_in(client, owner):
    client.force_login(owner)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=owner, confirmed=False)
    client.post(SETUP, {"otp_token": code(device)})
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")

    password_sign_in(client, "owner", "pw-owner-123")

    assert client.get("/")["Location"].startswith(VERIFY)
    client.post(VERIFY, {"otp_token": code(device, later=1)})
    assert client.get("/").status_code == 200


def test_the_admin_site_needs_a_second_factor_from_every_staff_user(client, colleague):
    colleague.is_staff = True
    colleague.save()
    client.force_login(colleague)

    assert client.get("/").status_code == 200
    assert client.get("/admin/")["Location"].startswith(SETUP)


def test_the_required_roles_come_from_the_settings(client, official, admin_user, settings):
    settings.PARITY_2FA_REQUIRED_ROLES = ["admin"]
    client.force_login(official)
    assert client.get("/").status_code == 200

    client.force_login(admin_user)
    assert client.get("/")["Location"].startswith(SETUP)


def test_a_superuser_needs_it_whatever_the_roles_setting(client, admin_user, settings):
    settings.PARITY_2FA_REQUIRED_ROLES = []
    client.force_login(admin_user)

    assert client.get("/")["Location"].startswith(SETUP)


class TestTokenEndpoint:
    URL = "/api/v1/auth/token/"

    def test_an_official_gets_no_token_without_a_code(self, client, official):
        enrolled(official)

        response = client.post(self.URL, {"username": "official", "password": "pw-official-123"})

        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "otp_required"
        assert "两步验证" in response.json()["errors"][0]["message"]

    def test_an_official_gets_no_token_with_a_wrong_code(self, client, official):
        device = enrolled(official)

        response = client.post(
            self.URL,
            {
                "username": "official",
                "password": "pw-official-123",
                "otp_token": code(device, later=7),
            },
        )

        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "otp_invalid"

    def test_an_official_gets_a_token_with_a_valid_code(self, client, official):
        device = enrolled(official)

        response = client.post(
            self.URL,
            {"username": "official", "password": "pw-official-123", "otp_token": code(device)},
        )

        assert response.status_code == 200
        assert response.json()["token"]

    def test_a_grid_worker_gets_a_token_with_the_password(self, client, owner):
        response = client.post(self.URL, {"username": "owner", "password": "pw-owner-123"})

        assert response.status_code == 200
