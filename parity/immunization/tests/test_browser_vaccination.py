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

    card.get_by_role("link", name="小宝").click()
    page.wait_for_url(f"{base}/people/{child.pk}/")
    page.click(".programme-links a:has-text('预防接种')")
    page.wait_for_url(f"{base}/immunization/person/{child.pk}/")
    chosen = page.input_value("select[name=dose]")
    assert chosen  # the first dose valid today is preselected
    assert page.input_value("input[name=date]") == today.isoformat()
    page.click("button[type=submit]:has-text('保存接种记录')")
    page.wait_for_load_state()

    vaccine, dose = chosen.split(":")
    record = VaccinationRecord.objects.get(person=child)
    assert (record.vaccine.code, record.dose, record.date) == (vaccine, int(dose), today)
    assert record.event is not None and record.event.recorded_by_id == owner.pk
    assert not DoseDue.objects.filter(person=child, vaccine__code=vaccine, dose=int(dose)).exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
