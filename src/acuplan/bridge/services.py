"""The bridge's writes, each in one transaction with its audit event: sending a referral
letter (which records the referral as made), receiving and accepting a physician's
referral, registering an EHR, and the reads that are audited like the chart's."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from acuplan.accounts.models import Clinic
from acuplan.audit.log import record_event
from acuplan.bridge.letters import build_letter, is_email, letter_text
from acuplan.bridge.models import EhrIssuer, IncomingReferral, ReferralLetter
from acuplan.clinic import services as clinic_services
from acuplan.clinic.models import Patient, Plan
from acuplan.clinic.safety_gate import BLOCKING
from acuplan.clinic.services import Actor, require_clinical_actor
from acuplan.core.errors import Conflict, FieldError, InvalidInput, NotPermitted


def _audit(actor: Actor, action: str, record: Any, patient: Patient, **detail: Any) -> None:
    record_event(actor.user, action, record, patient_id=patient.pk, ip=actor.ip, detail=detail)


@transaction.atomic
def send_referral_letter(*, actor: Actor, plan: Plan, index: int, method: str) -> ReferralLetter:
    """Send the plan's ``index``-th referral letter: ``email`` to the physician contact on
    the patient record (which must be an email address) or ``printed`` (faxed, posted or
    handed over). A plan that stops treatment has its referral recorded as made
    (``clinic.services.record_referral_made``). The email goes out last, inside the
    transaction: if it fails, nothing is recorded."""
    require_clinical_actor(actor, "send referral letters")
    if method not in ReferralLetter.Method.values:
        raise InvalidInput([FieldError("method", "must be email or printed")])
    patient = plan.patient
    letter = build_letter(plan, index, actor.user, timezone.localdate())
    if method == "email" and not letter.can_email:
        raise InvalidInput(
            [
                FieldError(
                    "method",
                    "the physician contact on the patient record is not an email address: "
                    "correct it on the patient's details, or print the letter",
                )
            ]
        )
    made = None
    if plan.triage_decision in BLOCKING and not plan.referrals_made.exists():
        how = f"emailed to {letter.physician_contact}" if method == "email" else "printed"
        made = clinic_services.record_referral_made(
            actor=actor, plan=plan, note=f"Referral letter {how}."
        )
    sent = ReferralLetter.objects.create(
        patient=patient,
        plan=plan,
        referral_index=index,
        to=letter.to[:200],
        urgency=letter.urgency,
        method=method,
        sent_to=letter.physician_contact[:254] if method == "email" else "",
        referral_made=made,
        sent_by=actor.user,
    )
    _audit(
        actor,
        "acuplan.referral_letter.sent",
        sent,
        patient,
        plan=plan.pk,
        urgency=letter.urgency,
        method=method,
    )
    if method == "email":
        send_mail(
            subject=f"Referral ({letter.urgency}): {patient.full_name}",
            message=letter_text(letter),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[letter.physician_contact],
        )
    return sent


@transaction.atomic
def receive_referral(
    *,
    actor: Actor,
    patient_data: dict[str, Any],
    reason: str,
    priority: str,
    requester_name: str,
    requester_contact: str,
    resource: dict[str, Any],
) -> IncomingReferral:
    """A physician's referral (a validated FHIR ServiceRequest): the patient is found by
    name and date of birth in the actor's clinic, or registered; the referring physician
    becomes the patient's physician contact; the referral waits on the dashboard."""
    if actor.user.clinic is None:
        raise NotPermitted("the user belongs to no clinic")
    clinic: Clinic = actor.user.clinic
    contact = {"physician_name": requester_name[:200], "physician_contact": requester_contact[:200]}
    patient = Patient.objects.filter(
        clinic=clinic,
        first_name__iexact=patient_data["first_name"],
        last_name__iexact=patient_data["last_name"],
        date_of_birth=patient_data["date_of_birth"],
    ).first()
    if patient is None:
        patient = clinic_services.create_patient(actor=actor, data={**patient_data, **contact})
    else:
        clinic_services.update_patient(actor=actor, patient=patient, data=contact)
    referral = IncomingReferral.objects.create(
        clinic=clinic,
        patient=patient,
        reason=reason,
        priority=priority,
        requester_name=requester_name[:200],
        requester_contact=requester_contact[:200],
        service_request=resource,
        received_by=actor.user,
    )
    _audit(actor, "acuplan.referral.received", referral, patient, priority=priority)
    return referral


@transaction.atomic
def accept_referral(*, actor: Actor, referral: IncomingReferral) -> IncomingReferral:
    require_clinical_actor(actor, "accept referrals")
    referral = IncomingReferral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != IncomingReferral.Status.PENDING:
        raise Conflict("this referral has already been accepted")
    referral.status = IncomingReferral.Status.ACCEPTED
    referral.accepted_by, referral.accepted_at = actor.user, timezone.now()
    referral.save(update_fields=["status", "accepted_by", "accepted_at"])
    _audit(actor, "acuplan.referral.accepted", referral, referral.patient)
    return referral


def record_export(*, actor: Actor | None, patient: Patient, via: str) -> None:
    """A FHIR export of the patient's record is a read of the whole chart: audited."""
    record_event(
        actor.user if actor else None,
        "acuplan.fhir.exported",
        patient,
        patient_id=patient.pk,
        clinic_id=patient.clinic_id,
        ip=actor.ip if actor else None,
        detail={"via": via},
    )


def add_issuer(*, clinic: Clinic, issuer: str, jwks: dict[str, Any], label: str = "") -> EhrIssuer:
    """Register an EHR's issuer and public keys (InvalidInput for a private key or a set
    PyJWT cannot read)."""
    from acuplan.bridge.cds.auth import check_jwks

    check_jwks(jwks)
    with transaction.atomic():
        record, _ = EhrIssuer.objects.update_or_create(
            issuer=issuer, defaults={"clinic": clinic, "jwks": jwks, "label": label, "active": True}
        )
        record_event(
            None,
            "acuplan.ehr_issuer.added",
            record,
            clinic_id=clinic.pk,
            detail={"issuer": issuer, "keys": len(jwks.get("keys", []))},
        )
    return record


__all__ = [
    "accept_referral",
    "add_issuer",
    "is_email",
    "receive_referral",
    "record_export",
    "send_referral_letter",
]
