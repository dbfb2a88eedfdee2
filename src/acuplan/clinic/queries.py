"""Read models for the dashboard: the urgent panel, today's sessions, patients due for
reassessment, drafts to approve and credentials about to expire. Each is one bounded
query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.aggregates import Count
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce

from acuplan.accounts.models import PractitionerProfile, User
from acuplan.clinic.models import Patient, Plan, PlanStatus, ReferralMade, Session
from acuplan.clinic.safety_gate import BLOCKING
from acuplan.core.credentials import expiry_warnings

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


# --- credentials ------------------------------------------------------------------------


def credential_warnings(user: User, today: dt.date) -> list[tuple[str, str]]:
    """(practitioner, warning) for each licence or NCCAOM certification that expired or
    expires within 60 days: the user's own, and for a clinic admin everyone's in the clinic.
    One query."""
    profiles = PractitionerProfile.objects.select_related("user").filter(user__is_active=True)
    if user.is_clinic_admin:
        profiles = profiles.filter(user__clinic=user.clinic)
    else:
        profiles = profiles.filter(user=user)
    return [
        (p.user.display_name, w.text)
        for p in profiles.order_by("user__last_name", "user__username")
        for w in expiry_warnings(
            today, licence_expiry=p.licence_expiry, nccaom_expiry=p.nccaom_expiry
        )
    ]
