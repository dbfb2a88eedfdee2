"""The portal on a phone (390 x 844) and the clinic calendar on a desk, in headless
Chromium. Screenshots go to artifacts/screenshots/between-NN-*.png. Controls are found by
their accessible names, so every control touched is labelled."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from acuplan.booking.services import book_appointment
from acuplan.clinic.models import Patient, Plan
from acuplan.clinic.services import Actor
from acuplan.outcomes import services as outcomes
from acuplan.outcomes.models import Appointment
from tests.browser import SHOTS, chromium
from tests.outcomes.conftest import intake_before
from tests.portal.conftest import due_for
from tests.web.conftest import PASSWORD, Cast

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
PHONE = {"width": 390, "height": 844}
pytestmark = pytest.mark.browser


@pytest.fixture
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def shot(page: Any, n: int, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"between-{n:02}-{name}.png"), full_page=True)


def _history(patient: Patient, cast: Cast) -> None:
    today = timezone.localdate()
    intake_before(patient, cast, today - dt.timedelta(days=30))
    for days, kind, nrs, rmdq in (
        (30, "intake", 7, 14),
        (16, "follow_up", 5, 10),
        (2, "follow_up", 3, 6),
    ):
        outcomes.record_outcome(
            actor=Actor(cast.owner),
            patient=patient,
            kind=kind,
            answered_on=today - dt.timedelta(days=days),
            data={"pain_nrs": nrs, "rmdq": [True] * rmdq + [False] * (24 - rmdq)},
        )


def _visits(patient: Patient, cast: Cast) -> list[Appointment]:
    base = timezone.localdate() + dt.timedelta(days=2)
    return [
        book_appointment(
            actor=Actor(cast.owner),
            patient=patient,
            starts_at=dt.datetime.combine(base + dt.timedelta(days=d), dt.time(17, 30)),
            practitioner=cast.owner,
        )
        for d in (0, 7)
    ]


def test_it_serves_the_portal_on_a_phone(
    browser: Any,
    live_server: Any,
    cast: Cast,
    patient: Patient,
    approved_plan: Plan,
    transactional_db: None,
) -> None:
    clinic = patient.clinic
    clinic.time_zone = "America/New_York"
    clinic.save()
    Patient.objects.filter(pk=patient.pk).update(email="ada@example.org")
    patient.refresh_from_db()
    _history(patient, cast)
    first, second = _visits(patient, cast)
    due_for(patient)

    phone = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    ).new_page()
    phone.set_default_timeout(20_000)
    phone.goto(f"{live_server.url}/my/sign-in/")
    phone.get_by_label("Email address").fill("ada@example.org")
    shot(phone, 1, "portal-sign-in")
    phone.get_by_role("button", name="Email me a sign-in link").click()
    phone.get_by_role("heading", name="Check your email").wait_for()
    link = re.search(r"(http://\S+/my/s/\S+/)", mail.outbox[-1].body)
    assert link
    phone.goto(link.group(1))
    phone.get_by_role("button", name="Sign in").click()
    phone.get_by_role("heading", name="Hello Ada").wait_for()
    shot(phone, 2, "portal-home")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    body = phone.locator("main").text_content() or ""
    local = timezone.localtime(first.starts_at, clinic.zone)
    assert f"at {local:%H:%M}" in body
    assert "17:30" in body  # the clinic's wall clock
    assert "Clearly better than at the start means 5 or lower." in body
    shot(phone, 2, "portal-home")

    phone.get_by_text("Ask to move it").first.click()
    phone.get_by_label("Which days and times suit you?").first.fill("Any weekday morning")
    phone.get_by_role("button", name="Send my request").first.click()
    phone.get_by_text("the front desk will contact you").wait_for()
    assert Appointment.objects.get(pk=first.pk).move_request == "Any weekday morning"
    phone.get_by_role("button", name=re.compile("^Cancel this visit")).nth(1).click()
    phone.get_by_text("Your visit is cancelled.").wait_for()
    assert Appointment.objects.get(pk=second.pk).status == "cancelled"
    shot(phone, 3, "portal-after-cancel")
    phone.get_by_role("link", name="Your plan").first.click()
    phone.locator("article.handout").wait_for()
    shot(phone, 4, "portal-handout")

    check = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True).new_page()
    check.set_default_timeout(20_000)
    check.goto(f"{live_server.url}/check/")
    check.get_by_label("Numbness around your bottom, genitals or inner thighs").check()
    check.get_by_label("You take a blood thinner").check()
    check.get_by_role("button", name="See what this means").click()
    check.get_by_role("heading", name="Get medical help now").wait_for()
    assert check.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(check, 5, "self-check-emergency")


def test_it_books_and_moves_visits_on_the_calendar(
    browser: Any,
    live_server: Any,
    cast: Cast,
    patient: Patient,
    approved_plan: Plan,
    transactional_db: None,
) -> None:
    clinic = patient.clinic
    clinic.time_zone = "America/New_York"
    clinic.save()
    _history(patient, cast)
    first, _ = _visits(patient, cast)
    Appointment.objects.filter(pk=first.pk).update(move_request="Mornings are better")

    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    desk.set_default_timeout(20_000)
    desk.goto(f"{live_server.url}/login/")
    desk.get_by_label("Username").fill("desk")
    desk.get_by_label("Password").fill(PASSWORD)
    desk.get_by_role("button", name="Log in").click()
    desk.get_by_role("heading", name="Dashboard").wait_for()
    desk.get_by_role("heading", name="Upcoming visits").wait_for()
    shot(desk, 6, "dashboard-upcoming")

    day = timezone.localtime(first.starts_at, clinic.zone).date()
    desk.goto(f"{live_server.url}/calendar/?view=week&day={day.isoformat()}")
    desk.get_by_role("heading", name=re.compile("^Calendar")).wait_for()
    shot(desk, 7, "calendar-week")
    desk.get_by_role("link", name="Book a visit").click()
    desk.get_by_label("Patient").select_option(label=str(patient))
    desk.get_by_label("Practitioner").select_option(label="owner")
    target = day + dt.timedelta(days=3)
    desk.get_by_label("Day").fill(target.isoformat())
    desk.get_by_label("Time").fill("09:15")
    desk.get_by_role("button", name="Book").click()
    desk.get_by_text(re.compile("^Booked: Byrne, Ada")).wait_for()
    booked = (
        Appointment.objects.filter(patient=patient, status="scheduled")
        .order_by("-created_at")
        .first()
    )
    assert booked is not None
    assert timezone.localtime(booked.starts_at, clinic.zone).time() == dt.time(9, 15)
    shot(desk, 8, "calendar-booked")

    desk.goto(f"{live_server.url}/appointments/{first.pk}/")
    desk.get_by_text("Mornings are better").wait_for()
    desk.get_by_label("Time").fill("08:30")
    desk.get_by_role("button", name="Move the visit").click()
    desk.get_by_text(re.compile("^Moved to")).wait_for()
    assert timezone.localtime(
        Appointment.objects.get(pk=first.pk).starts_at, clinic.zone
    ).time() == dt.time(8, 30)
    desk.goto(f"{live_server.url}/calendar/?view=day&day={day.isoformat()}")
    desk.get_by_role("heading", name=re.compile("^Calendar")).wait_for()
    shot(desk, 9, "calendar-day-moved")
