"""The clinic's between-visits settings: time zone, quiet hours, reminder and cancellation
notice, and the follow-up schedule. Clinic admins only; audited with the old values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Q

from acuplan.accounts.models import Clinic, is_known_zone
from acuplan.clinic.services import Actor
from acuplan.core.errors import FieldError, InvalidInput, NotPermitted
from acuplan.followup.models import ScheduledSend, SendKind, SendStatus
from acuplan.outcomes.services.common import audit

FIELDS = (
    "time_zone",
    "quiet_hours_start",
    "quiet_hours_end",
    "reminder_hours_before",
    "late_cancellation_hours",
    "follow_up_months",
    "chaser_days",
)


def _check(data: dict[str, Any]) -> list[FieldError]:
    errors = [FieldError(k, "unknown field") for k in data if k not in FIELDS]
    if "time_zone" in data and not is_known_zone(str(data["time_zone"])):
        errors.append(FieldError("time_zone", "not a time zone name (e.g. America/New_York)"))
    for name in ("quiet_hours_start", "quiet_hours_end"):
        if name in data and not isinstance(data[name], dt.time):
            errors.append(FieldError(name, "a time of day, HH:MM"))
    for name, low, high in (
        ("reminder_hours_before", 1, 168),
        ("late_cancellation_hours", 0, 168),
        ("chaser_days", 1, 14),
    ):
        value = data.get(name)
        if name in data and (not isinstance(value, int) or not low <= value <= high):
            errors.append(FieldError(name, f"a whole number {low}-{high}"))
    months = data.get("follow_up_months")
    if "follow_up_months" in data and (
        not isinstance(months, list)
        or len(months) > 6
        or not all(isinstance(m, int) and 1 <= m <= 24 for m in months)
    ):
        errors.append(FieldError("follow_up_months", "up to six whole months, 1-24"))
    return errors


@transaction.atomic
def update_clinic_settings(*, actor: Actor, data: dict[str, Any]) -> Clinic:
    if not actor.user.is_clinic_admin or actor.user.clinic_id is None:
        raise NotPermitted("only a clinic admin can change the clinic's settings")
    errors = _check(data)
    if errors:
        raise InvalidInput(errors)
    clinic = Clinic.objects.select_for_update().get(pk=actor.user.clinic_id)
    if "follow_up_months" in data:
        data["follow_up_months"] = sorted(set(data["follow_up_months"]))
    before = {k: str(getattr(clinic, k)) for k in data}
    for k, v in data.items():
        setattr(clinic, k, v)
    clinic.save(update_fields=list(data))
    audit(
        actor,
        "acuplan.clinic_settings.changed",
        clinic,
        None,
        before=before,
        after={k: str(v) for k, v in data.items()},
    )
    return clinic


@dataclass(frozen=True)
class Completion:
    sent: int
    answered: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.answered / self.sent, 1) if self.sent else None


def scheduled_completion(clinic_id: int) -> Completion:
    """Questionnaires the schedule sent, and how many were answered (reminders count with
    the questionnaire they chase)."""
    counts = ScheduledSend.objects.filter(
        clinic_id=clinic_id, kind=SendKind.QUESTIONNAIRE
    ).aggregate(
        sent=Count("id", filter=Q(status__in=[SendStatus.SENT, SendStatus.ANSWERED])),
        answered=Count("id", filter=Q(status=SendStatus.ANSWERED)),
    )
    return Completion(counts["sent"], counts["answered"])
