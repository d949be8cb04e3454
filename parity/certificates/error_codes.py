"""Machine-readable error codes of certificates and permits (with ``core.error_codes``)."""

from django.db import models


class CertificateError(models.TextChoices):
    NOT_FEMALE = "not_female"
    NUMBER_TAKEN = "number_taken"
    ALREADY_CHECKED = "already_checked"
    NOT_INFLOW = "not_inflow"
    NOT_LIVING_HERE = "not_living_here"
    STAY_TOO_SHORT = "stay_too_short"
    BASIS_MISSING = "basis_missing"
    PERMIT_EXISTS = "permit_exists"
    NOT_ISSUED = "not_issued"
    ALREADY_ISSUED = "already_issued"
    TOO_EARLY = "too_early"
    SERVICE_TYPE_MISSING = "service_type_missing"
    CANNOT_REQUEST = "cannot_request"
