"""The cast against every operation of the FHIR and CDS Hooks API (/fhir/openapi.json): an
operation without a row fails the suite. Clinic members authenticate with a token or a
session; the hooks take the EHR's JWT instead (tested in test_cds.py), so every member
of the clinic is refused there."""

from __future__ import annotations

import pytest
from django.test import Client

from acuplan.clinic.models import Patient
from tests.bridge.test_incoming import service_request
from tests.web.conftest import Cast
from tests.web.test_api_access import CALLERS, Op, clinical
from tests.web.test_api_support import HTTP_METHODS, call, client_for

EVERYONE = dict.fromkeys(("owner", "colleague", "outsider", "front_desk", "anonymous"), 200)
EHR_ONLY = dict.fromkeys(("owner", "colleague", "outsider", "front_desk", "anonymous"), 401)
MEMBERS = {"owner": 201, "colleague": 201, "outsider": 201, "front_desk": 201, "anonymous": 401}
HOOK_BODY = {"hook": "patient-view", "hookInstance": "x", "context": {"patientId": "1"}}

TABLE: dict[tuple[str, str], Op] = {
    ("GET", "/fhir/Patient/{patient_id}/$everything"): Op(clinical(200)),
    ("POST", "/fhir/ServiceRequest"): Op(MEMBERS, lambda w: service_request()),
    ("GET", "/cds-services"): Op(EVERYONE),
    ("POST", "/cds-services/acuplan-patient-view"): Op(EHR_ONLY, lambda w: HOOK_BODY),
    ("POST", "/cds-services/acuplan-order-select"): Op(
        EHR_ONLY, lambda w: {**HOOK_BODY, "hook": "order-select"}
    ),
}


def documented() -> set[tuple[str, str]]:
    schema = Client().get("/fhir/openapi.json").json()
    return {
        (method.upper(), p)
        for p, operations in schema["paths"].items()
        for method in operations
        if method in HTTP_METHODS
    }


def test_it_has_an_access_row_for_every_documented_operation(db: None) -> None:
    assert documented() == set(TABLE)


@pytest.mark.parametrize(("member", "auth"), CALLERS)
@pytest.mark.parametrize(("method", "path"), sorted(TABLE))
def test_it_gives_each_member_of_the_cast_the_right_status(
    cast: Cast, patient: Patient, member: str, auth: str, method: str, path: str
) -> None:
    op = TABLE[(method, path)]
    client = client_for(None if member == "anonymous" else getattr(cast, member), auth)
    url = path.format(patient_id=patient.pk)
    response = call(client, method, url, op.body(None) if op.body else None)  # type: ignore[arg-type]
    assert response.status_code == op.expect[member], response.content[:400]
    if response.status_code >= 400:
        assert response.json()["resourceType"] == "OperationOutcome"
        assert patient.last_name not in response.content.decode()
