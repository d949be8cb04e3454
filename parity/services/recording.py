"""Services whose delivery is written by another app's own record (a vaccination, an
antenatal visit, a child check, a certificate, a residence permit): the general 记录服务
form and the API's service events refuse them and point to the page that records them,
so that nothing is saved where no schedule, list or indicator would read it.

Apps register their page in ``AppConfig.ready()`` (``register_record_page``); a catalog
service judged from other records (``delivered_by``) is refused even without one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from parity.services.error_codes import ServiceErrorCode
from parity.services.models import ServiceType


@dataclass(frozen=True)
class RecordPage:
    service_code: str
    url_name: str  # reversed with the person's pk
    label: Any  # where it is, as the refusal names it ("儿童预防接种页")


RECORD_PAGES: dict[str, RecordPage] = {}


def register_record_page(service_code: str, url_name: str, label) -> None:
    RECORD_PAGES[service_code] = RecordPage(service_code, url_name, label)


def record_page_url(service_code: str, person_pk: int) -> str | None:
    page = RECORD_PAGES.get(service_code)
    return reverse(page.url_name, args=[person_pk]) if page else None


def has_own_record(service_type: ServiceType) -> bool:
    return bool(service_type.delivered_by) or service_type.code in RECORD_PAGES


def own_record_message(service_type: ServiceType) -> str | None:
    """Why the service cannot be recorded as a bare service event (None: it can)."""
    if not has_own_record(service_type):
        return None
    page = RECORD_PAGES.get(service_type.code)
    if page is None:
        return _("“%(service)s”由专门的业务记录判定完成,不能在这里记录") % {
            "service": service_type.name
        }
    return _("“%(service)s”须在%(page)s记录,这里保存的不会计入接种、检查或证件记录") % {
        "service": service_type.name,
        "page": page.label,
    }


def check_general_record(service_type: ServiceType, field: str = "service_type") -> None:
    """Refuse a service that has its own record: saved as a bare service event it would
    count nowhere (the child stays overdue)."""
    message = own_record_message(service_type)
    if message is not None:
        raise ValidationError({field: ValidationError(message, code=ServiceErrorCode.OWN_RECORD)})
