"""What the outcomes services share: the audit write, role checks and the course in force."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models

from acuplan.accounts.models import PractitionerProfile
from acuplan.audit.log import record_event
from acuplan.audit.models import AuditEvent
from acuplan.clinic.models import Patient, Plan, PlanStatus, Session
from acuplan.clinic.services import Actor
from acuplan.core.errors import NotPermitted


def audit(
    actor: Actor | None, action: str, record: models.Model, patient: Patient | None, **detail: Any
) -> None:
    """One audit event, in the caller's transaction. ``actor`` None is the patient answering
    through a questionnaire link: the event still carries the patient's clinic."""
    patient_id = patient.pk if patient else None
    if actor is not None:
        record_event(actor.user, action, record, patient_id=patient_id, ip=actor.ip, detail=detail)
        return
    AuditEvent.objects.create(
        actor=None,
        clinic_id=patient.clinic_id if patient else None,
        action=action,
        record_type=record._meta.model_name or type(record).__name__.lower(),
        record_id=str(record.pk),
        patient_id=patient_id,
        detail=detail,
    )


def require_clinical(actor: Actor) -> None:
    if not actor.user.is_clinical:
        raise NotPermitted("front desk staff cannot record or read clinical outcomes")


def require_practitioner(actor: Actor, day: dt.date) -> None:
    """A licensed practitioner whose licence is valid on ``day``."""
    require_clinical(actor)
    profile = PractitionerProfile.objects.filter(user=actor.user).first()
    if profile is None:
        raise NotPermitted("only a licensed practitioner may do this: no licence on file")
    if not profile.licence_valid_on(day):
        raise NotPermitted(
            f"licence {profile.licence_state} {profile.licence_number} expired on "
            f"{profile.licence_expiry.isoformat()}"
        )


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
