"""What the pages need that the service layer does not offer on its own.

- ``record_intake_and_plan``: the intake form's one write (intake, then its draft plan) in
  one transaction, so a failure leaves neither behind.
- Dashboard read models: today's sessions, patients due for reassessment, drafts to approve.
- ``session_prefill``: what the session form starts from (the last session, else the
  approved plan with its overrides applied).
- ``licence_problem``: the reason a user may not record treatment today, to warn before
  the form is filled in (``services.record_session`` still makes the decision).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from acuplan.accounts.models import PractitionerProfile, User
from acuplan.clinic import services
from acuplan.clinic.models import Patient, Plan, PlanStatus, Session
from acuplan.clinic.prescription import effective_prescription

# --- writes -----------------------------------------------------------------------------


@transaction.atomic
def record_intake_and_plan(
    *,
    actor: services.Actor,
    patient: Patient,
    data: object,
    confirmed_removals: tuple[str, ...] = (),
) -> Plan:
    """Store the intake and its draft plan, or nothing (InvalidIntake names every bad
    field; NotPermitted for a non-clinical user)."""
    intake = services.record_intake(
        actor=actor, patient=patient, data=data, confirmed_removals=confirmed_removals
    )
    return services.create_plan(actor=actor, intake=intake)


# --- session form pre-fill --------------------------------------------------------------


@dataclass(frozen=True)
class SessionPrefill:
    """Where the session form starts. ``source`` is "last_session", "plan" or "none";
    ``plan`` is the approved plan a new session follows (None when there is none)."""

    source: str
    plan: Plan | None
    initial: dict[str, Any] = field(default_factory=dict)
    points: list[dict[str, Any]] = field(default_factory=list)
    sets: list[dict[str, Any]] = field(default_factory=list)
    """One needle set by default: the last session's sets, else the plan's method."""


def current_plan(patient: Patient) -> Plan | None:
    """The patient's approved plan, with its overrides."""
    return (
        patient.plans.filter(status=PlanStatus.APPROVED)
        .prefetch_related("overrides")
        .order_by("-approved_at", "-pk")
        .first()
    )


def session_prefill(patient: Patient, today: dt.date) -> SessionPrefill:
    plan = current_plan(patient)
    last = patient.sessions.prefetch_related("points", "sets").order_by("-date", "-pk").first()
    if last is not None:
        initial = _from_session(last, today)
        sets = _sets_of(last) or _one_set(initial["method"], last.retention_minutes)
        return SessionPrefill("last_session", plan, initial, _points_of(last), sets)
    if plan is not None and plan.is_treatable:
        initial, points = _from_plan(plan)
        sets = _one_set(initial["method"], initial.get("retention_minutes"))
        return SessionPrefill("plan", plan, {"date": today, **initial}, points, sets)
    return SessionPrefill(
        "none", plan, {"date": today, "method": "manual"}, sets=_one_set("manual", None)
    )


#: The one set the form starts from: one initial unit of face-to-face time (the practitioner
#: corrects it; retention is not face-to-face time).
DEFAULT_SET_MINUTES = 15


def _one_set(method: str, retention: int | None) -> list[dict[str, Any]]:
    if method not in {"manual", "electro"}:
        return []  # acupressure inserts no needles
    return [
        {
            "stimulation": method,
            "face_to_face_minutes": DEFAULT_SET_MINUTES,
            "retention_minutes": retention or 0,
        }
    ]


def _sets_of(session: Session) -> list[dict[str, Any]]:
    return [
        {
            "stimulation": s.stimulation,
            "face_to_face_minutes": s.face_to_face_minutes,
            "retention_minutes": s.retention_minutes,
        }
        for s in session.sets.all()
    ]


def _from_session(last: Session, today: dt.date) -> dict[str, Any]:
    electro = last.electro or {}
    return {
        "date": today,
        "method": last.method,
        "retention_minutes": last.retention_minutes,
        "needle_type": last.needle_type,
        "needle_size": last.needle_size,
        "needle_count": last.needle_count,
        "electro_frequency_hz": electro.get("frequency_hz"),
        "electro_waveform": electro.get("waveform", ""),
        "electro_intensity": electro.get("intensity", ""),
        "electro_minutes": electro.get("minutes"),
        "moxibustion": last.moxibustion,
        "cotreatments": "\n".join(last.cotreatments or []),
    }


def _points_of(session: Session) -> list[dict[str, Any]]:
    return [
        {
            "code": p.code,
            "side": p.side,
            "depth_cun": p.depth_cun,
            "stimulation": p.stimulation,
        }
        for p in session.points.all()
    ]


def _from_plan(plan: Plan) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The effective prescription (plan and overrides), as the form's initial values."""
    rx = effective_prescription(plan) or {"technique": {}, "points": []}
    technique = rx["technique"]
    initial: dict[str, Any] = {
        "method": technique.get("method", "manual"),
        "retention_minutes": technique.get("retention_minutes"),
        "moxibustion": bool(technique.get("moxibustion")),
    }
    points = [
        {"code": p["code"], "side": p["side"], "depth_cun": p["depth_max_cun"]}
        for p in rx["points"]
    ]
    return initial, points


# --- licence ----------------------------------------------------------------------------


def licence_problem(user: User, day: dt.date) -> str | None:
    """Why ``user`` may not record treatment on ``day``, or None when they may."""
    if not user.is_clinical:
        return "Front desk staff cannot record clinical notes."
    profile = PractitionerProfile.objects.filter(user=user).first()
    if profile is None:
        return "Only a licensed practitioner may record treatment: no licence is on file."
    if not profile.licence_valid_on(day):
        return (
            f"Your licence {profile.licence_state} {profile.licence_number} expired on "
            f"{profile.licence_expiry.isoformat()}: renew it before recording treatment."
        )
    return None
