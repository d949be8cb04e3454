"""The main pages under the Content Security Policy, in Debian's Chromium on a phone: no
violation (``browser_page`` also fails on any console error, which is where Chromium
reports a refused script or style), charts and their tooltips drawn, the API docs shown;
and an administrator's first sign-in through the two-factor enrolment."""

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from parity.conftest import browser_log_in
from parity.web.tests.conftest import build_small_city, compute_indicators

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def visit(page, path: str) -> None:
    page.goto(f"{page.base_url}{path}")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__csp") == [], path


def test_the_main_pages_load_without_a_policy_violation(
    browser_page, city_official, register, admin_user, catalog
):
    people = build_small_city(register, admin_user)
    compute_indicators(admin_user)
    person = next(iter(people.values()))
    page = browser_page
    page.context.add_init_script(RECORD_VIOLATIONS)

    browser_log_in(page, "city", "pw-city-123")

    visit(page, "/")
    visit(page, "/people/")
    visit(page, f"/people/{person.pk}/")
    visit(page, "/dashboard/")
    page.locator("[data-chart] canvas").first.wait_for()
    # ECharts writes its tooltip as HTML with style attributes: hover a chart to draw one.
    chart = page.locator("[data-chart] canvas").first
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(300)
    assert page.evaluate("window.__csp") == []
    visit(page, "/api/v1/docs/")
    page.locator(".swagger-ui .info").wait_for()
    assert page.evaluate("window.__csp") == []


def test_an_administrators_first_sign_in_enrols_an_authenticator(
    browser_page, admin_user, real_two_factor
):
    page = browser_page
    base = page.base_url
    page.context.add_init_script(RECORD_VIOLATIONS)

    page.goto(f"{base}/accounts/login/?next=/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "pw-admin-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/accounts/two-factor/setup/**")
    assert page.locator(".qr-code svg").is_visible()
    assert page.evaluate("window.__csp") == []

    device = TOTPDevice.objects.get(user=admin_user, confirmed=False)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.fill("input[name=otp_token]", f"{totp.token():06d}")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")

    assert "两步验证已启用" in page.content()
