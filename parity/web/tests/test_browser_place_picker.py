"""The place boxes on a phone, in Debian's Chromium: typing a place's name offers the
matching places (from the server's place search, no CDN), and the one picked is stored
as its code."""

import pytest

from parity.conftest import browser_log_in, make_id
from parity.people.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_picks_the_place_of_registration_by_name(browser_page, owner):
    page = browser_page
    base = page.base_url
    browser_log_in(page, "owner", "pw-owner-123")
    page.goto(f"{base}/people/new/")
    page.fill("input[name=id_number]", make_id("410102", "19900101", 77))
    page.fill("input[name=name]", "赵六")
    page.fill("input[name=arrived_on]", "2024-03-01")
    page.select_option("select[name=housing_type]", "rented")
    box = page.locator("input[name=hukou_code]")
    box.fill("郑州 金水")  # one input event, so one search: the list is its answer
    page.locator("#id_hukou_code-places option").first.wait_for(state="attached")
    offered = page.eval_on_selector_all(
        "#id_hukou_code-places option", "options => options.map(o => o.value)"
    )
    assert offered == ["410105 河南省郑州市金水区"]
    box.fill(offered[0])  # what choosing the suggestion puts in the box
    page.click("button[type=submit]:has-text('登记')")
    page.wait_for_url(lambda url: "/people/" in url and "/new/" not in url)
    assert Person.objects.get(name="赵六").hukou_code == "410105"
