"""schemathesis over the whole OpenAPI document, as a signed-in clinician: whatever it
sends, the API answers without a server error and with a response its schema allows. The
operations come from the document, so a new endpoint is fuzzed from the day it lands.

Bounded: a few examples per operation, derandomised (the same cases every run)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from acuplan.accounts.tokens import create_token
from acuplan.clinic.models import Intake, Patient, Plan, Session
from tests.web.conftest import Cast

EXAMPLES_PER_OPERATION = 12

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture
def bearer(
    cast: Cast, patient: Patient, intake: Intake, approved_plan: Plan, session: Session
) -> Iterator[dict[str, str]]:
    """A token of a practitioner with a chart to find. The WSGI app runs inside the test's
    transaction: Django must not close the connection at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield {"Authorization": f"Bearer {create_token(cast.owner, 'fuzz')}"}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_it_answers_every_fuzzed_request_within_its_schema(
    case: Any, bearer: dict[str, str]
) -> None:
    case.call_and_validate(headers=bearer, checks=[not_a_server_error, response_schema_conformance])
