"""The intake's steps in a real browser with JavaScript turned off: each step is one short
screen, the answers travel with the form, Enter moves on, the review lists every answer in
words, and the plan is drafted only from the review. Each step leaves a screenshot."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from acuplan.clinic import services
from acuplan.clinic.models import Intake, Patient
from tests.browser import SHOTS, chromium
from tests.page_words import ids_without_words
from tests.web.conftest import PASSWORD, Cast

pytestmark = pytest.mark.browser

TITLES = [
    "History",
    "Red flags",
    "Medicines and conditions",
    "TCM findings",
    "Preferences and cost",
    "Questionnaires",
]


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser:
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, java_script_enabled=False
        )
        tab = context.new_page()
        tab.set_default_timeout(20_000)
        yield tab


def _shot(page: Any, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"intake-{name}.png"), full_page=True)


def _visible_controls(page: Any) -> int:
    return int(page.locator("input:visible, select:visible, textarea:visible").count())


def test_it_takes_the_intake_in_steps_without_javascript(
    page: Any, live_server: Any, cast: Cast, transactional_db: None
) -> None:
    patient: Patient = services.create_patient(
        actor=services.Actor(cast.owner),
        data={
            "first_name": "Wei",
            "last_name": "Chen",
            "date_of_birth": "1974-03-09",
            "sex": "male",
        },
    )
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Dashboard").wait_for()
    page.goto(f"{live_server.url}/patients/{patient.pk}/intakes/new/")

    heights = {}
    for n, title in enumerate(TITLES, start=1):
        page.get_by_role("heading", name=f"Step {n} of 7: {title}").wait_for()
        heights[title] = page.evaluate("document.documentElement.scrollHeight")
        assert _visible_controls(page) < 70, title
        if title == "History":
            # Pregnancy is not asked of a male patient unless the clinician opens it.
            assert not page.get_by_label("Pregnant", exact=True).is_visible()
            assert not page.get_by_label("Which leg").is_visible()
            page.get_by_role("group", name="Where is the pain?").get_by_label(
                "Lower back", exact=True
            ).check()
            page.get_by_label("How did it start?").select_option("gradual")
            page.get_by_label("Average pain over the last week (0 to 10)").fill("6")
            # Enter in a field moves on to the next step, as a form's first button would.
            page.get_by_label("How long has this episode lasted?").fill("30")
        if title == "Red flags":
            assert page.get_by_text("Ask about each.").is_visible()
        if title == "Medicines and conditions":
            page.get_by_role("textbox", name="Medications").fill("ibuprofen")
            page.get_by_label("Fear of needles").select_option("no")
        if title == "TCM findings":
            page.get_by_label("Tongue body").select_option("pale")
            page.get_by_role("group", name="Pulse").get_by_label("Deep").check()
        if title == "Preferences and cost":
            page.get_by_label("Who pays").select_option("self_pay")
        _shot(page, f"step-{n}")
        if title == "History":
            page.get_by_label("How long has this episode lasted?").press("Enter")
        elif n < len(TITLES):
            page.get_by_role("button", name=f"Next: {TITLES[n]}").click()
    assert max(heights.values()) < 3000, heights  # the one-page form was 5,500 px

    # Back to an earlier step: the answers given there are still in place.
    page.get_by_role("button", name="1. History").click()
    assert page.get_by_label("Average pain over the last week (0 to 10)").input_value() == "6"
    page.get_by_role("button", name="Review answers").click()
    page.get_by_role("heading", name="Review the answers").wait_for()
    review = page.locator("main").inner_text()
    for words in ("Lower back", "30 weeks", "6 out of 10", "ibuprofen", "Pale", "Deep", "Self-pay"):
        assert words in review, words
    assert ids_without_words(page.content()) == []
    assert not Intake.objects.exists()
    _shot(page, "review")

    page.get_by_role("button", name="Change medicines and conditions").click()
    page.get_by_role("heading", name="Step 3 of 7: Medicines and conditions").wait_for()
    page.get_by_role("textbox", name="Medications").fill("ibuprofen\nwarfarin")
    page.get_by_role("button", name="Review answers").click()
    assert "ibuprofen; warfarin" in page.locator("main").inner_text()
    page.get_by_role("button", name="Save intake and draft the plan").click()
    page.get_by_role("heading", name=re.compile("Assessment and plan")).wait_for()
    stored = Intake.objects.get()
    assert stored.data["medical"]["medications"] == ["ibuprofen", "warfarin"]
    assert stored.data["pain"]["duration_weeks"] == 30
    _shot(page, "saved-plan")


def test_it_shows_every_problem_at_once_and_where_it_is(
    page: Any, live_server: Any, cast: Cast, patient: Patient, transactional_db: None
) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Dashboard").wait_for()
    page.goto(f"{live_server.url}/patients/{patient.pk}/intakes/new/")
    page.get_by_label("Average pain over the last week (0 to 10)").fill("12")
    page.get_by_role("button", name="Next: Red flags").click()
    page.get_by_role("button", name="5. Preferences and cost").click()
    page.get_by_label("Currency").fill("US")
    page.get_by_role("button", name="Review answers").click()
    summary = page.locator("#error-summary")
    summary.wait_for()
    text = summary.inner_text()
    assert "4 problems to fix" in text
    for words in (
        "Where is the pain? – choose at least one",
        "How long has this episode lasted? (weeks, required) – required",
        "Average pain over the last week (0 to 10) – must be 10 or less",
        "Currency – must be a three-letter code such as USD",
    ):
        assert words in text, words
    assert ids_without_words(page.content()) == []
    # each problem links to its input, shown on the page to be corrected
    summary.get_by_role("link", name=re.compile("^Currency")).click()
    assert page.get_by_label("Currency").is_visible()
    _shot(page, "errors")
