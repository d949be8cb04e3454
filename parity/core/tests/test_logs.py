import logging

import pytest
from django.core.exceptions import PermissionDenied

from parity.conftest import GRID, make_id
from parity.core.logs import ID_MASK, PHONE_MASK, TextFormatter, mask, security_event

ID_NUMBER = make_id("150203", "19900101", 123)
MOBILE = "13812345678"


def test_mask_hides_id_numbers_with_or_without_a_final_x():
    with_x = make_id("150203", "19851231", 12)
    with_x = with_x[:-1] + "X"
    assert mask(f"id={ID_NUMBER}") == f"id={ID_MASK}"
    assert mask(f"id {with_x}, next") == f"id {ID_MASK}, next"


def test_mask_hides_mobile_numbers_however_they_are_written():
    for written in (MOBILE, "+86 138 1234 5678", "138-1234-5678", "8613812345678"):
        assert mask(f"phone: {written}.") == f"phone: {PHONE_MASK}.", written


def test_mask_leaves_area_codes_dates_and_ids_alone():
    text = "grid 150203001001001 community 150203001001 on 2024-03-01 person 123456"
    assert mask(text) == text


def test_id_and_mobile_numbers_are_masked_in_every_log_record(log_lines):
    logging.getLogger("some.library").warning(
        "looked up %s", ID_NUMBER, extra={"contact": {"phone": MOBILE}, "cell": 13912345678}
    )
    [line] = [entry for entry in log_lines() if entry["logger"] == "some.library"]
    assert line["message"] == f"looked up {ID_MASK}"
    assert line["contact"] == {"phone": PHONE_MASK}
    assert line["cell"] == PHONE_MASK
    assert ID_NUMBER not in log_lines.text()
    assert MOBILE not in log_lines.text()


def test_an_object_passed_as_a_field_is_logged_as_its_masked_text(log_lines):
    class Request:
        def __str__(self) -> str:
            return f"<Request GET /people/?q={ID_NUMBER}>"

    logging.getLogger("django.server").warning("slow", extra={"request": Request()})
    [line] = log_lines()
    assert line["request"] == f"<Request GET /people/?q={ID_MASK}>"


def test_an_exception_logged_with_its_traceback_is_masked_too(log_lines):
    try:
        raise ValueError(f"bad row: {ID_NUMBER} {MOBILE}")
    except ValueError:
        logging.getLogger("parity.test").exception("import failed")
    [line] = log_lines()
    assert "ValueError" in line["exception"]
    assert ID_NUMBER not in log_lines.text()
    assert MOBILE not in log_lines.text()


def test_a_security_event_is_one_json_line_with_its_fields(log_lines):
    security_event("lockout", user_id=7, attempts=5, name="must not clash")
    [line] = log_lines()
    assert line["logger"] == "parity.security"
    assert line["level"] == "WARNING"
    assert line["event"] == "lockout"
    assert line["message"] == "lockout"
    assert line["user_id"] == 7
    assert line["attempts"] == 5
    assert line["field_name"] == "must not clash"
    assert line["time"].endswith("+00:00")


@pytest.mark.django_db
def test_a_request_is_logged_as_one_json_line_without_its_query_values(client, owner, log_lines):
    client.force_login(owner)
    response = client.get(f"/?q={ID_NUMBER}&phone={MOBILE}", HTTP_X_REQUEST_ID="lb-1234567890")
    [line] = [entry for entry in log_lines() if entry["logger"] == "parity.requests"]
    assert line["method"] == "GET"
    assert line["path"] == "/"
    assert line["query_keys"] == ["phone", "q"]
    assert line["status"] == response.status_code == 200
    assert line["user_id"] == owner.pk
    assert line["duration_ms"] >= 0
    assert line["request_id"] == "lb-1234567890" == response["X-Request-ID"]
    assert ID_NUMBER not in log_lines.text()
    assert MOBILE not in log_lines.text()


@pytest.mark.django_db
def test_an_anonymous_request_gets_a_new_request_id_and_no_user(client, log_lines):
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID="bad id with spaces")
    [line] = [entry for entry in log_lines() if entry["logger"] == "parity.requests"]
    assert line["user_id"] is None
    assert line["request_id"] == response["X-Request-ID"] != "bad id with spaces"


@pytest.mark.django_db
def test_an_out_of_scope_attempt_is_logged_as_a_security_event(register, outsider, log_lines):
    with pytest.raises(PermissionDenied):
        register(id_number=ID_NUMBER, by=outsider, phone=MOBILE)
    [line] = [entry for entry in log_lines() if entry["logger"] == "parity.security"]
    assert line["event"] == "out_of_scope"
    assert line["user_id"] == outsider.pk
    assert line["action"] == "change"
    assert line["area_code"] == GRID
    assert ID_NUMBER not in log_lines.text()


def test_the_text_format_puts_fields_after_the_message():
    record = logging.LogRecord("parity.x", logging.INFO, __file__, 1, "job finished", None, None)
    record.job = "refresh_indicators"
    record.rows = 12
    line = TextFormatter().format(record)
    assert line.endswith('INFO parity.x job finished job="refresh_indicators" rows=12')
