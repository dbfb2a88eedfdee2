"""Scheduling the course from the approved plan, and its iCalendar export (RFC 5545)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from acuplan.audit.models import AuditEvent
from acuplan.clinic.models import Patient, Plan
from acuplan.clinic.services import Actor
from acuplan.core.errors import Conflict, InvalidInput, NotPermitted
from acuplan.outcomes import ical, services
from acuplan.outcomes.models import Appointment, ProgressReview
from tests.outcomes.conftest import add_sessions, days_ago, record
from tests.web.conftest import Cast, login


def next_monday() -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=7 - today.weekday())


def book(patient: Patient, cast: Cast, start: dt.date | None = None) -> services.ScheduleResult:
    return services.schedule_appointments(
        actor=Actor(cast.owner), patient=patient, start=start or next_monday()
    )


def test_it_books_the_plan_s_phases_within_the_weekly_maximum(
    cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    result = book(patient, cast)
    days = [timezone.localtime(a.starts_at).date() for a in result.appointments]
    assert len(days) == 10
    assert [a.phase for a in result.appointments].count("initial") == 6
    assert all(d.weekday() < 5 for d in days)
    for d in days:
        assert sum(1 for x in days if d <= x < d + dt.timedelta(days=7)) <= 2
    assert timezone.localtime(result.appointments[0].starts_at).time() == dt.time(9, 0)
    assert result.notes == []
    event = AuditEvent.objects.get(action="acuplan.course.scheduled")
    assert event.detail["visits"] == 10


def test_it_skips_sessions_given_and_replaces_earlier_bookings(
    cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    book(patient, cast)
    add_sessions(patient, cast, [days_ago(0), days_ago(0)], approved_plan)
    again = book(patient, cast)
    assert [a.number for a in again.appointments] == list(range(3, 11))
    assert again.cancelled == 10
    assert Appointment.objects.filter(status="scheduled").count() == 8


def test_it_holds_medicare_visits_beyond_twelve_until_improvement_is_documented(
    cast: Cast, patient: Patient, medicare_plan: Plan
) -> None:
    course = dict(medicare_plan.data["course"])
    course["phases"] = [
        {"name": "initial", "sessions_per_week": 2.0, "weeks": 8, "sessions": 16},
        {"name": "monthly", "sessions_per_week": 0.25, "weeks": 24, "sessions": 6},
    ]
    Plan.objects.filter(pk=medicare_plan.pk).update(data={**medicare_plan.data, "course": course})
    held = book(patient, cast)
    assert len(held.appointments) == 12
    assert held.notes == [
        "Visits 13-20 not scheduled: medicare covers visits beyond 12 only with documented "
        "improvement (a responder decision on file)",
        "Visits 21-22 not scheduled: medicare covers at most 20 visits a year",
    ]
    ProgressReview.objects.create(  # a confirmed responder decision: documented improvement
        patient=patient,
        plan=medicare_plan,
        baseline_id=_response(patient, cast),
        current_id=_response(patient, cast),
        decision="continue_then_taper",
        rule="progress.responder",
        text="",
        inputs={},
        knowledge_version="test",
        created_by=cast.owner,
        status="confirmed",
        final_decision="continue_then_taper",
    )
    improving = book(patient, cast)
    assert len(improving.appointments) == 20
    first = improving.appointments[0].starts_at
    assert improving.appointments[12].starts_at >= first + dt.timedelta(days=90)
    assert improving.notes == [
        "Visits 21-22 not scheduled: medicare covers at most 20 visits a year"
    ]


def _response(patient: Patient, cast: Cast) -> int:
    return record(patient, cast, days_ago(1), pain_nrs=4).pk


def test_it_needs_an_approved_plan_and_a_future_start(
    cast: Cast, patient: Patient, plan: Plan
) -> None:
    with pytest.raises(Conflict, match="approve a plan"):
        book(patient, cast)
    with pytest.raises(InvalidInput, match="start: is in the past"):
        book(patient, cast, days_ago(3))
    with pytest.raises(NotPermitted, match="another clinic"):
        services.schedule_appointments(
            actor=Actor(cast.outsider), patient=patient, start=next_monday()
        )
    assert not Appointment.objects.exists()


def test_it_lets_the_front_desk_book_the_course(
    cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    result = services.schedule_appointments(
        actor=Actor(cast.front_desk), patient=patient, start=next_monday()
    )
    assert len(result.appointments) == 10
    assert {a.created_by_id for a in result.appointments} == {cast.front_desk.pk}


def test_it_books_through_the_schedule_page(
    client: Client, cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    login(client, cast.owner)
    url = reverse("outcomes:schedule", args=[patient.pk])
    page = client.get(url).content.decode()
    assert "10 visits would be booked" in page
    response = client.post(
        url, {"start": next_monday().isoformat(), "at": "14:30", "duration_minutes": "30"}
    )
    assert response.status_code == 302
    first = Appointment.objects.order_by("starts_at").first()
    assert first is not None
    assert timezone.localtime(first.starts_at).time() == dt.time(14, 30)
    bad = client.post(
        url, {"start": days_ago(2).isoformat(), "at": "09:00", "duration_minutes": "5"}
    )
    assert bad.status_code == 400
    assert "is in the past" in bad.content.decode()


def test_it_exports_a_valid_icalendar_without_clinical_details(
    client: Client, cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    result = book(patient, cast)
    login(client, cast.front_desk)  # booking is front-desk work: no clinical detail inside
    response = client.get(reverse("outcomes:calendar", args=[patient.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert body.endswith("\r\n")
    lines = body.split("\r\n")[:-1]
    assert "\n" not in "".join(lines)  # CRLF only
    assert all(len(line.encode()) <= 75 for line in lines)
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines
    assert any(line.startswith("PRODID:") for line in lines)
    events = body.split("BEGIN:VEVENT\r\n")[1:]
    assert len(events) == len(result.appointments) == 10
    for event in events:
        for prop in ("UID:", "DTSTAMP:", "DTSTART:", "DTEND:", "SUMMARY:"):
            assert f"\r\n{prop}" in "\r\n" + event, prop
        assert re.search(r"DTSTART:\d{8}T\d{6}Z\r\n", event)
    assert set(re.findall(r"SUMMARY:(.*)\r\n", body)) == {"Acupuncture session"}
    for secret in (patient.last_name, patient.first_name, "BL23", "Private clinical note"):
        assert secret not in body
    uids = re.findall(r"UID:(.*)\r\n", body)
    assert len(set(uids)) == len(uids)


def test_it_folds_and_escapes_icalendar_text() -> None:
    long = "X-WR-CALNAME:" + "Ünïcode clinic, Riverside; " * 6
    folded = ical.fold(long)
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == long
    assert ical.escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    with pytest.raises(ValueError, match="timezone-aware"):
        ical.utc(dt.datetime(2025, 1, 1, 9, 0))
