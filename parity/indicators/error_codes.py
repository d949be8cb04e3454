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
    # Targets and assessment (目标考核).
    YEAR_INVALID = "year_invalid"
    NOT_A_NUMBER = "not_a_number"
    VALUE_OUT_OF_RANGE = "value_out_of_range"
    MEASURE_UNKNOWN = "measure_unknown"
    MEASURE_NOT_APPLICABLE = "measure_not_applicable"
    INDICATOR_INACTIVE = "indicator_inactive"
    # A warning: a value between 0 and 1, as a cell formatted as a percent stores 95%.
    VALUE_LOOKS_LIKE_PERCENT = "value_looks_like_percent"
