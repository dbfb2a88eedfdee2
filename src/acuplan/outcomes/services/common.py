"""What the outcomes services share: the audit write, role checks and the course in force."""

from __future__ import annotations

from typing import Any

from django.db import models

from acuplan.audit.log import record_event
from acuplan.clinic.models import Patient, Plan, PlanStatus, Session
from acuplan.clinic.services import Actor, require_clinical_actor
from acuplan.core.errors import NotPermitted


def audit(
    actor: Actor | None, action: str, record: models.Model, patient: Patient | None, **detail: Any
) -> None:
    """One audit event, in the caller's transaction. ``actor`` None is the patient answering
    through a questionnaire link: the event still carries the patient's clinic."""
    record_event(
        actor.user if actor else None,
        action,
        record,
        patient_id=patient.pk if patient else None,
        ip=actor.ip if actor else None,
        detail=detail,
        clinic_id=patient.clinic_id if patient else None,
    )


def require_clinical(actor: Actor) -> None:
    require_clinical_actor(actor, "record or read clinical outcomes")


def require_member(actor: Actor, patient: Patient) -> None:
    """Front-desk work (booking, sending questionnaire links): any member of the patient's
    clinic."""
    if actor.user.clinic_id is None or actor.user.clinic_id != patient.clinic_id:
        raise NotPermitted("the patient belongs to another clinic")


def approved_plan(patient: Patient) -> Plan | None:
    return (
        Plan.objects.filter(patient=patient, status=PlanStatus.APPROVED)
        .select_related("intake")
        .order_by("-approved_at", "-id")
        .first()
    )


def course_sessions(patient: Patient, plan: Plan) -> models.QuerySet[Session]:
    """Sessions given under ``plan``: linked to it, or unlinked and dated from its day on."""
    return Session.objects.filter(patient=patient).filter(
        models.Q(plan=plan) | models.Q(plan__isnull=True, date__gte=plan.as_of)
    )


def intake_preferences(plan: Plan) -> dict[str, Any]:
    prefs: dict[str, Any] = plan.intake.data.get("preferences") or {}
    return prefs
