"""Which sends a patient should have, and bringing the outbox in line with it.

The clinic's schedule (by default):

- the questionnaire two days before the reassessment visit (the visit after
  ``course.reassess_after_sessions`` sessions);
- the questionnaire the day after the last visit of each phase but the last (the last
  phase ends at discharge);
- the questionnaire at discharge, then 1, 3 and 6 months after it (``Clinic.follow_up_months``);
- an appointment reminder ``Clinic.reminder_hours_before`` ahead of every booked visit.

Every send is outside the clinic's quiet hours. A send's key names what it is for, so
syncing again finds it (``get_or_create`` under the unique constraint) instead of adding a
copy; a send whose reason is gone (the visit was cancelled or moved) is cancelled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from acuplan.accounts.models import Clinic
from acuplan.clinic.models import Patient, Plan
from acuplan.followup import timing
from acuplan.followup.models import Discharge, ScheduledSend, SendKind, SendStatus
from acuplan.outcomes.models import Appointment
from acuplan.outcomes.services.common import approved_plan

BEFORE_REASSESSMENT = dt.timedelta(days=2)
AFTER_PHASE_END = dt.timedelta(days=1)
MIN_REMINDER_NOTICE = dt.timedelta(hours=2)
"""A visit booked closer than this gets no reminder (it would arrive too late to help)."""
DERIVED_FROM_VISITS = ("before_reassessment", "phase_end", "appointment")


@dataclass(frozen=True)
class Spec:
    key: str
    kind: str
    reason: str
    due_at: dt.datetime
    appointment: Appointment | None = None
    discharge: Discharge | None = None


def desired_sends(patient: Patient, now: dt.datetime) -> list[Spec]:
    clinic = patient.clinic
    specs = _appointment_reminders(patient, clinic, now)
    plan = approved_plan(patient)
    discharge = latest_discharge(patient)
    if plan is not None and (discharge is None or discharge.plan_id != plan.pk):
        specs += _course_questionnaires(patient, clinic, plan)
    if discharge is not None:
        specs += _discharge_questionnaires(patient, clinic, discharge)
    return specs


def latest_discharge(patient: Patient) -> Discharge | None:
    return Discharge.objects.filter(patient=patient).order_by("-discharged_at", "-id").first()


def _booked(patient: Patient, plan: Plan | None = None) -> list[Appointment]:
    qs = Appointment.objects.filter(patient=patient, status=Appointment.Status.SCHEDULED)
    if plan is not None:
        qs = qs.filter(plan=plan)
    return list(qs.order_by("starts_at", "id"))


def _appointment_reminders(patient: Patient, clinic: Clinic, now: dt.datetime) -> list[Spec]:
    out = []
    for a in _booked(patient):
        if a.starts_at - now < MIN_REMINDER_NOTICE:
            continue
        due = timing.wall_minus(a.starts_at, clinic.reminder_hours_before, clinic.zone)
        due = timing.out_of_quiet_hours(clinic, due, earlier=True)
        stamp = a.starts_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%MZ")
        out.append(
            Spec(
                f"appt:{a.uid}:{stamp}:reminder",
                SendKind.APPOINTMENT_REMINDER,
                "appointment",
                due,
                appointment=a,
            )
        )
    return out


def _course_questionnaires(patient: Patient, clinic: Clinic, plan: Plan) -> list[Spec]:
    course: dict[str, Any] = plan.data.get("course") or {}
    by_number = {a.number: a for a in _booked(patient, plan)}
    out = []
    reassess = int(course.get("reassess_after_sessions") or 0)
    visit = by_number.get(reassess + 1) if reassess else None
    if visit is not None:
        due = timing.out_of_quiet_hours(clinic, visit.starts_at - BEFORE_REASSESSMENT, earlier=True)
        out.append(
            Spec(
                f"p{patient.pk}:plan{plan.pk}:q:before_reassessment",
                SendKind.QUESTIONNAIRE,
                "before_reassessment",
                due,
                appointment=visit,
            )
        )
    last = 0
    phases = course.get("phases") or []
    for phase in phases[:-1]:
        last += int(phase.get("sessions", 0))
        visit = by_number.get(last)
        if visit is None:
            continue
        due = timing.out_of_quiet_hours(clinic, visit.ends_at + AFTER_PHASE_END, earlier=False)
        out.append(
            Spec(
                f"p{patient.pk}:plan{plan.pk}:q:phase_end:{phase.get('name')}",
                SendKind.QUESTIONNAIRE,
                "phase_end",
                due,
                appointment=visit,
            )
        )
    return out


def _discharge_questionnaires(patient: Patient, clinic: Clinic, d: Discharge) -> list[Spec]:
    base = f"p{patient.pk}:discharge{d.pk}:q"
    at = timing.out_of_quiet_hours(clinic, d.discharged_at, earlier=False)
    out = [Spec(f"{base}:discharge", SendKind.QUESTIONNAIRE, "discharge", at, discharge=d)]
    day = d.discharged_at.astimezone(clinic.zone).date()
    for months in clinic.follow_up_months:
        due = timing.at_local(timing.add_months(day, int(months)), timing.SEND_TIME, clinic.zone)
        due = timing.out_of_quiet_hours(clinic, due, earlier=False)
        out.append(
            Spec(
                f"{base}:month_{months}",
                SendKind.QUESTIONNAIRE,
                f"month_{months}",
                due,
                discharge=d,
            )
        )
    return out


def sync_patient(patient: Patient, now: dt.datetime | None = None) -> int:
    """Create the patient's missing sends, move the due time of scheduled ones whose visit
    moved, cancel those whose visit is gone. Returns how many were created."""
    now = now or timezone.now()
    specs = desired_sends(patient, now)
    wanted = {s.key for s in specs}
    created = sum(ensure_send(patient, s) for s in specs)
    stale = ScheduledSend.objects.filter(
        patient=patient,
        status=SendStatus.SCHEDULED,
        reason__in=DERIVED_FROM_VISITS,
        kind__in=[SendKind.QUESTIONNAIRE, SendKind.APPOINTMENT_REMINDER],  # not their reminders
    ).exclude(key__in=wanted)
    stale.update(
        status=SendStatus.CANCELLED,
        cancelled_at=now,
        cancel_reason="the visit was moved or cancelled",
    )
    for s in specs:
        ScheduledSend.objects.filter(key=s.key, status=SendStatus.SCHEDULED).exclude(
            due_at=s.due_at
        ).update(due_at=s.due_at)
    return created


def ensure_send(patient: Patient, spec: Spec, **extra: Any) -> bool:
    """Create the send for ``spec`` unless its key exists (True when this call created it).
    The unique constraint decides when two schedulers race: the loser's insert fails inside
    its own savepoint and changes nothing."""
    if ScheduledSend.objects.filter(key=spec.key).exists():
        return False
    try:
        with transaction.atomic():
            ScheduledSend.objects.create(
                key=spec.key,
                clinic_id=patient.clinic_id,
                patient=patient,
                kind=spec.kind,
                reason=spec.reason,
                due_at=spec.due_at,
                appointment=spec.appointment,
                discharge=spec.discharge,
                **extra,
            )
    except IntegrityError:
        return False
    return True
