"""schemathesis over /fhir/openapi.json, as a signed-in clinician: whatever it sends, the
FHIR and CDS Hooks API answers without a server error and within its schema. Bounded and
derandomised, as tests/web/test_fuzz.py."""

from __future__ import annotations

from typing import Any

import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.web.test_fuzz import EXAMPLES_PER_OPERATION

schema = schemathesis.openapi.from_wsgi("/fhir/openapi.json", get_wsgi_application())


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
