"""Discharge: the course is over; the discharge questionnaire goes out, then the 1, 3 and
6-month ones (``schedule``)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from acuplan.clinic.models import Patient
from acuplan.clinic.safety_gate import treatment_gate
from acuplan.clinic.services import Actor
from acuplan.core.errors import Conflict, FieldError, InvalidInput
from acuplan.followup.models import Discharge
from acuplan.followup.services.schedule import latest_discharge, sync_patient
from acuplan.outcomes.models import Appointment
from acuplan.outcomes.services.common import approved_plan, audit, require_clinical


@transaction.atomic
def discharge_patient(*, actor: Actor, patient: Patient, note: str = "") -> Discharge:
    """Discharge the patient from the approved plan's course. Conflict without an approved
    plan, when that plan's course was already discharged, or while visits are still booked
    (cancel them first). Clinicians only."""
    require_clinical(actor)
    if len(note) > 500:
        raise InvalidInput([FieldError("note", "at most 500 characters")])
    plan = approved_plan(patient)
    if plan is None:
        raise Conflict("there is no approved plan whose course could end")
    last = latest_discharge(patient)
    if last is not None and last.plan_id == plan.pk and not _booster_booked_since(patient, last):
        raise Conflict("this course was already discharged")
    now = timezone.now()
    if Appointment.objects.filter(
        patient=patient, status=Appointment.Status.SCHEDULED, starts_at__gt=now
    ).exists():
        raise Conflict("visits are still booked: cancel them before discharging")
    pain = (
        patient.outcome_responses.filter(pain_nrs__isnull=False)
        .order_by("-answered_on", "-id")
        .values_list("pain_nrs", flat=True)
        .first()
    )
    d = Discharge.objects.create(
        patient=patient,
        plan=plan,
        discharged_at=now,
        pain_nrs=pain,
        note=note.strip(),
        by=actor.user,
    )
    audit(
        actor,
        "acuplan.course.discharged",
        d,
        patient,
        plan=plan.pk,
        pain_nrs=pain,
        gate_blocked=treatment_gate(patient).blocked,
    )
    sync_patient(patient, now)
    return d


def _booster_booked_since(patient: Patient, d: Discharge) -> bool:
    return d.offers.filter(status="booked").exists()
