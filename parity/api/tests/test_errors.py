"""The API's one error shape, built from Django and DRF validation errors alike."""

from django.core.exceptions import ValidationError
from rest_framework import exceptions

from parity.core.api.errors import django_errors, drf_errors


def test_a_django_error_dict_keeps_fields_codes_and_formatted_messages():
    exc = ValidationError(
        {
            "id_number": ValidationError("bad %(n)s", code="id_checksum", params={"n": 1}),
            "__all__": ValidationError("whole", code="status_conflict"),
        }
    )
    assert django_errors(exc) == [
        {"field": "id_number", "code": "id_checksum", "message": "bad 1"},
        {"field": None, "code": "status_conflict", "message": "whole"},
    ]


def test_a_django_error_without_a_field_has_a_null_field():
    errors = django_errors(ValidationError("none open", code="no_open_residence"))
    assert errors == [{"field": None, "code": "no_open_residence", "message": "none open"}]


def test_nested_drf_errors_are_flattened_with_dotted_fields():
    exc = exceptions.ValidationError(
        {"members": [{"relation": ["x"]}], "non_field_errors": ["y"], "name": ["z"]}
    )
    errors = drf_errors(exc.detail)
    assert [(e["field"], e["code"]) for e in errors] == [
        ("members.0.relation", "invalid"),
        (None, "invalid"),
        ("name", "invalid"),
    ]


def test_drf_codes_are_renamed_to_parity_codes_where_they_mean_the_same():
    exc = exceptions.ValidationError({"name": [exceptions.ErrorDetail("long", "max_length")]})
    assert drf_errors(exc.detail)[0]["code"] == "too_long"


def test_an_api_url_that_matches_no_route_is_a_404_in_the_error_format(api, owner):
    response = api(owner).get("/api/v1/persons/a.b/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["errors"][0]["code"] == "not_found"


def test_every_operation_documents_its_error_answers_in_the_error_format(api, owner):
    paths = api(owner).get("/api/v1/schema/?format=json").json()["paths"]

    detail = paths["/api/v1/persons/{id}/"]["get"]["responses"]
    assert {"400", "401", "403", "404"} <= set(detail)
    assert detail["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Errors"
    }
    assert {"400", "401", "403"} <= set(paths["/api/v1/auth/token/"]["post"]["responses"])
