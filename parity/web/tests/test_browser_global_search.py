"""The header's search box on a phone: a grid worker finds a person of their grid by ID
number; a person of another district is not found (the access gate), and the number
never appears in the address bar."""

import pytest

from parity.conftest import OTHER_GRID, browser_log_in, make_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_search_box_finds_a_person_by_id_and_refuses_one_outside_the_area(
    browser_page, owner, register, admin_user
):
    mine = make_id(seq=611)
    theirs = make_id(seq=613)
    register(id_number=mine, name="钱多")
    register(id_number=theirs, name="孙少", grid=OTHER_GRID, by=admin_user)
    page = browser_page
    base = page.base_url
    browser_log_in(page, "owner", "pw-owner-123")

    page.goto(f"{base}/services/worklist/")
    page.fill(".global-search input[name=q]", mine)
    page.click(".global-search button")
    page.wait_for_url(f"{base}/people/**")
    assert "钱多" in page.inner_text("main")
    assert mine not in page.url

    page.fill(".global-search input[name=q]", theirs)
    page.click(".global-search button")
    page.wait_for_load_state()
    assert "孙少" not in page.inner_text("main")
    assert theirs not in page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
