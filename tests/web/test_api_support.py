"""Helpers shared by the API and audit tests (no tests here): clients for each member of
the cast, the operations the API documents, row counts of every model, and the one error
shape. The world holds one chart: intake, plans, a session and a payment."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.test import Client
from django.utils import timezone
from django.utils.crypto import get_random_string

from acuplan.accounts.models import User
from acuplan.accounts.tokens import create_token
from acuplan.billing import services as billing_services
from acuplan.billing.models import Payment
from acuplan.clinic import services
from acuplan.clinic.models import Intake, Patient, Plan, Session
from acuplan.outcomes import services as outcome_services
from acuplan.outcomes.models import OutcomeResponse
from tests.web.conftest import example

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def token_client(user: User) -> Client:
    """A client that authenticates with a fresh bearer token (and enforces CSRF, to show
    that token clients need none)."""
    return Client(
        enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {create_token(user, 'tests')}"
    )


def session_client(user: User) -> Client:
    """A logged-in browser session that sends its CSRF token, as the pages' JavaScript does."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    secret = get_random_string(32)
    client.cookies["csrftoken"] = secret
    client.defaults["HTTP_X_CSRFTOKEN"] = secret
    return client


def client_for(user: User | None, auth: str = "token") -> Client:
    if user is None:
        return Client(enforce_csrf_checks=True)
    return token_client(user) if auth == "token" else session_client(user)


def call(client: Client, method: str, path: str, body: object = None) -> Any:
    """The test client's response (typed ``Any``: django-stubs' response type is private)."""
    return client.generic(
        method.upper(),
        path,
        data=b"" if body is None else json.dumps(body),
        content_type="application/json",
    )


def openapi_operations() -> set[tuple[str, str]]:
    """Every (METHOD, path template) the API documents, e.g. ("GET", "/api/plans/{plan_id}")."""
    schema = Client().get("/api/openapi.json").json()
    return {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in HTTP_METHODS
    }


def row_counts() -> dict[str, int]:
    """Rows in every model's table (make clients before counting: logging in writes one)."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """The response is the one error shape with this status and code; returns ``error``."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["code"] == code
    assert isinstance(error["message"], str)
    assert error["message"]
    assert "Traceback" not in response.content.decode()
    for field in error["fields"]:
        assert set(field) == {"field", "message"}
        assert isinstance(field["field"], str)
        assert isinstance(field["message"], str)
    return error


@dataclass
class World:
    """One patient's chart: an intake, an approved plan with a session, and a draft plan."""

    patient: Patient
    intake: Intake
    approved_plan: Plan
    draft_plan: Plan
    session: Session
    payment: Payment
    response: OutcomeResponse
    """A pain score of the patient (a baseline to choose)."""
    referred: Patient
    """A second patient of the clinic, whose triage stopped treatment ..."""
    blocked_plan: Plan
    """... with this plan (a referral to record as made) ..."""
    flagged_response: OutcomeResponse
    """... and red flags reported by link (to mark as seen)."""

    def path_params(self) -> dict[str, int]:
        return {
            "patient_id": self.patient.pk,
            "intake_id": self.intake.pk,
            "plan_id": self.draft_plan.pk,
            "session_id": self.session.pk,
            "payment_id": self.payment.pk,
            "response_id": self.flagged_response.pk,
        }

    def url(self, template: str, **params: int) -> str:
        return template.format(**{**self.path_params(), **params})


def make_world(
    owner: User, patient: Patient, intake: Intake, approved_plan: Plan, session: Session
) -> World:
    draft = services.create_plan(actor=services.Actor(owner), intake=intake)
    payment = billing_services.record_payment(
        actor=services.Actor(owner),
        patient=patient,
        amount="95.00",
        method="card",
        received_on=timezone.localdate(),
    )
    actor = services.Actor(owner)
    response = outcome_services.record_outcome(
        actor=actor,
        patient=patient,
        kind="follow_up",
        answered_on=timezone.localdate(),
        data={"pain_nrs": 5},
    )
    referred = services.create_patient(
        actor=actor,
        data={"first_name": "Noor", "last_name": "Haddad", "date_of_birth": "1958-09-30"},
    )
    urgent = services.record_intake(
        actor=actor, patient=referred, data=example("red-flag-cauda-equina")
    )
    blocked = services.create_plan(actor=actor, intake=urgent)
    flagged = outcome_services.record_outcome(
        actor=actor,
        patient=referred,
        kind="follow_up",
        answered_on=timezone.localdate(),
        data={"pain_nrs": 8, "red_flags": ["urinary_retention"]},
    )
    return World(
        patient,
        intake,
        approved_plan,
        draft,
        session,
        payment,
        response,
        referred,
        blocked,
        flagged,
    )


def session_body(plan: Plan | None = None, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "date": timezone.localdate().isoformat(),
        "method": "manual",
        "points": [{"code": "BL23", "side": "bilateral", "depth_cun": 1.0, "de_qi": True}],
        "retention_minutes": 20,
        "pain_nrs": 4,
    }
    if plan is not None:
        body["plan"] = plan.pk
    body.update(changes)
    return body


def today() -> dt.date:
    return timezone.localdate()


def yesterday() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=1)
