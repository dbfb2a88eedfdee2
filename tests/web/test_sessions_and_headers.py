"""Sessions end when idle or old; patient data is never cached; pages carry a CSP without
inline script and a Permissions-Policy; /api/docs works offline; secrets in addresses stay
out of logs; ``acuplan serve`` runs without DEBUG."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from acuplan.accounts.middleware import LOGIN_AT, SEEN_AT
from acuplan.audit.models import AuditEvent
from acuplan.clinic.models import Patient
from acuplan.web.redact import RedactingGunicornLogger, RedactTokensFilter, redact
from tests.web.conftest import Cast, login
from tests.web.test_api_support import client_for


def _age_session(client: Client, **seconds_ago: float) -> None:
    session = client.session
    for key, ago in seconds_ago.items():
        session[{"login": LOGIN_AT, "seen": SEEN_AT}[key]] -= ago
    session.save()


def test_it_ends_an_idle_session_after_30_minutes(client: Client, cast: Cast) -> None:
    login(client, cast.owner)
    assert client.get(reverse("patient_list")).status_code == 200
    _age_session(client, seen=31 * 60)

    response = client.get(reverse("patient_list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?expired=1")
    assert "Your session ended" in client.get(response["Location"]).content.decode()
    event = AuditEvent.objects.filter(action="acuplan.auth.session_expired").get()
    assert event.detail == {"why": "idle timeout"}


def test_it_ends_a_session_after_12_hours_however_busy(client: Client, cast: Cast) -> None:
    login(client, cast.owner)
    _age_session(client, login=12 * 3600 + 1)
    assert client.get(reverse("patient_list")).status_code == 302
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600


def test_it_keeps_an_active_session(client: Client, cast: Cast) -> None:
    login(client, cast.owner)
    _age_session(client, seen=29 * 60, login=11 * 3600)
    assert client.get(reverse("patient_list")).status_code == 200


def test_it_answers_an_expired_session_on_the_api_with_401(cast: Cast) -> None:
    client = client_for(cast.owner, "session")
    _age_session(client, seen=31 * 60)
    assert client.get("/api/patients").status_code == 401


@pytest.mark.parametrize("path", ["/", "/patients/", "/api/patients"])
def test_it_never_lets_patient_data_be_cached(
    client: Client, cast: Cast, patient: Patient, path: str
) -> None:
    login(client, cast.owner)
    response = client.get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_it_keeps_token_answers_out_of_caches_too(cast: Cast, patient: Patient) -> None:
    response = client_for(cast.owner).get(f"/api/patients/{patient.pk}")
    assert "no-store" in response["Cache-Control"]


def test_it_sends_a_csp_without_inline_script_and_a_permissions_policy(client: Client) -> None:
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    script = re.search(r"script-src ([^;]*)", csp)
    assert script is not None
    assert "'unsafe-inline'" not in script.group(1)
    assert "'unsafe-eval'" not in script.group(1)
    assert "frame-ancestors 'none'" in csp
    assert "camera=()" in response["Permissions-Policy"]
    assert "<script" not in response.content.decode()


def test_it_serves_swagger_ui_from_the_application(client: Client, db: None) -> None:
    docs = client.get("/api/docs").content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', docs)
    assert scripts
    assert all(s.startswith("/static/") for s in scripts), scripts
    assert "cdn" not in docs.lower()
    for src in scripts:
        asset = client.get(src)
        assert asset.status_code == 200, src
        assert b"".join(asset.streaming_content) if asset.streaming else asset.content  # type: ignore[attr-defined]


def test_it_redacts_questionnaire_and_reset_tokens_from_logs() -> None:
    assert redact("GET /q/abcDEF123_-x/ HTTP/1.1") == "GET /q/[redacted]/ HTTP/1.1"
    assert redact("/reset/MQ/c4m7-0a1b2c/") == "/reset/MQ/[redacted]/"
    record = logging.LogRecord(
        "django.request", logging.WARNING, "", 0, "Not Found: %s", ("/q/SECRET/",), None
    )
    RedactTokensFilter().filter(record)
    assert "SECRET" not in record.getMessage()


def test_it_redacts_tokens_from_the_gunicorn_access_log() -> None:
    from gunicorn.config import Config

    class Req:
        method, path, query, version, headers = "GET", "/q/SECRET/", "", (1, 1), []
        uri = "/q/SECRET/"

    class Resp:
        status, response_length, sent, headers = "200 OK", 10, 10, []

    environ: dict[str, Any] = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/q/SECRET/",
        "PATH_INFO": "/q/SECRET/",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    atoms = RedactingGunicornLogger(Config()).atoms(
        Resp(), Req(), environ, __import__("datetime").timedelta(0)
    )
    assert "SECRET" not in atoms["r"] + atoms["U"]


def test_it_serves_with_debug_off_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from acuplan.cli import main

    seen: dict[str, Any] = {}
    monkeypatch.setenv("ACUPLAN_DEBUG", "unset below; restored after the test")
    monkeypatch.delenv("ACUPLAN_DEBUG")
    monkeypatch.setattr("acuplan.web.bootstrap.setup_django", lambda **kw: None)
    monkeypatch.setattr(
        os, "execv", lambda exe, argv: seen.update(argv=argv, debug=os.environ["ACUPLAN_DEBUG"])
    )
    main(["serve"])
    assert seen["debug"] == "false"
    assert "acuplan.web.redact.RedactingGunicornLogger" in seen["argv"]
    main(["serve", "--debug"])
    assert seen["debug"] == "true"
