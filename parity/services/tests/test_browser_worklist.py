"""A grid worker on a phone, in Debian's Chromium: open the work list, see who is due,
record a home visit, and see the visit take the person off the list."""

import datetime as dt

import pytest

from parity.conftest import browser_log_in, make_id
from parity.services.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_grid_worker_on_a_phone_records_a_visit_from_the_work_list(
    browser_page, owner, register, make_service, settings
):
    settings.PARITY_VISIT_INTERVAL_DAYS = 90
    make_service("health_record", {"min_stay_months": 6}, name="居民健康档案")
    person = register(name="周梅", id_number=make_id(seq=521), arrived_on=dt.date(2024, 1, 1))
    page = browser_page
    base = page.base_url

    browser_log_in(page, "owner", "pw-owner-123")

    # The home page opens on the work list; the menu has it first.
    page.click("text=打开工作清单")
    page.wait_for_url(f"{base}/services/worklist/")
    card = page.locator(f"#p{person.pk}")
    assert "周梅" in card.inner_text()
    assert "超期未走访" in card.inner_text()
    assert "居住半年以上未建健康档案" in card.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    card.get_by_role("link", name="记录走访").click()
    page.wait_for_url(f"{base}/services/people/{person.pk}/visit/**")
    assert page.input_value("input[name=visited_on]") == dt.date.today().isoformat()
    page.get_by_label("见到本人").check()
    page.fill("textarea[name=note]", "租住正常,已提醒建档")
    page.click("button[type=submit]:has-text('保存')")

    page.wait_for_url(f"{base}/services/worklist/**")
    assert "已记录对 周梅 的走访" in page.inner_text(".messages")
    card = page.locator(f"#p{person.pk}")
    assert "超期未走访" not in card.inner_text()
    assert "居住半年以上未建健康档案" in card.inner_text()
    visit = Visit.objects.get(person=person)
    assert (visit.outcome, visit.visitor_id) == ("met", owner.pk)

    card.get_by_role("link", name="周梅").click()
    page.wait_for_url(f"{base}/people/{person.pk}/")
    assert "租住正常,已提醒建档" in page.inner_text("#visits")
    assert "未提供" in page.inner_text("#services")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
