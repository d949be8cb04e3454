"""What a vaccination record must satisfy besides the schedule (``Schedule.check_dose``):
the details 预防接种工作规范 asks for. The action calls it, so the page, the API and any
import give the same error codes and messages."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from parity.core.error_codes import ErrorCode
from parity.immunization.choices import InjectionSite, Route
from parity.immunization.error_codes import ImmunizationError

BATCH = re.compile(r"[0-9A-Za-z][0-9A-Za-z\-/]{1,29}")
# A record written this many days after the dose is a fresh one: the form asks for the
# batch number and the vaccinator; older entries copy a vaccination card (补录).
FRESH_DAYS = 7


def clean_record_details(
    *,
    vaccine,
    batch_number: str = "",
    manufacturer: str = "",
    route: str = "",
    injection_site: str = "",
    vaccinator: str = "",
) -> dict[str, str]:
    """The details trimmed and checked; every problem raised at once, on its field."""
    details = {
        "batch_number": batch_number.strip().upper(),
        "manufacturer": manufacturer.strip(),
        "route": route.strip(),
        "injection_site": injection_site.strip(),
        "vaccinator": vaccinator.strip(),
    }
    errors: dict[str, ValidationError] = {}
    batch = details["batch_number"]
    if batch and not BATCH.fullmatch(batch):
        errors["batch_number"] = ValidationError(
            _("疫苗批号应为2–30位字母、数字、“-”或“/”"), code=ImmunizationError.BATCH_INVALID
        )
    for name, limit, label in (
        ("manufacturer", 100, _("生产企业")),
        ("vaccinator", 50, _("接种人员")),
    ):
        if len(details[name]) > limit:
            errors[name] = ValidationError(
                _("%(label)s最多%(n)d个字") % {"label": label, "n": limit}, code=ErrorCode.TOO_LONG
            )
    route = details["route"]
    site = details["injection_site"]
    if route and route not in Route.values:
        errors["route"] = ValidationError(_("接种途径无效"), code=ErrorCode.INVALID_CHOICE)
    elif route and (route == Route.ORAL) == bool(vaccine.injectable):
        message = (
            _("%(vaccine)s为注射类疫苗,接种途径不能为口服")
            if vaccine.injectable
            else _("%(vaccine)s应口服")
        )
        errors["route"] = ValidationError(
            message % {"vaccine": vaccine.name}, code=ImmunizationError.ROUTE_MISMATCH
        )
    if site and site not in InjectionSite.values:
        errors["injection_site"] = ValidationError(_("接种部位无效"), code=ErrorCode.INVALID_CHOICE)
    elif site and (route == Route.ORAL or not vaccine.injectable):
        errors["injection_site"] = ValidationError(
            _("口服疫苗不填接种部位"), code=ImmunizationError.INJECTION_SITE_MISMATCH
        )
    if errors:
        raise ValidationError(errors)
    return details
