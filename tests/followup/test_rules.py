"""The rules under the outbox and the calendar, one by one: local time and quiet hours,
exactly-once claims, retries with backoff shown to the clinic, the safety gate on every
automated path, booking limits, and the .ics export's time zone."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from acuplan.accounts.models import Clinic
from acuplan.booking.services import book_appointment, cancel_appointment
from acuplan.clinic.models import Patient, Plan
from acuplan.clinic.services import Actor
from acuplan.core.errors import Conflict, InvalidInput
from acuplan.followup import timing
from acuplan.followup.models import ScheduledSend, SendKind, SendStatus
from acuplan.followup.services import delivery
from acuplan.followup.services.discharge import discharge_patient
from acuplan.followup.services.schedule import Spec, ensure_send
from acuplan.outcomes import ical
from acuplan.outcomes.models import Appointment
from acuplan.outcomes.services.links import answer_questionnaire, hash_token
from acuplan.outcomes.services.recording import record_outcome
from tests.web.conftest import Cast, login

NY = zoneinfo.ZoneInfo("America/New_York")


def ny(clinic: Clinic) -> Clinic:
    clinic.time_zone = "America/New_York"
    clinic.save()
    return clinic


def test_it_keeps_the_wall_clock_across_daylight_saving(clinic: Clinic) -> None:
    visit = dt.datetime(2027, 3, 15, 9, 0, tzinfo=NY)  # Monday after the spring change
    before = timing.wall_minus(visit, 48, NY)
    assert (before.date(), before.time()) == (dt.date(2027, 3, 13), dt.time(9, 0))
    assert visit.astimezone(dt.UTC) - before.astimezone(dt.UTC) == dt.timedelta(
        hours=47
    )  # one hour was skipped overnight
    skipped = timing.at_local(dt.date(2027, 3, 14), dt.time(2, 30), NY)
    assert skipped.astimezone(NY).time() == dt.time(3, 30)
    assert timing.add_months(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)


def test_it_sends_nothing_inside_quiet_hours(clinic: Clinic) -> None:
    ny(clinic)
    early = dt.datetime(2027, 5, 4, 7, 0, tzinfo=NY)  # quiet 21:00-08:00
    assert clinic.in_quiet_hours(early)
    before = timing.out_of_quiet_hours(clinic, early, earlier=True)
    after = timing.out_of_quiet_hours(clinic, early, earlier=False)
    assert before.astimezone(NY) == dt.datetime(2027, 5, 3, 20, 45, tzinfo=NY)
    assert after.astimezone(NY) == dt.datetime(2027, 5, 4, 8, 0, tzinfo=NY)
    noon = dt.datetime(2027, 5, 4, 12, 0, tzinfo=NY)
    assert timing.out_of_quiet_hours(clinic, noon, earlier=True) == noon


def test_it_exports_local_times_with_their_zone(clinic: Clinic) -> None:
    events = [
        ical.Event("a", dt.datetime(2027, 3, 12, 17, 30, tzinfo=NY), 45),
        ical.Event("b", dt.datetime(2027, 3, 15, 17, 30, tzinfo=NY), 45),
    ]
    text = ical.calendar(events, stamp=dt.datetime(2027, 1, 1, tzinfo=dt.UTC), name="x", zone=NY)
    assert "DTSTART;TZID=America/New_York:20270312T173000" in text
    assert "DTSTART;TZID=America/New_York:20270315T173000" in text
    assert "BEGIN:VTIMEZONE" in text
    assert "DTSTART:20270314T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400" in text
    utc = ical.calendar(events, stamp=dt.datetime(2027, 1, 1, tzinfo=dt.UTC), name="x")
    assert "DTSTART:20270312T223000Z" in utc  # 17:30 EST is 22:30 UTC, not 17:30 UTC
    assert "DTSTART:20270315T213000Z" in utc  # and 21:30 UTC once EDT starts


def _emailed(patient: Patient) -> Patient:
    """With an email address, in a clinic without quiet hours (the test runs at any hour)."""
    Patient.objects.filter(pk=patient.pk).update(email="ada@example.org")
    Clinic.objects.filter(pk=patient.clinic_id).update(
        quiet_hours_start=dt.time(0), quiet_hours_end=dt.time(0)
    )
    patient.refresh_from_db()
    return patient


def _questionnaire(patient: Patient) -> ScheduledSend:
    ensure_send(patient, Spec("t:q", SendKind.QUESTIONNAIRE, "phase_end", timezone.now()))
    return ScheduledSend.objects.get(key="t:q")


def test_it_delivers_a_send_once_however_often_it_is_asked(
    patient: Patient, approved_plan: Plan
) -> None:
    send = _questionnaire(_emailed(patient))
    assert not ensure_send(
        patient, Spec("t:q", SendKind.QUESTIONNAIRE, "phase_end", timezone.now())
    )
    now = timezone.now()
    assert delivery.deliver_send(send.pk, now) is True
    assert delivery.deliver_send(send.pk, now) is False  # a retried job, a second worker
    assert delivery.run_due(now).delivered == 0  # and a second run-due
    assert len(mail.outbox) == 1
    assert ScheduledSend.objects.filter(parent=send, kind=SendKind.REMINDER).count() == 1


def test_it_retries_with_backoff_and_shows_the_failure(
    client: Client,
    cast: Cast,
    patient: Patient,
    approved_plan: Plan,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    send = _questionnaire(_emailed(patient))

    def refuse(*args: object, **kwargs: object) -> None:
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(delivery, "send_mail", refuse)
    at, waits = timezone.now(), []
    for _ in range(delivery.MAX_ATTEMPTS):
        assert delivery.deliver_send(send.pk, at) is False
        send.refresh_from_db()
        if send.next_attempt_at:
            waits.append(send.next_attempt_at - at)
            at = send.next_attempt_at
    assert [w.total_seconds() / 60 for w in waits] == [5, 10, 20, 40]
    assert (send.status, send.attempts) == (SendStatus.FAILED, 5)
    assert "mail server down" in send.last_error
    assert not send.links.exists()  # no mail, no link
    login(client, cast.front_desk)
    assert "mail server down" in client.get(reverse("followup:clinic")).content.decode()
    assert "could not be sent" in client.get(reverse("dashboard")).content.decode()


def test_it_routes_a_red_flag_in_a_scheduled_questionnaire_to_the_clinic(
    cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    cast.owner.email = "owner@example.org"
    cast.owner.save()
    send = _questionnaire(_emailed(patient))
    delivery.deliver_send(send.pk)
    token = mail.outbox[-1].body.split("/q/")[1].split("/")[0]
    assert ScheduledSend.objects.get(pk=send.pk).links.get().token_hash == hash_token(token)
    answer_questionnaire(token=token, data={"pain_nrs": 6, "red_flags": ["saddle_anaesthesia"]})
    assert ScheduledSend.objects.get(pk=send.pk).status == SendStatus.ANSWERED
    when = dt.datetime.combine(timezone.localdate() + dt.timedelta(days=3), dt.time(10))
    with pytest.raises(Conflict, match="reported saddle anaesthesia"):
        book_appointment(actor=Actor(cast.front_desk), patient=patient, starts_at=when)


def test_it_invites_no_blocked_patient_to_book(
    cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    owner = Actor(cast.owner)
    _emailed(patient)
    record_outcome(
        actor=owner,
        patient=patient,
        kind="follow_up",
        answered_on=timezone.localdate(),
        data={"pain_nrs": 2},
    )
    discharge_patient(actor=owner, patient=patient)
    record_outcome(
        actor=owner,
        patient=patient,
        kind="follow_up",
        answered_on=timezone.localdate(),
        data={"pain_nrs": 7, "red_flags": ["saddle_anaesthesia"]},
    )
    assert patient.booster_offers.count() == 1  # the clinic sees it ...
    assert not ScheduledSend.objects.filter(kind=SendKind.BOOSTER_INVITE).exists()  # ... no invite


def test_it_raises_no_booster_below_the_mcid(
    cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    owner = Actor(cast.owner)
    record_outcome(
        actor=owner,
        patient=patient,
        kind="follow_up",
        answered_on=timezone.localdate(),
        data={"pain_nrs": 3},
    )
    discharge_patient(actor=owner, patient=patient)
    record_outcome(
        actor=owner,
        patient=patient,
        kind="follow_up",
        answered_on=timezone.localdate(),
        data={"pain_nrs": 4},
    )
    assert patient.booster_offers.count() == 0
    record_outcome(
        actor=owner,
        patient=patient,
        kind="follow_up",
        answered_on=timezone.localdate(),
        data={"pain_nrs": 5},
    )
    assert [(o.discharge_pain, o.pain_now) for o in patient.booster_offers.all()] == [(3, 5)]


def _at(days: int, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(timezone.localdate() + dt.timedelta(days=days), dt.time(hour))


def test_it_books_within_the_course_s_rules(
    cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    desk = Actor(cast.front_desk)
    book_appointment(actor=desk, patient=patient, starts_at=_at(3), practitioner=cast.owner)
    book_appointment(actor=desk, patient=patient, starts_at=_at(5), practitioner=cast.owner)
    with pytest.raises(InvalidInput, match="more than 2 visit"):  # the weekly maximum
        book_appointment(actor=desk, patient=patient, starts_at=_at(6), practitioner=cast.owner)
    with pytest.raises(InvalidInput, match="already has a visit that day"):
        book_appointment(actor=desk, patient=patient, starts_at=_at(3, 15))
    with pytest.raises(InvalidInput, match="in the past"):
        book_appointment(actor=desk, patient=patient, starts_at=_at(-1))
    for day in (14, 17, 21, 24):  # the rest of the initial phase, twice a week
        book_appointment(actor=desk, patient=patient, starts_at=_at(day, 11))
    with pytest.raises(InvalidInput, match="more than 1 visit"):  # every other week now
        book_appointment(actor=desk, patient=patient, starts_at=_at(27, 11))
    for day in (35, 49, 70, 98):  # every other week, then monthly
        book_appointment(actor=desk, patient=patient, starts_at=_at(day, 11))
    with pytest.raises(Conflict, match="all 10 sessions"):
        book_appointment(actor=desk, patient=patient, starts_at=_at(60))


def test_it_refuses_a_blocked_patient_on_every_booking_path(
    client: Client, cast: Cast, patient: Patient, blocked_plan: Plan
) -> None:
    with pytest.raises(Conflict, match="not booked"):
        book_appointment(actor=Actor(cast.front_desk), patient=patient, starts_at=_at(3))
    login(client, cast.front_desk)
    response = client.post(
        f"/api/patients/{patient.pk}/appointments",
        {"starts_at": _at(3).isoformat(), "practitioner": cast.owner.pk},
        content_type="application/json",
        headers={"X-CSRFToken": "x"},
    )
    assert response.status_code in (403, 409)
    assert not Appointment.objects.filter(patient=patient).exists()


def test_it_marks_a_late_cancellation(cast: Cast, patient: Patient, approved_plan: Plan) -> None:
    a = book_appointment(actor=Actor(cast.owner), patient=patient, starts_at=_at(3))
    Appointment.objects.filter(pk=a.pk).update(starts_at=timezone.now() + dt.timedelta(hours=5))
    a.refresh_from_db()
    cancelled = cancel_appointment(actor=Actor(cast.front_desk), appointment=a, reason="ill")
    assert (cancelled.status, cancelled.late_cancellation) == ("cancelled", True)


def test_it_books_a_booster_only_when_one_was_offered(
    cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    owner = Actor(cast.owner)
    record_outcome(
        actor=owner,
        patient=patient,
        kind="follow_up",
        answered_on=timezone.localdate(),
        data={"pain_nrs": 2},
    )
    discharge_patient(actor=owner, patient=patient)
    with pytest.raises(Conflict, match="discharged"):
        book_appointment(actor=owner, patient=patient, starts_at=_at(3))
    record_outcome(
        actor=owner,
        patient=patient,
        kind="follow_up",
        answered_on=timezone.localdate(),
        data={"pain_nrs": 6},
    )
    a = book_appointment(actor=owner, patient=patient, starts_at=_at(3))
    assert a.phase == "booster"
    assert patient.booster_offers.get().status == "booked"
    with pytest.raises(InvalidInput, match="1 visit"):  # the booster is weekly
        book_appointment(actor=owner, patient=patient, starts_at=_at(5))


def test_the_course_scheduler_books_in_the_clinic_s_zone(
    client: Client, cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    ny(patient.clinic)
    login(client, cast.owner)
    start = timezone.localdate() + dt.timedelta(days=7)
    client.post(
        reverse("outcomes:schedule", args=[patient.pk]),
        {"start": start.isoformat(), "at": "17:30", "duration_minutes": 45},
    )
    first = Appointment.objects.filter(patient=patient).order_by("starts_at").first()
    assert first is not None
    assert first.starts_at.astimezone(NY).time() == dt.time(17, 30)
    body = client.get(reverse("outcomes:calendar", args=[patient.pk])).content.decode()
    assert "T173000" in body
    assert "TZID=America/New_York" in body


def test_run_due_refuses_a_bad_instant() -> None:
    from acuplan.cli import main

    assert main(["jobs", "run-due", "--at", "next tuesday"]) == 2
