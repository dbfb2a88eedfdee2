"""The lockout message and the audit page in a real browser (headless Chromium through
Playwright), with screenshots in artifacts/screenshots/security-*.png."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from acuplan.clinic.models import Patient
from tests.browser import SHOTS, chromium
from tests.web.conftest import PASSWORD, Cast

pytestmark = pytest.mark.browser


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser:
        tab = browser.new_page(viewport={"width": 1200, "height": 900})
        tab.set_default_timeout(20_000)
        yield tab


def _log_in(page: Any, url: str, username: str, password: str) -> None:
    page.goto(f"{url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()


def test_it_shows_the_lockout_and_the_audit_page(
    page: Any, live_server: Any, cast: Cast, patient: Patient, transactional_db: None
) -> None:
    for _ in range(10):
        _log_in(page, live_server.url, "owner", "not the password")
    _log_in(page, live_server.url, "owner", PASSWORD)
    page.get_by_role("heading", name="Too many failed logins").wait_for()
    page.screenshot(path=str(SHOTS / "security-01-lockout.png"), full_page=True)

    # The admin works from another address: this one is locked out too. A signed-in
    # session cookie stands in for that second machine.
    signed_in = Client()
    signed_in.force_login(cast.admin)
    context = page.context.browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": signed_in.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    admin = context.new_page()
    admin.goto(f"{live_server.url}/")
    admin.get_by_role("link", name="Security").click()
    admin.get_by_role("button", name="Unlock owner").click()
    admin.get_by_text("owner can log in again").wait_for()
    admin.get_by_role("link", name="Audit log", exact=True).click()
    admin.get_by_label("Action").select_option("acuplan.auth.locked_out")
    admin.get_by_role("button", name="Filter").click()
    admin.get_by_role(
        "cell", name="Logins were locked out after too many failures"
    ).first.wait_for()
    admin.get_by_label("Action").select_option("")
    admin.get_by_role("button", name="Filter").click()
    admin.bring_to_front()
    admin.screenshot(path=str(SHOTS / "security-02-audit-log.png"), full_page=True)
    assert "A clinic admin lifted a login lockout" in admin.content()


def test_it_renders_the_api_docs_without_any_other_site(
    page: Any, live_server: Any, transactional_db: None
) -> None:
    """Swagger UI comes from the application (and passes its CSP): requests to any other
    host are refused here, as on a clinic network without internet access."""
    own = live_server.url
    page.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(own) else route.abort(),
    )
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{own}/api/docs")
    page.get_by_role("heading", name=re.compile("acuplan API")).wait_for()
    page.get_by_text("/api/patients").first.wait_for()
    page.screenshot(path=str(SHOTS / "security-03-api-docs.png"))
    assert not [e for e in errors if "Content Security Policy" in e]
