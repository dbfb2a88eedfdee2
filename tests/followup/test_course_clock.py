"""A whole course on a simulated clock, from the first visit to six months after discharge,
in a New York clinic (two daylight-saving changes on the way), on each job queue.

At every step the scheduler runs twice (two enqueues of every due send) before the queue is
drained: every message must still go out exactly once. The patient answers some
questionnaires at once and one only after the reminder; the reminder stops once answered;
pain back after discharge raises the booster offer and one invitation."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections import Counter
from collections.abc import Callable

from django.core import mail
from django.utils import timezone

from acuplan.audit.models import AuditEvent
from acuplan.clinic import services as clinic_services
from acuplan.clinic.models import Patient, Plan
from acuplan.clinic.services import Actor
from acuplan.followup.models import BoosterOffer, ScheduledSend, SendKind, SendStatus
from acuplan.followup.queue import Queue
from acuplan.followup.services.delivery import run_due
from acuplan.followup.services.discharge import discharge_patient
from acuplan.outcomes.models import Appointment, QuestionnaireLink
from acuplan.outcomes.services.links import answer_questionnaire, hash_token
from acuplan.outcomes.services.scheduling import schedule_appointments
from tests.followup.conftest import Clock
from tests.web.conftest import Cast

NY = zoneinfo.ZoneInfo("America/New_York")
#: How the patient answers each questionnaire: (pain, answer the first email?)
ANSWERS = {
    "before_reassessment": (5, True),
    "phase_end": (4, False),  # only after the reminder (both phase ends)
    "discharge": (2, True),
    "month_1": (3, True),  # 1 point above discharge: below the MCID, no booster
    "month_3": (6, False),  # 4 above discharge, after the reminder: booster
    "month_6": (5, True),
}
TOKEN = re.compile(r"/q/([^/\s]+)/")


def test_it_runs_a_whole_course_on_the_clock(
    clock: Clock, queue: Queue, cast: Cast, patient: Patient, approved_plan: Plan, settings: object
) -> None:
    clinic = patient.clinic
    clinic.time_zone = "America/New_York"
    clinic.save()
    Patient.objects.filter(pk=patient.pk).update(email="ada@example.org")
    patient.refresh_from_db()
    owner = Actor(cast.owner)
    clock.set(dt.datetime(2027, 1, 29, 12, 0, tzinfo=NY))
    booked = schedule_appointments(
        actor=owner, patient=patient, start=dt.date(2027, 2, 1), at=dt.time(17, 30)
    )
    visits = booked.appointments
    assert len(visits) == 10
    # 17:30 on the clinic's wall clock on both sides of 14 March 2027 (EST -> EDT).
    assert {timezone.localtime(a.starts_at, NY).time() for a in visits} == {dt.time(17, 30)}
    assert {a.starts_at.astimezone(dt.UTC).hour for a in visits} == {21, 22}

    pending: list[tuple[dt.datetime, Callable[[], None]]] = []
    seen = 0
    discharged = False

    def step(at: dt.datetime) -> None:
        nonlocal seen
        clock.set(at)
        for _ in range(2):  # two schedulers, or run-due run twice
            run_due(at, enqueue=queue.enqueue)
        queue.drain()
        for message in mail.outbox[seen:]:
            react(message.subject, message.body, at)
        seen = len(mail.outbox)

    def react(subject: str, body: str, at: dt.datetime) -> None:
        found = TOKEN.search(body)
        if not found:
            return
        link = QuestionnaireLink.objects.get(token_hash=hash_token(found.group(1)))
        send = link.follow_up
        assert send is not None
        root = send.parent or send
        pain, first = ANSWERS[root.reason]
        if first or send.kind == SendKind.REMINDER:
            token = found.group(1)
            pending.append((at + dt.timedelta(hours=5), lambda: answer(token, pain)))

    def answer(token: str, pain: int) -> None:
        answer_questionnaire(token=token, data={"pain_nrs": pain})

    def next_moment(after: dt.datetime) -> dt.datetime | None:
        moments = [t for t, _ in pending]
        moments += [
            s.next_attempt_at or s.due_at
            for s in ScheduledSend.objects.filter(status=SendStatus.SCHEDULED)
        ]
        moments += [
            a.starts_at + dt.timedelta(hours=1)
            for a in Appointment.objects.filter(
                status=Appointment.Status.SCHEDULED, starts_at__gt=after - dt.timedelta(hours=1)
            )
        ]
        later = [max(m, after + dt.timedelta(minutes=1)) for m in moments]
        return min(later) if later else None

    at = clock.now
    session_days: set[dt.date] = set()
    for _ in range(400):
        step(at)
        for when, action in [p for p in pending if p[0] <= at]:
            pending.remove((when, action))
            action()
        for a in Appointment.objects.filter(
            status=Appointment.Status.SCHEDULED, starts_at__lte=at - dt.timedelta(minutes=59)
        ):
            day = timezone.localtime(a.starts_at, NY).date()
            if day not in session_days:
                session_days.add(day)
                clinic_services.record_session(
                    actor=owner,
                    patient=patient,
                    plan=approved_plan,
                    date=day,
                    method="manual",
                    points=[{"code": "BL23", "side": "bilateral", "depth_cun": 1.0}],
                )
        if len(session_days) == 10 and not discharged:
            discharge_patient(actor=owner, patient=patient)
            discharged = True
        nxt = next_moment(at)
        if nxt is None:
            break
        at = nxt
    else:
        raise AssertionError("the course did not come to an end")

    sends = list(ScheduledSend.objects.filter(patient=patient))
    by_key = {s.key: s for s in sends}
    # Exactly once: one "sent" audit event per send, one email per sent send.
    sent_events = Counter(
        AuditEvent.objects.filter(action="acuplan.follow_up.sent").values_list(
            "record_id", flat=True
        )
    )
    assert sent_events
    assert set(sent_events.values()) == {1}
    delivered = [s for s in sends if s.sent_at is not None]
    assert len(mail.outbox) == len(delivered) == len(sent_events)

    reminders = [s for s in sends if s.kind == SendKind.APPOINTMENT_REMINDER]
    assert len(reminders) == 10
    for r in reminders:
        assert r.status == SendStatus.SENT
        local = timezone.localtime(r.sent_at, NY)
        visit = timezone.localtime(r.appointment.starts_at, NY)
        assert (local.date(), local.time()) == (visit.date() - dt.timedelta(days=1), visit.time())

    questionnaires = {s.reason: s for s in sends if s.kind == SendKind.QUESTIONNAIRE}
    assert set(questionnaires) == {
        "before_reassessment",
        "phase_end",
        "discharge",
        "month_1",
        "month_3",
        "month_6",
    }
    assert len([s for s in sends if s.kind == SendKind.QUESTIONNAIRE]) == 7
    assert [
        (s.key, s.status)
        for s in sends
        if s.kind == SendKind.QUESTIONNAIRE and s.status != SendStatus.ANSWERED
    ] == []
    chasers = [s for s in sends if s.kind == SendKind.REMINDER]
    sent_chasers = sorted(s.parent.reason for s in chasers if s.sent_at)
    assert sent_chasers == ["month_3", "phase_end", "phase_end"]
    assert all(
        s.status == SendStatus.CANCELLED and s.cancel_reason == "answered"
        for s in chasers
        if not s.sent_at
    )
    # 1, 3 and 6 months after discharge at 10:00 New York time: EDT, then EST in November.
    month_6 = questionnaires["month_6"]
    assert timezone.localtime(month_6.due_at, NY).time() == dt.time(10, 0)
    assert month_6.due_at.astimezone(dt.UTC).hour == 15
    assert questionnaires["month_1"].due_at.astimezone(dt.UTC).hour == 14

    offers = list(BoosterOffer.objects.filter(patient=patient))
    assert [(o.discharge_pain, o.pain_now, o.sessions) for o in offers] == [(2, 6, 3)]
    invites = [s for s in sends if s.kind == SendKind.BOOSTER_INVITE]
    assert [s.status for s in invites] == [SendStatus.SENT]
    assert "booster" not in by_key  # keys name what they are for
