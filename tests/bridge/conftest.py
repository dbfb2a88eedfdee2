"""Fixtures of the bridge tests: the clinic chain and cast of tests/web, an EHR issuer with a
key pair made here, signed JWTs, EHR prefetch built from the demo intakes, and a world with
every record type a FHIR export holds."""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.conf import settings
from django.test import Client
from django.utils import timezone

from acuplan.accounts.models import Clinic, PractitionerProfile
from acuplan.bridge import services as bridge_services
from acuplan.bridge.models import EhrIssuer, IncomingReferral
from acuplan.clinic import services
from acuplan.clinic.models import Patient, Plan, Session
from acuplan.outcomes import services as outcome_services
from tests.web.conftest import *  # noqa: F403  (fixtures: clinic, cast, patient, plan ...)
from tests.web.conftest import Cast
from tests.web.test_fuzz import bearer  # noqa: F401  (the fuzz tests' fixture)

ISSUER = "https://ehr.example.test"
SNOMED, ICD10, RXNORM = (
    "http://snomed.info/sct",
    "http://hl7.org/fhir/sid/icd-10-cm",
    ("http://www.nlm.nih.gov/research/umls/rxnorm"),
)
LOINC = "http://loinc.org"


@dataclass
class Keys:
    private: Any
    kid: str
    alg: str

    def jwks(self) -> dict[str, Any]:
        algorithm = jwt.get_algorithm_by_name(self.alg)
        jwk: dict[str, Any] = json.loads(algorithm.to_jwk(self.private.public_key()))
        return {"keys": [{**jwk, "kid": self.kid, "use": "sig", "alg": self.alg}]}


def make_keys(alg: str = "ES384") -> Keys:
    if alg.startswith("ES"):
        private: Any = ec.generate_private_key(ec.SECP384R1())
    else:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return Keys(private, f"test-{uuid.uuid4().hex[:8]}", alg)


@pytest.fixture(scope="session")
def keys() -> Keys:
    return make_keys("ES384")


@pytest.fixture
def issuer(clinic: Clinic, keys: Keys) -> EhrIssuer:
    return bridge_services.add_issuer(clinic=clinic, issuer=ISSUER, jwks=keys.jwks(), label="EHR")


def service_url(service: str) -> str:
    return f"{str(settings.ACUPLAN_BASE_URL).rstrip('/')}/cds-services/{service}"


def ehr_token(keys: Keys, service: str, **claims: Any) -> str:
    now = int(time.time())
    payload = {
        "iss": ISSUER,
        "aud": service_url(service),
        "iat": now,
        "exp": now + 240,
        "jti": uuid.uuid4().hex,
        **claims,
    }
    payload = {k: v for k, v in payload.items() if v is not None}
    return jwt.encode(payload, keys.private, algorithm=keys.alg, headers={"kid": keys.kid})


def call_hook(
    client: Client, keys: Keys | None, service: str, body: dict[str, Any], token: str | None = None
) -> Any:
    if token is None and keys is not None:
        token = ehr_token(keys, service)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(
        f"/cds-services/{service}",
        data=json.dumps(body),
        content_type="application/json",
        **headers,
    )


# --- EHR data for the demo patients -------------------------------------------------------


def _bundle(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [{"resource": r} for r in resources],
    }


def _condition(system: str, code: str, onset_weeks: float | None) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Condition",
        "id": f"c-{code}",
        "clinicalStatus": {"coding": [{"code": "active"}]},
        "code": {"coding": [{"system": system, "code": code}]},
        "subject": {"reference": "Patient/ehr-1"},
    }
    if onset_weeks is not None:
        day = timezone.localdate() - dt.timedelta(weeks=onset_weeks)
        resource["onsetDateTime"] = day.isoformat()
    return resource


def _medication(code: str, text: str) -> dict[str, Any]:
    return {
        "resourceType": "MedicationRequest",
        "id": f"m-{code}",
        "status": "active",
        "intent": "order",
        "medicationCodeableConcept": {"coding": [{"system": RXNORM, "code": code}], "text": text},
        "subject": {"reference": "Patient/ehr-1"},
    }


def _patient(born: str, gender: str) -> dict[str, Any]:
    return {"resourceType": "Patient", "id": "ehr-1", "birthDate": born, "gender": gender}


def _born(age: int) -> str:
    today = timezone.localdate()
    return today.replace(year=today.year - age, month=1, day=1).isoformat()


#: What an EHR would hold for each demo patient (the demo intakes, in FHIR codes).
def demo_prefetch(name: str) -> dict[str, Any]:
    conditions: list[dict[str, Any]]
    medications: list[dict[str, Any]] = []
    observations: list[dict[str, Any]] = []
    coverage: list[dict[str, Any]] = []
    if name == "chronic-cold-damp":
        patient = _patient(_born(52), "male")
        conditions = [_condition(SNOMED, "279039007", 30)]
        medications = [_medication("5640", "ibuprofen 400 mg")]
    elif name == "sciatica-on-apixaban":
        patient = _patient(_born(67), "female")
        conditions = [_condition(ICD10, "M54.42", 14)]
        medications = [_medication("1364430", "Eliquis 5 mg twice daily")]
        coverage = [
            {
                "resourceType": "Coverage",
                "id": "cov-1",
                "status": "active",
                "beneficiary": {"reference": "Patient/ehr-1"},
                "payor": [{"display": "Medicare Part B"}],
            }
        ]
    elif name == "pregnant-24-weeks":
        patient = _patient(_born(31), "female")
        conditions = [_condition(SNOMED, "279039007", 4), _condition(SNOMED, "77386006", None)]
        observations = [
            {
                "resourceType": "Observation",
                "id": "o-ga",
                "status": "final",
                "code": {"coding": [{"system": LOINC, "code": "11884-4"}]},
                "valueQuantity": {"value": 24, "unit": "wk"},
            }
        ]
    elif name == "red-flag-cauda-equina":
        patient = _patient(_born(44), "male")
        conditions = [
            _condition(ICD10, "M54.41", 1),
            _condition(SNOMED, "192970008", 0.2),
            _condition(SNOMED, "267064002", 0.2),
        ]
    else:
        raise KeyError(name)
    return {
        "patient": patient,
        "conditions": _bundle(conditions),
        "medications": _bundle(medications),
        "medicationStatements": _bundle([]),
        "observations": _bundle(observations),
        "coverage": _bundle(coverage),
    }


def hook_body(hook: str, prefetch: dict[str, Any], **context: Any) -> dict[str, Any]:
    return {
        "hook": hook,
        "hookInstance": str(uuid.uuid4()),
        "context": {"userId": "Practitioner/ehr-9", "patientId": "ehr-1", **context},
        "prefetch": prefetch,
    }


ACUPUNCTURE_ORDER = {
    "resourceType": "ServiceRequest",
    "id": "sr-1",
    "status": "draft",
    "intent": "order",
    "code": {"coding": [{"system": SNOMED, "code": "44868003", "display": "Acupuncture"}]},
    "subject": {"reference": "Patient/ehr-1"},
}


# --- a record with every resource type ----------------------------------------------------


@pytest.fixture
def full_record(cast: Cast, patient: Patient, approved_plan: Plan, session: Session) -> Patient:
    """The patient with a consent, an adverse event, outcomes and an NPI on file."""
    actor = services.Actor(cast.owner)
    PractitionerProfile.objects.filter(user=cast.owner).update(npi="1234567893")
    services.record_consent(
        actor=actor,
        patient=patient,
        explained=["risks", "benefits", "cost"],
        signed_by_name=patient.full_name,
        signed_at=timezone.now(),
        plan=approved_plan,
    )
    services.record_session(
        actor=actor,
        patient=patient,
        plan=approved_plan,
        date=timezone.localdate(),
        method="electro",
        points=[{"code": "BL23", "side": "bilateral", "depth_cun": 1.0, "stimulation": "even"}],
        retention_minutes=20,
        electro={"frequency_hz": 2},
        pain_nrs=3,
        adverse_events=[{"kind": "haematoma", "severity": "mild", "description": "BL23 left"}],
    )
    for kind, pain, rmdq in (("intake", 7, 12), ("follow_up", 3, 4)):
        outcome_services.record_outcome(
            actor=actor,
            patient=patient,
            kind=kind,
            data={
                "pain_nrs": pain,
                "peg": [pain, pain - 1, pain],
                "rmdq": [True] * rmdq + [False] * (24 - rmdq),
            },
            answered_on=timezone.localdate(),
        )
    return patient


@pytest.fixture
def incoming_referral(cast: Cast) -> IncomingReferral:
    return bridge_services.receive_referral(
        actor=services.Actor(cast.front_desk),
        patient_data={"first_name": "Lena", "last_name": "Kowalski", "date_of_birth": "1980-02-03"},
        reason="Chronic low back pain, acupuncture please",
        priority="routine",
        requester_name="Dr Ann Hale",
        requester_contact="ann.hale@example.org",
        resource={"resourceType": "ServiceRequest"},
    )
