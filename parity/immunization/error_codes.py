"""Machine-readable error codes of the immunization app (on top of ``core.ErrorCode``)."""

from django.db import models


class ImmunizationError(models.TextChoices):
    DOSE_UNKNOWN = "dose_unknown"
    DOSE_DUPLICATE = "dose_duplicate"
    DOSE_REQUIRED = "dose_required"
    INTERVAL_TOO_SHORT = "interval_too_short"
    LIVE_SPACING = "live_spacing"
    TOO_YOUNG = "too_young"
    AGE_LIMIT = "age_limit"
    SERIES_CONFLICT = "series_conflict"
    SITE_NOT_HEALTH_SITE = "site_not_health_site"
    CAMPAIGN_VACCINE = "campaign_vaccine"
    CAMPAIGN_NO_ROUND = "campaign_no_round"
    SERVICE_TYPE_MISSING = "service_type_missing"
    SCHEDULE_MISSING = "schedule_missing"
    BATCH_INVALID = "batch_invalid"
    ROUTE_MISMATCH = "route_mismatch"
    INJECTION_SITE_MISMATCH = "injection_site_mismatch"
