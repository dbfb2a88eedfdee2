"""Schedule the course as appointments from the approved plan's phases (the date
arithmetic is ``core.outcomes.schedule``; this module brings the plan, the sessions already
given, the payer and the clinic's clock to it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from acuplan.clinic.models import Patient, Plan
from acuplan.clinic.safety_gate import treatment_gate
from acuplan.clinic.services import Actor
from acuplan.core.errors import Conflict, FieldError, InvalidInput
from acuplan.core.knowledge import default_knowledge
from acuplan.core.outcomes.schedule import PayerLimits, PhaseSpec, Schedule, schedule_course
from acuplan.outcomes.models import Appointment, ProgressReview, ReviewStatus
from acuplan.outcomes.services.common import (
    approved_plan,
    audit,
    course_sessions,
    intake_preferences,
    require_member,
)

RESPONDER = "continue_then_taper"


@dataclass(frozen=True)
class ScheduleResult:
    appointments: list[Appointment]
    notes: list[str] = field(default_factory=list)
    cancelled: int = 0


def preview_schedule(patient: Patient, start: dt.date) -> Schedule | None:
    """What booking from ``start`` would give (None without an approved plan). Writes nothing."""
    try:
        return _plan_schedule(patient, start)[1]
    except Conflict:
        return None


def _plan_schedule(patient: Patient, start: dt.date) -> tuple[Plan, Schedule, PayerLimits | None]:
    plan = approved_plan(patient)
    if plan is None:
        raise Conflict("approve a plan before scheduling its course")
    course = plan.data.get("course") or {}
    phases = [
        PhaseSpec(p["name"], float(p["sessions_per_week"]), int(p["sessions"]))
        for p in course.get("phases", [])
    ]
    prefs = intake_preferences(plan)
    payer = (
        PayerLimits.from_rule(default_knowledge().payers["medicare"])
        if prefs.get("payer") == "medicare"
        else None
    )
    given = list(course_sessions(patient, plan).values_list("date", flat=True))
    improving = (
        ProgressReview.objects.filter(patient=patient, final_decision=RESPONDER)
        .exclude(status=ReviewStatus.PROPOSED)
        .exists()
    )
    schedule = schedule_course(
        phases,
        start=start,
        max_per_week=int(prefs.get("max_sessions_per_week", 2)),
        sessions_done=len(given),
        prior_visits=given,
        payer=payer,
        improvement_documented=improving,
    )
    return plan, schedule, payer


@transaction.atomic
def schedule_appointments(
    *,
    actor: Actor,
    patient: Patient,
    start: dt.date,
    at: dt.time = dt.time(9, 0),
    duration_minutes: int = 45,
) -> ScheduleResult:
    """Book the sessions of the approved plan not yet given, from ``start`` at ``at`` (clinic
    local time). Future appointments booked earlier are cancelled and replaced, so running
    it again reschedules. Conflict without an approved plan. Front desk may book."""
    require_member(actor, patient)
    gate = treatment_gate(patient)
    if gate.blocked:  # the safety gate: a patient whose treatment is on hold is not booked
        raise Conflict(f"not booked: {gate.message}")
    errors: list[FieldError] = []
    if start < timezone.localdate(timezone=patient.clinic.zone):
        errors.append(FieldError("start", "is in the past"))
    if not 10 <= duration_minutes <= 180:
        errors.append(FieldError("duration_minutes", "must be 10-180"))
    if errors:
        raise InvalidInput(errors)
    plan, schedule, payer = _plan_schedule(patient, start)
    cancelled = Appointment.objects.filter(
        patient=patient, status=Appointment.Status.SCHEDULED, starts_at__gte=timezone.now()
    ).update(status=Appointment.Status.CANCELLED)
    zone = patient.clinic.zone  # the clinic's local time, never the server's (UTC)
    rows = Appointment.objects.bulk_create(
        Appointment(
            patient=patient,
            plan=plan,
            number=v.number,
            phase=v.phase,
            starts_at=dt.datetime.combine(v.day, at, tzinfo=zone),
            duration_minutes=duration_minutes,
            practitioner=patient.practitioner,
            created_by=actor.user,
        )
        for v in schedule.visits
    )
    audit(
        actor,
        "acuplan.course.scheduled",
        plan,
        patient,
        visits=len(rows),
        held_back=len(schedule.held_back),
        cancelled=cancelled,
        payer=payer.name if payer else None,
    )
    from acuplan.followup.services.schedule import sync_patient  # builds on this app

    sync_patient(patient)
    return ScheduleResult(rows, schedule.notes, cancelled)
