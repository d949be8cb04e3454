"""Machine-readable error codes of the person rule (``parity.people.rules``), the same from
the form, the API, the action and the import. Codes that mean the same as a general one
keep its value (``required``, ``date_order``), so API clients see no change."""

from django.db import models

from parity.core.error_codes import ErrorCode


class PersonErrorCode(models.TextChoices):
    REQUIRED = ErrorCode.REQUIRED.value
    DATE_IN_FUTURE = ErrorCode.DATE_IN_FUTURE.value
    # A date before the person was born.
    BEFORE_BIRTH = ErrorCode.DATE_ORDER.value
    # An outflow person's destination inside the city: that is a move, not an outflow.
    OUTFLOW_IN_CITY = "outflow_in_city"
    # Only a person registered in the city (本市户籍) can be outflow population.
    OUTFLOW_NOT_LOCAL = ErrorCode.STATUS_CONFLICT.value
