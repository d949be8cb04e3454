"""Shared fixtures: the demo area tree and, in it, an owner, a colleague and an outsider.

- ``owner``: grid worker of grid 150203001001001 (昆都仑区 沼潭街道 …第1网格)
- ``colleague``: community officer of that grid's community 150203001001
- ``outsider``: grid worker in another district (青山区, 150204001001001)
- ``official``: district official of 昆都仑区 (view only)
- ``admin_user``: superuser
"""

from __future__ import annotations

import datetime as dt

import pytest

from parity.accounts.choices import Role
from parity.areas.actions import BUNDLED_TREE, area_tree_load, load_tree_file
from parity.areas.models import Area
from parity.people import actions as people_actions
from parity.people.idnumber import with_check_digit

GRID = "150203001001001"
SISTER_GRID = "150203001001002"
COMMUNITY = "150203001001"
DISTRICT = "150203"
OTHER_GRID = "150204001001001"


def make_id(address: str = "410102", birth: str = "19900101", seq: int = 123) -> str:
    """A valid 18-digit ID number for the given address code, birth date and sequence."""
    return with_check_digit(f"{address}{birth}{seq:03d}")


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # PBKDF2's deliberate slowness buys nothing in tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The refresh button computes in the request, so that tests see its result.
    settings.PARITY_REFRESH_INLINE = True
    # Cached page fragments stay in the test's process and die with the test.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()
    # The manifest storage needs collectstatic; pages under test only need the URLs.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _logins_pass_two_factor(request):
    """Every sign-in in a test (``force_login``, the login page) of a user who needs a
    second factor (or may use the admin site) also passes it, as if they had entered a
    code: the suite tests what users do once signed in. Tests of the second factor itself
    ask for ``real_two_factor``."""
    if "real_two_factor" in request.fixturenames:
        yield
        return
    from django.contrib.auth.signals import user_logged_in
    from django_otp import login as otp_login
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from parity.accounts.two_factor import two_factor_required

    def verify(sender, request, user, **kwargs):
        if not (two_factor_required(user) or user.is_staff):  # staff: the admin site asks
            return
        device, _created = TOTPDevice.objects.get_or_create(
            user=user, name="test", defaults={"confirmed": True}
        )
        request.user = user
        otp_login(request, device)

    user_logged_in.connect(verify, dispatch_uid="parity-test-two-factor")
    yield
    user_logged_in.disconnect(dispatch_uid="parity-test-two-factor")


@pytest.fixture
def real_two_factor(db):
    """Sign-ins in this test need a real second factor (see ``_logins_pass_two_factor``)."""


@pytest.fixture
def areas(db) -> dict[str, Area]:
    area_tree_load(acting_user=None, tree=load_tree_file(BUNDLED_TREE))
    return {a.code: a for a in Area.objects.all()}


def _user(django_user_model, username: str, role: str, area: Area | None, **extra):
    return django_user_model.objects.create_user(
        username=username, password="pw-" + username + "-123", role=role, area=area, **extra
    )


@pytest.fixture
def owner(django_user_model, areas):
    return _user(django_user_model, "owner", Role.GRID_WORKER, areas[GRID])


@pytest.fixture
def colleague(django_user_model, areas):
    return _user(django_user_model, "colleague", Role.COMMUNITY_OFFICER, areas[COMMUNITY])


@pytest.fixture
def outsider(django_user_model, areas):
    return _user(django_user_model, "outsider", Role.GRID_WORKER, areas[OTHER_GRID])


@pytest.fixture
def official(django_user_model, areas):
    return _user(django_user_model, "official", Role.OFFICIAL, areas[DISTRICT])


@pytest.fixture
def admin_user(django_user_model, areas):
    return django_user_model.objects.create_superuser(
        username="admin", password="pw-admin-123", role=Role.ADMIN, area=areas["1502"]
    )


@pytest.fixture
def catalog(db):
    """The bundled catalog of public services (parity/services/data/catalog.yaml)."""
    from parity.services.catalog import catalog_load, load_catalog_file

    catalog_load(acting_user=None, entries=load_catalog_file())


@pytest.fixture
def refresh_coverage(db):
    """Compute the coverage figures of every service type in the database on a date, as
    the nightly refresh does (the coverage page and API read them from the snapshot):
    ``refresh_coverage(on)`` returns the snapshot."""
    from parity.indicators.catalog import service_coverage_indicators
    from parity.indicators.compute import refresh

    def _refresh(on: dt.date):
        return refresh(as_of=on, indicators=service_coverage_indicators())

    return _refresh


@pytest.fixture
def make_service(db):
    """A one-off service type with one eligibility rule, for tests of the rules engine."""
    from parity.services.models import EligibilityRule, ServiceType

    def _make(code: str, rule: dict, *, effective_from=dt.date(2009, 1, 1), **fields):
        defaults = {
            "name": code,
            "name_en": code,
            "category": "health",
            "department_kind": "health_centre",
        }
        service = ServiceType.objects.create(code=code, **{**defaults, **fields})
        EligibilityRule.objects.create(
            service_type=service, effective_from=effective_from, rule=rule
        )
        return service

    return _make


@pytest.fixture
def register(owner, areas):
    """Register a person in the owner's grid (or another grid), as the owner unless told."""

    def _register(
        *,
        id_number: str | None = None,
        name: str = "张三",
        grid: str = GRID,
        by=None,
        arrived_on: dt.date = dt.date(2024, 3, 1),
        **extra,
    ):
        kwargs = {"housing_type": "rented", **extra}
        if kwargs.get("outflow_region_code"):
            kwargs.pop("housing_type")
            arrived_on = None  # type: ignore[assignment]
        return people_actions.person_register(
            acting_user=by or owner,
            id_number=id_number or make_id(),
            name=name,
            grid=areas[grid],
            arrived_on=arrived_on,
            **kwargs,
        )

    return _register


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def browser_log_in(page, username: str, password: str, then: str = "/") -> None:
    """Log in on the login page of ``browser_page``'s server and wait to land on ``then``."""
    base = page.base_url
    page.goto(f"{base}/accounts/login/?next={then}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{then}")


@pytest.fixture
def browser_page(live_server, monkeypatch):
    """A phone-sized page in Debian's Chromium (never a downloaded browser), driven by
    Playwright. Any request that would leave 127.0.0.1 is blocked and recorded, and so is
    every console error; the test fails at teardown if either happened."""
    import os
    from urllib.parse import urlparse

    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing in CI: .ci/run should have installed it")
        pytest.skip(f"browser test skipped: {CHROMIUM} is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # around it are ordinary synchronous calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import ConsoleMessage, sync_playwright

    outside: list[str] = []
    console_errors: list[str] = []

    def guard(route):
        host = urlparse(route.request.url).hostname or ""
        if host in ("127.0.0.1", "localhost") or route.request.url.startswith("data:"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            console_errors.append(message.text)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": 390, "height": 844},
            locale="zh-CN",
            is_mobile=True,
            has_touch=True,
        )
        page = context.new_page()
        page.route("**/*", guard)
        page.on("console", on_console)
        page.on("pageerror", lambda e: console_errors.append(str(e)))
        page.base_url = live_server.url  # type: ignore[attr-defined]
        yield page
        context.close()
        browser.close()
    assert not outside, f"requests left 127.0.0.1: {outside}"
    assert not console_errors, f"console errors: {console_errors}"
