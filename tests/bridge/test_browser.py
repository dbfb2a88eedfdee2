"""The referral letter and the physician summary in Chromium: screenshots on screen
(artifacts/screenshots/bridge-*.png), then each printed to PDF by Chromium (its print
CSS) and counted with pypdf: each must fit one page, the summary's STRICTA detail too."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from pypdf import PdfReader

from acuplan.clinic import services
from acuplan.clinic.models import Patient
from tests.browser import SHOTS, chromium
from tests.web.conftest import PASSWORD, Cast, example

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = pytest.mark.browser


@pytest.fixture
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def _pages(page: Any, name: str) -> int:
    path = SHOTS / f"bridge-{name}.pdf"
    page.pdf(path=str(path), format="A4", print_background=True)
    return len(PdfReader(str(path)).pages)


def test_it_prints_the_letter_and_the_summary_on_one_page_each(
    live_server: Any, browser: Any, cast: Cast, full_record: Patient
) -> None:
    actor = services.Actor(cast.owner)
    red = services.create_patient(
        actor=actor,
        data={
            "first_name": "Thomas",
            "last_name": "Reid",
            "date_of_birth": "1982-11-30",
            "sex": "male",
            "physician_name": "Dr R. Osei (family medicine)",
            "physician_contact": "r.osei@example.org",
        },
    )
    intake = services.record_intake(actor=actor, patient=red, data=example("red-flag-cauda-equina"))
    plan = services.create_plan(actor=actor, intake=intake)

    page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Dashboard").wait_for()

    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    page.get_by_role("link", name=re.compile("^Letter to the physician")).first.click()
    page.get_by_role("heading", name="Referral: Thomas Reid, born 30 November 1982").wait_for()
    page.screenshot(path=str(SHOTS / "bridge-01-letter.png"), full_page=True)
    assert _pages(page, "01-letter") == 1
    page.get_by_role("button", name="Email to r.osei@example.org").click()
    page.get_by_text("Referral letter emailed to r.osei@example.org.").wait_for()
    page.screenshot(path=str(SHOTS / "bridge-02-letter-sent.png"), full_page=True)

    page.goto(f"{live_server.url}/patients/{full_record.pk}/")
    page.get_by_role("link", name="Physician summary").click()
    page.get_by_role("heading", name="Acupuncture summary: Ada Byrne, born 1 May 1970").wait_for()
    page.screenshot(path=str(SHOTS / "bridge-03-summary.png"), full_page=True)
    assert _pages(page, "03-summary") == 1
    page.get_by_role("link", name="Show STRICTA detail").click()
    page.get_by_role("columnheader", name="STRICTA detail").wait_for()
    page.screenshot(path=str(SHOTS / "bridge-04-summary-stricta.png"), full_page=True)
    assert _pages(page, "04-summary-stricta") == 1
