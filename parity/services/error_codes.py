"""Machine-readable error codes of the services app (forms, imports and the API)."""

from django.db import models


class ServiceErrorCode(models.TextChoices):
    PERSON_NOT_FOUND = "person_not_found"
    SERVICE_UNKNOWN = "service_unknown"
    SERVICE_INACTIVE = "service_inactive"
    PROVIDER_UNKNOWN = "provider_unknown"
    PROVIDER_AMBIGUOUS = "provider_ambiguous"
    DETAIL_NOT_IN_SERVICE = "detail_not_in_service"
    DUPLICATE_ROW = "duplicate_row"
    # A register's 姓名 is not the name registered under the row's ID number.
    NAME_MISMATCH = "name_mismatch"
    # A vaccination, antenatal visit, … has its own record page: not a bare service event.
    OWN_RECORD = "own_record"
