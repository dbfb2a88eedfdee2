"""Booster detection. After discharge, pain that has come back by at least the pain NRS's
MCID (instruments.toml: 2 points, Ostelo 2008; Farrar 2001) above the discharge score puts
"pain returned: offer a booster series" on the dashboard and invites the patient to book,
unless the safety gate holds treatment (then the clinic sees the offer, the patient gets no
invitation). The booster course is the plan's (``course.booster``: the engine's rule)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from acuplan.clinic.models import Patient
from acuplan.clinic.safety_gate import treatment_gate
from acuplan.clinic.services import Actor
from acuplan.core.errors import Conflict
from acuplan.core.knowledge import default_knowledge
from acuplan.followup.models import BoosterOffer, BoosterStatus, SendKind
from acuplan.followup.services.schedule import Spec, ensure_send, latest_discharge
from acuplan.outcomes.models import OutcomeResponse
from acuplan.outcomes.services.common import audit, require_member


def mcid_points() -> float:
    points = default_knowledge().instruments["nrs"].mcid_points
    return float(points if points is not None else 2)


def check_booster(patient: Patient, response: OutcomeResponse) -> BoosterOffer | None:
    """Raise a booster offer when ``response`` shows pain back after the latest discharge
    (in the caller's transaction). None when it does not, or one is already open."""
    discharge = latest_discharge(patient)
    if discharge is None or discharge.pain_nrs is None or response.pain_nrs is None:
        return None
    if response.answered_on < timezone.localdate(discharge.discharged_at, patient.clinic.zone):
        return None
    mcid = mcid_points()
    if response.pain_nrs - discharge.pain_nrs < mcid:
        return None
    if BoosterOffer.objects.filter(discharge=discharge, status=BoosterStatus.OPEN).exists():
        return None
    booster: dict[str, Any] = (discharge.plan.data.get("course") or {}).get("booster") or {}
    offer = BoosterOffer.objects.create(
        patient=patient,
        discharge=discharge,
        response=response,
        discharge_pain=discharge.pain_nrs,
        pain_now=response.pain_nrs,
        mcid_points=mcid,
        sessions=int(booster.get("sessions", 3)),
        sessions_per_week=int(booster.get("sessions_per_week", 1)),
    )
    audit(
        None,
        "acuplan.booster.offered",
        offer,
        patient,
        discharge_pain=discharge.pain_nrs,
        pain_now=response.pain_nrs,
        mcid=mcid,
    )
    if not treatment_gate(patient).blocked:  # never invite a blocked patient to book
        ensure_send(
            patient,
            Spec(f"booster{offer.pk}:invite", SendKind.BOOSTER_INVITE, "booster", timezone.now()),
            booster=offer,
        )
    return offer


@transaction.atomic
def settle_booster(*, actor: Actor, offer: BoosterOffer, status: str) -> BoosterOffer:
    """The clinic booked the booster series or dismissed the offer (audited)."""
    require_member(actor, offer.patient)
    offer = BoosterOffer.objects.select_for_update().get(pk=offer.pk)
    if offer.status != BoosterStatus.OPEN:
        raise Conflict(f"this booster offer is already {offer.get_status_display().lower()}")
    if status not in (BoosterStatus.BOOKED, BoosterStatus.DISMISSED):
        raise Conflict("a booster offer is booked or dismissed")
    offer.status, offer.settled_by, offer.settled_at = status, actor.user, timezone.now()
    offer.save(update_fields=["status", "settled_by", "settled_at"])
    audit(actor, f"acuplan.booster.{status}", offer, offer.patient)
    return offer
