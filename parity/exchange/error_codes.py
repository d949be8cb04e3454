"""Machine-readable error codes of the exchange: the inbox's refusals and the 协查 forms."""

from django.db import models


class ExchangeError(models.TextChoices):
    MALFORMED = "exchange_malformed"
    UNKNOWN_SENDER = "exchange_unknown_sender"
    UNKNOWN_KEY = "exchange_unknown_key"
    BAD_SIGNATURE = "exchange_bad_signature"
    WRONG_RECIPIENT = "exchange_wrong_recipient"
    STALE_TIMESTAMP = "exchange_stale_timestamp"
    REUSED_ID = "exchange_reused_id"
    SCHEMA = "exchange_schema"
    PARTNER_CODE = "exchange_partner_code"
    PARTNER_KEY = "exchange_partner_key"
    PARTNER_URL = "exchange_partner_url"
    NO_PARTNER = "exchange_no_partner"
    REQUEST_STATE = "exchange_request_state"
    FACTS_REQUIRED = "exchange_facts_required"
    CHECKER_REQUIRED = "exchange_checker_required"
    REASON_REQUIRED = "exchange_reason_required"
