"""On a small demo city, a grid worker's phone: the first card of the work list is one to
act on today (a child under two overdue, or a pregnant woman due for a visit), not a
teenager missing a dose since infancy."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from parity.accounts.choices import Role
from parity.accounts.models import User
from parity.conftest import browser_log_in
from parity.immunization.models import DoseDue
from parity.maternal.models import Pregnancy
from parity.people.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_first_card_in_a_demo_grid_is_actionable(browser_page):
    today = timezone.localdate()
    call_command("demo", scale=0.002, seed=11, as_of=today, verbosity=0)
    call_command("refresh_immunization", verbosity=0)
    infants = today - dt.timedelta(days=730)
    young = DoseDue.objects.filter(overdue_on__lte=today, person__birth_date__gt=infants)
    older = DoseDue.objects.filter(overdue_on__lte=today, person__birth_date__lte=infants)
    # A grid where an infant and an older child are both overdue: the order decides.
    grid = (
        set(young.values_list("person__grid_id", flat=True))
        & set(older.values_list("person__grid_id", flat=True))
    ).pop()
    # The demo's workers log in with passwords of their own: one of ours for that grid.
    worker = User.objects.create_user(
        username="worker", password="pw-worker-123", role=Role.GRID_WORKER, area_id=grid
    )
    page = browser_page
    base = page.base_url

    browser_log_in(page, worker.username, "pw-worker-123")
    page.goto(f"{base}/services/worklist/")

    first = page.locator("li.wl-card").first
    person = Person.objects.get(pk=int(first.get_attribute("id")[1:]))
    pregnant = Pregnancy.objects.open_on(today).filter(person=person).exists()
    assert pregnant or person.birth_date > infants, first.inner_text()
    assert first.locator("a.wl-quick").count() == 1  # one tap to the form that fits
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
