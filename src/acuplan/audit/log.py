"""Write audit events. Call inside the same transaction as the change it records."""

from __future__ import annotations

from typing import Any

from django.db import models

from acuplan.accounts.models import User
from acuplan.audit.models import AuditEvent


def record_event(
    actor: User | None,
    action: str,
    record: models.Model,
    *,
    patient_id: int | None = None,
    ip: str | None = None,
    detail: dict[str, Any] | None = None,
    clinic_id: int | None = None,
) -> AuditEvent:
    """``actor`` None is someone without a login (a patient answering a questionnaire link);
    ``clinic_id`` then says whose record it is."""
    return AuditEvent.objects.create(
        actor=actor,
        clinic_id=getattr(actor, "clinic_id", None) or clinic_id,
        action=action,
        record_type=record._meta.model_name or type(record).__name__.lower(),
        record_id=str(record.pk),
        patient_id=patient_id,
        ip=ip,
        detail=detail or {},
    )
