"""What an answer changes in the outbox: the send is answered, its reminder stops, the
other links of the same send stop working, and pain back after discharge raises a booster
offer (``booster.check_booster``)."""

from __future__ import annotations

import datetime as dt

from acuplan.followup.models import Discharge, ScheduledSend, SendStatus
from acuplan.followup.services.booster import check_booster
from acuplan.outcomes.models import OutcomeResponse, QuestionnaireLink


def after_answer(link: QuestionnaireLink, response: OutcomeResponse, now: dt.datetime) -> None:
    """Called inside ``answer_questionnaire``'s transaction, after the response is stored."""
    send = link.follow_up
    if send is not None:
        root = send.parent or send
        ScheduledSend.objects.filter(pk=root.pk).exclude(status=SendStatus.ANSWERED).update(
            status=SendStatus.ANSWERED, answered_at=now
        )
        ScheduledSend.objects.filter(parent=root, status=SendStatus.SCHEDULED).update(
            status=SendStatus.CANCELLED, cancelled_at=now, cancel_reason="answered"
        )
        QuestionnaireLink.objects.filter(
            follow_up__in=[root.pk, *root.reminders.values_list("pk", flat=True)],
            used_at__isnull=True,
        ).exclude(pk=link.pk).update(expires_at=now)
        if root.reason == "discharge" and root.discharge_id and response.pain_nrs is not None:
            Discharge.objects.filter(pk=root.discharge_id).update(pain_nrs=response.pain_nrs)
            return
    check_booster(response.patient, response)
