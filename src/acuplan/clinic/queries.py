"""Read models for the dashboard: the urgent panel, today's sessions, patients due for
reassessment and drafts to approve. Each is one bounded query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.aggregates import Count
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce

from acuplan.accounts.models import User
from acuplan.clinic.models import Patient, Plan, PlanStatus, ReferralMade, Session
from acuplan.clinic.safety_gate import BLOCKING

URGENT_LIMIT = 50


@dataclass(frozen=True)
class UrgentReport:
    """Red flags a patient reported through a questionnaire link, not yet seen."""

    response_id: int
    patient: Patient
    answered_on: dt.date
    red_flags: list[str]


def urgent_triage(user: User) -> QuerySet[Patient]:
    """Patients whose latest plan stops treatment and whose referral is not recorded as made,
    annotated with ``latest_plan_id``, ``latest_decision`` and ``latest_as_of``."""
    if user.clinic_id is None:
        return Patient.objects.none()
    latest = Plan.objects.filter(patient_id=OuterRef("pk")).order_by("-created_at", "-pk")
    made = ReferralMade.objects.filter(plan_id=OuterRef("latest_plan_id"))
    return (
        Patient.objects.filter(clinic_id=user.clinic_id)
        .annotate(
            latest_plan_id=Subquery(latest.values("pk")[:1]),
            latest_decision=Subquery(latest.values("triage_decision")[:1]),
            latest_as_of=Subquery(latest.values("as_of")[:1]),
        )
        .filter(latest_decision__in=BLOCKING)
        .filter(~Exists(made))
        .order_by("latest_as_of", "last_name", "pk")
    )


def reported_red_flags(user: User) -> list[UrgentReport]:
    """Link answers with red flags that no clinician has marked as seen, oldest first."""
    if user.clinic_id is None:
        return []
    from django.apps import apps

    response = apps.get_model("outcomes", "OutcomeResponse")
    rows = (
        response.objects.filter(
            patient__clinic_id=user.clinic_id,
            recorded_by__isnull=True,
            flags_seen_at__isnull=True,
        )
        .exclude(Q(red_flags=[]) | Q(red_flags__isnull=True))
        .select_related("patient")
        .order_by("answered_on", "pk")[:URGENT_LIMIT]
    )
    return [UrgentReport(r.pk, r.patient, r.answered_on, list(r.red_flags)) for r in rows]


def todays_sessions(user: User, today: dt.date) -> QuerySet[Session]:
    if user.clinic_id is None:
        return Session.objects.none()
    return (
        Session.objects.filter(patient__clinic_id=user.clinic_id, date=today)
        .select_related("patient", "practitioner")
        .order_by("patient__last_name", "patient__first_name", "id")
    )


def due_for_reassessment(user: User) -> QuerySet[Plan]:
    """Approved plans with at least ``course.reassess_after_sessions`` sessions recorded
    since approval and no newer plan for the patient. Annotated with ``sessions_done``
    and ``reassess_after``."""
    if user.clinic_id is None:
        return Plan.objects.none()
    newer = Plan.objects.filter(patient_id=OuterRef("patient_id"), pk__gt=OuterRef("pk"))
    done = (
        Session.objects.filter(
            patient_id=OuterRef("patient_id"), created_at__gte=OuterRef("approved_at")
        )
        .order_by()
        .values("patient_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Plan.objects.filter(patient__clinic_id=user.clinic_id, status=PlanStatus.APPROVED)
        .annotate(
            reassess_after=Cast(KT("data__course__reassess_after_sessions"), IntegerField()),
            sessions_done=Coalesce(Subquery(done, output_field=IntegerField()), Value(0)),
        )
        .filter(~Exists(newer), sessions_done__gte=F("reassess_after"))
        .select_related("patient")
        .defer("data")
        .order_by("patient__last_name", "patient__first_name")
    )


def awaiting_approval(user: User) -> QuerySet[Plan]:
    """Draft plans that carry a prescription (a plan that stops treatment is not approved)."""
    if user.clinic_id is None:
        return Plan.objects.none()
    return (
        Plan.objects.filter(patient__clinic_id=user.clinic_id, status=PlanStatus.DRAFT)
        .exclude(data__prescription=None)
        .select_related("patient", "created_by")
        .defer("data")
        .order_by("created_at")
    )


UPCOMING_LIMIT = 20


def upcoming_visits(user: User, now: dt.datetime) -> list[Any]:
    """The clinic's next booked visits (the calendar has the rest)."""
    if user.clinic_id is None:
        return []
    from django.apps import apps

    appointment = apps.get_model("outcomes", "Appointment")
    return list(
        appointment.objects.filter(
            patient__clinic_id=user.clinic_id, status="scheduled", starts_at__gte=now
        )
        .select_related("patient", "practitioner")
        .order_by("starts_at", "id")[:UPCOMING_LIMIT]
    )


def open_booster_offers(user: User) -> list[Any]:
    """Pain came back after discharge: offer a booster series."""
    if user.clinic_id is None:
        return []
    from django.apps import apps

    offer = apps.get_model("followup", "BoosterOffer")
    return list(
        offer.objects.filter(patient__clinic_id=user.clinic_id, status="open")
        .select_related("patient", "response")
        .order_by("created_at", "id")[:URGENT_LIMIT]
    )


def failed_sends(user: User) -> int:
    if user.clinic_id is None:
        return 0
    from django.apps import apps

    send = apps.get_model("followup", "ScheduledSend")
    return int(send.objects.filter(clinic_id=user.clinic_id, status="failed").count())
