"""The audit trail: every write service leaves exactly one event in its transaction, every
chart read through the API leaves exactly one, and a write that fails, at whatever step,
leaves no partial record and no event (row counts of every model compared)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import IntegrityError, models
from django.utils import timezone

from acuplan.accounts.models import Role, User
from acuplan.audit.models import AuditEvent
from acuplan.clinic import services
from acuplan.clinic.models import Intake, Patient, Plan, Session
from acuplan.core.errors import Conflict, InvalidInput, InvalidIntake, NotPermitted
from tests.web.conftest import Cast, example, make_user
from tests.web.test_api_access import TABLE
from tests.web.test_api_support import (
    World,
    assert_error,
    call,
    client_for,
    make_world,
    openapi_operations,
    row_counts,
    session_body,
)

IP = "203.0.113.9"


@dataclass
class Chart:
    patient: Patient
    intake: Intake
    draft: Plan
    approved: Plan
    blocked: Plan
    """Another patient's plan that stops treatment (suspected cauda equina)."""


@pytest.fixture
def chart(cast: Cast, patient: Patient, intake: Intake, approved_plan: Plan) -> Chart:
    actor = services.Actor(cast.owner)
    draft = services.create_plan(actor=actor, intake=intake)
    other = services.create_patient(
        actor=actor, data={"first_name": "Cy", "last_name": "Dunn", "date_of_birth": "1970-05-06"}
    )
    red = services.record_intake(actor=actor, patient=other, data=example("red-flag-cauda-equina"))
    blocked = services.create_plan(actor=actor, intake=red)
    return Chart(patient, intake, draft, approved_plan, blocked)


@pytest.fixture
def world(
    cast: Cast, patient: Patient, intake: Intake, approved_plan: Plan, session: Session
) -> World:
    return make_world(cast.owner, patient, intake, approved_plan, session)


def latest_event() -> AuditEvent:
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None
    return event


# --- every write service: exactly one event --------------------------------------------------

Write = Callable[[services.Actor, Chart], tuple[models.Model, Patient]]


def _create_patient(actor: services.Actor, c: Chart) -> tuple[models.Model, Patient]:
    p = services.create_patient(
        actor=actor, data={"first_name": "Bo", "last_name": "Lind", "date_of_birth": "1981-02-03"}
    )
    return p, p


def _record_intake(actor: services.Actor, c: Chart) -> tuple[models.Model, Patient]:
    data = example("sciatica-on-apixaban")
    return services.record_intake(actor=actor, patient=c.patient, data=data), c.patient


def _create_plan(actor: services.Actor, c: Chart) -> tuple[models.Model, Patient]:
    return services.create_plan(actor=actor, intake=c.intake), c.patient


def _approve_plan(actor: services.Actor, c: Chart) -> tuple[models.Model, Patient]:
    return services.approve_plan(actor=actor, plan=c.draft), c.patient


def _override_plan(actor: services.Actor, c: Chart) -> tuple[models.Model, Patient]:
    override = services.override_plan(
        actor=actor, plan=c.draft, kind="add_point", target="BL60", reason="radiating calf pain"
    )
    return override, c.patient


def _record_consent(actor: services.Actor, c: Chart) -> tuple[models.Model, Patient]:
    consent = services.record_consent(
        actor=actor,
        patient=c.patient,
        plan=c.approved,
        explained=["what_to_expect", "risks", "benefits"],
        signed_by_name="Ada Byrne",
        signed_at=timezone.now(),
    )
    return consent, c.patient


def _record_session(actor: services.Actor, c: Chart) -> tuple[models.Model, Patient]:
    session = services.record_session(
        actor=actor,
        patient=c.patient,
        plan=c.approved,
        date=timezone.localdate(),
        method="manual",
        points=[{"code": "BL23", "side": "bilateral", "depth_cun": "1.0"}, {"code": "GV4"}],
        adverse_events=[{"kind": "bruising", "severity": "mild"}],
    )
    return session, c.patient


def _record_referral_made(actor: services.Actor, c: Chart) -> tuple[models.Model, Patient]:
    made = services.record_referral_made(actor=actor, plan=c.blocked, note="called 999")
    return made, c.blocked.patient


def _update_patient(actor: services.Actor, c: Chart) -> tuple[models.Model, Patient]:
    patient = services.update_patient(actor=actor, patient=c.patient, data={"phone": "555-0101"})
    return patient, c.patient


WRITES: dict[str, tuple[Write, str]] = {
    "create_patient": (_create_patient, "acuplan.patient.created"),
    "record_intake": (_record_intake, "acuplan.intake.recorded"),
    "create_plan": (_create_plan, "acuplan.plan.created"),
    "approve_plan": (_approve_plan, "acuplan.plan.approved"),
    "override_plan": (_override_plan, "acuplan.plan.overridden"),
    "record_consent": (_record_consent, "acuplan.consent.recorded"),
    "record_session": (_record_session, "acuplan.session.recorded"),
    "record_referral_made": (_record_referral_made, "acuplan.referral.made"),
    "update_patient": (_update_patient, "acuplan.patient.updated"),
}


def test_it_covers_every_write_service() -> None:
    public = {
        name
        for name, value in vars(services).items()
        if callable(value)
        and not name.startswith("_")
        and getattr(value, "__module__", "") == services.__name__
        and name
        not in {
            "Actor",
            "record_read",
            "require_clinical_actor",
            "require_practitioner",
            "removed_classes",
            "patient_errors",  # checks data, writes nothing
        }
    }
    assert public == WRITES.keys(), "a new write service needs its audit case here"


@pytest.mark.parametrize("name", sorted(WRITES))
def test_it_leaves_exactly_one_event_per_write(cast: Cast, chart: Chart, name: str) -> None:
    write, action = WRITES[name]
    before = AuditEvent.objects.count()

    record, patient = write(services.Actor(cast.owner, ip=IP), chart)

    assert AuditEvent.objects.count() == before + 1
    event = latest_event()
    assert event.action == action
    assert (event.actor_id, event.clinic_id) == (cast.owner.pk, cast.owner.clinic_id)
    assert event.patient_id == patient.pk
    assert (event.record_type, event.record_id) == (record._meta.model_name, str(record.pk))
    assert event.ip == IP


# --- the API: one event per write and per chart read ---------------------------------------

API_ACTIONS: dict[tuple[str, str], str | None] = {
    ("GET", "/api/ping"): None,
    ("GET", "/api/schema/intake"): None,
    ("GET", "/api/schema/plan"): None,
    ("POST", "/api/plans"): None,  # stateless: reads and writes no record
    ("GET", "/api/patients"): "acuplan.patient_list.read",  # names the ids shown
    ("POST", "/api/patients"): "acuplan.patient.created",
    ("GET", "/api/patients/{patient_id}"): "acuplan.patient.read",
    ("POST", "/api/patients/{patient_id}/intakes"): "acuplan.intake.recorded",
    ("GET", "/api/intakes/{intake_id}"): "acuplan.intake.read",
    ("POST", "/api/intakes/{intake_id}/plans"): "acuplan.plan.created",
    ("GET", "/api/plans/{plan_id}"): "acuplan.plan.read",
    ("POST", "/api/plans/{plan_id}/approve"): "acuplan.plan.approved",
    ("POST", "/api/plans/{plan_id}/overrides"): "acuplan.plan.overridden",
    ("GET", "/api/patients/{patient_id}/plans"): "acuplan.plans.read",
    ("POST", "/api/patients/{patient_id}/sessions"): "acuplan.session.recorded",
    ("GET", "/api/sessions/{session_id}"): "acuplan.session.read",
    ("GET", "/api/patients/{patient_id}/sessions"): "acuplan.sessions.read",
    ("POST", "/api/patients/{patient_id}/outcomes"): "acuplan.outcome.recorded",
    ("GET", "/api/patients/{patient_id}/outcomes"): "acuplan.outcomes.read",
    ("PUT", "/api/patients/{patient_id}/baseline"): "acuplan.outcome.baseline_set",
    ("POST", "/api/outcomes/{response_id}/flags-seen"): "acuplan.red_flags.seen",
    ("POST", "/api/plans/{plan_id}/referral-made"): "acuplan.referral.made",
    ("POST", "/api/patients/{patient_id}/appointments"): "acuplan.appointment.booked",
    ("GET", "/api/patients/{patient_id}/appointments"): "acuplan.appointments.read",
    ("GET", "/api/patients/{patient_id}/follow-ups"): "acuplan.follow_ups.read",
    ("POST", "/api/billing/cpt"): None,  # stateless: reads and writes no record
    ("GET", "/api/sessions/{session_id}/superbill"): "acuplan.superbill.read",
    ("GET", "/api/patients/{patient_id}/superbill"): "acuplan.superbill.read",
    ("GET", "/api/patients/{patient_id}/account"): "acuplan.account.read",
    ("POST", "/api/patients/{patient_id}/payments"): "acuplan.payment.recorded",
    ("POST", "/api/payments/{payment_id}/reversal"): "acuplan.payment.reversed",
    ("POST", "/api/patients/{patient_id}/packages"): "acuplan.package.recorded",
}


def test_it_says_what_every_api_operation_audits(db: None) -> None:
    assert set(API_ACTIONS) == openapi_operations()


@pytest.mark.parametrize("auth", ["token", "session"])
@pytest.mark.parametrize(("method", "path"), sorted(API_ACTIONS))
def test_it_leaves_one_event_per_api_write_and_chart_read(
    cast: Cast, world: World, method: str, path: str, auth: str
) -> None:
    op, action = TABLE[(method, path)], API_ACTIONS[(method, path)]
    client = client_for(cast.colleague, auth)
    before = AuditEvent.objects.count()

    for page in ("", "?page=2") if method == "GET" else ("",):
        response = call(
            client, method, op.url(world, path) + page, op.body(world) if op.body else None
        )
        assert response.status_code < 300, response.content

        if action is None:
            assert AuditEvent.objects.count() == before
            continue
        assert AuditEvent.objects.count() == before + 1
        event = latest_event()
        assert event.action == action
        assert event.actor_id == cast.colleague.pk
        if (method, path) == ("GET", "/api/patients"):
            shown = [p["id"] for p in response.json()["items"]]
            assert (event.patient_id, event.detail["patient_ids"]) == (None, shown)
        else:
            assert event.patient_id == (
                response.json()["id"] if path == "/api/patients" else op.patient_of(world).pk
            )
        assert event.ip == "127.0.0.1"  # REMOTE_ADDR
        before += 1


def test_it_records_a_refusal_but_no_read_when_access_is_refused(cast: Cast, world: World) -> None:
    clients = {
        m: client_for(getattr(cast, m) if m else None) for m in ("outsider", "front_desk", None)
    }
    start = latest_event().pk
    for member, status in (("outsider", 404), ("front_desk", 403), (None, 401)):
        response = clients[member].get(f"/api/sessions/{world.session.pk}")
        assert response.status_code == status
    events = list(AuditEvent.objects.filter(pk__gt=start).order_by("id"))
    assert [(e.action, e.actor_id, e.detail["status"]) for e in events] == [
        ("acuplan.access.refused", cast.outsider.pk, 404),
        ("acuplan.access.refused", cast.front_desk.pk, 403),
    ]
    assert events[0].detail["path"] == f"/api/sessions/{world.session.pk}"


# --- failed writes: nothing at all -------------------------------------------------------------


def _lapsed(cast: Cast) -> User:
    assert cast.owner.clinic is not None
    return make_user(cast.owner.clinic, "lapsed", licence_days=-1)


def _session_with(**changes: Any) -> Callable[[User, Chart], object]:
    def write(user: User, c: Chart) -> object:
        args: dict[str, Any] = {
            "patient": c.patient,
            "plan": c.approved,
            "date": timezone.localdate(),
            "method": "manual",
            "points": [{"code": "BL23"}],
            **changes,
        }
        return services.record_session(actor=services.Actor(user), **args)

    return write


FAILURES: dict[str, tuple[str, Callable[[User, Chart], object], type[Exception]]] = {
    "patient without a name": (
        "owner",
        lambda u, c: services.create_patient(
            actor=services.Actor(u), data={"last_name": "X", "date_of_birth": "1970-01-01"}
        ),
        InvalidInput,
    ),
    "intake breaking the contract": (
        "owner",
        lambda u, c: services.record_intake(
            actor=services.Actor(u), patient=c.patient, data={"schema_version": "1"}
        ),
        InvalidIntake,
    ),
    "override without a reason": (
        "owner",
        lambda u, c: services.override_plan(
            actor=services.Actor(u), plan=c.draft, kind="add_point", target="BL60", reason=" "
        ),
        InvalidInput,
    ),
    "consent without the risks": (
        "owner",
        lambda u, c: services.record_consent(
            actor=services.Actor(u),
            patient=c.patient,
            explained=["benefits"],
            signed_by_name="Ada Byrne",
            signed_at=timezone.now(),
        ),
        InvalidInput,
    ),
    "session with an unknown point": (
        "owner",
        _session_with(points=[{"code": "BL23"}, {"code": "XX99"}]),
        InvalidInput,
    ),
    "session in the future": (
        "owner",
        _session_with(date=timezone.localdate() + dt.timedelta(days=2)),
        InvalidInput,
    ),
    "session by an expired licence": ("lapsed", _session_with(), NotPermitted),
    "approval by an expired licence": (
        "lapsed",
        lambda u, c: services.approve_plan(actor=services.Actor(u), plan=c.draft),
        NotPermitted,
    ),
    "intake by front desk": (
        "front_desk",
        lambda u, c: services.record_intake(
            actor=services.Actor(u), patient=c.patient, data=example("chronic-cold-damp")
        ),
        NotPermitted,
    ),
    "plan by front desk": (
        "front_desk",
        lambda u, c: services.create_plan(actor=services.Actor(u), intake=c.intake),
        NotPermitted,
    ),
    "approving an approved plan": (
        "owner",
        lambda u, c: services.approve_plan(actor=services.Actor(u), plan=c.approved),
        Conflict,
    ),
    # Values the database would reject are caught before any row is written.
    "session point with a non-boolean de_qi": (
        "owner",
        _session_with(points=[{"code": "BL23"}, {"code": "GV4", "de_qi": "maybe"}]),
        InvalidInput,
    ),
    "session point with a NaN depth": (
        "owner",
        _session_with(points=[{"code": "BL23", "depth_cun": "NaN"}]),
        InvalidInput,
    ),
}


@pytest.mark.parametrize("name", sorted(FAILURES))
def test_it_leaves_nothing_behind_when_a_write_fails(cast: Cast, chart: Chart, name: str) -> None:
    member, write, error = FAILURES[name]
    user = _lapsed(cast) if member == "lapsed" else getattr(cast, member)
    before = row_counts()
    with pytest.raises(error):
        write(user, chart)
    assert row_counts() == before


def _failing_audit(*args: object, **kwargs: object) -> AuditEvent:
    raise IntegrityError("simulated: the audit insert failed")


@pytest.mark.parametrize("name", sorted(WRITES))
def test_it_leaves_nothing_behind_when_the_audit_event_fails(
    cast: Cast, chart: Chart, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The audit event is each service's last write: when it fails, every row written
    before it in the transaction must go too."""
    write, _ = WRITES[name]
    before = row_counts()
    monkeypatch.setattr(AuditEvent.objects, "create", _failing_audit)
    with pytest.raises(IntegrityError):
        write(services.Actor(cast.owner), chart)
    monkeypatch.undo()
    assert row_counts() == before


@pytest.mark.django_db(transaction=True)
def test_it_rolls_back_a_failed_session_in_a_real_transaction(
    cast: Cast, chart: Chart, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With real commits and rollbacks rather than the test's savepoints: the session and its
    points are written, then the audit insert fails, and nothing is left behind."""
    before = row_counts()
    monkeypatch.setattr(AuditEvent.objects, "create", _failing_audit)
    with pytest.raises(IntegrityError):
        _session_with()(cast.owner, chart)
    monkeypatch.undo()
    assert row_counts() == before


def test_it_leaves_nothing_behind_when_an_api_write_fails(
    cast: Cast, chart: Chart, monkeypatch: pytest.MonkeyPatch
) -> None:
    lapsed = client_for(_lapsed(cast))
    owner = client_for(cast.owner)
    url = f"/api/patients/{chart.patient.pk}/sessions"
    before = row_counts()

    assert_error(call(lapsed, "POST", url, session_body(chart.approved)), 403, "not_permitted")
    bad_point = session_body(chart.approved, points=[{"code": "BL23"}, {"code": "XX99"}])
    error = assert_error(call(owner, "POST", url, bad_point), 422, "invalid_input")
    assert [f["field"] for f in error["fields"]] == ["points.1.code"]
    monkeypatch.setattr(AuditEvent.objects, "create", _failing_audit)
    assert_error(call(owner, "POST", url, session_body(chart.approved)), 500, "server_error")
    monkeypatch.undo()

    after = row_counts()
    # Only the lapsed practitioner's refusal is recorded; nothing else is left.
    assert after.pop("audit.AuditEvent") == before.pop("audit.AuditEvent") + 1
    assert latest_event().action == "acuplan.access.refused"
    assert after == before


def test_it_records_the_front_desk_as_actor_when_it_registers_a_patient(cast: Cast) -> None:
    response = call(
        client_for(cast.front_desk),
        "POST",
        "/api/patients",
        {"first_name": "Lu", "last_name": "Chen", "date_of_birth": "1999-09-09"},
    )
    assert response.status_code == 201
    event = latest_event()
    assert (event.action, event.actor_id) == ("acuplan.patient.created", cast.front_desk.pk)
    assert Patient.objects.get(pk=response.json()["id"]).practitioner_id is None
    assert cast.front_desk.role == Role.FRONT_DESK
