"""The safety gate in a real browser (headless Chromium through Playwright):

1. a practitioner tries to chart a patient whose plan says "EMERGENCY ... Do not treat", is
   refused with the reason, records the referral as made, then clears the flag with a new
   intake after the physician's assessment, and can chart again;
2. a practitioner adds back a point the bleeding-risk rule excluded: refused until the rule
   is named with a reason, then shown everywhere as a safety override.

Each step leaves a screenshot in artifacts/screenshots/ (safety-NN-*.png)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from acuplan.clinic import services
from acuplan.clinic.models import Patient, PlanOverride, ReferralMade, Session
from tests.browser import SHOTS, chromium
from tests.web.conftest import PASSWORD, Cast, example

pytestmark = pytest.mark.browser


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser:
        tab = browser.new_page(viewport={"width": 1200, "height": 900})
        tab.set_default_timeout(20_000)
        yield tab


def shot(page: Any, n: int, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"safety-{n:02}-{name}.png"), full_page=True)


def log_in(page: Any, url: str, username: str = "owner") -> None:
    page.goto(f"{url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Dashboard").wait_for()


def _patient(cast: Cast, intake: str) -> tuple[Patient, Any]:
    actor = services.Actor(cast.owner)
    patient = services.create_patient(
        actor=actor,
        data={"first_name": "Tom", "last_name": "Hale", "date_of_birth": "1975-02-03"},
    )
    record = services.record_intake(actor=actor, patient=patient, data=example(intake))
    return patient, services.create_plan(actor=actor, intake=record)


def test_it_refuses_to_chart_a_blocked_patient_until_a_new_intake_clears_the_flag(
    page: Any, live_server: Any, cast: Cast, transactional_db: None
) -> None:
    patient, plan = _patient(cast, "red-flag-cauda-equina")
    log_in(page, live_server.url)
    urgent = page.locator("#urgent")
    assert "Hale, Tom" in urgent.inner_text()
    assert "EMERGENCY" in urgent.inner_text()
    shot(page, 1, "dashboard-urgent")

    page.goto(f"{live_server.url}/patients/{patient.pk}/sessions/new/")
    refused = page.get_by_role("alert")
    refused.wait_for()
    assert "Treatment is refused" in refused.inner_text()
    assert "Suspected cauda equina" in refused.inner_text()
    assert page.get_by_role("button", name="Save session").count() == 0
    shot(page, 2, "session-refused")

    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    page.get_by_label("How the referral was made").fill("Sent to the emergency department.")
    page.get_by_role("button", name="Record the referral as made").click()
    page.get_by_text("Referral recorded as made.").wait_for()
    assert ReferralMade.objects.filter(plan=plan).count() == 1
    page.goto(f"{live_server.url}/")
    assert "Hale, Tom" not in page.locator("#urgent").inner_text()
    shot(page, 3, "referral-made")

    # Back from hospital: MRI clear. The new intake leads with the flags to clear.
    page.goto(f"{live_server.url}/patients/{patient.pk}/intakes/new/")
    clearances = page.get_by_role("region", name="Red flags ruled out by a physician")
    assert "The last plan stopped treatment" in clearances.inner_text()
    for i in range(3):
        flag = page.locator(f"#id_medical__cleared_red_flags__{i}__flag").input_value()
        if not flag:
            break
        page.locator(f"#id_medical__cleared_red_flags__{i}__cleared_by").fill(
            "Dr R. Patel, emergency physician"
        )
        page.locator(f"#id_medical__cleared_red_flags__{i}__cleared_on").fill(
            timezone.localdate().isoformat()
        )
        page.locator(f"#id_medical__cleared_red_flags__{i}__note").fill("MRI: no compression")
    shot(page, 4, "intake-clearances")
    page.get_by_role("button", name="Next: History").click()
    where = page.get_by_role("group", name="Where is the pain?", exact=True)
    where.get_by_label("Lower back", exact=True).check()
    page.get_by_label("How long has this episode lasted?").fill("3")
    page.get_by_label("Pain into the leg").select_option("none")
    page.get_by_role("button", name="Next: Medicines and conditions").click()
    page.get_by_label("Fear of needles").select_option("no")
    page.get_by_role("button", name="Review answers").click()
    page.get_by_role("heading", name="Review the answers").wait_for()
    assert "MRI: no compression" in page.get_by_role("region", name="Red flags").inner_text()
    page.get_by_role("button", name="Save intake and draft the plan").click()
    page.wait_for_load_state()
    shot(page, 5, "intake-saved")
    page.get_by_role("heading", name=re.compile("Assessment and plan")).wait_for()
    triage = page.locator("#triage-title").inner_text()
    assert "Proceed" in triage, triage
    triage_box = page.locator("section.alert").first.inner_text()
    assert "ruled out by Dr R. Patel, emergency physician" in triage_box
    shot(page, 6, "plan-after-clearance")
    page.get_by_role("button", name="Approve this plan").click()
    page.get_by_text("Plan approved.").wait_for()

    page.get_by_role("link", name="Record a session").first.click()
    page.get_by_role("button", name="Save session").wait_for()
    shot(page, 7, "session-form-open")
    page.get_by_role("button", name="Save session").click()
    page.get_by_role("heading", name=re.compile("chart")).wait_for()
    assert Session.objects.filter(patient=patient).count() == 1


def test_it_records_a_safety_override_only_when_the_rule_is_named(
    page: Any, live_server: Any, cast: Cast, transactional_db: None
) -> None:
    patient, plan = _patient(cast, "sciatica-on-apixaban")
    excluded = {e["code"]: e for e in plan.data["prescription"]["excluded_points"]}
    code = next(c for c, e in excluded.items() if "sf.bleeding_risk" in str(e["reasons"]))
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/plans/{plan.pk}/#overrides-title")
    page.get_by_label("Change", exact=True).select_option("add_point")
    page.get_by_label("Point or technique").fill(code)
    page.get_by_label("Reason (required)").fill("Patient stopped apixaban a week ago.")
    page.get_by_role("button", name="Record override").click()
    page.wait_for_load_state()
    shot(page, 8, "override-refused")
    summary = page.locator("#error-summary")
    summary.wait_for()
    assert "name each rule you override" in summary.inner_text()
    assert not PlanOverride.objects.exists()
    shot(page, 8, "override-refused")

    rules = page.get_by_role("group", name="Safety rules this override sets aside")
    rules.get_by_label(re.compile(r"\(sf\.bleeding_risk\)")).check()
    page.get_by_label("Reason (required)").fill("Patient stopped apixaban a week ago.")
    page.get_by_role("button", name="Record override").click()
    page.get_by_text("Override recorded.").wait_for()
    override = PlanOverride.objects.get()
    assert override.overrides_rules == ["sf.bleeding_risk"]
    row = page.locator("table.rx tr.safety-override")
    assert code in row.inner_text()
    assert "safety override" in row.inner_text()
    # BL17 lies over the lung: its precaution comes with it, though the back pain is low.
    assert (
        "ask about breathlessness"
        in page.get_by_role("region", name="Precautions", exact=True).inner_text()
    )
    shot(page, 9, "override-flagged")

    services.approve_plan(actor=services.Actor(cast.owner), plan=plan)
    page.goto(f"{live_server.url}/patients/{patient.pk}/sessions/new/")
    codes = [
        page.locator(f"#id_points-{i}-code").input_value()
        for i in range(page.locator("input[name$='-code']").count())
    ]
    assert code in codes, codes
    shot(page, 10, "session-prefilled-with-override")
