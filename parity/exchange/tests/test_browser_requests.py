"""A community officer on a phone, in Debian's Chromium: open the 协查 inbox, answer an
overdue urgent request, and see it leave the overdue count."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from parity.conftest import browser_log_in, make_id
from parity.exchange.choices import MessageType, RequestStatus
from parity.exchange.models import VerificationRequest
from parity.exchange.tests.conftest import message, receipt_results

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_answers_an_urgent_request_and_it_leaves_the_overdue_count(
    browser_page, colleague, register, henan, post_inbox
):
    number = make_id("150203", "19950301", 12)
    register(id_number=number, name="王芳")
    claims = message(
        MessageType.REQUEST,
        {
            "request_id": str(uuid.uuid4()),
            "id_number": number,
            "name": "王芳",
            "urgency": "urgent",
            "question": "核实现孕情况",
            "requested_on": "2026-03-02",
        },
    )
    assert receipt_results(post_inbox([henan.token(claims)]))[0]["status"] == "applied"
    item = VerificationRequest.objects.get()
    received = timezone.localdate() - dt.timedelta(days=16)
    VerificationRequest.objects.filter(pk=item.pk).update(
        received_on=received, due_on=received + dt.timedelta(days=15)
    )
    page = browser_page
    base = page.base_url

    browser_log_in(page, "colleague", "pw-colleague-123", then="/exchange/requests/")
    assert page.inner_text("#overdue-count") == "1"
    row = page.locator("tr.request-row", has_text="王芳")
    assert "已逾期" in row.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    row.get_by_role("link", name="王芳").click()
    page.wait_for_url(f"{base}/exchange/requests/{item.pk}/")
    assert "人员情况" in page.inner_text("main")
    page.fill("#answer-form textarea[name=facts]", "现孕16周,已建册")
    page.fill("#answer-form input[name=checked_by]", "建设路社区 张敏")
    page.click("#answer-form button[type=submit]")
    page.wait_for_url(f"{base}/exchange/requests/{item.pk}/")
    assert page.inner_text("#request-status") == "已反馈"

    page.goto(f"{base}/exchange/requests/")
    assert page.inner_text("#overdue-count") == "0"
    item.refresh_from_db()
    assert item.status == RequestStatus.ANSWERED
    assert item.checked_by == "建设路社区 张敏"
