"""Stateless planning (POST /api/plans), token authentication, and the one error shape."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from acuplan.accounts.models import ApiToken
from acuplan.accounts.tokens import create_token
from acuplan.clinic import services
from acuplan.clinic.models import Plan
from acuplan.core.intake import Intake as IntakeContract
from acuplan.core.intake import parse_intake
from acuplan.core.knowledge import Knowledge
from acuplan.core.plan import PLAN_ADAPTER, assess_and_plan, plan_json, plan_schema
from tests.conftest import EXAMPLES
from tests.web.conftest import Cast, example
from tests.web.test_api_support import (
    assert_error,
    call,
    client_for,
    row_counts,
    session_client,
)

CONTRACT_KEYS = {
    "triage",
    "classification",
    "scores",
    "patterns",
    "prescription",
    "course",
    "evidence",
    "versions",
}
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.json"))


def _bad_intake() -> dict[str, Any]:
    intake = example("chronic-cold-damp")
    intake.update(jurisdiction="XX", extra=True, red_flags=["bogus"])
    intake["patient"] = {"age_years": 130, "sex": "robot"}
    intake["pain"] = {"regions": ["lower_back"], "duration_weeks": -1, "intensity_nrs": 11}
    intake["tcm"] = {"pulse": ["wobbly"]}
    intake["questionnaires"] = {"odi": [0, 1, 2]}
    return intake


BAD_FIELDS = {
    "jurisdiction",
    "extra",
    "red_flags.0",
    "patient.age_years",
    "patient.sex",
    "pain.duration_weeks",
    "pain.intensity_nrs",
    "tcm.pulse.0",
    "questionnaires.odi",
}


# --- stateless planning -------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_it_plans_every_example_without_touching_the_records(
    cast: Cast, kb: Knowledge, path: Path
) -> None:
    intake = json.loads(path.read_text())
    client = client_for(cast.owner)
    before = row_counts()

    with CaptureQueriesContext(connection) as queries:
        response = call(client, "POST", "/api/plans", intake)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body.keys() >= CONTRACT_KEYS
    PLAN_ADAPTER.validate_python(body)  # the contract's shape, field by field
    expected = assess_and_plan(parse_intake(intake), knowledge=kb, as_of=timezone.localdate())
    assert body == plan_json(expected)
    assert row_counts() == before
    # Only the token lookup (and its last_used stamp) reach the database.
    assert all("accounts_apitoken" in q["sql"] for q in queries.captured_queries), [
        q["sql"] for q in queries.captured_queries
    ]


def test_it_plans_for_a_logged_in_browser_session_that_sends_its_csrf_token(cast: Cast) -> None:
    response = call(session_client(cast.owner), "POST", "/api/plans", example("chronic-cold-damp"))
    assert response.status_code == 200
    assert response.json()["triage"]["decision"] in {"proceed", "proceed_with_precautions"}


def test_it_refuses_a_session_post_without_the_csrf_token(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.owner)
    response = call(client, "POST", "/api/plans", example("chronic-cold-damp"))
    assert_error(response, 403, "csrf_failed")


def test_it_names_every_bad_field_of_an_intake(cast: Cast) -> None:
    client = client_for(cast.owner)
    before = row_counts()
    response = call(client, "POST", "/api/plans", _bad_intake())
    error = assert_error(response, 422, "invalid_intake")
    assert {f["field"] for f in error["fields"]} == BAD_FIELDS
    assert row_counts() == before


@pytest.mark.parametrize("body", [[], "intake", 3, None])
def test_it_refuses_an_intake_that_is_not_an_object(cast: Cast, body: object) -> None:
    client = client_for(cast.owner)
    response = client.post("/api/plans", json.dumps(body), content_type="application/json")
    error = assert_error(response, 422, "invalid_intake")
    assert [f["field"] for f in error["fields"]] == ["(root)"]


def test_it_answers_a_body_that_is_not_json_with_400(cast: Cast) -> None:
    client = client_for(cast.owner)
    for path in ("/api/plans", "/api/patients"):
        response = client.post(path, "{not json", content_type="application/json")
        assert_error(response, 400, "bad_request")


# --- tokens -------------------------------------------------------------------------------


def test_it_stores_only_the_hash_of_a_token(cast: Cast) -> None:
    plain = create_token(cast.owner, "laptop")
    token = ApiToken.objects.get(user=cast.owner)
    assert token.key_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in json.dumps(list(ApiToken.objects.values()), default=str)
    assert (token.name, token.revoked, token.last_used) == ("laptop", False, None)


def test_it_stamps_last_used_at_most_once_a_minute(cast: Cast) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {create_token(cast.owner, 'cli')}")
    assert client.get("/api/patients").status_code == 200
    first = ApiToken.objects.get(user=cast.owner).last_used
    assert first is not None
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/patients").status_code == 200
    assert ApiToken.objects.get(user=cast.owner).last_used == first
    assert not any(q["sql"].startswith("UPDATE") for q in queries.captured_queries)


@pytest.mark.parametrize(
    "header",
    [
        "Bearer acu_unknown-token",
        "Bearer not-even-our-format",
        "Bearer ",
        "Token {token}",
        "{token}",
    ],
)
def test_it_refuses_an_unknown_or_malformed_token_with_401(cast: Cast, header: str) -> None:
    token = create_token(cast.owner, "cli")
    client = Client(HTTP_AUTHORIZATION=header.format(token=token))
    assert_error(client.get("/api/patients"), 401, "not_authenticated")
    assert_error(
        call(client, "POST", "/api/plans", example("chronic-cold-damp")), 401, "not_authenticated"
    )


def test_it_refuses_a_revoked_token_with_401(cast: Cast) -> None:
    plain = create_token(cast.owner, "lost phone")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert client.get("/api/patients").status_code == 200
    ApiToken.objects.get(user=cast.owner).revoke()
    assert_error(client.get("/api/patients"), 401, "not_authenticated")


def test_it_refuses_the_token_of_a_deactivated_user_with_401(cast: Cast) -> None:
    client = client_for(cast.owner)
    cast.owner.is_active = False
    cast.owner.save(update_fields=["is_active"])
    assert_error(client.get("/api/patients"), 401, "not_authenticated")


# --- one error shape ------------------------------------------------------------------------


def test_it_answers_every_error_in_the_one_shape(cast: Cast, approved_plan: Plan) -> None:
    owner, anonymous = client_for(cast.owner), Client()
    bad_patient = {"first_name": "", "last_name": "X", "date_of_birth": "2990-01-01"}
    cases = [
        (anonymous.get("/api/patients"), 401, "not_authenticated"),
        (client_for(cast.front_desk).get(f"/api/plans/{approved_plan.pk}"), 403, "not_permitted"),
        (client_for(cast.outsider).get(f"/api/plans/{approved_plan.pk}"), 404, "not_found"),
        (owner.get("/api/no/such/endpoint"), 404, "not_found"),
        (call(owner, "DELETE", "/api/patients"), 405, "method_not_allowed"),
        (call(owner, "POST", f"/api/plans/{approved_plan.pk}/approve"), 409, "conflict"),
        (call(owner, "POST", "/api/patients", bad_patient), 422, "invalid_input"),
        (call(owner, "POST", "/api/patients", {"first_name": 3}), 422, "invalid_input"),
        (call(owner, "POST", "/api/plans", {}), 422, "invalid_intake"),
        (owner.post("/api/plans", "[", content_type="application/json"), 400, "bad_request"),
    ]
    for response, status, code in cases:
        assert_error(response, status, code)


def test_it_names_fields_the_same_way_for_schema_and_service_errors(cast: Cast) -> None:
    owner = client_for(cast.owner)
    schema_error = assert_error(
        call(owner, "POST", "/api/patients", {"last_name": "X", "date_of_birth": "1970-01-01"}),
        422,
        "invalid_input",
    )
    service_error = assert_error(
        call(
            owner,
            "POST",
            "/api/patients",
            {"first_name": " ", "last_name": "X", "date_of_birth": "1970-01-01"},
        ),
        422,
        "invalid_input",
    )
    assert [f["field"] for f in schema_error["fields"]] == ["first_name"]
    assert [f["field"] for f in service_error["fields"]] == ["first_name"]


def test_it_hides_an_unexpected_error_behind_a_logged_500(
    cast: Cast, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(services, "create_patient", broken)
    body = {"first_name": "A", "last_name": "B", "date_of_birth": "1970-01-01"}
    with caplog.at_level(logging.ERROR, logger="acuplan.api"):
        response = call(client_for(cast.owner), "POST", "/api/patients", body)
    assert_error(response, 500, "server_error")
    assert b"secret internals" not in response.content
    assert any("secret internals" in str(r.exc_info) for r in caplog.records)


# --- documentation --------------------------------------------------------------------------


def test_it_documents_the_api_as_openapi_3_with_the_contract_schemas(db: None) -> None:
    schema = Client().get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    components = schema["components"]
    assert {"Intake", "Plan", "Error"} <= components["schemas"].keys()
    assert {"BearerToken", "SessionAuth"} <= components["securitySchemes"].keys()
    plans = schema["paths"]["/api/plans"]["post"]
    assert plans["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Intake"
    }
    refs = {
        ref
        for ref in _refs(schema)
        if ref.startswith("#/components/schemas/")
        and ref.removeprefix("#/components/schemas/") not in components["schemas"]
    }
    assert refs == set(), "dangling $refs"


def _refs(node: object) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "$ref"] + [
            r for v in node.values() for r in _refs(v)
        ]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_it_serves_the_docs_page_and_the_contract_schemas(db: None) -> None:
    client = Client()
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert b"openapi.json" in docs.content
    assert client.get("/api/schema/intake").json() == IntakeContract.model_json_schema()
    assert client.get("/api/schema/plan").json() == plan_schema()
    assert client.get("/api/ping").json() == {"pong": True}
