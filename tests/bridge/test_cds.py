"""The CDS Hooks service: discovery, the EHR's JWT, 412 for missing prefetch, and the cards
of the demo patients (golden files): the anticoagulated and the pregnant patient get their
warning cards, the cauda equina patient a critical card and no plan link."""

from __future__ import annotations

import json
import os
import time
from typing import Any

import jwt
import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acuplan.audit.models import AuditEvent
from acuplan.bridge.cds.links import LINK_HOURS, unseal
from acuplan.bridge.models import EhrIssuer
from tests.bridge.conftest import (
    ACUPUNCTURE_ORDER,
    ISSUER,
    Keys,
    call_hook,
    demo_prefetch,
    ehr_token,
    hook_body,
    make_keys,
    service_url,
)
from tests.conftest import REPO

GOLDEN = REPO / "tests" / "golden" / "cds"
PV, OS = "acuplan-patient-view", "acuplan-order-select"
DEMO = ("chronic-cold-damp", "sciatica-on-apixaban", "pregnant-24-weeks", "red-flag-cauda-equina")


def cards(client: Client, keys: Keys, name: str, service: str = PV) -> list[dict[str, Any]]:
    hook = "patient-view" if service == PV else "order-select"
    extra = {}
    if service == OS:
        extra = {
            "selections": ["ServiceRequest/sr-1"],
            "draftOrders": {"resourceType": "Bundle", "entry": [{"resource": ACUPUNCTURE_ORDER}]},
        }
    response = call_hook(client, keys, service, hook_body(hook, demo_prefetch(name), **extra))
    assert response.status_code == 200, response.content
    result: list[dict[str, Any]] = response.json()["cards"]
    return result


def test_it_describes_its_services(client: Client, db: None) -> None:
    services = {s["id"]: s for s in client.get("/cds-services").json()["services"]}
    assert services[PV]["hook"] == "patient-view"
    assert services[OS]["hook"] == "order-select"
    assert {"patient", "conditions", "medications"} <= set(services[PV]["prefetch"])


@pytest.mark.parametrize("name", DEMO)
def test_it_matches_the_golden_cards_of_each_demo_patient(
    client: Client, keys: Keys, issuer: EhrIssuer, name: str
) -> None:
    got = cards(client, keys, name)
    facts = [
        {
            "indicator": c["indicator"],
            "summary": c["summary"],
            "rule": c["source"]["topic"]["code"],
            "links": len(c.get("links", [])),
        }
        for c in got
    ]
    path = GOLDEN / f"{name}.json"
    if os.environ.get("ACUPLAN_UPDATE_GOLDEN"):
        path.write_text(json.dumps(facts, indent=2) + "\n")
    assert facts == json.loads(path.read_text())
    for card in got:
        assert len(card["summary"]) <= 140
        assert card["source"]["label"]
        assert card["indicator"] in {"info", "warning", "critical"}


def test_it_warns_of_the_blood_thinner(client: Client, keys: Keys, issuer: EhrIssuer) -> None:
    got = cards(client, keys, "sciatica-on-apixaban")
    warning = next(c for c in got if c["source"]["topic"]["code"] == "sf.bleeding_risk")
    assert warning["indicator"] == "warning"
    assert "RxNorm 1364430" in warning["detail"]
    assert warning["links"][0]["url"].startswith("http")
    medicare = next(c for c in got if c["source"]["topic"]["code"] == "eligibility.medicare")
    assert medicare["indicator"] == "info"
    assert next(c for c in got if c["source"]["topic"]["code"] == "eligibility.chronic")


def test_it_warns_of_the_pregnancy(client: Client, keys: Keys, issuer: EhrIssuer) -> None:
    got = cards(client, keys, "pregnant-24-weeks")
    assert [c["indicator"] for c in got if c["source"]["topic"]["code"] == "sf.pregnancy"] == [
        "warning"
    ]
    token = got[0]["links"][0]["url"].split("?t=")[1]
    assert unseal(token).intake["patient"] == {
        "age_years": 31,
        "sex": "female",
        "pregnant": True,
        "pregnancy_weeks": 24,
    }


def test_it_sends_cauda_equina_critical_with_no_plan_link(
    client: Client, keys: Keys, issuer: EhrIssuer
) -> None:
    for service in (PV, OS):
        got = cards(client, keys, "red-flag-cauda-equina", service)
        assert [c["indicator"] for c in got] == ["critical"]
        assert "links" not in got[0]
        assert "emergency" in got[0]["summary"]


def test_it_warns_of_a_pacemaker_with_electroacupuncture(
    client: Client, keys: Keys, issuer: EhrIssuer
) -> None:
    prefetch = demo_prefetch("chronic-cold-damp")
    prefetch["conditions"]["entry"].append(
        {
            "resource": {
                "resourceType": "Condition",
                "code": {
                    "coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "Z95.0"}]
                },
            }
        }
    )
    response = call_hook(client, keys, PV, hook_body("patient-view", prefetch))
    got = response.json()["cards"]
    device = next(c for c in got if c["source"]["topic"]["code"] == "sf.cardiac_device")
    assert device["indicator"] == "warning"
    assert "electroacupuncture" in device["summary"]


def test_it_links_each_card_to_the_plan_a_clinician_can_open(
    client: Client, keys: Keys, issuer: EhrIssuer, cast: Any
) -> None:
    link = cards(client, keys, "chronic-cold-damp")[0]["links"][0]["url"]
    path = "/" + link.split("/", 3)[3]
    client.force_login(cast.owner)
    page = client.get(path)
    assert page.status_code == 200
    assert "Plan from the EHR" in page.content.decode()
    assert "279039007" in page.content.decode()
    assert AuditEvent.objects.filter(action="acuplan.cds_plan.read", actor=cast.owner).exists()


@pytest.mark.parametrize(("member", "status"), [("outsider", 404), ("front_desk", 403)])
def test_it_opens_the_plan_for_the_issuer_s_clinic_only(
    client: Client, keys: Keys, issuer: EhrIssuer, cast: Any, member: str, status: int
) -> None:
    link = cards(client, keys, "chronic-cold-damp")[0]["links"][0]["url"]
    client.force_login(getattr(cast, member))
    assert client.get("/" + link.split("/", 3)[3]).status_code == status


def test_it_refuses_a_damaged_or_expired_link(
    client: Client, keys: Keys, issuer: EhrIssuer, cast: Any
) -> None:
    from acuplan.core.errors import InvalidInput

    token = cards(client, keys, "chronic-cold-damp")[0]["links"][0]["url"].split("?t=")[1]
    client.force_login(cast.owner)
    damaged = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    assert client.get(f"/cds/plan/?t={damaged}").status_code == 400
    with pytest.raises(InvalidInput, match="older than"):
        unseal(token, now=time.time() + LINK_HOURS * 3600 + 120)


def test_it_keeps_no_clinical_detail_in_the_link(
    client: Client, keys: Keys, issuer: EhrIssuer
) -> None:
    link = cards(client, keys, "sciatica-on-apixaban")[0]["links"][0]["url"]
    assert "apixaban" not in link.lower()
    assert "Eliquis" not in link


def test_it_says_nothing_about_an_order_that_is_not_acupuncture(
    client: Client, keys: Keys, issuer: EhrIssuer
) -> None:
    order = {**ACUPUNCTURE_ORDER, "code": {"text": "MRI lumbar spine"}}
    body = hook_body(
        "order-select",
        demo_prefetch("red-flag-cauda-equina"),
        selections=["ServiceRequest/sr-1"],
        draftOrders={"resourceType": "Bundle", "entry": [{"resource": order}]},
    )
    assert call_hook(client, keys, OS, body).json() == {"cards": []}


def test_it_says_nothing_when_the_patient_has_no_back_pain(
    client: Client, keys: Keys, issuer: EhrIssuer
) -> None:
    prefetch = demo_prefetch("chronic-cold-damp")
    prefetch["conditions"] = {"resourceType": "Bundle", "entry": []}
    assert call_hook(client, keys, PV, hook_body("patient-view", prefetch)).json() == {"cards": []}


@pytest.mark.parametrize("missing", ["patient", "conditions", "medications"])
def test_it_answers_412_with_an_operation_outcome_for_missing_prefetch(
    client: Client, keys: Keys, issuer: EhrIssuer, missing: str
) -> None:
    prefetch = demo_prefetch("chronic-cold-damp")
    del prefetch[missing]
    response = call_hook(client, keys, PV, hook_body("patient-view", prefetch))
    assert response.status_code == 412
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["expression"] == [f"prefetch.{missing}"]
    from fhir.resources.R4B.operationoutcome import OperationOutcome

    OperationOutcome.model_validate(outcome)


def _refused(client: Client, token: str | None, service: str = PV) -> Any:
    response = call_hook(
        client, None, service, hook_body("patient-view", demo_prefetch("chronic-cold-damp")), token
    )
    assert response.status_code == 401, response.content
    assert response.json()["resourceType"] == "OperationOutcome"
    return response.json()["issue"][0]["details"]["text"]


def test_it_refuses_a_call_without_a_token(client: Client, issuer: EhrIssuer) -> None:
    _refused(client, None)


def test_it_refuses_a_token_signed_with_another_key(client: Client, issuer: EhrIssuer) -> None:
    other = make_keys("ES384")
    other.kid = issuer.jwks["keys"][0]["kid"]
    assert "Signature" in _refused(client, ehr_token(other, PV))


def test_it_refuses_an_rsa_token_of_the_right_issuer_with_an_unknown_kid(
    client: Client, issuer: EhrIssuer
) -> None:
    assert "kid" in _refused(client, ehr_token(make_keys("RS384"), PV))


@pytest.mark.parametrize(
    ("claims", "why"),
    [
        ({"exp": int(time.time()) - 600}, "expired"),
        ({"aud": service_url(OS)}, "audience"),
        ({"iss": "https://other.example.test"}, "unknown issuer"),
        ({"jti": None}, "jti"),
        ({"exp": int(time.time()) + 3600}, "five minutes"),
    ],
)
def test_it_refuses_a_token_with_bad_claims(
    client: Client, keys: Keys, issuer: EhrIssuer, claims: dict[str, Any], why: str
) -> None:
    assert why in _refused(client, ehr_token(keys, PV, **claims)).lower()


def test_it_refuses_a_replayed_token(client: Client, keys: Keys, issuer: EhrIssuer) -> None:
    token = ehr_token(keys, PV)
    body = hook_body("patient-view", demo_prefetch("chronic-cold-damp"))
    assert call_hook(client, None, PV, body, token).status_code == 200
    assert "used already" in _refused(client, token)


def test_it_refuses_unsigned_and_shared_secret_tokens(client: Client, issuer: EhrIssuer) -> None:
    claims = {"iss": ISSUER, "aud": service_url(PV), "iat": int(time.time()), "jti": "x"}
    claims["exp"] = claims["iat"] + 60
    assert "algorithm" in _refused(client, jwt.encode(claims, None, algorithm="none"))
    assert "algorithm" in _refused(client, jwt.encode(claims, "s" * 32, algorithm="HS256"))


def test_it_refuses_a_retired_issuer(client: Client, keys: Keys, issuer: EhrIssuer) -> None:
    EhrIssuer.objects.filter(pk=issuer.pk).update(active=False)
    assert "unknown issuer" in _refused(client, ehr_token(keys, PV))


def test_it_refuses_a_hook_sent_to_the_other_service(
    client: Client, keys: Keys, issuer: EhrIssuer
) -> None:
    body = hook_body("order-select", demo_prefetch("chronic-cold-damp"))
    response = call_hook(client, keys, PV, body)
    assert response.status_code == 422
    assert response.json()["resourceType"] == "OperationOutcome"


def test_it_stores_nothing_from_the_ehr_s_call(
    client: Client, keys: Keys, issuer: EhrIssuer
) -> None:
    from tests.web.test_api_support import row_counts

    before = row_counts()
    cards(client, keys, "sciatica-on-apixaban")
    assert row_counts() == before


def test_it_refuses_a_private_key_when_an_issuer_is_added(clinic: Any) -> None:
    from acuplan.bridge.services import add_issuer
    from acuplan.core.errors import InvalidInput

    keys = make_keys("ES384")
    algorithm = jwt.get_algorithm_by_name("ES384")
    private = json.loads(algorithm.to_jwk(keys.private))
    with pytest.raises(InvalidInput, match="private"):
        add_issuer(clinic=clinic, issuer="https://x.test", jwks={"keys": [private]})
    with pytest.raises(InvalidInput):
        add_issuer(clinic=clinic, issuer="https://x.test", jwks={"keys": []})


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 200) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
RESOURCE_KEYS = st.sampled_from(
    [
        "resourceType",
        "code",
        "coding",
        "system",
        "status",
        "birthDate",
        "entry",
        "resource",
        "clinicalStatus",
        "valueQuantity",
        "medicationCodeableConcept",
        "onsetDateTime",
        "gender",
    ]
)
RESOURCE = st.dictionaries(RESOURCE_KEYS, JSON, max_size=6)


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(
    patient=RESOURCE,
    conditions=st.one_of(RESOURCE, st.lists(RESOURCE, max_size=3), JSON),
    medications=st.one_of(RESOURCE, st.lists(RESOURCE, max_size=3), JSON),
    context=st.dictionaries(st.sampled_from(["patientId", "selections", "draftOrders"]), JSON),
)
def test_it_never_fails_on_whatever_prefetch_an_ehr_sends(
    client: Client,
    keys: Keys,
    issuer: EhrIssuer,
    patient: dict[str, Any],
    conditions: Any,
    medications: Any,
    context: dict[str, Any],
) -> None:
    body = hook_body("patient-view", {"patient": patient, "conditions": conditions})
    body["prefetch"]["medications"] = medications
    body["context"].update(context)
    response = call_hook(client, keys, PV, body)
    assert response.status_code in {200, 400, 412, 422}, response.content


def test_it_lets_a_browser_based_sandbox_call_the_service(client: Client, db: None) -> None:
    preflight = client.options(
        f"/cds-services/{PV}",
        HTTP_ORIGIN="http://sandbox.test",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "Authorization" in preflight["Access-Control-Allow-Headers"]
    assert client.get("/cds-services")["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in client.get("/api/ping")
