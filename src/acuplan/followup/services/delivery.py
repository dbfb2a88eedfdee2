"""Delivering sends: ``run_due`` finds what is due at an instant and delivers it (directly,
or through the job queue); ``deliver_send`` claims one send and delivers it exactly once.

- Claim: a conditional UPDATE (status scheduled, due, no live lease) takes a lease; only
  one worker's update matches, so a second scheduler, a retried job or ``run-due`` twice
  finds nothing to do.
- Success: the email and the send's new state commit together, with the audit event (a
  questionnaire's link is created in the same transaction: no mail, no link).
- Failure: the lease is dropped and the send retried after 5, 10, 20, 40 minutes; after
  MAX_ATTEMPTS it is marked failed, which the clinic sees on the Between visits page and
  the dashboard.
- Quiet hours: a send that comes due inside them waits for their end (reminders were
  already placed before them).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from acuplan.clinic.models import Patient
from acuplan.clinic.safety_gate import treatment_gate
from acuplan.followup import timing
from acuplan.followup.models import ScheduledSend, SendKind, SendStatus
from acuplan.followup.services.schedule import Spec, ensure_send, sync_patient
from acuplan.outcomes.models import Appointment
from acuplan.outcomes.services.common import audit
from acuplan.outcomes.services.links import LINK_LIFETIME, issue_link

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
FIRST_RETRY = dt.timedelta(minutes=5)
LEASE = dt.timedelta(minutes=10)


class SendSkipped(Exception):
    """The send no longer applies (answered, visit cancelled, patient blocked)."""


@dataclass
class RunReport:
    synced: int = 0
    created: int = 0
    due: list[int] = field(default_factory=list)
    delivered: int = 0


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failure: 5 minutes, doubling each time."""
    return FIRST_RETRY * int(2 ** max(attempts - 1, 0))


def active_patients(now: dt.datetime) -> list[Patient]:
    """Patients whose outbox may change: a visit booked from a day ago on, or a discharge
    in the last eight months."""
    since = now - dt.timedelta(days=1)
    ids = set(Appointment.objects.filter(starts_at__gte=since).values_list("patient_id", flat=True))
    from acuplan.followup.models import Discharge

    ids |= set(
        Discharge.objects.filter(discharged_at__gte=now - dt.timedelta(days=245)).values_list(
            "patient_id", flat=True
        )
    )
    return list(Patient.objects.filter(pk__in=ids).select_related("clinic"))


def due_ids(at: dt.datetime) -> list[int]:
    return list(
        ScheduledSend.objects.filter(status=SendStatus.SCHEDULED, due_at__lte=at)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=at))
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=at))
        .order_by("due_at", "id")
        .values_list("pk", flat=True)
    )


def run_due(
    at: dt.datetime, *, enqueue: Callable[[int, dt.datetime], object] | None = None
) -> RunReport:
    """Sync every active patient's outbox, then deliver each send due at ``at`` (or hand its
    id to ``enqueue``, the job queue's task). Safe to run any number of times, anywhere."""
    report = RunReport()
    for patient in active_patients(at):
        report.synced += 1
        report.created += sync_patient(patient, at)
    report.due = due_ids(at)
    for send_id in report.due:
        if enqueue is not None:
            enqueue(send_id, at)
        elif deliver_send(send_id, at):
            report.delivered += 1
    return report


def _claim(send_id: int, at: dt.datetime) -> ScheduledSend | None:
    claimed = (
        ScheduledSend.objects.filter(pk=send_id, status=SendStatus.SCHEDULED, due_at__lte=at)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=at))
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=at))
        .update(lease_until=at + LEASE)
    )
    if not claimed:
        return None
    return ScheduledSend.objects.select_related("patient__clinic", "appointment", "parent").get(
        pk=send_id
    )


def deliver_send(send_id: int, at: dt.datetime | None = None) -> bool:
    """Deliver one send if it is still due and nobody else holds it. True when this call
    sent it; False when there was nothing to do, it was skipped, or it failed (then it is
    retried with backoff)."""
    at = at or timezone.now()
    send = _claim(send_id, at)
    if send is None:
        return False
    clinic = send.patient.clinic
    if clinic.in_quiet_hours(at):
        later = timing.out_of_quiet_hours(clinic, at, earlier=False)
        ScheduledSend.objects.filter(pk=send.pk).update(lease_until=None, next_attempt_at=later)
        return False
    try:
        with transaction.atomic():
            HANDLERS[send.kind](send, at)
            ScheduledSend.objects.filter(pk=send.pk).update(
                status=SendStatus.SENT,
                sent_at=at,
                lease_until=None,
                attempts=send.attempts + 1,
                last_error="",
            )
            audit(
                None,
                "acuplan.follow_up.sent",
                send,
                send.patient,
                key=send.key,
                kind=send.kind,
                reason=send.reason,
            )
    except SendSkipped as exc:
        _cancel(send, at, str(exc))
        return False
    except Exception as exc:  # mail server down, bad address ...: retried, then shown
        _failed(send, at, exc)
        return False
    return True


def _cancel(send: ScheduledSend, at: dt.datetime, why: str) -> None:
    with transaction.atomic():
        ScheduledSend.objects.filter(pk=send.pk).update(
            status=SendStatus.CANCELLED, cancelled_at=at, cancel_reason=why[:200], lease_until=None
        )
        audit(None, "acuplan.follow_up.cancelled", send, send.patient, key=send.key, why=why)


def _failed(send: ScheduledSend, at: dt.datetime, exc: Exception) -> None:
    attempts = send.attempts + 1
    gave_up = attempts >= MAX_ATTEMPTS
    error = f"{type(exc).__name__}: {exc}"[:300]
    log.warning("send %s failed (attempt %s): %s", send.pk, attempts, error)
    with transaction.atomic():
        ScheduledSend.objects.filter(pk=send.pk).update(
            attempts=attempts,
            last_error=error,
            lease_until=None,
            next_attempt_at=None if gave_up else at + backoff(attempts),
            status=SendStatus.FAILED if gave_up else SendStatus.SCHEDULED,
        )
        audit(
            None,
            "acuplan.follow_up.failed",
            send,
            send.patient,
            key=send.key,
            attempts=attempts,
            gave_up=gave_up,
            error=error,
        )


# --- what each kind of send says ------------------------------------------------------------


def absolute(path: str) -> str:
    return settings.ACUPLAN_BASE_URL.rstrip("/") + path


def _email(send: ScheduledSend, subject: str, body: str) -> None:
    patient = send.patient
    if not patient.email:
        raise SendSkipped("the patient has no email address on file")
    # No clinical detail in any of these: they may be read on a shared or work device.
    send_mail(
        subject=subject,
        message=f"Hello {patient.first_name},\n\n{body}",
        from_email=None,
        recipient_list=[patient.email],
    )


def _questionnaire(send: ScheduledSend, at: dt.datetime) -> None:
    clinic = send.patient.clinic
    if not send.patient.email:
        raise SendSkipped("the patient has no email address on file")
    link, token = issue_link(send.patient, created_by=None, follow_up=send, now=at)
    url = absolute(reverse("outcomes:questionnaire", args=[token]))
    until = timing.describe_local(link.expires_at, clinic).split(" at ")[0]
    _email(
        send,
        f"A short questionnaire from {clinic.name}",
        f"{clinic.name} would like to know how your back is doing. The questions take "
        f"about five minutes:\n\n{url}\n\nThe link works once, until {until}.\n",
    )
    ensure_send(
        send.patient,
        Spec(
            f"{send.key}:reminder",
            SendKind.REMINDER,
            send.reason,
            timing.out_of_quiet_hours(
                clinic, at + dt.timedelta(days=clinic.chaser_days), earlier=False
            ),
            discharge=send.discharge,
        ),
        parent=send,
    )


def _reminder(send: ScheduledSend, at: dt.datetime) -> None:
    parent = send.parent
    if parent is None or parent.status == SendStatus.ANSWERED:
        raise SendSkipped("answered")
    clinic = send.patient.clinic
    _link, token = issue_link(send.patient, created_by=None, follow_up=send, now=at)
    url = absolute(reverse("outcomes:questionnaire", args=[token]))
    _email(
        send,
        f"Reminder: a short questionnaire from {clinic.name}",
        f"A few days ago {clinic.name} sent you a short questionnaire about your back. If "
        f"you have a moment, it takes about five minutes:\n\n{url}\n\nThis is the only "
        f"reminder. The link works once, for {LINK_LIFETIME.days} days.\n",
    )


def _appointment_reminder(send: ScheduledSend, at: dt.datetime) -> None:
    a = send.appointment
    if a is None or a.status != Appointment.Status.SCHEDULED or a.starts_at <= at:
        raise SendSkipped("the visit was moved or cancelled")
    if treatment_gate(send.patient).blocked:
        raise SendSkipped("treatment is on hold (safety gate): the clinic will call")
    clinic = send.patient.clinic
    _email(
        send,
        f"Your appointment at {clinic.name}",
        f"This is a reminder of your acupuncture appointment at {clinic.name} on "
        f"{timing.describe_local(a.starts_at, clinic)} ({clinic.zone.key} time), for "
        f"{a.duration_minutes} minutes.\n\nTo cancel or ask to move it, sign in to your "
        f"patient page: {absolute(reverse('portal:sign_in'))}\n"
        f"Please give at least {clinic.late_cancellation_hours} hours' notice.\n",
    )


def _booster_invite(send: ScheduledSend, at: dt.datetime) -> None:
    if treatment_gate(send.patient).blocked:
        raise SendSkipped("treatment is on hold (safety gate): no invitation to book")
    offer = send.booster
    clinic = send.patient.clinic
    sessions = f"{offer.sessions} sessions, once a week" if offer else "a few sessions"
    _email(
        send,
        f"{clinic.name}: would a few more sessions help?",
        f"Thank you for answering our questionnaire. Your answers suggest your back pain "
        f"has come back. Pain often returns after a course, and a short series of "
        f"sessions ({sessions}) usually helps again.\n\nTo book, call the clinic or sign "
        f"in to your patient page: {absolute(reverse('portal:sign_in'))}\n\nIf your pain "
        f"came with new symptoms such as numbness, weakness, or problems passing urine, "
        f"do not wait for acupuncture: get medical help now.\n",
    )


HANDLERS: dict[str, Callable[[ScheduledSend, dt.datetime], None]] = {
    SendKind.QUESTIONNAIRE: _questionnaire,
    SendKind.REMINDER: _reminder,
    SendKind.APPOINTMENT_REMINDER: _appointment_reminder,
    SendKind.BOOSTER_INVITE: _booster_invite,
}
