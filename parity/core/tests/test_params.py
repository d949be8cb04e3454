"""The shared parsers of query parameters: ASCII digits only, ids within a database key,
dates that exist."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict

from parity.core import params
from parity.core.error_codes import ErrorCode


@pytest.mark.parametrize("raw", ["²", "٣", "1²", "-1", "0", "1.5", "abc", "9" * 20, str(2**63)])
def test_an_id_that_is_not_a_positive_ascii_integer_within_a_key_is_refused(raw):
    with pytest.raises(ValidationError) as caught:
        params.id_value(raw)

    assert caught.value.code == ErrorCode.INVALID_ID


def test_an_id_up_to_the_largest_key_is_read():
    assert params.id_value(" 42 ") == 42
    assert params.id_value(str(2**63 - 1)) == 2**63 - 1


@pytest.mark.parametrize("raw", ["2026-13-45", "2026-02-30", "2026-0２-01", "20260201", "x"])
def test_a_date_that_does_not_exist_or_is_not_yyyy_mm_dd_is_refused(raw):
    with pytest.raises(ValidationError) as caught:
        params.date_value(raw)

    assert caught.value.code == ErrorCode.INVALID_DATE


def test_an_existing_date_is_read():
    assert params.date_value("2024-02-29") == dt.date(2024, 2, 29)


def test_a_bad_query_parameter_names_itself_and_keeps_the_code():
    with pytest.raises(params.BadParameter) as caught:
        params.query_id(QueryDict("person=²"), "person")

    assert (caught.value.field, caught.value.code) == ("person", ErrorCode.INVALID_ID)


def test_an_absent_or_empty_parameter_is_none_or_today():
    assert params.query_id(QueryDict("person="), "person") is None
    assert params.query_optional_date(QueryDict(""), "as_of") is None
    assert isinstance(params.query_date(QueryDict("")), dt.date)


@pytest.mark.parametrize("raw", ["²", "15²2", "1", "1502030010010011"])
def test_an_area_code_that_is_not_2_to_15_ascii_digits_is_refused(raw):
    with pytest.raises(ValidationError):
        params.area_code_value(raw)
