"""Questionnaire links: a patient answers between visits without logging in.

A link is single-use, expires after LINK_LIFETIME, and is unguessable: 32 random bytes
(``secrets.token_urlsafe``), of which only the SHA-256 hash is stored. The token travels
only in the email; a reused, expired or unknown token changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from acuplan.accounts.models import User
from acuplan.clinic.models import Patient
from acuplan.clinic.services import Actor
from acuplan.core.errors import AcuplanError, FieldError, InvalidInput
from acuplan.core.knowledge import default_knowledge
from acuplan.core.outcomes.measures import COUNTS, score_answers
from acuplan.outcomes.models import OutcomeResponse, QuestionnaireLink, ResponseKind
from acuplan.outcomes.services.clinic_settings import function_instrument_for
from acuplan.outcomes.services.common import audit, require_member
from acuplan.outcomes.services.flags import notify_red_flags
from acuplan.outcomes.services.recording import create_response

LINK_LIFETIME = dt.timedelta(days=7)
TOKEN_BYTES = 32


class LinkUnknown(AcuplanError):
    """No link has this token (mistyped, guessed, or never sent): 404."""


class LinkGone(AcuplanError):
    """The link was used or has expired: 410. ``why`` is "used" or "expired"."""

    def __init__(self, why: str) -> None:
        self.why = why
        super().__init__(f"this questionnaire link has {'been used' if why == 'used' else why}")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def due_questionnaires(patient: Patient) -> list[str]:
    """What a follow-up link asks: pain, PEG, the clinic's function questionnaire, sleep,
    analgesics, workdays missed, and the red-flag check."""
    return ["pain_nrs", "peg", function_instrument_for(patient.clinic_id), *COUNTS, "red_flags"]


@transaction.atomic
def send_questionnaire_link(
    *, actor: Actor, patient: Patient, url_for: Callable[[str], str]
) -> QuestionnaireLink:
    """Create a link and email it to the patient (``url_for(token)`` builds the absolute
    address). The email goes out inside the transaction: if sending fails, no link exists.
    Raises InvalidInput naming "email" when the patient has no email address and "patient"
    before the first intake (the answers would have no baseline). Front desk may send
    one: the link carries no clinical content."""
    require_member(actor, patient)
    errors = []
    if not patient.email:
        errors.append(FieldError("email", "the patient has no email address on file"))
    if not patient.intakes.exists():
        errors.append(
            FieldError(
                "patient",
                "record the first intake before sending a questionnaire: follow-up answers "
                "are measured against it",
            )
        )
    if errors:
        raise InvalidInput(errors)
    link, token = issue_link(patient, created_by=actor.user)
    clinic = patient.clinic.name
    expires = timezone.localtime(link.expires_at, patient.clinic.zone).strftime("%d %B %Y")
    # No clinical detail in the email: it may be read on a shared or work device.
    send_mail(
        subject=f"A short questionnaire from {clinic}",
        message=(
            f"Hello {patient.first_name},\n\n"
            f"{clinic} would like to know how you are doing. The questions take about five "
            f"minutes:\n\n{url_for(token)}\n\n"
            f"The link works once and until {expires}. If you did not expect this message, "
            f"you can ignore it.\n"
        ),
        from_email=None,
        recipient_list=[patient.email],
    )
    audit(
        actor,
        "acuplan.questionnaire_link.sent",
        link,
        patient,
        expires_at=link.expires_at.isoformat(),
        due=link.due,
    )
    return link


def issue_link(
    patient: Patient,
    *,
    created_by: User | None,
    follow_up: Any = None,
    now: dt.datetime | None = None,
) -> tuple[QuestionnaireLink, str]:
    """A new link row and its token (the caller emails it in the same transaction).
    ``created_by`` None with ``follow_up``: sent by the follow-up schedule."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = now or timezone.now()
    link = QuestionnaireLink.objects.create(
        patient=patient,
        token_hash=hash_token(token),
        due=due_questionnaires(patient),
        sent_to=patient.email,
        created_by=created_by,
        follow_up=follow_up,
        created_at=now,
        expires_at=now + LINK_LIFETIME,
    )
    return link, token


def open_link(token: str, *, now: dt.datetime | None = None) -> QuestionnaireLink:
    """The usable link for ``token``. Raises LinkUnknown or LinkGone; changes nothing."""
    link = (
        QuestionnaireLink.objects.select_related("patient__clinic")
        .filter(token_hash=hash_token(token))
        .first()
    )
    return _usable(link, now or timezone.now())


def _usable(link: QuestionnaireLink | None, now: dt.datetime) -> QuestionnaireLink:
    if link is None:
        raise LinkUnknown("there is no questionnaire at this address")
    if link.used_at is not None:
        raise LinkGone("used")
    if now >= link.expires_at:
        raise LinkGone("expired")
    return link


@transaction.atomic
def answer_questionnaire(
    *,
    token: str,
    data: Mapping[str, object],
    now: dt.datetime | None = None,
    dashboard_url: str = "",
) -> OutcomeResponse:
    """Record the patient's answers in the chart as a follow-up response and spend the link.
    The link row is locked first, so two submissions cannot both use it. An empty submission
    is refused (InvalidInput) and leaves the link usable. A red flag in the answers emails
    the practitioner (after the commit) and waits on the dashboard's urgent panel."""
    now = now or timezone.now()
    link = (
        QuestionnaireLink.objects.select_for_update(of=("self",))
        .select_related("patient__clinic")
        .filter(token_hash=hash_token(token))
        .first()
    )
    link = _usable(link, now)
    measures = score_answers(default_knowledge(), data, allowed=frozenset(link.due))
    day = timezone.localdate(now, link.patient.clinic.zone)
    response = create_response(link.patient, ResponseKind.FOLLOW_UP, day, measures)
    link.used_at, link.response = now, response
    link.save(update_fields=["used_at", "response"])
    audit(
        None,
        "acuplan.outcome.answered_by_link",
        response,
        link.patient,
        link=link.pk,
        instruments=sorted(measures.scores),
        red_flags=measures.answers.get("red_flags", []),
    )
    if response.red_flags:
        notify_red_flags(response, dashboard_url)
    from acuplan.followup.services.answers import after_answer  # the follow-up app builds on this

    after_answer(link, response, now)
    return response


@dataclass(frozen=True)
class CompletionRate:
    sent: int
    completed: int
    expired: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.completed / self.sent, 1) if self.sent else None


def completion_rate(clinic_id: int, *, now: dt.datetime | None = None) -> CompletionRate:
    """Links completed / links sent for one clinic (one query)."""
    now = now or timezone.now()
    counts = QuestionnaireLink.objects.filter(patient__clinic_id=clinic_id).aggregate(
        sent=Count("id"),
        completed=Count("id", filter=Q(used_at__isnull=False)),
        expired=Count("id", filter=Q(used_at__isnull=True, expires_at__lte=now)),
    )
    return CompletionRate(counts["sent"], counts["completed"], counts["expired"])
