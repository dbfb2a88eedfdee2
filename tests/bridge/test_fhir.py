"""The FHIR R4 export: every resource valid (fhir.resources, R4B models: the R4-compatible
release that fhir.resources 8 ships), every reference resolving inside the Bundle, the
codes the issue names, golden facts for the demo patients, access and audit as for the
chart, and the command line writing the same Bundle."""

from __future__ import annotations

import io
import json
import os
from collections import Counter
from contextlib import redirect_stdout
from typing import Any

import pytest
from django.test import Client
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from acuplan.audit.models import AuditEvent
from acuplan.bridge.fhir.bundle import everything
from acuplan.cli import main
from acuplan.clinic.demo import PATIENTS, create_demo
from acuplan.clinic.models import Patient
from acuplan.core.knowledge import Knowledge
from tests.conftest import REPO
from tests.web.conftest import Cast
from tests.web.test_api_support import client_for

GOLDEN = REPO / "tests" / "golden" / "fhir"
TYPES = {
    "Patient",
    "Practitioner",
    "Organization",
    "Condition",
    "Observation",
    "QuestionnaireResponse",
    "Questionnaire",
    "Procedure",
    "AdverseEvent",
    "CarePlan",
    "Consent",
    "CodeSystem",
}


def validate(bundle: dict[str, Any]) -> list[str]:
    """Every problem fhir.resources finds, in the Bundle and in each resource on its own."""
    problems = []
    try:
        Bundle.model_validate(bundle)
    except ValueError as exc:
        problems.append(f"Bundle: {exc}")
    for entry in bundle["entry"]:
        resource = entry["resource"]
        try:
            get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        except ValueError as exc:
            problems.append(f"{resource['resourceType']}/{resource['id']}: {exc}")
    return problems


def by_type(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def references(value: object) -> list[str]:
    if isinstance(value, dict):
        found = [value["reference"]] if isinstance(value.get("reference"), str) else []
        return found + [r for v in value.values() for r in references(v)]
    if isinstance(value, list):
        return [r for v in value for r in references(v)]
    return []


def test_it_exports_every_resource_type_with_no_validation_error(full_record: Patient) -> None:
    bundle = everything(full_record)
    assert validate(bundle) == []
    assert {r["resource"]["resourceType"] for r in bundle["entry"]} == TYPES
    assert bundle["type"] == "searchset"


def test_it_resolves_every_reference_inside_the_bundle(full_record: Patient) -> None:
    bundle = everything(full_record)
    inside = {f"{e['resource']['resourceType']}/{e['resource']['id']}" for e in bundle["entry"]}
    assert set(references(bundle)) - inside == set()


def test_it_codes_scores_and_sessions_as_the_standards_say(full_record: Patient) -> None:
    bundle = everything(full_record)
    codes = {
        (c["system"], c["code"])
        for o in by_type(bundle, "Observation")
        for c in o["code"]["coding"]
    }
    assert ("http://loinc.org", "72514-3") in codes  # NRS
    assert ("http://loinc.org", "91148-7") in codes  # the PEG panel
    assert ("urn:acuplan:fhir:CodeSystem:outcome-scores", "rmdq-total") in codes
    procedures = by_type(bundle, "Procedure")
    assert all(
        {
            "system": "http://snomed.info/sct",
            "code": "44868003",
            "display": "Acupuncture (procedure)",
        }
        in p["code"]["coding"]
        for p in procedures
    )
    electro = next(
        p
        for p in procedures
        if {"system": "urn:acuplan:fhir:CodeSystem:stimulation", "code": "electro"}
        in p["code"]["coding"]
    )
    assert electro["bodySite"][0]["coding"][0]["code"] == "BL23"
    assert electro["performer"][0]["actor"]["reference"].startswith("Practitioner/")
    event = by_type(bundle, "AdverseEvent")[0]
    assert event["suspectEntity"][0]["instance"]["reference"] == f"Procedure/{electro['id']}"


def test_it_gives_the_practitioner_npi_and_licence(full_record: Patient, cast: Cast) -> None:
    bundle = everything(full_record)
    me = next(p for p in by_type(bundle, "Practitioner") if p["id"] == str(cast.owner.pk))
    systems = {i["system"]: i["value"] for i in me["identifier"]}
    assert systems["http://hl7.org/fhir/sid/us-npi"] == "1234567893"
    assert systems["urn:acuplan:fhir:licence:CA"] == "L-owner"
    licence = next(i for i in me["identifier"] if i["system"].endswith(":licence:CA"))
    assert licence["type"]["coding"][0]["code"] == "LN"


def test_it_codes_conditions_in_icd10cm_and_snomed(full_record: Patient) -> None:
    systems = {
        c["system"]
        for r in by_type(everything(full_record), "Condition")
        for c in r["code"]["coding"]
    }
    assert systems == {"http://hl7.org/fhir/sid/icd-10-cm", "http://snomed.info/sct"}


def test_it_ships_questionnaires_in_paraphrase_with_their_licences(
    full_record: Patient, kb: Knowledge
) -> None:
    questionnaires = {q["id"]: q for q in by_type(everything(full_record), "Questionnaire")}
    assert set(questionnaires) == {
        f"acuplan-{n}" for n in ("nrs", "peg", "rmdq", "odi", "start-back")
    }
    for name in ("nrs", "peg", "rmdq", "odi", "start_back"):
        q = questionnaires[f"acuplan-{name.replace('_', '-')}"]
        assert kb.instruments[name].licence in q["copyright"]
        assert "paraphrase" in q["copyright"]
        texts = [i["text"].split(" (0-")[0] for i in q["item"]]
        assert texts == list(kb.instruments[name].items)


def test_it_links_each_response_to_its_questionnaire(full_record: Patient) -> None:
    bundle = everything(full_record)
    urls = {q["url"] for q in by_type(bundle, "Questionnaire")}
    responses = by_type(bundle, "QuestionnaireResponse")
    assert responses
    assert {r["questionnaire"].split("|")[0] for r in responses} <= urls


def _facts(bundle: dict[str, Any]) -> dict[str, Any]:
    """What a golden file pins: resource counts and the codes, without ids and dates."""
    counts = Counter(e["resource"]["resourceType"] for e in bundle["entry"])
    codes: dict[str, list[str]] = {}
    for e in bundle["entry"]:
        r = e["resource"]
        if r["resourceType"] in {"Condition", "Observation", "Procedure"}:
            for c in r["code"]["coding"]:
                codes.setdefault(r["resourceType"], []).append(f"{c['system']}|{c['code']}")
    return {
        "counts": dict(sorted(counts.items())),
        "codes": {k: sorted(set(v)) for k, v in sorted(codes.items())},
        "careplan_status": sorted(r["status"] for r in by_type(bundle, "CarePlan")),
    }


@pytest.mark.parametrize("name", [p[4] for p in PATIENTS])
def test_it_matches_the_golden_bundle_of_each_demo_patient(db: None, name: str) -> None:
    create_demo("demo-password-for-tests")
    patient = next(
        p
        for p in Patient.objects.filter(clinic__slug="riverside")
        if p.intakes.first() and p.first_name == next(x[0] for x in PATIENTS if x[4] == name)
    )
    bundle = everything(patient)
    assert validate(bundle) == []
    facts = _facts(bundle)
    path = GOLDEN / f"{name}.json"
    if os.environ.get("ACUPLAN_UPDATE_GOLDEN"):
        path.write_text(json.dumps(facts, indent=2) + "\n")
    assert facts == json.loads(path.read_text())


@pytest.mark.parametrize(
    ("member", "status"),
    [
        ("owner", 200),
        ("colleague", 200),
        ("outsider", 404),
        ("front_desk", 403),
        ("anonymous", 401),
    ],
)
def test_it_guards_the_export_as_it_guards_the_chart(
    cast: Cast, full_record: Patient, member: str, status: int
) -> None:
    user = None if member == "anonymous" else getattr(cast, member)
    response = client_for(user).get(f"/fhir/Patient/{full_record.pk}/$everything")
    assert response.status_code == status, response.content[:300]
    body = response.json()
    if status == 200:
        assert response["Content-Type"] == "application/fhir+json"
        assert body["resourceType"] == "Bundle"
        assert AuditEvent.objects.filter(
            action="acuplan.fhir.exported", patient_id=full_record.pk, actor=user
        ).exists()
    else:
        assert body["resourceType"] == "OperationOutcome"
        assert "Byrne" not in response.content.decode()


def test_it_answers_an_unknown_fhir_path_with_an_operation_outcome(cast: Cast) -> None:
    response = client_for(cast.owner).get("/fhir/Observation/1")
    assert response.status_code == 404
    assert response.json()["issue"][0]["code"] == "not-found"


def test_it_writes_the_same_bundle_on_the_command_line(
    full_record: Patient, cast: Cast, tmp_path: Any
) -> None:
    api = Client()
    api.force_login(cast.owner)
    from_api = api.get(f"/fhir/Patient/{full_record.pk}/$everything").json()
    out = tmp_path / "bundle.json"
    with redirect_stdout(io.StringIO()):
        assert main(["fhir", "export", "--patient", str(full_record.pk), "-o", str(out)]) == 0
    from_cli = json.loads(out.read_text())
    from_api.pop("timestamp"), from_cli.pop("timestamp")
    assert from_cli == from_api
    assert AuditEvent.objects.filter(
        action="acuplan.fhir.exported", patient_id=full_record.pk, actor=None
    ).exists()


def test_it_refuses_to_export_a_patient_that_does_not_exist(db: None) -> None:
    assert main(["fhir", "export", "--patient", "999999"]) == 2


def test_it_fails_validation_for_a_broken_resource(full_record: Patient) -> None:
    """The validator is not a rubber stamp: a Procedure without a status is refused."""
    bundle = everything(full_record)
    procedure = by_type(bundle, "Procedure")[0]
    del procedure["status"]
    assert validate(bundle)
