"""The superbill and the practitioner directory in a real browser (Debian's Chromium through
Playwright). Front desk opens a patient's account and the superbill of a month of visits;
Chromium prints it to PDF, which must be one page; the public directory is opened without
logging in. Screenshots: artifacts/screenshots/billing-NN-*.png, the PDF beside them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from acuplan.accounts.models import PractitionerProfile, User
from acuplan.billing import services as billing
from acuplan.clinic import services
from acuplan.clinic.models import Patient, Plan
from tests.billing.conftest import record
from tests.browser import SHOTS, chromium
from tests.web.conftest import PASSWORD, Cast

pytestmark = pytest.mark.browser

PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?!s)")


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser:
        tab = browser.new_page(viewport={"width": 1200, "height": 900})
        tab.set_default_timeout(20_000)
        yield tab


def shot(page: Any, n: int, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"billing-{n:02}-{name}.png"), full_page=True)


def _month_of_visits(cast: Cast, patient: Patient, plan: Plan) -> None:
    """Ten visits in a month: one or two sets each, one with a separate evaluation; a
    payment, a prepaid package and a reversed payment."""
    today = timezone.localdate()
    for i, days in enumerate((29, 26, 23, 20, 17, 14, 11, 8, 5, 2)):
        sets = [{"stimulation": "manual", "face_to_face_minutes": 15, "retention_minutes": 20}]
        if i % 2:
            sets.append({"stimulation": "electro", "face_to_face_minutes": 12})
        extra = (
            {"evaluation": "99213", "evaluation_note": "Re-examined after a fall."}
            if i == 0
            else {}
        )
        record(
            cast,
            patient,
            plan,
            today - dt.timedelta(days=days),
            method="electro",
            sets=sets,
            **extra,
        )
    desk = services.Actor(cast.front_desk)
    billing.record_payment(
        actor=desk,
        patient=patient,
        amount="240.00",
        method="card",
        received_on=today - dt.timedelta(days=20),
        reference="slip 0042",
    )
    wrong = billing.record_payment(
        actor=desk,
        patient=patient,
        amount="50.00",
        method="cash",
        received_on=today - dt.timedelta(days=10),
    )
    billing.reverse_payment(actor=desk, payment=wrong, reason="entered twice")
    billing.record_package(
        actor=desk,
        patient=patient,
        sessions=3,
        price="255.00",
        purchased_on=today - dt.timedelta(days=9),
        paid_by="card",
    )


def _log_in(page: Any, url: str, username: str) -> None:
    page.goto(f"{url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Dashboard").wait_for()


def test_it_prints_a_month_s_superbill_on_one_page_and_shows_the_directory(
    page: Any, live_server: Any, cast: Cast, approved_plan: Plan, transactional_db: None
) -> None:
    patient = approved_plan.patient
    PractitionerProfile.objects.filter(user=cast.owner).update(
        npi="1234567893", nccaom_number="204518", nccaom_expiry=dt.date(2029, 6, 30)
    )
    User.objects.filter(pk=cast.owner.pk).update(first_name="Min", last_name="Lee")
    _month_of_visits(cast, patient, approved_plan)

    _log_in(page, live_server.url, "desk")
    page.goto(f"{live_server.url}/patients/{patient.pk}/account/")
    page.get_by_role("heading", name=re.compile("account")).wait_for()
    assert page.get_by_text("Package of 3").is_visible()
    shot(page, 1, "account")

    page.get_by_role("button", name="Superbill").click()
    page.get_by_role("heading", name=re.compile("^Superbill")).wait_for()
    text = page.locator("article.superbill").inner_text()
    for fact in ("1234567893", "171100000X", "12-3456789", "M54.50", "97810", "97814", "99213"):
        assert fact in text, fact
    assert "Private clinical note" not in page.content()
    shot(page, 2, "superbill")

    page.emulate_media(media="print")
    assert not page.get_by_role("link", name="Back to the account").is_visible()
    shot(page, 3, "superbill-print")
    pdf = page.pdf(format="Letter", print_background=True, prefer_css_page_size=True)
    (SHOTS / "billing-superbill.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    assert len(PAGE_OBJECT.findall(pdf)) == 1, "the superbill must print on one page"
    page.emulate_media(media="screen")

    session = patient.sessions.order_by("-date").first()
    assert session is not None
    page.goto(f"{live_server.url}/sessions/{session.pk}/superbill/")
    page.get_by_role("heading", name=re.compile("^Superbill")).wait_for()
    page.emulate_media(media="print")
    one = page.pdf(format="Letter", print_background=True, prefer_css_page_size=True)
    (SHOTS / "billing-session-superbill.pdf").write_bytes(one)
    assert len(PAGE_OBJECT.findall(one)) == 1
    page.emulate_media(media="screen")

    page.get_by_role("button", name="Log out").click()
    _log_in(page, live_server.url, "owner")
    page.goto(f"{live_server.url}/sessions/{session.pk}/")
    page.get_by_role("heading", name="Needle sets and CPT coding").wait_for()
    assert page.get_by_text("Why these codes").is_visible()
    shot(page, 4, "session-coding")
    page.goto(f"{live_server.url}/patients/{patient.pk}/sessions/new/")
    page.get_by_role("heading", name="Needle sets and time").wait_for()
    assert page.get_by_label("Set 1 Face-to-face minutes").input_value() == "15"
    page.get_by_label("Set 2 Stimulation").select_option("electro")
    page.get_by_label("Set 2 Face-to-face minutes").fill("15")
    shot(page, 5, "session-form-sets")
    page.get_by_role("button", name="Save session").click()
    page.get_by_role("heading", name=re.compile("chart")).wait_for()
    newest = patient.sessions.order_by("-id").first()
    assert newest is not None
    # the last session's two sets, the second's minutes changed
    sets = list(newest.sets.values_list("stimulation", "face_to_face_minutes"))
    assert sets == [("manual", 15), ("electro", 15)]

    page.get_by_role("button", name="Log out").click()
    page.goto(f"{live_server.url}/clinics/riverside/practitioners/")
    page.get_by_role("heading", name="Practitioners of Riverside").wait_for()
    assert page.get_by_text("not a verification").is_visible()
    assert page.get_by_role("link", name="California Acupuncture Board").count() >= 1
    assert page.get_by_role("link", name="NCCAOM Find a Practitioner").count() >= 1
    assert patient.last_name not in page.content()
    shot(page, 6, "directory")
