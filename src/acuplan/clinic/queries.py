"""Read models for the dashboard: the urgent panel, today's sessions, patients due for
reassessment, drafts to approve and credentials about to expire. Each is one bounded
query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from acuplan.accounts.models import PractitionerProfile, User
from acuplan.clinic.models import Patient, Plan, PlanStatus, ReferralMade, Session
from acuplan.clinic.safety_gate import BLOCKING
from acuplan.core.credentials import expiry_warnings

URGENT_LIMIT = 50
LIST_LIMIT = 50
"""Rows a dashboard list shows; the rest are a click away (\"see all\")."""


@dataclass(frozen=True)
class UrgentReport:
    """Red flags a patient reported through a questionnaire link, not yet seen."""

    response_id: int
    patient: Patient
    answered_on: dt.date
    red_flags: list[str]


def urgent_triage(user: User) -> QuerySet[Patient]:
    """Patients whose latest plan stops treatment and whose referral is not recorded as made,
    annotated with ``latest_as_of`` (``latest_plan_id`` and ``latest_decision`` are
    columns)."""
    if user.clinic_id is None:
        return Patient.objects.none()
    made = ReferralMade.objects.filter(plan_id=OuterRef("latest_plan_id"))
    return (
        Patient.objects.filter(clinic_id=user.clinic_id, latest_decision__in=BLOCKING)
        .filter(~Exists(made))
        .annotate(latest_as_of=F("latest_plan__as_of"))
        .order_by("latest_plan_id", "pk")
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
    """Approved plans that are the patient's latest, with at least
    ``reassess_after_sessions`` sessions given under them, no progress review yet and the
    course not discharged.
    Annotated with ``sessions_done`` and ``reassess_after``. Slice it through ``page_of``:
    the filter reads indexes only, and whole rows are fetched for the page alone."""
    if user.clinic_id is None:
        return Plan.objects.none()
    from django.apps import apps

    review = apps.get_model("outcomes", "ProgressReview")
    reviewed = review.objects.filter(plan_id=OuterRef("pk"))
    discharge = apps.get_model("followup", "Discharge")
    discharged = discharge.objects.filter(plan_id=OuterRef("pk"))
    return (
        Plan.objects.filter(
            patient__clinic_id=user.clinic_id,
            patient__latest_plan=F("pk"),
            status=PlanStatus.APPROVED,
            reassess_after_sessions__isnull=False,
            sessions_given__gte=F("reassess_after_sessions"),
        )
        .filter(~Exists(reviewed), ~Exists(discharged))
        .annotate(reassess_after=F("reassess_after_sessions"), sessions_done=F("sessions_given"))
        .order_by("patient__last_name", "patient__first_name", "pk")
    )


def awaiting_approval(user: User) -> QuerySet[Plan]:
    """Draft plans that carry a prescription (a plan that stops treatment is not approved).
    Slice it through ``page_of``."""
    if user.clinic_id is None:
        return Plan.objects.none()
    return Plan.objects.filter(
        patient__clinic_id=user.clinic_id, status=PlanStatus.DRAFT, treatable=True
    ).order_by("created_at", "pk")


def page_of(plans: QuerySet[Plan], start: int, stop: int) -> list[Plan]:
    """Rows ``start:stop`` of a plan list: the ids first (from the indexes alone), then the
    plans themselves without their JSON, with their patient and author."""
    ids = list(plans.values_list("pk", flat=True)[start:stop])
    rows = (
        plans.filter(pk__in=ids).select_related("patient", "created_by").defer("data").in_bulk(ids)
    )
    return [rows[pk] for pk in ids]


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
