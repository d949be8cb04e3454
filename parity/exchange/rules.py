"""The exchange's rules: deadlines of notices and 协查, the monthly cycle, and the checks
that the forms, the actions, the inbox and ``parity partner add`` share.

Deadlines (DOMAIN.md §7; provincial 信息交换工作制度):

- A 协查 is answered within **15 days** of its receipt when the woman is currently
  pregnant (紧急), within **30 days** otherwise (急), and within **7 days** when it
  verifies a marriage-and-childbearing certificate whose online check failed. The days
  are calendar days counted from the day after receipt (民法典 Art. 201: the first day is
  not counted): received on 31 January, an urgent request's 15th day is 15 February.
  A last day that is not a working day (a weekend, a statutory holiday) moves to the next
  working day, as every period counted in days does in Chinese law (民法典 Art. 203;
  民事诉讼法 Art. 85): 15 February 2026 falls in the Spring Festival (15–23 February), so
  that request is due on Tuesday 24 February. Nothing in DOMAIN.md or the provincial rules
  counts these in working days; the moved last day keeps a 7-day request received before
  a holiday week answerable.
- The month closes on the **20th**: an item received on or before the 20th counts in
  that month, one received from the 21st counts in the next month (received 21 December
  2026: counted in January 2027). The cycle's feedback report (the answers to the items
  received from the 21st of the previous month to the 20th) is due on the **27th** of
  the cycle's month. A request's own deadline stays its 15/30/7 days; the 27th dates
  the monthly return of the cycle that counts it. The 20th and the 27th are calendar
  dates: they are the cycle's fixed dates and do not move for a weekend or a holiday.
- A notice inside one county is due within **3 working days** of the event. Working days
  are China's: Monday to Friday less the statutory holidays, plus the weekends worked in
  their place (调休), as the State Council publishes them each year (the calendar of the
  ``chinesecalendar`` package, module ``chinese_calendar``). A notice on 30 September
  2026 is due on Saturday 10 October (8, 9 and the 调休 Saturday 10 October). Other
  notices are due with the monthly cycle (the 27th of the month that counts the event).
- A year the package has no data for yet (its release before the State Council's notice
  for that year, published each November, or a year before 2004) is counted Monday to
  Friday, and a warning names the year once per process: upgrade ``chinesecalendar``
  when a release with the new year is out.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
import logging
import re

import chinese_calendar
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from parity.exchange.choices import Urgency
from parity.exchange.error_codes import ExchangeError

logger = logging.getLogger(__name__)

# Targets of the two-way items in the target assessment, in percent: 通报率 100% (the
# provincial rules' target for notices), 反馈率 and 及时反馈率 95% (as some prefectures
# set for 协查), the free-service rate of the partner's women 15–49 living here 80% (a
# local choice, as the assessment's other targets are). ``PARITY_EXCHANGE_TWO_WAY_TARGETS``
# (e.g. ``notice=100,feedback=95,timely=95,free_service=80``) sets them.
TWO_WAY_TARGETS = {"notice": 100, "feedback": 95, "timely": 95, "free_service": 80}


def two_way_targets() -> dict[str, int]:
    """The targets in force: the defaults, with ``PARITY_EXCHANGE_TWO_WAY_TARGETS``."""
    # deferred: needed on this path only
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    targets = dict(TWO_WAY_TARGETS)
    for item in settings.PARITY_EXCHANGE_TWO_WAY_TARGETS:
        key, _sep, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if key not in targets or not value.isdigit() or not 0 <= int(value) <= 100:
            raise ImproperlyConfigured(
                f"PARITY_EXCHANGE_TWO_WAY_TARGETS: {item!r} is not KEY=PERCENT with KEY one "
                f"of {', '.join(TWO_WAY_TARGETS)} and PERCENT 0 to 100"
            )
        targets[key] = int(value)
    return targets


ANSWER_DAYS = {Urgency.URGENT: 15, Urgency.NORMAL: 30, Urgency.CERTIFICATE: 7}
CYCLE_CLOSES_ON = 20
CYCLE_FEEDBACK_DAY = 27
COUNTY_NOTICE_WORKING_DAYS = 3
# A request due within this many days is shown amber.
DUE_SOON_DAYS = 3


def request_due_on(received_on: dt.date, urgency: str) -> dt.date:
    """The day by which a 协查 received on ``received_on`` must be answered: the 15th,
    30th or 7th calendar day after receipt, or the next working day when that day is not
    one."""
    return working_day_on_or_after(received_on + dt.timedelta(days=ANSWER_DAYS[Urgency(urgency)]))


def cycle_month(received_on: dt.date) -> dt.date:
    """The first day of the month in which an item received on ``received_on`` counts."""
    first = received_on.replace(day=1)
    if received_on.day <= CYCLE_CLOSES_ON:
        return first
    return (first + dt.timedelta(days=32)).replace(day=1)


def cycle_span(month: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of receipt counted in ``month`` (21st of the month before to
    the 20th)."""
    start = (month.replace(day=1) - dt.timedelta(days=1)).replace(day=CYCLE_CLOSES_ON + 1)
    return start, month.replace(day=CYCLE_CLOSES_ON)


def cycle_feedback_due(received_on: dt.date) -> dt.date:
    """The 27th of the month that counts an item received on ``received_on``."""
    return cycle_month(received_on).replace(day=CYCLE_FEEDBACK_DAY)


def is_working_day(day: dt.date) -> bool:
    """Whether ``day`` is a working day in China: Monday to Friday less the statutory
    holidays, plus the 调休 weekends. A year the calendar does not know yet counts Monday
    to Friday (warned once per year)."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        _warn_unknown_year(day.year)
        return day.weekday() < 5


@functools.cache
def _warn_unknown_year(year: int) -> None:
    logger.warning(
        "holiday calendar has no data for the year: counting Monday to Friday",
        extra={"year": year, "package": "chinesecalendar"},
    )


def working_day_on_or_after(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The ``days``-th working day after ``start`` (``start`` itself not counted, whether
    or not it is a working day)."""
    current = start
    left = days
    while left > 0:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            left -= 1
    return current


def same_county(code_a: str, code_b: str) -> bool:
    return len(code_a) >= 6 and len(code_b) >= 6 and code_a[:6] == code_b[:6]


def notice_due_on(event_on: dt.date, *, our_code: str, partner_code: str) -> dt.date:
    """When a notice of an event on ``event_on`` is due at the partner."""
    if same_county(our_code, partner_code):
        return add_working_days(event_on, COUNTY_NOTICE_WORKING_DAYS)
    return cycle_feedback_due(event_on)


def deadline_state(*, due_on: dt.date, today: dt.date, done: bool) -> str:
    # deferred: the exchange's modules call each other; none loads another at import
    from parity.exchange.choices import DeadlineState

    if done:
        return DeadlineState.DONE
    if today > due_on:
        return DeadlineState.OVERDUE
    if (due_on - today).days <= DUE_SOON_DAYS:
        return DeadlineState.DUE_SOON
    return DeadlineState.OPEN


# --- partners ------------------------------------------------------------------------------

_CODE = re.compile(r"^\d{2}(\d{2}){0,2}$")


def clean_partner_code(code: str) -> str:
    """A GB/T 2260 code of 2, 4 or 6 digits (a province, a city, a county)."""
    code = (code or "").strip()
    if not _CODE.match(code):
        raise ValidationError(
            _("合作地区代码应为2、4或6位 GB/T 2260 行政区划代码"), code=ExchangeError.PARTNER_CODE
        )
    return code


def clean_partner_url(url: str) -> str:
    url = (url or "").strip()
    if not re.match(r"^https?://[^\s/]+(/\S*)?$", url):
        raise ValidationError(
            _("合作地区地址应为 http:// 或 https:// 开头的网址"), code=ExchangeError.PARTNER_URL
        )
    return url.rstrip("/")


def clean_public_key(text: str) -> dict:
    """An Ed25519 public key, as a JWK (JSON), a PEM block or the raw 32 bytes in
    base64url; returned as a public JWK."""
    # deferred: needed on this path only
    from joserfc.jwk import OKPKey

    text = (text or "").strip()
    try:
        if text.startswith("{"):
            key = OKPKey.import_key(json.loads(text))
        elif text.startswith("-----BEGIN"):
            key = OKPKey.import_key(text.encode())
        else:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            if len(raw) != 32:
                raise ValueError("length")
            key = OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "x": text.rstrip("=")})
        data = key.as_dict(private=False)
        if data.get("crv") != "Ed25519":
            raise ValueError("curve")
    except Exception as exc:
        raise ValidationError(
            _("公钥无效:应为 Ed25519 公钥(JWK、PEM 或 base64url)"), code=ExchangeError.PARTNER_KEY
        ) from exc
    return {"kty": "OKP", "crv": "Ed25519", "x": data["x"]}


# --- 协查 answers ---------------------------------------------------------------------------


def clean_answer(*, facts: str, checked_by: str) -> tuple[str, str]:
    errors = {}
    facts, checked_by = (facts or "").strip(), (checked_by or "").strip()
    if not facts:
        errors["facts"] = ValidationError(_("请填写核查的事实"), code=ExchangeError.FACTS_REQUIRED)
    if not checked_by:
        errors["checked_by"] = ValidationError(
            _("请填写核查人"), code=ExchangeError.CHECKER_REQUIRED
        )
    if errors:
        raise ValidationError(errors)
    return facts[:2000], checked_by[:100]


def clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": ValidationError(_("请填写退回原因"), code=ExchangeError.REASON_REQUIRED)}
        )
    return reason[:500]
