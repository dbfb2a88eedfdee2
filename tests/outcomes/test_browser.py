"""A patient answers a questionnaire through the emailed link on a phone-sized viewport
(390 x 844), and the outcomes page then shows the new point on the plot and in the table.
Headless Chromium through Playwright; full-page screenshots go to
artifacts/screenshots/outcomes-NN-*.png. Controls are found by their accessible names, so
the test also checks that every control it touches is labelled."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from acuplan.clinic.models import Patient, Plan, Session
from acuplan.clinic.services import Actor
from acuplan.outcomes import services
from acuplan.outcomes.models import OutcomeResponse
from tests.browser import SHOTS, chromium
from tests.outcomes.conftest import intake_before
from tests.web.conftest import PASSWORD, Cast

# Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
# between browser steps are still plain synchronous calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.browser


@pytest.fixture
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def shot(page: Any, n: int, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"outcomes-{n:02}-{name}.png"), full_page=True)


def _scale(page: Any, legend: str, value: str) -> None:
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_role("radio", name=value, exact=True).check()


def _history(patient: Patient, cast: Cast, plan: Plan) -> None:
    """A baseline, a session check and four sessions, all before today."""
    today = timezone.localdate()
    actor = Actor(cast.owner)
    intake_before(patient, cast, today - dt.timedelta(days=28))
    rmdq = [True] * 12 + [False] * 12
    for days, kind, nrs, items in (
        (28, "intake", 7, rmdq),
        (14, "follow_up", 6, rmdq[2:] + [False] * 2),
    ):
        services.record_outcome(
            actor=actor,
            patient=patient,
            kind=kind,
            answered_on=today - dt.timedelta(days=days),
            data={"pain_nrs": nrs, "rmdq": items, "sleep_nights_disturbed": 4},
        )
    Session.objects.bulk_create(
        Session(
            patient=patient,
            plan=plan,
            date=today - dt.timedelta(days=d),
            practitioner=cast.owner,
            method="manual",
        )
        for d in (27, 24, 20, 17, 13, 10)
    )


def test_it_charts_the_answers_a_patient_gives_on_a_phone(
    browser: Any,
    live_server: Any,
    cast: Cast,
    patient: Patient,
    approved_plan: Plan,
    transactional_db: None,
) -> None:
    Patient.objects.filter(pk=patient.pk).update(email="ada@example.org")
    patient.refresh_from_db()
    _history(patient, cast, approved_plan)
    services.send_questionnaire_link(
        actor=Actor(cast.owner),
        patient=patient,
        url_for=lambda t: f"{live_server.url}/q/{t}/",
    )
    found = re.search(r"(http://\S+/q/\S+/)", mail.outbox[-1].body)
    assert found
    link = found.group(1)

    phone = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    ).new_page()
    phone.set_default_timeout(20_000)
    phone.goto(link)
    phone.get_by_role("heading", name="How are you doing?").wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, 1, "phone-questionnaire")

    _scale(phone, "Your average back pain in the past week", "3")
    _scale(phone, "Your average pain in the past week", "3")
    _scale(phone, "How much pain got in the way of enjoying life in the past week", "2")
    _scale(phone, "How much pain got in the way of your general activity in the past week", "3")
    activities = phone.get_by_role(
        "group", name="Tick each statement that describes you today because of your back"
    )
    activities.get_by_label("Walking more slowly than usual").check()
    activities.get_by_label("Standing only for short spells").check()
    _scale(phone, "On how many nights in the past week did back pain disturb your sleep?", "1")
    _scale(phone, "How well did you sleep in the past week?", "7")
    phone.get_by_label("Painkiller doses taken in the past week").fill("2")
    phone.get_by_label("Workdays missed because of your back since your last visit").fill("0")
    shot(phone, 2, "phone-answered")
    phone.get_by_role("button", name="Send my answers").click()
    phone.get_by_role("heading", name="Thank you").wait_for()
    shot(phone, 3, "phone-thanks")

    answer = OutcomeResponse.objects.get(kind="follow_up", recorded_by=None)
    assert (answer.pain_nrs, answer.function_score, answer.sleep_quality) == (3, 2.0, 7)

    phone.goto(link)  # the link is spent
    phone.get_by_role("heading", name="These answers were already sent").wait_for()
    shot(phone, 4, "phone-link-used")

    desk = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    desk.set_default_timeout(20_000)
    desk.goto(f"{live_server.url}/login/")
    desk.get_by_label("Username").fill("owner")
    desk.get_by_label("Password").fill(PASSWORD)
    desk.get_by_role("button", name="Log in").click()
    desk.get_by_role("heading", name="Dashboard").wait_for()
    desk.goto(f"{live_server.url}/patients/{patient.pk}/outcomes/")
    plot = desk.get_by_role("img", name="Pain and function over time against the MCID band")
    plot.wait_for()
    today = timezone.localdate().isoformat()
    description = desk.locator("#outcomes-plot-desc").text_content() or ""
    assert "Pain NRS (0-10): 3 scores from" in description
    assert "baseline 7, latest 3" in description
    assert f"latest 3 on {today}" in description
    assert "baseline 12, latest" in description
    assert "6 sessions are marked" in description
    row = desk.get_by_role("row", name=re.compile(rf"^{today} Follow-up \(patient link\) 3 "))
    row.wait_for()
    shot(desk, 5, "chart-with-new-point")

    phone_chart = browser.new_context(viewport=PHONE, device_scale_factor=2).new_page()
    phone_chart.context.add_cookies(desk.context.cookies())
    phone_chart.goto(f"{live_server.url}/patients/{patient.pk}/outcomes/")
    phone_chart.get_by_role("img", name=re.compile("^Pain and function")).wait_for()
    shot(phone_chart, 6, "phone-chart")

    # The practitioner reviews progress, confirms, books the course, checks safety.
    desk.get_by_role("button", name="Review progress").click()
    desk.get_by_role("heading", name=re.compile("^Progress review")).wait_for()
    assert desk.locator("p.decision").text_content() == "Continue, then taper"
    shot(desk, 7, "review")
    desk.get_by_role("button", name="Record the decision").click()
    desk.get_by_text("Progress decision recorded.").wait_for()
    desk.get_by_role("link", name="Schedule the course").first.click()
    desk.get_by_role("heading", name=re.compile("^Schedule the course")).wait_for()
    desk.get_by_role("button", name="Book the appointments").click()
    desk.get_by_text(re.compile(r"^\d+ appointments booked\.$")).wait_for()
    shot(desk, 8, "schedule")
    desk.goto(f"{live_server.url}/clinic/safety/")
    desk.get_by_role("heading", name="Adverse events in this clinic").wait_for()
    shot(desk, 9, "safety")
