"""The person rule (``parity.people.rules``) is one rule: the same bad registration gets
the same error code and message from the form, the API, the action and the import."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from parity.conftest import GRID, make_id
from parity.people import actions
from parity.people.error_codes import PersonErrorCode
from parity.people.imports import HEADERS, import_people
from parity.people.models import Person
from parity.web.forms import PersonRegisterForm

LOCAL_ID = make_id("150203", "19900101", 123)  # registered in the city
INFLOW_ID = make_id("410102", "19900101", 124)  # registered in another province

# Each case: what is typed, the field at fault, and the code every door must give.
CASES = {
    "an outflow destination inside the city": (
        {"id_number": LOCAL_ID, "outflow_region_code": "150204"},
        "outflow_region_code",
        PersonErrorCode.OUTFLOW_IN_CITY,
    ),
    "an outflow person registered in another province": (
        {"id_number": INFLOW_ID, "outflow_region_code": "110105"},
        "outflow_region_code",
        PersonErrorCode.OUTFLOW_NOT_LOCAL,
    ),
    "no housing type for someone living here": (
        {"id_number": INFLOW_ID, "arrived_on": "2024-03-01"},
        "housing_type",
        PersonErrorCode.REQUIRED,
    ),
    "no arrival date for someone living here": (
        {"id_number": INFLOW_ID, "housing_type": "rented"},
        "arrived_on",
        PersonErrorCode.REQUIRED,
    ),
    "an arrival before birth": (
        {"id_number": INFLOW_ID, "arrived_on": "1989-12-31", "housing_type": "rented"},
        "arrived_on",
        PersonErrorCode.BEFORE_BIRTH,
    ),
    "an outflow date before birth": (
        {"id_number": LOCAL_ID, "outflow_region_code": "110105", "outflow_since": "1980-01-01"},
        "outflow_since",
        PersonErrorCode.BEFORE_BIRTH,
    ),
}

IMPORT_HEADER = {
    "id_number": "身份证号码",
    "arrived_on": "来本地日期",
    "housing_type": "住所类型",
    "outflow_region_code": "流向地代码",
    "outflow_since": "流出日期",
}
HOUSING_LABEL = {"rented": "出租房屋"}


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def through_form(typed: dict, owner, areas) -> dict[str | None, tuple[str | None, str]]:
    form = PersonRegisterForm({"name": "王五", "grid": areas[GRID].pk, **typed}, user=owner)
    assert not form.is_valid()
    return {
        field: (error.code, str(error.message))
        for field, errors in form.errors.as_data().items()
        for error in errors
    }


def through_api(typed: dict, owner) -> dict[str | None, tuple[str | None, str]]:
    client = APIClient()
    client.force_authenticate(owner)
    response = client.post("/api/v1/persons/", {"name": "王五", "grid": GRID, **typed})
    assert response.status_code == 400
    return {e["field"]: (e["code"], e["message"]) for e in response.json()["errors"]}


def through_action(typed: dict, owner, areas) -> dict[str | None, tuple[str | None, str]]:
    values = {
        **typed,
        "arrived_on": _date(typed.get("arrived_on")),
        "outflow_since": _date(typed.get("outflow_since")),
    }
    with pytest.raises(ValidationError) as caught:
        actions.person_register(acting_user=owner, name="王五", grid=areas[GRID], **values)
    return {
        field: (error.code, error.messages[0])
        for field, errors in caught.value.error_dict.items()
        for error in errors
    }


def through_import(typed: dict, owner, tmp_path) -> dict[str | None, tuple[str | None, str]]:
    cells = {"姓名": "王五", "网格代码": GRID}
    for field, value in typed.items():
        cells[IMPORT_HEADER[field]] = HOUSING_LABEL.get(value, value)
    path = tmp_path / "people.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerow([cells.get(header, "") for header in HEADERS])
    result = import_people(path, acting_user=owner)
    by_header = {header: field for field, header in IMPORT_HEADER.items()}
    return {by_header[e.column]: (e.code, e.message) for e in result.errors}


@pytest.mark.parametrize("case", CASES)
def test_the_same_bad_registration_gets_the_same_error_from_every_door(
    case, owner, areas, tmp_path
):
    typed, field, code = CASES[case]

    answers = {
        "form": through_form(typed, owner, areas).get(field),
        "api": through_api(typed, owner).get(field),
        "action": through_action(typed, owner, areas).get(field),
        "import": through_import(typed, owner, tmp_path).get(field),
    }

    assert answers["form"] is not None
    assert answers["form"][0] == code
    assert answers == dict.fromkeys(answers, answers["form"])
    assert not Person.objects.exists()
