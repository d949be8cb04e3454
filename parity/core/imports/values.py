"""Cells as people type them, made plain before any rule sees them, and the numbers that
Excel damaged before the file reached us.

Registers are typed by hand, pasted from WeChat and from older systems: digits and
letters in full width (``４１０１０２…``), no-break and zero-width spaces, a leading
apostrophe or an ``="…"`` wrapper that kept a number as text, spaces inside a name
(``王 五``), phones written ``+86 138-1234-5678``, and in CSV files dates as Excel's
serial numbers. An 18-digit number that went through a number cell has lost its last
digits (Excel keeps 15), and may still look like a valid ID number: it is refused.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.utils.translation import gettext as _

from parity.core.error_codes import ErrorCode

# Full-width ASCII (！ to ～) and the ideographic space to their half-width forms.
_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_WIDTH[0x3000] = 0x20
# Invisible characters: zero-width spaces and joiners, word joiner, BOM, soft hyphen;
# the no-break space and tabs become plain spaces (then trimmed at the ends).
_INVISIBLE = dict.fromkeys((0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD))
_SPACES = dict.fromkeys((0x00A0, 0x0009, 0x000B, 0x000C, 0x2007, 0x202F), 0x20)
_TABLE = {**_WIDTH, **_INVISIBLE, **_SPACES}
# Anything ``clean_text`` would change: one search tells a plain cell from one to clean.
ODD = re.compile(r"[\uff01-\uff5e\u3000\u200b-\u200d\u2060\ufeff\u00ad\u00a0\t\v\f\u2007\u202f]")
_WRAPPED = re.compile(r'^="(.*)"$', re.S)
_CJK_SPACE = re.compile(r"(?<=[\u3400-\u9fff\u00b7])\s+(?=[\u3400-\u9fff\u00b7])")
_SCIENTIFIC = re.compile(r"^[0-9](?:\.[0-9]+)?[eE]\+?[0-9]+$")
_PHONE_PUNCTUATION = re.compile(r"[\s\-()（）]")
EXCEL_EPOCH = dt.date(1899, 12, 30)


def clean_text(value: str) -> str:
    """A text cell as meant: half-width digits and letters, no invisible characters, no
    leading apostrophe or ``="…"`` wrapper, no surrounding spaces."""
    if ODD.search(value):
        value = value.translate(_TABLE)
    value = value.strip()
    if value[:1] == "'":
        value = value[1:].strip()
    elif value[:2] == '="':
        match = _WRAPPED.match(value)
        if match:
            value = match.group(1).strip()
    return value


def needs_cleaning(value: str) -> bool:
    """Whether ``clean_text`` would change the (already trimmed) value."""
    return bool(ODD.search(value)) or value[:1] == "'" or value[:2] == '="'


def clean_name(value: str) -> str:
    """A person's name without the spaces typed between Chinese characters (``王 五``);
    spaces between Latin words (a foreign name) stay, one each."""
    value = clean_text(value)
    if " " in value or "\u3000" in value:
        value = _CJK_SPACE.sub("", value)
        value = " ".join(value.split())
    return value


def clean_phone(value: str) -> str:
    """A phone number without spaces, dashes and brackets around a mobile number, and
    without the country code (``+86``, ``0086``, ``86`` before 11 digits). A landline keeps
    its area-code dash (``0472-1234567``)."""
    value = clean_text(value)
    digits = _PHONE_PUNCTUATION.sub("", value)
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    if len(digits) == 11 and digits.isdigit() and digits[0] == "1":
        return digits
    if digits.isdigit() and digits.startswith("0") and "-" not in value and " " not in value:
        return value
    if digits.isdigit() and digits.startswith("0"):
        # An area code and a number separated by a space or a dash: the dash form.
        parts = [p for p in re.split(r"[\s\-]+", value.strip("()（）")) if p]
        if len(parts) == 2 and all(p.isdigit() for p in parts):
            return f"{parts[0]}-{parts[1]}"
    return value


def excel_serial_date(text: str) -> dt.date | None:
    """A date typed as Excel's serial number (``45352`` is 2024-03-01), as a CSV saved from
    Excel writes a date column formatted as a number; ``None`` when the text is not one.
    Five digits only (1927-05-18 to 2173-10-14): a four-digit cell is a year, eight digits
    are YYYYMMDD."""
    if len(text) != 5 or not text.isdigit():
        return None
    serial = int(text)
    return EXCEL_EPOCH + dt.timedelta(days=serial)


def excel_display(number: float | int) -> str:
    """A number as Excel's General format shows it in an ordinary column: 11 characters
    at most, so an 18-digit ID number reads ``1.40202E+17``."""
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    text = str(number)
    if len(text) <= 11:
        return text
    mantissa, exponent = f"{float(number):.5E}".split("E")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}E{exponent[0]}{int(exponent[1:]):02d}"


def round_tripped(values: Iterable[object]) -> bool:
    """Whether a column of ID numbers went through Excel's number format: a number cell
    of 16 digits or more, a value in scientific form, or at least two 18-digit values
    ending in ``000`` that are half of them or more. (One real ID number in about 1,100
    ends in 000 — sequence x00, check digit 0 — so a single one proves nothing; a column
    that went through a number ends in 000 throughout.)"""
    count = zeros = 0
    for value in values:
        if isinstance(value, int | float) and not isinstance(value, bool):
            if abs(value) >= 1e15:
                return True
            continue
        text = str(value or "").strip()
        if len(text) == 18:
            count += 1
            zeros += text.endswith("000")
        elif _SCIENTIFIC.match(text):
            return True
    return zeros >= 2 and zeros * 2 >= count


def damaged_number(raw: object, text: str, *, zeros: bool = True) -> str | None:
    """How Excel shows a long number it may have changed, or ``None`` if the cell is fine.

    Damaged: a number cell of 16 digits or more (Excel keeps 15 significant digits and
    rounds the rest to zeros); in text, the scientific form ``1.40202E+17``, or — when
    ``zeros`` (the column went through a number: ``round_tripped``) — an 18-digit number
    ending in ``000``, what a number round-trip leaves. Such a value is refused whatever
    its check digit: the digits Excel dropped cannot be told apart from a different
    person's number."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        if abs(raw) >= 1e15:
            return excel_display(raw)
        return None
    if _SCIENTIFIC.match(text):
        return text.upper()
    if zeros and len(text) == 18 and text.endswith("000") and text.isdigit():
        return text
    return None


def damaged_id_error(shown: str) -> tuple[str, str]:
    """The message and code of an ID number Excel damaged, shown as Excel shows it."""
    message = _(
        "身份证号码“%(shown)s”已被Excel当作数字改动(数字只保留15位,末几位变成0),"
        "无法确认原号码:请把该列设为文本格式,重新填写完整的18位号码后再导入"
    ) % {"shown": shown}
    return message, ErrorCode.ID_EXCEL_DAMAGED
