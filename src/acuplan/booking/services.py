"""Book, move and cancel visits: one set of rules for the calendar, the API and the portal.

Booking checks, in this order: the patient is in the actor's clinic; the safety gate (a
patient whose latest triage stops treatment, or who reported a red flag since, is not
booked; a patient never assessed may be booked for the assessment itself); a future time
in the clinic's zone; the practitioner; the course (its session count and the phase's
spacing; after discharge only an offered booster series); the patient's weekly maximum;
the payer's limits (Medicare: 12 visits, 8 more with documented improvement, 20 a year);
one visit a day; no overlap in the practitioner's day. Each write syncs the patient's
outbox (reminders) and is audited.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from acuplan.accounts.models import Role, User
from acuplan.clinic.models import Patient, Plan
from acuplan.clinic.safety_gate import treatment_gate
from acuplan.clinic.services import Actor
from acuplan.core.errors import Conflict, FieldError, InvalidInput
from acuplan.core.knowledge import default_knowledge
from acuplan.core.outcomes.schedule import YEAR_DAYS, PayerLimits, most_within
from acuplan.followup import timing
from acuplan.followup.models import BoosterOffer, BoosterStatus
from acuplan.followup.services.schedule import latest_discharge, sync_patient
from acuplan.outcomes.models import Appointment, ProgressReview, ReviewStatus
from acuplan.outcomes.services.common import (
    approved_plan,
    audit,
    course_sessions,
    intake_preferences,
    require_member,
)

EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


@dataclass(frozen=True)
class Slot:
    number: int
    phase: str
    plan: Plan | None


def local_moment(patient: Patient, starts_at: dt.datetime) -> dt.datetime:
    """An aware ``starts_at``; a naive one is read on the clinic's wall clock."""
    if not EARLIEST_YEAR <= starts_at.year <= LATEST_YEAR:
        raise InvalidInput([FieldError("starts_at", f"must be in {EARLIEST_YEAR}-{LATEST_YEAR}")])
    if starts_at.tzinfo is None:
        return timing.at_local(starts_at.date(), starts_at.time(), patient.clinic.zone)
    return starts_at


def _practitioner(patient: Patient, practitioner: User | None) -> User | None:
    if practitioner is None:
        return patient.practitioner
    if (
        practitioner.clinic_id != patient.clinic_id
        or not practitioner.is_active
        or practitioner.role not in (Role.PRACTITIONER, Role.CLINIC_ADMIN)
    ):
        raise InvalidInput([FieldError("practitioner", "no such practitioner in this clinic")])
    return practitioner


def _gate(patient: Patient) -> None:
    gate = treatment_gate(patient)
    if gate.blocked and gate.plan is not None:
        raise Conflict(f"not booked: {gate.message}")


def _course(patient: Patient, plan: Plan, day: dt.date, keep: Appointment | None) -> Slot:
    """Where a visit on ``day`` falls in the course, or Conflict/InvalidInput saying why it
    cannot be booked."""
    zone = patient.clinic.zone
    others = Appointment.objects.filter(patient=patient, status=Appointment.Status.SCHEDULED)
    if keep is not None:
        others = others.exclude(pk=keep.pk)
    booked = [timezone.localtime(a.starts_at, zone).date() for a in others]
    given = list(course_sessions(patient, plan).values_list("date", flat=True))
    placed = given + booked
    if day in placed:
        raise InvalidInput([FieldError("starts_at", "the patient already has a visit that day")])
    course: dict[str, Any] = plan.data.get("course") or {}
    prefs = intake_preferences(plan)
    max_week = int(prefs.get("max_sessions_per_week", 2))
    discharge = latest_discharge(patient)
    if discharge is not None and discharge.plan_id == plan.pk:
        phase, per_week, allowed, done = _booster(
            patient, discharge, given, booked, discharge.discharged_at
        )
    else:
        allowed = int(course.get("sessions_planned", 0)) + _extension(plan, course)
        done = len(given) + len(booked)
        phase, per_week = _phase_of(course, done + 1)
    number = keep.number if keep is not None else done + 1
    if keep is None and done >= allowed:
        raise Conflict(
            f"all {allowed} sessions of this {phase.replace('_', ' ')} are booked or given"
        )
    errors = _spacing(placed, day, min(float(max_week), per_week))
    errors += _payer(prefs, patient, placed, day, len(given) + len(booked) + 1)
    if errors:
        raise InvalidInput(errors)
    return Slot(number, phase, plan)


def _extension(plan: Plan, course: dict[str, Any]) -> int:
    extended = (
        ProgressReview.objects.filter(plan=plan, final_decision="extend_initial_phase")
        .exclude(status=ReviewStatus.PROPOSED)
        .exists()
    )
    phases = course.get("phases") or [{}]
    return int(phases[0].get("sessions", 0)) if extended else 0


def _booster(
    patient: Patient,
    discharge: Any,
    given: list[dt.date],
    booked: list[dt.date],
    since: dt.datetime,
) -> tuple[str, float, int, int]:
    offer = (
        BoosterOffer.objects.filter(
            discharge=discharge, status__in=[BoosterStatus.OPEN, BoosterStatus.BOOKED]
        )
        .order_by("-created_at")
        .first()
    )
    if offer is None:
        raise Conflict(
            "this course was discharged: book again only for a booster series the clinic "
            "offered, or after a new intake and plan"
        )
    day = timezone.localtime(since, patient.clinic.zone).date()
    done = sum(1 for d in given if d > day) + sum(1 for d in booked if d > day)
    return "booster", float(offer.sessions_per_week), offer.sessions, done


def _phase_of(course: dict[str, Any], nth: int) -> tuple[str, float]:
    total = 0
    phases = course.get("phases") or []
    for p in phases:
        total += int(p.get("sessions", 0))
        if nth <= total:
            return str(p["name"]), float(p["sessions_per_week"])
    last: dict[str, Any] = phases[-1] if phases else {"name": "initial", "sessions_per_week": 1}
    return str(last["name"]), float(last["sessions_per_week"])


def _spacing(placed: list[dt.date], day: dt.date, per_week: float) -> list[FieldError]:
    """The weekly maximum (and the phase's rate, when it is lower), and for phases slower
    than weekly at least half the phase's interval between visits."""
    per_window = max(1, math.floor(per_week)) if per_week >= 1 else 1
    if most_within(placed, day, 7) >= per_window:
        return [
            FieldError(
                "starts_at",
                f"more than {per_window} visit(s) in 7 days: the "
                "weekly maximum or the course's phase does not allow it",
            )
        ]
    if per_week < 1:
        gap = math.floor(7 / per_week / 2)
        near = [d for d in placed if abs((d - day).days) < gap]
        if near:
            return [
                FieldError(
                    "starts_at",
                    f"this phase spaces visits at least {gap} days "
                    f"apart (nearest: {near[0].isoformat()})",
                )
            ]
    return []


def _payer(
    prefs: dict[str, Any], patient: Patient, placed: list[dt.date], day: dt.date, nth: int
) -> list[FieldError]:
    if prefs.get("payer") != "medicare":
        return []
    limits = PayerLimits.from_rule(default_knowledge().payers["medicare"])
    improving = (
        ProgressReview.objects.filter(patient=patient, final_decision="continue_then_taper")
        .exclude(status=ReviewStatus.PROPOSED)
        .exists()
    )
    if (
        nth > limits.initial_visits + limits.additional_visits_if_improving
        or most_within(placed, day, YEAR_DAYS) >= limits.max_visits_per_year
    ):
        return [
            FieldError(
                "starts_at", f"Medicare covers at most {limits.max_visits_per_year} visits a year"
            )
        ]
    if nth > limits.initial_visits and not improving:
        return [
            FieldError(
                "starts_at",
                f"Medicare covers visits beyond {limits.initial_visits} "
                "only with documented improvement (a responder decision on file)",
            )
        ]
    return []


def _check_time(
    patient: Patient,
    starts_at: dt.datetime,
    minutes: int,
    who: User | None,
    now: dt.datetime,
    keep: Appointment | None = None,
) -> None:
    errors = []
    if starts_at <= now:
        errors.append(FieldError("starts_at", "is in the past"))
    if not 10 <= minutes <= 180:
        errors.append(FieldError("duration_minutes", "must be 10-180"))
    if who is not None and not errors:
        end = starts_at + dt.timedelta(minutes=minutes)
        clash = Appointment.objects.filter(
            practitioner=who,
            status=Appointment.Status.SCHEDULED,
            starts_at__lt=end,
            starts_at__gt=starts_at - dt.timedelta(minutes=180),
        )
        if keep is not None:
            clash = clash.exclude(pk=keep.pk)
        if any(a.ends_at > starts_at for a in clash):
            errors.append(FieldError("starts_at", f"{who.display_name} has another visit then"))
    if errors:
        raise InvalidInput(errors)


@transaction.atomic
def book_appointment(
    *,
    actor: Actor,
    patient: Patient,
    starts_at: dt.datetime,
    practitioner: User | None = None,
    duration_minutes: int = 45,
) -> Appointment:
    """Book one visit (front desk and clinicians). Raises NotPermitted, Conflict (the
    gate, a full course) or InvalidInput naming the rule a time breaks."""
    require_member(actor, patient)
    Patient.objects.select_for_update().filter(pk=patient.pk).first()  # one booking at a time
    now = timezone.now()
    starts_at = local_moment(patient, starts_at)
    who = _practitioner(patient, practitioner)
    _gate(patient)
    _check_time(patient, starts_at, duration_minutes, who, now)
    plan = approved_plan(patient)
    day = timezone.localtime(starts_at, patient.clinic.zone).date()
    slot = _course(patient, plan, day, None) if plan else Slot(1, "assessment", None)
    a = Appointment.objects.create(
        patient=patient,
        plan=slot.plan,
        number=slot.number,
        phase=slot.phase,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        practitioner=who,
        created_by=actor.user,
    )
    if slot.phase == "booster":
        BoosterOffer.objects.filter(patient=patient, status=BoosterStatus.OPEN).update(
            status=BoosterStatus.BOOKED, settled_by=actor.user, settled_at=now
        )
    audit(
        actor,
        "acuplan.appointment.booked",
        a,
        patient,
        starts_at=starts_at.isoformat(),
        practitioner=who.pk if who else None,
        phase=slot.phase,
        number=slot.number,
    )
    sync_patient(patient, now)
    return a


@transaction.atomic
def move_appointment(
    *,
    actor: Actor,
    appointment: Appointment,
    starts_at: dt.datetime,
    practitioner: User | None = None,
) -> Appointment:
    """Move a future visit, under the same rules as booking it."""
    patient = appointment.patient
    require_member(actor, patient)
    a = Appointment.objects.select_for_update().get(pk=appointment.pk)
    now = timezone.now()
    if a.status != Appointment.Status.SCHEDULED or a.starts_at <= now:
        raise Conflict("only a future, booked visit can be moved")
    starts_at = local_moment(patient, starts_at)
    who = _practitioner(patient, practitioner or a.practitioner)
    _gate(patient)
    _check_time(patient, starts_at, a.duration_minutes, who, now, keep=a)
    if a.plan is not None:
        _course(patient, a.plan, timezone.localtime(starts_at, patient.clinic.zone).date(), a)
    before = a.starts_at
    a.starts_at, a.practitioner = starts_at, who
    a.move_request, a.move_requested_at = "", None
    a.save(update_fields=["starts_at", "practitioner", "move_request", "move_requested_at"])
    audit(
        actor,
        "acuplan.appointment.moved",
        a,
        patient,
        before=before.isoformat(),
        after=starts_at.isoformat(),
    )
    sync_patient(patient, now)
    return a


@transaction.atomic
def cancel_appointment(
    *, actor: Actor | None, appointment: Appointment, reason: str = "", by_patient: bool = False
) -> Appointment:
    """Cancel a future visit. A cancellation within the clinic's late-cancellation notice is
    marked late; the patient (``by_patient``, from the portal) may not cancel late online."""
    patient = appointment.patient
    if actor is not None:
        require_member(actor, patient)
    if len(reason) > 300:
        raise InvalidInput([FieldError("reason", "at most 300 characters")])
    a = Appointment.objects.select_for_update().get(pk=appointment.pk)
    now = timezone.now()
    if a.status != Appointment.Status.SCHEDULED or a.starts_at <= now:
        raise Conflict("only a future, booked visit can be cancelled")
    late = a.starts_at - now < dt.timedelta(hours=patient.clinic.late_cancellation_hours)
    if late and by_patient:
        raise Conflict(
            f"this visit is less than {patient.clinic.late_cancellation_hours} hours away: "
            "please call the clinic to cancel it"
        )
    a.status, a.cancelled_at, a.late_cancellation = Appointment.Status.CANCELLED, now, late
    a.cancelled_by = actor.user if actor else None
    a.cancel_reason = reason.strip()
    a.save(
        update_fields=[
            "status",
            "cancelled_at",
            "late_cancellation",
            "cancelled_by",
            "cancel_reason",
        ]
    )
    audit(
        actor,
        "acuplan.appointment.cancelled",
        a,
        patient,
        late=late,
        by_patient=by_patient,
        reason=a.cancel_reason,
    )
    sync_patient(patient, now)
    return a


@transaction.atomic
def request_move(*, appointment: Appointment, message: str) -> Appointment:
    """The patient asks (in the portal) to move a visit; the front desk moves it."""
    message = message.strip()
    if not message or len(message) > 300:
        raise InvalidInput([FieldError("message", "say when suits you, in at most 300 characters")])
    a = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if a.status != Appointment.Status.SCHEDULED or a.starts_at <= timezone.now():
        raise Conflict("only a future, booked visit can be moved")
    a.move_request, a.move_requested_at = message, timezone.now()
    a.save(update_fields=["move_request", "move_requested_at"])
    audit(None, "acuplan.appointment.move_requested", a, a.patient, message=message)
    return a
