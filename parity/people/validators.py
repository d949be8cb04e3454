"""Field rules shared by the web forms, the API and file imports, so all three agree."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from parity.areas.origins import lookup
from parity.core.error_codes import ErrorCode
from parity.people import idnumber

_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_LANDLINE = re.compile(r"^0[0-9]{2,3}-?[0-9]{7,8}$")


def clean_id_number(raw: str) -> idnumber.IDNumber:
    try:
        return idnumber.parse(raw, today=timezone.localdate())
    except idnumber.IDNumberError as exc:
        raise ValidationError(exc.message, code=exc.code) from exc


def clean_phone(raw: str) -> str:
    phone = re.sub(r"[\s()（）]", "", str(raw or ""))
    if phone.startswith("+86"):
        phone = phone[3:]
    if not phone:
        return ""
    if not (_MOBILE.match(phone) or _LANDLINE.match(phone)):
        raise ValidationError(
            _("电话号码格式不正确:应为11位手机号或带区号的固定电话"), code=ErrorCode.PHONE_FORMAT
        )
    return phone


def clean_region_code(raw: str) -> str:
    """A GB/T 2260 code naming a real province; retired county codes are accepted."""
    code = str(raw or "").strip()
    if not re.fullmatch(r"[0-9]{6}", code):
        raise ValidationError(_("行政区划代码应为6位数字"), code=ErrorCode.REGION_CODE)
    if not lookup(code[:2] + "0000").known:
        raise ValidationError(
            _("行政区划代码 %(code)s 不对应任何省份") % {"code": code}, code=ErrorCode.REGION_CODE
        )
    return code


def clean_past_date(value: dt.date | None, *, label: str) -> dt.date | None:
    if value is not None and value > timezone.localdate():
        raise ValidationError(
            _("%(label)s不能晚于今天") % {"label": label}, code=ErrorCode.DATE_IN_FUTURE
        )
    return value
