"""What a user is told about a person registered outside their area: that the person is
registered elsewhere, and which area to ask — nothing else (no name, no dates, no grid
below the one to ask).

Every write that finds a person by ID number (registration, file import, a transfer
request) checks the *existing* record against the user's scope, not only the new values:
a user who knows an ID number must not be able to pull that person into their area.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from parity.accounts.permissions import CHANGE, scope_code
from parity.areas.models import Area
from parity.core.error_codes import ErrorCode

# Lengths of the codes of each level below the city (district, street, community, grid).
_LEVEL_LENGTHS = (6, 9, 12, 15)


def area_to_ask(user, area_code: str) -> Area | None:
    """The area that holds ``area_code``, named at the level just below where the user's
    scope and it part: a grid worker is pointed at the sister grid of the same community,
    at the other district for a person registered there."""
    scope = scope_code(user, CHANGE) or ""
    common = 0
    while common < min(len(scope), len(area_code)) and scope[common] == area_code[common]:
        common += 1
    length = next((n for n in _LEVEL_LENGTHS if n > common), None)
    if length is None or len(area_code) < length:
        length = len(area_code)
    return Area.objects.filter(code=area_code[:length]).first()


def outside_scope_message(user, area_code: str) -> str:
    area = area_to_ask(user, area_code)
    where = area.name if area is not None else _("其他辖区")
    return _(
        "该身份证号码的人员登记在您的管辖区域以外(%(area)s),您不能修改其登记信息;"
        "如其已迁入您的辖区,请提交迁入申请,由%(area)s确认"
    ) % {"area": where}


def outside_scope_error(user, area_code: str, field: str = "id_number") -> ValidationError:
    return ValidationError(
        {
            field: ValidationError(
                outside_scope_message(user, area_code), code=ErrorCode.OUTSIDE_SCOPE
            )
        }
    )
