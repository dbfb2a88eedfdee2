"""The baseline progress is measured from. It is explicit:

- by default, the intake's own answers (an intake response), or else the first response on
  or after the day of the first intake;
- a clinician may choose another response, with a reason; the choice is audited with the
  response it replaces.

A response dated before the first intake, or in the future, is refused where it is recorded
(``recording.check_answered_on``), so it can never become a baseline silently.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from acuplan.clinic.models import Intake, Patient
from acuplan.clinic.services import Actor
from acuplan.core.errors import FieldError, InvalidInput
from acuplan.outcomes.models import Baseline, OutcomeResponse, ResponseKind
from acuplan.outcomes.services.common import audit, require_clinical


def first_intake_day(patient: Patient) -> dt.date | None:
    first = Intake.objects.filter(patient=patient).order_by("version").first()
    return timezone.localdate(first.recorded_at) if first else None


def default_baseline(patient: Patient) -> OutcomeResponse | None:
    day = first_intake_day(patient)
    if day is None:
        return None
    after = patient.outcome_responses.filter(answered_on__gte=day).order_by("answered_on", "id")
    return after.filter(kind=ResponseKind.INTAKE).first() or after.first()


def baseline_response(patient: Patient) -> OutcomeResponse | None:
    """The response progress is measured from (the clinician's choice, or the default)."""
    choice = Baseline.objects.filter(patient=patient).select_related("response").first()
    return choice.response if choice is not None else default_baseline(patient)


@transaction.atomic
def set_baseline(
    *, actor: Actor, patient: Patient, response: OutcomeResponse, reason: str
) -> Baseline:
    """Choose ``response`` as the baseline, with a reason (audited, with the one it
    replaces). InvalidInput for another patient's response or no reason."""
    require_clinical(actor)
    errors = []
    if response.patient_id != patient.pk:
        errors.append(FieldError("response", "must be one of this patient's responses"))
    if not reason.strip():
        errors.append(FieldError("reason", "changing the baseline needs a reason"))
    if len(reason) > 2000:
        errors.append(FieldError("reason", "at most 2000 characters"))
    if errors:
        raise InvalidInput(errors)
    before = baseline_response(patient)
    choice, _ = Baseline.objects.update_or_create(
        patient=patient,
        defaults={"response": response, "reason": reason.strip(), "chosen_by": actor.user},
    )
    audit(
        actor,
        "acuplan.outcome.baseline_set",
        choice,
        patient,
        response=response.pk,
        replaces=before.pk if before else None,
        reason=reason.strip(),
    )
    return choice
