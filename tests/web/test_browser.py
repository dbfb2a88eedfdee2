"""The whole visit in a real browser (headless Chromium through Playwright): log in, register
a patient, take the chronic cold-damp intake, review and approve the plan, record a session
and find it on the chart. Each step leaves a full-page screenshot in artifacts/screenshots/.

Inputs are found by their accessible names (label, legend, button text), so the test also
checks that every control it touches is labelled."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from acuplan.clinic import services
from acuplan.clinic.models import Plan, PlanStatus, Session
from acuplan.core.intake import parse_intake
from tests.browser import SHOTS, chromium
from tests.web.conftest import PASSWORD, Cast, example

pytestmark = pytest.mark.browser


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # between browser steps are still plain synchronous calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser:
        tab = browser.new_page(viewport={"width": 1200, "height": 900})
        tab.set_default_timeout(20_000)
        yield tab


class Steps:
    def __init__(self, page: Any) -> None:
        self.page = page
        self.n = 0

    def shot(self, name: str) -> None:
        self.n += 1
        self.page.screenshot(path=str(SHOTS / f"{self.n:02}-{name}.png"), full_page=True)
        # A full-page shot resizes the page for a moment; from a stale scroll position
        # Chromium can press a button and release it elsewhere, which is no click at all.
        self.page.evaluate("window.scrollTo(0, 0)")


def _group(page: Any, legend: str) -> Any:
    return page.get_by_role("group", name=legend, exact=True)


def _tick(page: Any, legend: str, *labels: str) -> None:
    for label in labels:
        _group(page, legend).get_by_label(label, exact=True).check()


def _fill_history(page: Any) -> None:
    page.get_by_label("Age (years)").fill("52")
    page.get_by_label("Sex", exact=True).select_option("male")
    # Not asked of a male patient unless the clinician opens the question.
    assert not page.get_by_label("Pregnant", exact=True).is_visible()
    page.locator("summary", has_text="Pregnancy").click()
    page.get_by_label("Pregnant", exact=True).select_option("no")
    _tick(page, "Where is the pain?", "Lower back")
    page.get_by_label("How long has this episode lasted?").fill("30")
    page.get_by_label("How did it start?").select_option("gradual")
    page.get_by_label("Average pain over the last week (0 to 10)").fill("6")
    page.get_by_label("Pain into the leg").select_option("none")
    page.get_by_label("Pain along the spine itself (midline)").select_option("no")
    _tick(page, "What is the pain like?", "Heavy", "Cold", "Stiff", "Aching")
    _tick(page, "Worse with", "Cold", "Damp", "Rest")
    _tick(page, "Better with", "Warmth", "Movement")
    page.get_by_label("Morning stiffness (minutes)").fill("15")


def _next(page: Any, title: str) -> None:
    """Move on to the next step of the intake (the answers so far go with it)."""
    page.get_by_role("button", name=f"Next: {title}").click()
    page.get_by_role("heading", name=re.compile(rf"^Step \d of 7: {title}$")).wait_for()


def _fill_findings_and_preferences(page: Any, steps: Steps) -> None:
    _next(page, "Red flags")
    steps.shot("intake-step-red-flags")
    _next(page, "Medicines and conditions")
    page.get_by_role("textbox", name="Medications").fill("ibuprofen")
    page.get_by_label("Fear of needles").select_option("no")
    steps.shot("intake-step-medicines")
    _next(page, "TCM findings")
    page.get_by_label("Tongue body").select_option("pale")
    page.get_by_label("Tongue coat").select_option("white_greasy")
    _tick(page, "Pulse", "Deep", "Slow")
    _tick(page, "Other signs", "Heaviness")
    steps.shot("intake-step-tcm")
    _next(page, "Preferences and cost")
    accepts = _group(page, "Treatments the patient accepts")
    accepts.get_by_label("Acupressure (no needles)").uncheck()
    page.get_by_label("Who pays").select_option("self_pay")
    steps.shot("intake-step-preferences")
    _next(page, "Questionnaires")


def _fill_questionnaires(page: Any) -> None:
    answers = ["Agree", "Disagree", "Disagree", "Agree", "Disagree", "Disagree", "Agree"]
    answers += ["Disagree"]
    for i, answer in enumerate(answers):
        page.locator(f'input[name="questionnaires__start_back__{i}"]').first.wait_for()
        group = page.get_by_role("group", name=re.compile(rf"^{i + 1}\. "))
        group.get_by_label(answer, exact=True).check()
    _group(page, "9. Overall bothersomeness of the back pain over the past 2 weeks").get_by_label(
        "Moderately"
    ).check()
    for i, value in enumerate([3, 1, 2, 1, 2, 2, 1, None, 2, 2]):
        if value is not None:
            page.locator(f"#id_questionnaires__odi__{i}").select_option(str(value))
    peg = page.get_by_role("region", name=re.compile("^PEG"))
    for label, value in (("Average pain", "6"), ("enjoying life", "5"), ("general activity", "6")):
        peg.get_by_label(re.compile(label)).fill(value)


def _unordered(data: object) -> dict[str, Any]:
    """The intake with its word lists as sets (a form lists ticks in page order);
    questionnaire answers keep their order, which is their meaning."""
    dumped: dict[str, Any] = parse_intake(data).model_dump(mode="json")
    for section in ("patient", "pain", "tcm", "medical", "preferences"):
        for key, value in dumped[section].items():
            if isinstance(value, list):
                dumped[section][key] = sorted(value)
    dumped["red_flags"] = sorted(dumped["red_flags"])
    return dumped


def test_it_takes_a_patient_from_intake_to_a_charted_session(
    page: Any, live_server: Any, cast: Cast, transactional_db: None
) -> None:
    steps = Steps(page)
    page.goto(f"{live_server.url}/")
    assert "/login/" in page.url
    steps.shot("login")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Dashboard").wait_for()
    steps.shot("dashboard")

    page.get_by_role("link", name="New patient").click()
    page.get_by_label("First name").fill("Wei")
    page.get_by_label("Last name").fill("Chen")
    page.get_by_label("Date of birth").fill("1974-03-09")
    page.get_by_label("Sex").select_option("male")
    steps.shot("new-patient")
    page.get_by_role("button", name="Register patient").click()
    page.get_by_role("heading", name=re.compile("Wei Chen")).wait_for()
    steps.shot("empty-chart")

    page.get_by_role("link", name="New intake", exact=True).click()
    page.get_by_role("button", name="Review answers").click()
    page.locator("#error-summary").wait_for()
    steps.shot("intake-errors")

    page.get_by_role("button", name="1. History").click()
    _fill_history(page)
    steps.shot("intake-step-history")
    _fill_findings_and_preferences(page, steps)
    _fill_questionnaires(page)
    steps.shot("intake-step-questionnaires")
    page.get_by_role("button", name="Review answers").click()
    page.get_by_role("heading", name="Review the answers").wait_for()
    assert not page.locator("#error-summary").count()
    steps.shot("intake-review")
    page.get_by_role("button", name="Save intake and draft the plan").click()
    page.get_by_role("heading", name=re.compile("Assessment and plan")).wait_for()
    assert page.get_by_role("heading", name="Triage: Proceed.").is_visible()
    assert page.get_by_text("Cold-damp lumbago").first.is_visible()
    steps.shot("plan-review")

    page.get_by_role("button", name="Approve this plan").click()
    page.get_by_text("Plan approved.").wait_for()
    plan = Plan.objects.get(patient__last_name="Chen")
    assert plan.status == PlanStatus.APPROVED
    assert _unordered(plan.intake.data) == _unordered(example("chronic-cold-damp"))
    steps.shot("plan-approved")

    page.get_by_role("link", name="Patient handout").click()
    page.get_by_role("heading", name="Your acupuncture plan").wait_for()
    steps.shot("handout")
    page.emulate_media(media="print")
    assert not page.get_by_role("link", name="Back to the plan").is_visible()
    steps.shot("handout-print")
    page.emulate_media(media="screen")
    page.go_back()

    page.get_by_role("link", name="Record a session").first.click()
    page.get_by_role("heading", name=re.compile("Record a session")).wait_for()
    first_point = plan.data["prescription"]["points"][0]["code"]
    assert page.get_by_label("Row 1 Point").input_value() == first_point
    page.get_by_label("Pain today (0 to 10)").fill("4")
    page.get_by_label("Row 1 De qi").select_option("yes")
    page.get_by_label("Notes").fill("Tolerated well; warm needle on GV4.")
    steps.shot("session-form")
    page.get_by_role("button", name="Save session").click()
    page.get_by_role("heading", name=re.compile("chart")).wait_for()
    session = Session.objects.get(patient__last_name="Chen")
    assert session.plan == plan
    assert session.pain_nrs == 4
    timeline = page.locator("ol.timeline")
    assert timeline.locator(".kind", has_text="Session").count() == 1
    assert f"{first_point} (" in timeline.inner_text()
    steps.shot("chart-with-session")

    actor = services.Actor(cast.owner)
    patient = plan.patient
    intake = services.record_intake(
        actor=actor, patient=patient, data=example("red-flag-cauda-equina")
    )
    emergency = services.create_plan(actor=actor, intake=intake)
    page.goto(f"{live_server.url}/plans/{emergency.pk}/")
    assert page.get_by_role("alert").first.is_visible()
    assert not page.get_by_role("button", name="Approve this plan").count()
    steps.shot("emergency-plan")

    page.get_by_role("button", name="Log out").click()
    page.get_by_label("Username").fill("desk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/patients/{patient.pk}/")
    assert page.get_by_text("front desk staff cannot see clinical notes").is_visible()
    steps.shot("front-desk-refused")
