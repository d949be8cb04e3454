"""Resident Identity Card numbers (GB 11643-1999), by the rules in DOMAIN.md §1.

Validity is length, digits, the ISO 7064 MOD 11-2 check character and a real birth date
not in the future. The address code is never a reason to reject a number: retired codes,
and codes newer than the birth year, are valid. (``stdnum.cn.ric.validate`` rejects those,
so only its checksum is used here.)
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _
from stdnum.cn import ric

from parity.core.error_codes import ErrorCode


class IDNumberError(ValueError):
    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class IDNumber:
    number: str
    address_code: str
    birth_date: dt.date
    sex: str  # "M" or "F"


def _birth_date(text: str) -> dt.date | None:
    try:
        return dt.date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


# Characters that are invisible on screen and in Excel but make two numbers differ: zero-width
# spaces and joiners, the word joiner, the byte-order mark, the soft hyphen. (No-break and
# full-width spaces are white space after NFKC and go with the rest.)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def normalize(raw: object) -> str:
    """The text of an ID number as typed, in the one form that is validated and indexed:
    NFKC (full-width digits and letters become ASCII: ``４２０１…Ｘ`` → ``4201…X``), invisible
    characters and white space removed, upper case. A number typed either way must find the
    same person, so every lookup and every write goes through here first."""
    text = unicodedata.normalize("NFKC", str(raw)).translate(_INVISIBLE)
    return "".join(text.split()).upper()


def _ascii_digits(text: str) -> bool:
    # ``str.isdigit`` is true for other scripts' digits too (Arabic-Indic, Devanagari…),
    # which NFKC leaves as they are and ``int`` would read; an ID number has only 0-9.
    return text.isascii() and text.isdigit()


def parse(raw: str, *, today: dt.date | None = None) -> IDNumber:
    """Validate and normalise an ID number; 15-digit numbers come back as 18 digits."""
    number = normalize(raw)
    if len(number) == 15:
        if not _ascii_digits(number):
            raise IDNumberError(ErrorCode.ID_FORMAT, _("15位身份证号码只能由数字组成"))
        body = number[:6] + "19" + number[6:]
        number = body + ric.calc_check_digit(body + "0")
    if len(number) != 18:
        raise IDNumberError(
            ErrorCode.ID_LENGTH,
            _("身份证号码应为18位(或15位旧号码),实际为%(n)d位") % {"n": len(number)},
        )
    if not _ascii_digits(number[:17]) or not (_ascii_digits(number[17]) or number[17] == "X"):
        raise IDNumberError(ErrorCode.ID_FORMAT, _("身份证号码前17位须为数字,末位为数字或X"))
    birth = _birth_date(number[6:14])
    if birth is None:
        raise IDNumberError(ErrorCode.ID_BIRTH_DATE, _("身份证号码中的出生日期不存在"))
    if birth > (today or dt.date.today()):
        raise IDNumberError(ErrorCode.ID_BIRTH_DATE, _("身份证号码中的出生日期晚于今天"))
    if number[17] != ric.calc_check_digit(number):
        raise IDNumberError(ErrorCode.ID_CHECKSUM, _("身份证号码校验位错误"))
    return IDNumber(
        number=number,
        address_code=number[:6],
        birth_date=birth,
        sex="M" if int(number[16]) % 2 else "F",
    )


def with_check_digit(first17: str) -> str:
    """Complete a 17-digit body with its check character (used by generators and tests)."""
    return first17 + ric.calc_check_digit(first17 + "0")
