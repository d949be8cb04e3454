"""Machine-readable error codes shared by forms, imports and the API."""

from django.db import models


class ErrorCode(models.TextChoices):
    REQUIRED = "required"
    INVALID_CHOICE = "invalid_choice"
    INVALID_DATE = "invalid_date"
    DATE_IN_FUTURE = "date_in_future"
    DATE_ORDER = "date_order"
    ID_LENGTH = "id_length"
    ID_FORMAT = "id_format"
    ID_BIRTH_DATE = "id_birth_date"
    ID_CHECKSUM = "id_checksum"
    ID_DUPLICATE = "id_duplicate"
    # An 18-digit number that went through a number cell: Excel kept 15 digits.
    ID_EXCEL_DAMAGED = "id_excel_damaged"
    PHONE_FORMAT = "phone_format"
    AREA_UNKNOWN = "area_unknown"
    AREA_NOT_GRID = "area_not_grid"
    AREA_OUT_OF_SCOPE = "area_out_of_scope"
    # A person registered outside the user's area: ask that area (a transfer request).
    OUTSIDE_SCOPE = "outside_scope"
    TRANSFER_STATE = "transfer_state"
    ID_NOT_FOUND = "id_not_found"
    REGION_CODE = "region_code"
    OPEN_RESIDENCE = "open_residence"
    NO_OPEN_RESIDENCE = "no_open_residence"
    STATUS_CONFLICT = "status_conflict"
    FILE_FORMAT = "file_format"
    FILE_HEADER = "file_header"
    # Not errors: a row imported with a remark (age over 110, 性别 against the ID number).
    AGE_UNLIKELY = "age_unlikely"
    SEX_MISMATCH = "sex_mismatch"
    JOB_WITHOUT_INDUSTRY = "job_without_industry"
    PERMISSION = "permission"
    TOO_LONG = "too_long"
    # The record changed since the form was opened or the API client read it.
    STALE = "stale"
    IF_MATCH_REQUIRED = "if_match_required"
    AREA_CODE_FORMAT = "area_code_format"
    # A list asked of an area too wide to work through (a work list of a whole district).
    AREA_TOO_WIDE = "area_too_wide"
    AREA_CODE_PARENT = "area_code_parent"
    AREA_CODE_OVERLAP = "area_code_overlap"
    OTP_REQUIRED = "otp_required"
    OTP_INVALID = "otp_invalid"
    INVALID_ID = "invalid_id"
    INVALID_PARAMETER = "invalid_parameter"
    RATE_LIMITED = "rate_limited"
    SERVER_ERROR = "server_error"
