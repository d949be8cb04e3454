"""Query parameters read once, for the web views and the API alike: ids, dates, area codes.

A bad parameter is the client's mistake, so it must give a 400 with a Chinese message,
never a 500. Two traps make the obvious code crash: ``str.isdigit()`` is true for ``²``
(which ``int()`` rejects) and ``int()`` accepts ``٣`` and other non-ASCII digits; and an
id past the 64-bit key overflows in the database. So only ASCII digits count here, and
ids stop at the largest key the database can hold.

``*_value`` functions raise Django's ``ValidationError`` (for form and filter fields);
``query_*`` functions read a ``QueryDict`` and raise ``BadParameter``, which Django turns
into a 400 page and the API's exception handler into its error format.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import BadRequest, ValidationError
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from parity.core.error_codes import ErrorCode

# The largest value of a BigAutoField (signed 64-bit) on every supported database.
MAX_ID = 2**63 - 1
# A node of the area tree: 2 (city) to 15 (grid) ASCII digits.
_AREA_CODE = re.compile(r"[0-9]{2,15}")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DIGITS = re.compile(r"[0-9]+")


class BadParameter(BadRequest):
    """A query parameter that cannot be read, with the field, code and message to show."""

    def __init__(self, field: str, error: ValidationError) -> None:
        self.field = field
        self.code = error.code or ErrorCode.INVALID_PARAMETER
        self.message = error.messages[0]
        super().__init__(self.message)


def is_ascii_digits(text: str) -> bool:
    """True for a non-empty run of 0-9 only (``str.isdigit`` also accepts ``²`` and ``٣``)."""
    return _DIGITS.fullmatch(text) is not None


def id_value(raw: object) -> int:
    """A record id: ASCII digits, at least 1, at most the largest database key."""
    text = str(raw).strip()
    if not is_ascii_digits(text) or not 0 < int(text) <= MAX_ID:
        raise ValidationError(_("编号应为正整数"), code=ErrorCode.INVALID_ID)
    return int(text)


def date_value(raw: object) -> dt.date:
    """A calendar date written YYYY-MM-DD that exists (not 2026-02-30 or 2026-13-45)."""
    match = _DATE.fullmatch(str(raw).strip())
    if match is None:
        raise ValidationError(_("日期格式应为 YYYY-MM-DD"), code=ErrorCode.INVALID_DATE)
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise ValidationError(
            _("日期 %(date)s 不存在") % {"date": match.group(0)}, code=ErrorCode.INVALID_DATE
        ) from None


def area_code_value(raw: object) -> str:
    """An area code's shape (2 to 15 ASCII digits); whether it exists is the caller's check."""
    code = str(raw).strip()
    if _AREA_CODE.fullmatch(code) is None:
        raise ValidationError(_("区划代码应为2至15位数字"), code=ErrorCode.AREA_UNKNOWN)
    return code


def _read(params: QueryDict, name: str, parse):
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        return parse(raw)
    except ValidationError as exc:
        raise BadParameter(name, exc) from None


def path_id(raw: str, name: str = "id") -> int:
    """An id taken from the URL (where a router accepts any text): bad is a 400."""
    try:
        return id_value(raw)
    except ValidationError as exc:
        raise BadParameter(name, exc) from None


def query_id(params: QueryDict, name: str) -> int | None:
    """``?name=`` as a record id, or None when absent or empty."""
    return _read(params, name, id_value)


def query_date(params: QueryDict, name: str = "on") -> dt.date:
    """``?on=`` as a date, today when absent or empty."""
    return query_optional_date(params, name) or timezone.localdate()


def query_optional_date(params: QueryDict, name: str) -> dt.date | None:
    """``?name=`` as a date, or None when absent or empty."""
    return _read(params, name, date_value)


def query_area_code(params: QueryDict, name: str = "area") -> str | None:
    """``?area=`` as an area code's text, or None when absent or empty."""
    return _read(params, name, area_code_value)
