"""Hostile input gets a 4xx in the one error shape, never a 500, and changes nothing; the
CLI gives exit 2 with a message for the same inputs. Each case is one the audit found."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from acuplan.cli import main
from acuplan.clinic.models import Patient
from tests.web.conftest import Cast, login
from tests.web.test_api_support import assert_error, client_for, row_counts

DEEP = "[" * 100_000 + "]" * 100_000
HUGE_NUMBER = '{"schema_version": "1", "patient": {"age": ' + "9" * 5000 + "}}"
BIG_BODY = json.dumps({"schema_version": "1", "padding": "x" * 2_500_000})


@pytest.fixture
def api(cast: Cast) -> Client:
    return client_for(cast.owner)


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("page=200000000000000000", 422),
        ("page=0", 422),
        ("page_size=100000", 422),
        ("q=" + "+".join(["ann"] * 1000), 422),
        ("q=" + "a" * 101, 422),
        ("q=ada%00", 400),
    ],
)
def test_it_refuses_hostile_queries_of_the_patient_list(
    api: Client, query: str, status: int
) -> None:
    response = api.get(f"/api/patients?{query}")
    assert_error(response, status, "invalid_input" if status == 422 else "bad_request")


def test_it_still_searches_with_five_words(api: Client, patient: Patient) -> None:
    response = api.get("/api/patients?q=ada+byrne+ada+byrne+ada")
    assert response.status_code == 200
    assert [p["id"] for p in response.json()["items"]] == [patient.pk]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (DEEP, 400, "bad_request"),
        (HUGE_NUMBER, 400, "bad_request"),
        ('{"schema_version": "1", "x": 1e999}', 400, "bad_request"),
        (BIG_BODY, 413, "payload_too_large"),
        ('{"schema_version": "1\\u0000"}', 400, "bad_request"),
    ],
    ids=["nested-100000-deep", "5000-digit-number", "1e999", "2.5MB-body", "nul-escape"],
)
def test_it_refuses_hostile_json_bodies_with_a_4xx(
    api: Client, body: str, status: int, code: str
) -> None:
    before = row_counts()
    response = api.post("/api/plans", body, content_type="application/json")
    error = assert_error(response, status, code)
    assert error["message"]
    assert row_counts() == before


@pytest.mark.parametrize("field", ["first_name", "last_name", "phone", "physician_name"])
def test_it_refuses_a_nul_byte_in_any_text_field(api: Client, field: str) -> None:
    body = {
        "first_name": "Ada",
        "last_name": "Byrne",
        "date_of_birth": "1970-01-01",
        field: "A\x00B",
    }
    before = row_counts()
    response = api.post("/api/patients", json.dumps(body), content_type="application/json")
    assert_error(response, 400, "bad_request")
    assert "NUL" in response.json()["error"]["message"]
    assert row_counts() == before


def test_it_refuses_a_nul_byte_in_a_page_form(client: Client, cast: Cast) -> None:
    login(client, cast.owner)
    response = client.post(
        reverse("patient_new"),
        {"first_name": "A\x00", "last_name": "B", "date_of_birth": "1970-01-01"},
    )
    assert response.status_code == 400
    assert not Patient.objects.filter(last_name="B").exists()


def test_it_refuses_a_nul_byte_in_a_session_note(api: Client, patient: Patient) -> None:
    body = {
        "date": "2020-01-01",
        "method": "manual",
        "points": [{"code": "BL23"}],
        "notes": "x\x00",
    }
    response = api.post(
        f"/api/patients/{patient.pk}/sessions", json.dumps(body), content_type="application/json"
    )
    assert_error(response, 400, "bad_request")


def test_it_refuses_a_large_form_post_with_413(client: Client, cast: Cast) -> None:
    login(client, cast.owner)
    response = client.post(reverse("patient_new"), {"first_name": "x" * 1_200_000})
    assert response.status_code == 413


@pytest.mark.parametrize(
    "content",
    [DEEP, HUGE_NUMBER, '{"schema_version": "1\\u0000"}', "{}" + " " * 1_100_000, "ab\x00cd"],
    ids=["deep", "huge-number", "nul-escape", "large", "nul-byte"],
)
def test_it_gives_exit_2_and_a_message_for_hostile_intakes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    path = tmp_path / "hostile.json"
    path.write_text(content)
    code = main(["plan", str(path)])
    _, err = capsys.readouterr()
    assert code == 2
    assert "invalid intake" in err
    assert "Traceback" not in err


def test_it_gives_exit_2_for_a_deep_intake_on_standard_input() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "acuplan", "plan", "-"],
        input=DEEP,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "nested more than" in proc.stderr
    assert "Traceback" not in proc.stderr
