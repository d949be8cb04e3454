"""Machine-readable error codes of maternal and child care (with ``core.error_codes``)."""

from django.db import models


class MaternalError(models.TextChoices):
    NOT_FEMALE = "not_female"
    AGE_AT_LMP = "age_at_lmp"
    LMP_TOO_OLD = "lmp_too_old"
    OPEN_PREGNANCY = "open_pregnancy"
    PREGNANCY_CLOSED = "pregnancy_closed"
    NOT_DELIVERED = "not_delivered"
    VISIT_DUPLICATE = "visit_duplicate"
    NOT_A_CHILD = "not_a_child"
    NOT_IN_WINDOW = "not_in_window"
    SERVICE_TYPE_MISSING = "service_type_missing"
