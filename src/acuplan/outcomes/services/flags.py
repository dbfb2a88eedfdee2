"""Red flags a patient reports between visits: the practitioner is told by email, the
report waits on the dashboard's urgent panel until a clinician has seen it, and (through
``clinic.safety_gate``) treatment stays refused until a new intake re-triages."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from acuplan.accounts.models import Role, User
from acuplan.clinic.services import Actor
from acuplan.core.errors import Conflict
from acuplan.outcomes.models import OutcomeResponse
from acuplan.outcomes.services.common import audit, require_clinical

log = logging.getLogger(__name__)


def recipients_for(response: OutcomeResponse) -> list[str]:
    """The patient's practitioner; without one (or without an email address), the clinic's
    practitioners and admins."""
    patient = response.patient
    own = patient.practitioner
    if own is not None and own.email and own.is_active:
        return [own.email]
    staff: Iterable[User] = User.objects.filter(
        clinic_id=patient.clinic_id,
        is_active=True,
        role__in=[Role.PRACTITIONER, Role.CLINIC_ADMIN],
    ).exclude(email="")
    return sorted({u.email for u in staff})


def notify_red_flags(response: OutcomeResponse, dashboard_url: str) -> None:
    """Email the practitioner once the response is committed. The email names no patient
    and no symptom (it may be read on a shared device): it says where to look."""
    to = recipients_for(response)
    if not to or not response.red_flags:
        return
    clinic = response.patient.clinic.name

    def send() -> None:
        try:
            send_mail(
                subject=f"{clinic}: a patient reported a warning sign",
                message=(
                    "A patient answered a questionnaire and reported a possible warning sign "
                    f"(red flag) on {response.answered_on:%d %B %Y}. Treatment is on hold until "
                    "the patient is re-assessed.\n\nOpen the urgent panel of the dashboard to "
                    f"see who and what:\n\n{dashboard_url}\n"
                ),
                from_email=None,
                recipient_list=to,
            )
        except Exception:  # the report stays on the urgent panel whatever the mail does
            log.exception("red-flag notification for response %s was not sent", response.pk)

    transaction.on_commit(send)


@transaction.atomic
def acknowledge_red_flags(*, actor: Actor, response: OutcomeResponse) -> OutcomeResponse:
    """A clinician has seen the red flags reported on ``response``: it leaves the urgent
    panel (treatment stays refused until a new intake). Audited."""
    require_clinical(actor)
    response = OutcomeResponse.objects.select_for_update().get(pk=response.pk)
    if not response.red_flags:
        raise Conflict("this response reports no red flag")
    if response.flags_seen_at is not None:
        raise Conflict("these red flags were already marked as seen")
    response.flags_seen_by, response.flags_seen_at = actor.user, timezone.now()
    response.save(update_fields=["flags_seen_by", "flags_seen_at"])
    audit(
        actor,
        "acuplan.red_flags.seen",
        response,
        response.patient,
        red_flags=list(response.red_flags),
    )
    return response
