"""The person rule: what makes a registration whole, beyond each field's own format.

The registration form, ``actions.person_register`` (and so the API), the API serializer and
the import row all call ``person_errors``, so the same bad input gets the same error code
and message from every door. Each field's own format (an ID number, a region code, a
phone, a date) is checked first by ``parity.people.validators``; a field that failed there
is passed in ``invalid`` and this rule says nothing more about it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from parity.people import validators
from parity.people.error_codes import PersonErrorCode

# The dates' labels, translated when an error names them.
ARRIVED_ON, OUTFLOW_SINCE = gettext_noop("来本地日期"), gettext_noop("流出日期")


def person_errors(
    *,
    birth_date: dt.date | None,
    hukou_code: str,
    outflow_region_code: str,
    outflow_since: dt.date | None,
    arrived_on: dt.date | None,
    housing_type: str,
    invalid: Collection[str] = (),
    today: dt.date | None = None,
) -> dict[str, ValidationError]:
    """The errors of a person's registration, by field (empty when it is whole).

    ``hukou_code`` is the registered place (given, or the ID number's first six digits;
    ``""`` if unknown). A person with an outflow destination (even one that failed its
    format check) is outflow population: managed here, living outside the city. Anyone else
    lives here and needs an arrival date and a housing type."""
    errors: dict[str, ValidationError] = {}
    city = settings.PARITY_CITY_CODE
    if outflow_region_code or "outflow_region_code" in invalid:
        if "outflow_region_code" not in invalid:
            if outflow_region_code.startswith(city):
                errors["outflow_region_code"] = ValidationError(
                    _("流向地应在本市以外;本市内的迁移请填写网格代码和来本地日期"),
                    code=PersonErrorCode.OUTFLOW_IN_CITY,
                )
            elif hukou_code and not hukou_code.startswith(city):
                errors["outflow_region_code"] = ValidationError(
                    _("流出人口应为本市户籍,户籍地代码为 %(code)s") % {"code": hukou_code},
                    code=PersonErrorCode.OUTFLOW_NOT_LOCAL,
                )
        dates = {"outflow_since": (outflow_since, OUTFLOW_SINCE)}
    else:
        if arrived_on is None and "arrived_on" not in invalid:
            errors["arrived_on"] = ValidationError(
                _("请填写来本地日期"), code=PersonErrorCode.REQUIRED
            )
        if not housing_type and "housing_type" not in invalid:
            errors["housing_type"] = ValidationError(
                _("请填写住所类型"), code=PersonErrorCode.REQUIRED
            )
        dates = {"arrived_on": (arrived_on, ARRIVED_ON)}
    for field, (day, label) in dates.items():
        if day is None or field in invalid:
            continue
        error = _date_error(day, label, birth_date, today)
        if error is not None:
            errors[field] = error
    return errors


def _date_error(
    day: dt.date, label: str, birth_date: dt.date | None, today: dt.date | None
) -> ValidationError | None:
    # ``label`` is translated only for an error: a gettext a row costs an import of
    # 600,000 rows seconds of CPU for nothing (bench/README.md).
    if day > (today or timezone.localdate()):
        try:
            validators.clean_past_date(day, label=_(label))
        except ValidationError as exc:
            return exc
    if birth_date is not None and day < birth_date:
        return ValidationError(
            _("%(label)s早于出生日期(%(birth)s)") % {"label": _(label), "birth": birth_date},
            code=PersonErrorCode.BEFORE_BIRTH,
        )
    return None


def registration_errors(
    *,
    id_number: str,
    hukou_code: str = "",
    outflow_region_code: str = "",
    outflow_since: dt.date | None = None,
    arrived_on: dt.date | None = None,
    housing_type: str = "",
) -> dict[str, ValidationError]:
    """``person_errors`` from a registration as typed: the ID number, the registered place
    and the outflow destination are checked for format first. A bad ID number is the only
    error reported, as nothing else can be judged without the birth date it holds."""
    try:
        parsed = validators.clean_id_number(id_number)
    except ValidationError as exc:
        return {"id_number": exc}
    errors: dict[str, ValidationError] = {}
    hukou = parsed.address_code
    if hukou_code:
        try:
            hukou = validators.clean_region_code(hukou_code)
        except ValidationError as exc:
            errors["hukou_code"], hukou = exc, ""
    if outflow_region_code:
        try:
            outflow_region_code = validators.clean_region_code(outflow_region_code)
        except ValidationError as exc:
            errors["outflow_region_code"] = exc
    errors.update(
        person_errors(
            birth_date=parsed.birth_date,
            hukou_code=hukou,
            outflow_region_code=outflow_region_code,
            outflow_since=outflow_since,
            arrived_on=arrived_on,
            housing_type=housing_type,
            invalid=errors.keys(),
        )
    )
    return errors
