"""The message formats, as JSON Schema: one per type, carrying only what its purpose needs
(an arrival notice carries no phone number). The inbox validates every body against its
type's schema; the OpenAPI document publishes them (``api.py``)."""

from __future__ import annotations

import functools
from typing import Any

from parity.exchange.choices import MessageType, RequestStatus, Urgency

DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
ID_NUMBER = {"type": "string", "pattern": r"^\d{17}[\dX]$"}
CODE = {"type": "string", "pattern": r"^\d{2,12}$"}
NAME = {"type": "string", "minLength": 1, "maxLength": 50}
UUID = {"type": "string", "format": "uuid", "minLength": 36, "maxLength": 36}


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
        "required": required if required is not None else list(properties),
    }


PERSON = {"id_number": ID_NUMBER, "name": NAME}

BODIES: dict[str, dict[str, Any]] = {
    MessageType.ARRIVAL: _object(
        {**PERSON, "arrived_on": DATE, "area_code": CODE, "hukou_code": CODE}
    ),
    MessageType.DEPARTURE: _object({**PERSON, "departed_on": DATE, "destination_code": CODE}),
    MessageType.PREGNANCY: _object({**PERSON, "lmp": DATE, "registered_on": DATE}),
    MessageType.BIRTH: _object({**PERSON, "delivered_on": DATE}),
    MessageType.CERTIFICATE_ISSUED: _object(
        {**PERSON, "number": {"type": "string", "maxLength": 40}, "region_code": CODE, "on": DATE}
    ),
    MessageType.CERTIFICATE_CHECKED: _object(
        {**PERSON, "number": {"type": "string", "maxLength": 40}, "region_code": CODE, "on": DATE}
    ),
    MessageType.SERVICE: _object(
        {**PERSON, "service": {"enum": ["contraception", "pre_pregnancy_check"]}, "on": DATE}
    ),
    MessageType.VACCINATIONS: _object(
        {
            **PERSON,
            "birth_date": DATE,
            "doses": {
                "type": "array",
                "maxItems": 100,
                "items": _object(
                    {
                        "vaccine": {"type": "string", "maxLength": 16},
                        "dose": {"type": ["integer", "null"], "minimum": 1},
                        "date": DATE,
                    }
                ),
            },
        }
    ),
    MessageType.REQUEST: _object(
        {
            **PERSON,
            "request_id": UUID,
            "urgency": {"enum": list(Urgency.values)},
            "question": {"type": "string", "minLength": 1, "maxLength": 500},
            "requested_on": DATE,
        }
    ),
    MessageType.REQUEST_STATUS: _object(
        {
            "request_id": UUID,
            "status": {"enum": [RequestStatus.ACCEPTED, RequestStatus.REJECTED]},
            "reason": {"type": "string", "maxLength": 500},
            "on": DATE,
        }
    ),
    MessageType.FEEDBACK: _object(
        {
            "request_id": UUID,
            "facts": {"type": "string", "minLength": 1, "maxLength": 2000},
            "checked_by": {"type": "string", "minLength": 1, "maxLength": 100},
            "answered_on": DATE,
            # The day the answering side received the request: both sides then judge
            # "on time" from the same date.
            "received_on": DATE,
        }
    ),
}

ENVELOPE = _object(
    {
        "id": UUID,
        "type": {"enum": list(MessageType.values)},
        "iss": CODE,
        "aud": CODE,
        "iat": {"type": "integer"},
        "subject": {"type": "string", "minLength": 1, "maxLength": 64},
        "seq": {"type": "integer", "minimum": 1},
        "body": {"type": "object"},
    }
)


@functools.cache
def _validator(kind: str):
    # deferred: needed on this path only
    from jsonschema import Draft202012Validator

    return Draft202012Validator(ENVELOPE if kind == "" else BODIES[kind])


def errors(claims: dict[str, Any]) -> list[str]:
    """Every way ``claims`` break the envelope or its type's body schema."""
    found = [e.message for e in _validator("").iter_errors(claims)]
    if found:
        return found
    return [e.message for e in _validator(claims["type"]).iter_errors(claims["body"])]


def openapi_components() -> dict[str, Any]:
    """The message formats for the OpenAPI document: the envelope and one body per type."""
    return {
        "envelope": ENVELOPE,
        "bodies": {str(k): v for k, v in BODIES.items()},
    }
