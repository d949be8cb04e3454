"""A grid worker on a phone, in Debian's Chromium: log in, find a person, reveal the ID."""

import pytest

from parity.conftest import browser_log_in, make_id
from parity.core.models import AuditEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_grid_worker_on_a_phone_finds_a_person_and_reveals_the_id_number(
    browser_page, owner, register
):
    number = make_id(seq=321)
    person = register(id_number=number, name="刘红")
    page = browser_page
    base = page.base_url

    browser_log_in(page, "owner", "pw-owner-123")

    page.goto(f"{base}/people/")
    page.fill("input[name=q]", "刘红")
    page.click("form button[type=submit]:has-text('查询')")
    page.click("text=刘红")
    page.wait_for_url(f"{base}/people/{person.pk}/")
    assert person.id_masked in page.content()
    assert number not in page.content()

    page.click(".secret button:has-text('显示') >> nth=0")
    page.wait_for_selector(".secret.revealed")
    assert number in page.inner_text(".secret.revealed")
    assert AuditEvent.objects.filter(action="person.reveal", actor=owner).count() == 1
    # Nothing on the page is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
