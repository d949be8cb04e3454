"""A grid worker on a phone, in Debian's Chromium: from the work list to a child who is
overdue for a vaccine, and a vaccination recorded through the child's page."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from parity.conftest import browser_log_in, make_id
from parity.immunization.models import DoseDue, VaccinationRecord

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_grid_worker_on_a_phone_records_a_vaccination_for_an_overdue_child(
    browser_page, owner, register, catalog
):
    # A transactional test may start from a flushed database, without the schedule that a
    # data migration loads: load it again.
    call_command("load_schedule", verbosity=0)
    today = timezone.localdate()
    born = today - dt.timedelta(days=75)
    child = register(
        name="小宝", id_number=make_id("410102", born.strftime("%Y%m%d"), 11), arrived_on=born
    )
    assert DoseDue.objects.filter(person=child, overdue_on__lte=today).exists()
    page = browser_page
    base = page.base_url

    browser_log_in(page, "owner", "pw-owner-123")

    page.click("text=打开工作清单")
    page.wait_for_url(f"{base}/services/worklist/")
    card = page.locator(f"#p{child.pk}")
    assert "疫苗接种逾期儿童" in card.inner_text()

    # The card's quick action opens the child's page with the overdue dose chosen.
    card.get_by_role("link", name="记录接种").click()
    page.wait_for_url(lambda url: f"/immunization/person/{child.pk}/" in url)
    chosen = page.input_value("select[name=dose]")
    assert chosen == "HepB:1"  # the dose the card is about: overdue the longest
    assert page.input_value("input[name=date]") == today.isoformat()
    # The work norms' details: without a batch number the form asks for it.
    page.fill("input[name=vaccinator]", "王护士")
    page.click("button[type=submit]:has-text('保存接种记录')")
    page.wait_for_load_state()
    assert "请填写疫苗批号" in page.inner_text("main")
    assert not VaccinationRecord.objects.filter(person=child).exists()
    page.fill("input[name=batch_number]", "202405a")
    page.fill("input[name=manufacturer]", "北京生物制品研究所")
    page.select_option("select[name=injection_site]", "right_arm")
    page.click("button[type=submit]:has-text('保存接种记录')")
    page.wait_for_load_state()

    record = VaccinationRecord.objects.get(person=child)
    assert (record.vaccine.code, record.dose, record.date) == ("HepB", 1, today)
    assert (record.batch_number, record.vaccinator, record.route) == ("202405A", "王护士", "im")
    assert record.event is not None and record.event.recorded_by_id == owner.pk
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The child has left the overdue list and the work list's vaccine group.
    page.goto(f"{base}/immunization/overdue/")
    assert "没有逾期未种的儿童" in page.inner_text("main")
    page.goto(f"{base}/services/worklist/?group=vaccine_overdue")
    assert page.locator(f"#p{child.pk}").count() == 0
