"""Incoming referrals: a physician's FHIR ServiceRequest becomes a pending referral on the
dashboard, with the patient's details, the reason and the physician as contact."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from acuplan.audit.models import AuditEvent
from acuplan.bridge.models import IncomingReferral
from acuplan.clinic.models import Patient
from tests.web.conftest import Cast, login
from tests.web.test_api_support import client_for


def service_request(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "status": "active",
        "intent": "order",
        "priority": "routine",
        "contained": [
            {
                "resourceType": "Patient",
                "id": "p",
                "name": [{"family": "Kowalski", "given": ["Lena"]}],
                "birthDate": "1980-02-03",
                "gender": "female",
                "telecom": [{"system": "phone", "value": "555 0101"}],
            },
            {
                "resourceType": "Practitioner",
                "id": "dr",
                "name": [{"family": "Hale", "given": ["Ann"]}],
                "telecom": [{"system": "email", "value": "ann.hale@example.org"}],
            },
        ],
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "44868003"}]},
        "subject": {"reference": "#p"},
        "requester": {"reference": "#dr"},
        "reasonCode": [{"text": "Chronic low back pain, 20 weeks"}],
    }
    body.update(changes)
    return body


def post(client: Client, body: object) -> Any:
    return client.post(
        "/fhir/ServiceRequest", data=json.dumps(body), content_type="application/json"
    )


def test_it_turns_a_service_request_into_a_pending_referral(cast: Cast, db: None) -> None:
    response = post(client_for(cast.front_desk), service_request())
    assert response.status_code == 201, response.content
    referral = IncomingReferral.objects.get()
    assert response["Location"] == f"/fhir/ServiceRequest/{referral.pk}"
    patient = referral.patient
    assert (patient.full_name, patient.date_of_birth.isoformat()) == ("Lena Kowalski", "1980-02-03")
    assert (patient.physician_name, patient.physician_contact) == (
        "Ann Hale",
        "ann.hale@example.org",
    )
    assert referral.reason == "Chronic low back pain, 20 weeks"
    assert patient.clinic_id == cast.front_desk.clinic_id
    assert AuditEvent.objects.filter(action="acuplan.referral.received").exists()


def test_it_matches_a_patient_already_registered(cast: Cast, patient: Patient) -> None:
    body = service_request()
    body["contained"][0].update(
        name=[{"family": "byrne", "given": ["ada"]}], birthDate="1970-05-01"
    )
    assert post(client_for(cast.owner), body).status_code == 201
    assert IncomingReferral.objects.get().patient == patient
    patient.refresh_from_db()
    assert patient.physician_contact == "ann.hale@example.org"


def test_it_shows_the_referral_on_the_dashboard_until_accepted(
    client: Client, cast: Cast, db: None
) -> None:
    post(client_for(cast.owner), service_request())
    referral = IncomingReferral.objects.get()
    login(client, cast.colleague)
    page = client.get("/").content.decode()
    assert "Kowalski, Lena" in page
    assert "Chronic low back pain, 20 weeks" in page
    assert client.post(f"/referrals/{referral.pk}/accept/").status_code == 302
    referral.refresh_from_db()
    assert referral.status == "accepted"
    assert referral.accepted_by == cast.colleague
    assert "No referral from a physician is waiting" in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"resourceType": "Patient"}, "resourceType"),
        ({"status": "not-a-status"}, "status"),
        ({"subject": {"reference": "Patient/elsewhere"}}, "subject"),
        ({"reasonCode": []}, "reasonCode"),
        ({"requester": {"reference": "#nobody"}}, "requester"),
    ],
)
def test_it_answers_a_bad_service_request_with_422(
    cast: Cast, db: None, body: dict[str, Any], field: str
) -> None:
    data = body if "resourceType" in body else service_request(**body)
    response = post(client_for(cast.owner), data)
    assert response.status_code == 422, response.content
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert any(field in ".".join(i.get("expression", [])) for i in outcome["issue"]), outcome
    assert not IncomingReferral.objects.exists()


def test_it_answers_a_body_that_is_not_json_with_400(cast: Cast, db: None) -> None:
    response = client_for(cast.owner).post(
        "/fhir/ServiceRequest", data=b"{nope", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["resourceType"] == "OperationOutcome"


def test_it_refuses_an_anonymous_referral(db: None) -> None:
    assert post(Client(), service_request()).status_code == 401
