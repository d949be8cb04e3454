"""A community officer on a phone, in Debian's Chromium: registers someone already in the
registry under a mistyped ID number, is warned, opens the pair, merges it, and finds one
person with both histories."""

import datetime as dt

import pytest

from parity.conftest import GRID, browser_log_in
from parity.dedup.tests.conftest import FIRST_ID, TYPO_ID
from parity.people.models import Person
from parity.services.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_community_officer_merges_a_duplicate_found_while_registering(
    browser_page, colleague, register, areas
):
    first = register(id_number=FIRST_ID, name="王晓丽", arrived_on=dt.date(2024, 1, 10))
    Visit.objects.create(
        person=first,
        visited_on=dt.date(2024, 2, 1),
        outcome="met",
        area_code=first.area_code,
        note="第一次走访",
    )
    page = browser_page
    base = page.base_url
    browser_log_in(page, "colleague", "pw-colleague-123")

    page.goto(f"{base}/people/new/")
    page.fill("input[name=id_number]", TYPO_ID)
    page.fill("input[name=name]", "王小丽")
    page.select_option("select[name=grid]", str(areas[GRID].pk))
    page.fill("input[name=arrived_on]", "2024-05-01")
    page.select_option("select[name=housing_type]", "rented")
    page.click("button[type=submit]:has-text('登记')")
    page.wait_for_url(f"{base}/people/*/")
    messages = page.inner_text(".messages")
    assert f"可能与 王晓丽({first.id_masked}) 为同一人" in messages
    second = Person.objects.get(name="王小丽")
    Visit.objects.create(
        person=second,
        visited_on=dt.date(2024, 5, 2),
        outcome="met",
        area_code=second.area_code,
        note="第二次走访",
    )

    page.click("label.nav-toggle-label")
    page.click("nav.mainnav summary:has-text('人口登记')")  # the menu's groups fold
    page.click("nav.mainnav a:has-text('疑似重复')")
    page.wait_for_url(f"{base}/dedup/")
    page.click("text=王小丽")
    page.wait_for_url(f"{base}/dedup/pairs/*/")
    assert "身份证号码仅一位不同" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.select_option("select[name=survivor]", str(first.pk))
    page.click("button[type=submit]:has-text('合并')")

    page.wait_for_url(f"{base}/people/{first.pk}/")
    assert "已合并为一人" in page.inner_text(".messages")
    visits = page.inner_text("#visits")
    assert "第一次走访" in visits and "第二次走访" in visits
    assert list(Person.objects.values_list("pk", flat=True)) == [first.pk]
