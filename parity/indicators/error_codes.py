"""Machine-readable error codes of the indicators app (forms, imports and the API)."""

from django.db import models


class IndicatorErrorCode(models.TextChoices):
    INDICATOR_UNKNOWN = "indicator_unknown"
    AREA_UNKNOWN = "area_unknown"
    AREA_OUT_OF_SCOPE = "area_out_of_scope"
    DEFINITION_INVALID = "definition_invalid"
    CODE_TAKEN = "code_taken"
    BUILTIN_LOCKED = "builtin_locked"
    NO_SNAPSHOT = "no_snapshot"
    DUPLICATE_ROW = "duplicate_row"
