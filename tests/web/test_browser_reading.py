"""The plan page and the handout in a real browser (headless Chromium): what a clinician acts
on fits the first screen, the plan and the handout print to at most two A4 pages (Chromium's
own PDF, pages counted), the handout reads on a phone, and no printout shows an id without
its words. Each view leaves a screenshot (and its PDF) in artifacts/screenshots/."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from acuplan.accounts.models import Clinic
from acuplan.clinic import services
from acuplan.clinic.models import Patient, Plan
from acuplan.outcomes.services.scheduling import schedule_appointments
from tests.browser import SHOTS, chromium
from tests.page_words import ids_without_words
from tests.web.conftest import PASSWORD, Cast
from tests.web.test_pages_reading import EXAMPLES, new_patient, plan_for, with_overrides

pytestmark = pytest.mark.browser

SCREEN = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as b:
        yield b


def _logged_in(browser: Any, live_server: Any, **context: Any) -> Any:
    page = browser.new_context(**context).new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Dashboard").wait_for()
    return page


def _pdf_pages(page: Any, name: str) -> int:
    """Print the page as Chromium does (print media, A4) and count the PDF's pages."""
    page.emulate_media(media="print")
    pdf: bytes = page.pdf(format="A4", prefer_css_page_size=True)
    (SHOTS / f"{name}.pdf").write_bytes(pdf)
    page.screenshot(path=str(SHOTS / f"{name}-print.png"), full_page=True)
    text = page.inner_text("body")
    page.emulate_media(media="screen")
    problems = ids_without_words(text, is_html=False)
    assert problems == [], (name, problems)
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def _top(page: Any, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return float(box["y"])


def _booked(cast: Cast, plan: Plan) -> None:
    services.approve_plan(actor=services.Actor(cast.owner), plan=plan)
    start = timezone.localdate() + dt.timedelta(days=2)
    schedule_appointments(actor=services.Actor(cast.owner), patient=plan.patient, start=start)


@pytest.fixture
def plans(cast: Cast, patient: Patient) -> dict[str, Plan]:
    """A plan of each example, each for a patient of its own, with overrides of each kind."""
    Clinic.objects.filter(pk=patient.clinic_id).update(phone="(555) 010-0200")
    out = {}
    for name in EXAMPLES:
        plan = plan_for(cast, new_patient(cast, name.split("-")[0].capitalize()), name)
        out[name] = with_overrides(cast, plan) if plan.is_treatable else plan
    return out


def test_it_fits_the_plan_on_one_screen_and_two_printed_pages(
    browser: Any, live_server: Any, cast: Cast, plans: dict[str, Plan], transactional_db: None
) -> None:
    page = _logged_in(browser, live_server, viewport=SCREEN)
    for name, plan in plans.items():
        page.goto(f"{live_server.url}/plans/{plan.pk}/")
        page.get_by_role("heading", name=re.compile("^Triage: ")).wait_for()
        page.screenshot(path=str(SHOTS / f"plan-{name}.png"))
        first_screen = ["#triage-title", ".plan-head + p + .actions"]
        if plan.is_treatable:
            first_screen += [
                "#technique-title",
                "#prescription-title",
                "table.rx tbody tr",
                "#precautions-title",
                "#course-title",
                "a[href='#override']",
            ]
        for selector in first_screen:
            assert _top(page, selector) < SCREEN["height"], (name, selector)
        assert _pdf_pages(page, f"plan-{name}") <= 2, name


def test_it_approves_or_overrides_from_the_first_screen(
    browser: Any, live_server: Any, cast: Cast, patient: Patient, transactional_db: None
) -> None:
    plan = plan_for(cast, patient, "sciatica-on-apixaban")
    page = _logged_in(browser, live_server, viewport=SCREEN)
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    approve = page.get_by_role("button", name="Approve this plan")
    assert _top(page, "button:has-text('Approve this plan')") < SCREEN["height"]
    page.get_by_role("link", name="Change the prescription").click()
    page.get_by_label("Change", exact=True).select_option("remove_point")
    page.get_by_label("Point or technique").fill("BL57")
    page.get_by_label("Reason (required)").fill("varicose veins behind the knee")
    page.screenshot(path=str(SHOTS / "plan-override-form.png"), full_page=False)
    page.get_by_role("button", name="Record override").click()
    page.get_by_text("Override recorded.").wait_for()
    assert "BL57" not in page.locator("table.rx").inner_text()
    approve.click()
    page.get_by_text("Plan approved.").wait_for()
    page.screenshot(path=str(SHOTS / "plan-approved.png"))


def test_it_prints_each_handout_on_two_pages_and_reads_on_a_phone(
    browser: Any,
    live_server: Any,
    cast: Cast,
    patient: Patient,
    plans: dict[str, Plan],
    transactional_db: None,
) -> None:
    _booked(cast, plans["chronic-cold-damp"])
    page = _logged_in(browser, live_server, viewport=SCREEN)
    for name, plan in plans.items():
        page.goto(f"{live_server.url}/plans/{plan.pk}/handout/")
        page.get_by_role("heading", name="Your acupuncture plan").wait_for()
        assert page.get_by_role("button", name="Print").is_visible()
        page.screenshot(path=str(SHOTS / f"handout-{name}.png"), full_page=True)
        assert _pdf_pages(page, f"handout-{name}") <= 2, name
    page.goto(f"{live_server.url}/plans/{plans['chronic-cold-damp'].pk}/handout/")
    assert page.get_by_text(re.compile(r"^Your next visit:")).is_visible()

    phone = _logged_in(browser, live_server, viewport=PHONE, is_mobile=True, has_touch=True)
    phone.goto(f"{live_server.url}/plans/{plans['chronic-cold-damp'].pk}/handout/")
    phone.get_by_role("heading", name="Your acupuncture plan").wait_for()
    phone.screenshot(path=str(SHOTS / "handout-phone.png"), full_page=True)
    widths = phone.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], "the handout scrolls sideways on a phone"
    size = phone.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.handout p')).fontSize)"
    )
    assert size >= 16
    assert phone.get_by_role("button", name="Print").is_visible()


def test_it_tells_how_to_print_without_javascript(
    browser: Any, live_server: Any, cast: Cast, plan: Plan, transactional_db: None
) -> None:
    page = _logged_in(browser, live_server, viewport=SCREEN, java_script_enabled=False)
    page.goto(f"{live_server.url}/plans/{plan.pk}/handout/")
    assert not page.get_by_role("button", name="Print").is_visible()
    assert page.get_by_text("use your browser's Print command").is_visible()
    page.screenshot(path=str(SHOTS / "handout-no-javascript.png"))
