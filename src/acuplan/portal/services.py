"""The portal's services: one-time sign-in links, reading one's own record (audited), the
export of one's own record, and consultation requests from the public self-check.

A sign-in link is single-use, expires after SIGN_IN_LIFETIME and is unguessable (32 random
bytes; only the SHA-256 hash is stored). Asking for one never says whether the address is
known, and at most LINKS_PER_HOUR are sent to one patient.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any

from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from acuplan.accounts.models import Clinic, Role, User
from acuplan.clinic.models import Patient
from acuplan.core.errors import FieldError, InvalidInput
from acuplan.followup import timing
from acuplan.followup.models import ScheduledSend
from acuplan.outcomes.models import Appointment
from acuplan.outcomes.services.common import audit
from acuplan.outcomes.services.links import LinkGone, LinkUnknown, hash_token
from acuplan.portal.models import ConsultationRequest, PortalLink

SIGN_IN_LIFETIME = dt.timedelta(minutes=30)
LINKS_PER_HOUR = 3
TOKEN_BYTES = 32


@transaction.atomic
def request_sign_in(email: str, *, url_for: Callable[[str], str]) -> int:
    """Email a sign-in link to each patient with this address. Returns how many were sent
    (the page never shows it). InvalidInput for something that is not an email address."""
    email = email.strip()
    try:
        validate_email(email)
    except Exception:
        raise InvalidInput([FieldError("email", "enter an email address")]) from None
    now = timezone.now()
    sent = 0
    for patient in Patient.objects.filter(email__iexact=email).select_related("clinic"):
        recent = PortalLink.objects.filter(
            patient=patient, created_at__gte=now - dt.timedelta(hours=1)
        )
        if recent.count() >= LINKS_PER_HOUR:
            continue
        token = secrets.token_urlsafe(TOKEN_BYTES)
        link = PortalLink.objects.create(
            patient=patient,
            token_hash=hash_token(token),
            created_at=now,
            expires_at=now + SIGN_IN_LIFETIME,
        )
        until = timing.describe_local(link.expires_at, patient.clinic).split(" at ")[1]
        send_mail(
            subject=f"Your sign-in link for {patient.clinic.name}",
            message=(
                f"Hello {patient.first_name},\n\nOpen this link to see your plan, visits and "
                f"questionnaires at {patient.clinic.name}:\n\n{url_for(token)}\n\nIt works "
                f"once, until {until} today. If you did not ask for it, you can ignore this "
                f"message.\n"
            ),
            from_email=None,
            recipient_list=[patient.email],
        )
        audit(
            None, "acuplan.portal_link.sent", link, patient, expires_at=link.expires_at.isoformat()
        )
        sent += 1
    return sent


@transaction.atomic
def use_sign_in(token: str, *, now: dt.datetime | None = None) -> Patient:
    """Spend a sign-in link: its patient. LinkUnknown (404) or LinkGone (410)."""
    now = now or timezone.now()
    link = (
        PortalLink.objects.select_for_update(of=("self",))
        .select_related("patient__clinic")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if link is None:
        raise LinkUnknown("there is no sign-in link at this address")
    if link.used_at is not None:
        raise LinkGone("used")
    if now >= link.expires_at:
        raise LinkGone("expired")
    link.used_at = now
    link.save(update_fields=["used_at"])
    audit(None, "acuplan.portal_link.used", link, link.patient)
    return link.patient


def record_portal_read(patient: Patient, page: str) -> None:
    """Every portal page the patient opens leaves one audit event."""
    audit(None, "acuplan.portal_page.read", patient, patient, page=page)


def export_record(patient: Patient) -> dict[str, Any]:
    """The patient's own record as JSON (a FHIR-like summary: who, plans, visits, answers,
    scheduled messages). Audited."""
    plans = [
        {
            "id": p.pk,
            "as_of": p.as_of.isoformat(),
            "status": p.status,
            "triage": p.triage_decision,
            "plan": p.data,
        }
        for p in patient.plans.order_by("created_at", "id")
    ]
    visits = [
        {
            "starts_at": a.starts_at.isoformat(),
            "minutes": a.duration_minutes,
            "status": a.status,
            "phase": a.phase,
            "number": a.number,
        }
        for a in Appointment.objects.filter(patient=patient).order_by("starts_at", "id")
    ]
    sessions = [
        {
            "date": s.date.isoformat(),
            "method": s.method,
            "points": [
                {
                    "code": p.code,
                    "side": p.side,
                    "depth_cun": str(p.depth_cun) if p.depth_cun is not None else None,
                }
                for p in s.points.all()
            ],
            "retention_minutes": s.retention_minutes,
        }
        for s in patient.sessions.order_by("date", "id").prefetch_related("points")
    ]
    answers = [
        {
            "answered_on": r.answered_on.isoformat(),
            "kind": r.kind,
            "answers": r.answers,
            "scores": r.scores,
        }
        for r in patient.outcome_responses.order_by("answered_on", "id")
    ]
    sends = [
        {"kind": s.kind, "reason": s.reason, "due_at": s.due_at.isoformat(), "status": s.status}
        for s in ScheduledSend.objects.filter(patient=patient).order_by("due_at", "id")
    ]
    audit(None, "acuplan.own_record.downloaded", patient, patient)
    return {
        "resourceType": "acuplan.PatientRecord",
        "exported_at": timezone.now().isoformat(),
        "clinic": patient.clinic.name,
        "patient": {
            "first_name": patient.first_name,
            "last_name": patient.last_name,
            "date_of_birth": patient.date_of_birth.isoformat(),
            "email": patient.email,
            "phone": patient.phone,
        },
        "plans": plans,
        "sessions": sessions,
        "appointments": visits,
        "outcome_responses": answers,
        "scheduled_messages": sends,
    }


@transaction.atomic
def request_consultation(
    *, clinic: Clinic, name: str, contact: str, message: str, advice: str
) -> ConsultationRequest:
    """Someone who took the self-check asks the front desk to get in touch."""
    errors = []
    name, contact, message = name.strip(), contact.strip(), message.strip()
    if not name or len(name) > 100:
        errors.append(FieldError("name", "your name, in at most 100 characters"))
    if not contact or len(contact) > 254:
        errors.append(FieldError("contact", "an email address or phone number"))
    if len(message) > 2000:
        errors.append(FieldError("message", "at most 2000 characters"))
    if errors:
        raise InvalidInput(errors)
    row = ConsultationRequest.objects.create(
        clinic=clinic, name=name, contact=contact, message=message, advice_shown=advice[:20]
    )
    desk = sorted(
        {
            u.email
            for u in User.objects.filter(
                clinic=clinic, is_active=True, role=Role.FRONT_DESK
            ).exclude(email="")
        }
        or {u.email for u in User.objects.filter(clinic=clinic, is_active=True).exclude(email="")}
    )
    from acuplan.audit.log import record_event

    record_event(
        None,
        "acuplan.consultation.requested",
        row,
        clinic_id=clinic.pk,
        detail={"advice": row.advice_shown},
    )
    if desk:
        body = (
            f"{name} asked for a consultation through the online self-check.\n\nContact: "
            f"{contact}\n\nMessage: {message or '(none)'}\n"
        )
        transaction.on_commit(
            lambda: send_mail(
                subject=f"{clinic.name}: a consultation request",
                message=body,
                from_email=None,
                recipient_list=desk,
                fail_silently=True,
            )
        )
    return row
