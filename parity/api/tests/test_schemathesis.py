"""Every API operation against its OpenAPI schema, with Schemathesis: no server errors, and
every response documented (status code, content type, body).

In process: the schema comes from the Django app over WSGI (no server), the requests go
to the same app as an administrator with a token, in one transaction over a small demo
city so that detail routes find records. Bounded, so that it stays in ``make test``: a
fixed seed (``derandomize``) and MAX_EXAMPLES cases per operation; SCHEMATHESIS_MAX_EXAMPLES
in the environment raises it for a longer hunt.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from parity.accounts.choices import Role

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "8"))
DEMO_SCALE = 0.001  # about 600 floating people and their records
AS_OF = dt.date(2025, 6, 30)
# Valid inputs (documented answers) and invalid ones (a 4xx, never a 500).
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
HYPOTHESIS = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,  # the fixed seed: the same cases on every run
    deadline=None,
    database=None,
    # No shrinking: a failure is reported as found, which keeps the run bounded.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# django_db also tells pytest-django to create the test database for this module.
pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db]


@pytest.fixture(scope="module")
def demo_city(django_db_setup, django_db_blocker):
    """A small demo city with people, services, vaccinations, pregnancies, certificates and
    indicators, and an administrator's token; rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", scale=DEMO_SCALE, seed=3, as_of=AS_OF, verbosity=0)
        call_command("load_indicators", verbosity=0)
        call_command("refresh_indicators", as_of=AS_OF, verbosity=0)
        from django.contrib.auth import get_user_model

        from parity.areas.models import Area

        admin = get_user_model().objects.create_superuser(
            username="schemathesis",
            password="pw-schemathesis-123",
            role=Role.ADMIN,
            area=Area.objects.get(code="1502"),
        )
        yield Token.objects.create(user=admin).key
        transaction.set_rollback(True)


@pytest.fixture
def api_schema(demo_city, db):
    # Django's test client keeps the connection across requests; a bare WSGI call would
    # close it (and the transaction holding the demo city) when each request finishes.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi(
        "/api/v1/schema/?format=json",
        application,
        headers={"Authorization": f"Token {demo_city}"},
    )
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _failures(operation, mode: GenerationMode, token: str) -> list[str]:
    """Run one operation's generated cases; the failures found, as text."""

    @HYPOTHESIS
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)

    try:
        run()
    except Unsatisfiable:
        return []  # nothing to make invalid: an operation without parameters or body
    except (Exception, BaseExceptionGroup) as exc:  # all operations report, not the first
        return [f"{mode.value} {operation.label}: {str(exc)[:2000]}"]
    return []


def test_every_operation_answers_as_its_schema_says(api_schema, demo_city):
    failures = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    for operation in operations:
        for mode in MODES:
            failures += _failures(operation, mode, demo_city)

    assert len(operations) > 50
    assert not failures, f"{len(failures)} failing:\n\n" + "\n\n".join(failures)
