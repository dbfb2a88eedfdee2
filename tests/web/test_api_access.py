"""The cast against every API operation. The operations come from the OpenAPI document, and
an operation without a row in ``TABLE`` fails the suite: a new endpoint cannot skip its
access test. Every member of the cast is tried with a bearer token and with a browser
session (CSRF enforced); a refused request must change nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from acuplan.audit.models import AuditEvent
from acuplan.clinic.models import Intake, Patient, Plan, Session
from tests.web.conftest import Cast, example
from tests.web.test_api_support import (
    World,
    assert_error,
    call,
    client_for,
    make_world,
    openapi_operations,
    row_counts,
    session_body,
    today,
)

MEMBERS = ("owner", "colleague", "outsider", "front_desk")
ERROR_CODES = {401: "not_authenticated", 403: "not_permitted", 404: "not_found"}


def clinical(ok: int) -> dict[str, int]:
    """A patient's clinical record: the clinic's clinicians only."""
    return {"owner": ok, "colleague": ok, "outsider": 404, "front_desk": 403, "anonymous": 401}


def demographic(ok: int) -> dict[str, int]:
    """A patient's demographics: the whole clinic, front desk included."""
    return {"owner": ok, "colleague": ok, "outsider": 404, "front_desk": ok, "anonymous": 401}


def any_member(ok: int) -> dict[str, int]:
    """Scoped to the caller's own clinic (an outsider acts on, or sees, their own)."""
    return {"owner": ok, "colleague": ok, "outsider": ok, "front_desk": ok, "anonymous": 401}


def public(ok: int) -> dict[str, int]:
    return dict.fromkeys((*MEMBERS, "anonymous"), ok)


@dataclass(frozen=True)
class Op:
    expect: dict[str, int]
    body: Callable[[World], object] | None = None
    params: Callable[[World], dict[str, int]] | None = None
    """Path parameters other than the world's defaults."""
    patient: Callable[[World], Patient] | None = None
    """The patient the operation acts on, when not the world's first."""

    def url(self, world: World, path: str) -> str:
        return world.url(path, **(self.params(world) if self.params else {}))

    def patient_of(self, world: World) -> Patient:
        return self.patient(world) if self.patient else world.patient


TABLE: dict[tuple[str, str], Op] = {
    ("GET", "/api/ping"): Op(public(200)),
    ("GET", "/api/schema/intake"): Op(public(200)),
    ("GET", "/api/schema/plan"): Op(public(200)),
    # Stateless planning touches no record, but it is a clinical tool: clinicians only.
    ("POST", "/api/plans"): Op(
        {**any_member(200), "front_desk": 403}, lambda w: example("chronic-cold-damp")
    ),
    ("GET", "/api/patients"): Op(any_member(200)),
    ("POST", "/api/patients"): Op(
        any_member(201),
        lambda w: {"first_name": "Grace", "last_name": "Okafor", "date_of_birth": "1962-03-04"},
    ),
    ("GET", "/api/patients/{patient_id}"): Op(demographic(200)),
    ("POST", "/api/patients/{patient_id}/intakes"): Op(
        clinical(201), lambda w: example("sciatica-on-apixaban")
    ),
    ("GET", "/api/intakes/{intake_id}"): Op(clinical(200)),
    ("POST", "/api/intakes/{intake_id}/plans"): Op(clinical(201)),
    ("GET", "/api/plans/{plan_id}"): Op(clinical(200)),
    ("POST", "/api/plans/{plan_id}/approve"): Op(clinical(200)),
    ("POST", "/api/plans/{plan_id}/overrides"): Op(
        clinical(201),
        lambda w: {"kind": "remove_point", "target": "BL23", "reason": "tender after last visit"},
    ),
    ("GET", "/api/patients/{patient_id}/plans"): Op(clinical(200)),
    ("POST", "/api/patients/{patient_id}/sessions"): Op(
        clinical(201), lambda w: session_body(w.approved_plan)
    ),
    ("GET", "/api/sessions/{session_id}"): Op(clinical(200)),
    ("GET", "/api/patients/{patient_id}/sessions"): Op(clinical(200)),
    ("POST", "/api/patients/{patient_id}/outcomes"): Op(
        clinical(201),
        lambda w: {"instrument": "nrs", "answers": 4, "answered_on": today().isoformat()},
    ),
    ("GET", "/api/patients/{patient_id}/outcomes"): Op(clinical(200)),
    ("PUT", "/api/patients/{patient_id}/baseline"): Op(
        clinical(200),
        lambda w: {"response": w.response.pk, "reason": "the intake score was a typo"},
    ),
    ("POST", "/api/outcomes/{response_id}/flags-seen"): Op(
        clinical(200), patient=lambda w: w.referred
    ),
    ("POST", "/api/plans/{plan_id}/referral-made"): Op(
        clinical(201),
        lambda w: {"note": "phoned the emergency department"},
        params=lambda w: {"plan_id": w.blocked_plan.pk},
        patient=lambda w: w.referred,
    ),
    # Booking and its outbox carry times, not clinical notes: front desk books too.
    ("POST", "/api/patients/{patient_id}/appointments"): Op(
        demographic(201),
        lambda w: {
            "starts_at": f"{today() + dt.timedelta(days=3)}T10:00:00",
            "practitioner": w.session.practitioner_id,
        },
    ),
    ("GET", "/api/patients/{patient_id}/appointments"): Op(demographic(200)),
    ("GET", "/api/patients/{patient_id}/follow-ups"): Op(demographic(200)),
    # Billing is front-desk work: codes, dates and money, never the clinical notes.
    ("POST", "/api/billing/cpt"): Op(
        any_member(200),
        lambda w: {"sets": [{"stimulation": "manual", "face_to_face_minutes": 14}]},
    ),
    ("GET", "/api/sessions/{session_id}/superbill"): Op(demographic(200)),
    ("GET", "/api/patients/{patient_id}/superbill"): Op(demographic(200)),
    ("GET", "/api/patients/{patient_id}/account"): Op(demographic(200)),
    ("POST", "/api/patients/{patient_id}/payments"): Op(
        demographic(201), lambda w: {"amount": "40.00", "method": "cash"}
    ),
    ("POST", "/api/payments/{payment_id}/reversal"): Op(
        demographic(201), lambda w: {"reason": "card charged twice"}
    ),
    ("POST", "/api/patients/{patient_id}/packages"): Op(
        demographic(201), lambda w: {"sessions": 6, "price": "480.00"}
    ),
}

CALLERS = [(m, auth) for m in MEMBERS for auth in ("token", "session")] + [("anonymous", "-")]


@pytest.fixture
def world(
    cast: Cast, patient: Patient, intake: Intake, approved_plan: Plan, session: Session
) -> World:
    return make_world(cast.owner, patient, intake, approved_plan, session)


def test_it_has_an_access_row_for_every_documented_operation(db: None) -> None:
    documented = openapi_operations()
    assert documented - TABLE.keys() == set(), "add these operations to TABLE"
    assert TABLE.keys() - documented == set(), "TABLE lists operations the API no longer has"


@pytest.mark.parametrize(("member", "auth"), CALLERS)
@pytest.mark.parametrize(("method", "path"), sorted(TABLE))
def test_it_gives_each_member_of_the_cast_the_right_status(
    cast: Cast, world: World, member: str, auth: str, method: str, path: str
) -> None:
    op = TABLE[(method, path)]
    client = client_for(None if member == "anonymous" else getattr(cast, member), auth)
    before = row_counts()
    last_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0

    response = call(client, method, op.url(world, path), op.body(world) if op.body else None)

    expected = op.expect[member]
    if expected < 400:
        assert response.status_code == expected, response.content
    else:
        assert_error(response, expected, ERROR_CODES[expected])
        audit = "audit.AuditEvent"
        after = row_counts()
        assert after.pop(audit) >= before.pop(audit)
        assert after == before, "a refused request changed the database"
        # ... but it is audited: a refusal by a signed-in user leaves its event.
        actions = list(
            AuditEvent.objects.filter(id__gt=last_event).values_list("action", flat=True)
        )
        assert set(actions) <= {"acuplan.access.refused", "acuplan.token.used_from_new_address"}
        assert ("acuplan.access.refused" in actions) == (member != "anonymous")


def test_it_never_lists_another_clinics_patients(cast: Cast, world: World) -> None:
    for member, sees in (("owner", True), ("front_desk", True), ("outsider", False)):
        items = call(client_for(getattr(cast, member)), "GET", "/api/patients").json()["items"]
        assert (world.patient.pk in {p["id"] for p in items}) is sees, member


def test_it_creates_an_outsiders_patient_in_the_outsiders_own_clinic(cast: Cast) -> None:
    body = {"first_name": "Ines", "last_name": "Moreau", "date_of_birth": "1990-01-02"}
    created = call(client_for(cast.outsider), "POST", "/api/patients", body).json()
    assert Patient.objects.get(pk=created["id"]).clinic_id == cast.outsider.clinic_id
