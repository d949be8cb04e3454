"""Deadlines of 协查 and notices, and the monthly cycle, around month ends."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from parity.exchange import rules
from parity.exchange.choices import DeadlineState, Urgency

D = dt.date


@pytest.mark.parametrize(
    ("received", "urgency", "due"),
    [
        (D(2026, 1, 31), Urgency.URGENT, D(2026, 2, 15)),
        (D(2026, 2, 14), Urgency.NORMAL, D(2026, 3, 16)),
        (D(2026, 2, 25), Urgency.CERTIFICATE, D(2026, 3, 4)),
        (D(2028, 2, 25), Urgency.CERTIFICATE, D(2028, 3, 3)),
        (D(2026, 12, 20), Urgency.URGENT, D(2027, 1, 4)),
        (D(2026, 12, 31), Urgency.NORMAL, D(2027, 1, 30)),
    ],
)
def test_a_request_is_due_15_30_or_7_calendar_days_after_receipt(received, urgency, due):
    assert rules.request_due_on(received, urgency) == due


@pytest.mark.parametrize(
    ("received", "month"),
    [
        (D(2026, 1, 20), D(2026, 1, 1)),
        (D(2026, 1, 21), D(2026, 2, 1)),
        (D(2026, 1, 31), D(2026, 2, 1)),
        (D(2026, 2, 28), D(2026, 3, 1)),
        (D(2026, 12, 21), D(2027, 1, 1)),
        (D(2026, 12, 1), D(2026, 12, 1)),
    ],
)
def test_items_received_by_the_20th_count_in_that_month_later_ones_in_the_next(received, month):
    assert rules.cycle_month(received) == month


def test_the_cycle_runs_from_the_21st_of_the_month_before_to_the_20th():
    assert rules.cycle_span(D(2027, 1, 1)) == (D(2026, 12, 21), D(2027, 1, 20))
    assert rules.cycle_span(D(2026, 3, 1)) == (D(2026, 2, 21), D(2026, 3, 20))


@pytest.mark.parametrize(
    ("received", "feedback_due"),
    [
        (D(2026, 1, 21), D(2026, 2, 27)),
        (D(2026, 2, 20), D(2026, 2, 27)),
        (D(2026, 12, 22), D(2027, 1, 27)),
    ],
)
def test_feedback_for_items_received_after_the_21st_is_due_on_the_27th(received, feedback_due):
    assert rules.cycle_feedback_due(received) == feedback_due


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (D(2026, 1, 2), D(2026, 1, 7)),  # Friday -> Wednesday
        (D(2026, 1, 3), D(2026, 1, 7)),  # Saturday -> Wednesday
        (D(2026, 1, 5), D(2026, 1, 8)),  # Monday -> Thursday
        (D(2026, 12, 30), D(2027, 1, 4)),  # over the year's end (New Year not modelled)
    ],
)
def test_three_working_days_skip_weekends_and_not_holidays(start, due):
    assert rules.add_working_days(start, 3) == due


def test_a_notice_inside_one_county_is_due_in_3_working_days_others_with_the_cycle():
    on = D(2026, 3, 20)  # a Friday
    assert rules.notice_due_on(on, our_code="150203001", partner_code="150203") == D(2026, 3, 25)
    assert rules.notice_due_on(on, our_code="150203001", partner_code="410102") == D(2026, 3, 27)


def test_deadline_state_colours():
    due = D(2026, 3, 10)
    assert (
        rules.deadline_state(due_on=due, today=D(2026, 3, 11), done=False) == DeadlineState.OVERDUE
    )
    assert (
        rules.deadline_state(due_on=due, today=D(2026, 3, 7), done=False) == DeadlineState.DUE_SOON
    )
    assert rules.deadline_state(due_on=due, today=D(2026, 3, 1), done=False) == DeadlineState.OPEN
    assert rules.deadline_state(due_on=due, today=D(2026, 3, 30), done=True) == DeadlineState.DONE


@pytest.mark.parametrize("code", ["", "1", "41010", "4101021", "abcd"])
def test_a_partner_code_must_be_2_4_or_6_digits(code):
    with pytest.raises(ValidationError) as info:
        rules.clean_partner_code(code)
    assert info.value.code == "exchange_partner_code"


def test_a_public_key_must_be_ed25519():
    with pytest.raises(ValidationError) as info:
        rules.clean_public_key("not a key")
    assert info.value.code == "exchange_partner_key"


def test_an_answer_needs_facts_and_who_checked():
    with pytest.raises(ValidationError) as info:
        rules.clean_answer(facts=" ", checked_by="")
    assert set(info.value.message_dict) == {"facts", "checked_by"}
