"""The API says what it accepts, records a retried session once, and the database comes
back whole from a backup."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, connections
from django.test import Client

from acuplan.cli import main
from acuplan.clinic.models import Patient, Plan, Session
from tests.web.conftest import Cast
from tests.web.test_api_support import assert_error, client_for, session_body


def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = Client().get("/api/openapi.json").json()
    return schema["components"]["schemas"]


def test_it_documents_what_the_server_accepts(db: None) -> None:
    schemas = _schema()
    patient = schemas["PatientIn"]["properties"]
    assert patient["first_name"]["minLength"] == 1 == patient["last_name"]["minLength"]
    assert schemas["SessionIn"]["properties"]["points"]["minItems"] == 1
    assert schemas["OverrideIn"]["properties"]["kind"]["enum"] == [
        "add_point",
        "remove_point",
        "technique",
    ]
    assert schemas["SessionIn"]["properties"]["method"]["enum"] == [
        "manual",
        "electro",
        "acupressure",
    ]
    assert schemas["AdverseEventIn"]["properties"]["severity"]["enum"] == [
        "mild",
        "moderate",
        "serious",
    ]


def _post_session(client: Client, patient: Patient, plan: Plan, key: str, **changes: Any) -> Any:
    return client.post(
        f"/api/patients/{patient.pk}/sessions",
        json.dumps(session_body(plan, **changes)),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_it_records_a_retried_session_once(
    cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    client = client_for(cast.owner)
    first = _post_session(client, patient, approved_plan, "visit-2024-05-01")
    again = _post_session(client, patient, approved_plan, "visit-2024-05-01")
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert Session.objects.filter(patient=patient).count() == 1
    other = _post_session(client, patient, approved_plan, "visit-2024-05-02")
    assert other.json()["id"] != first.json()["id"]


def test_it_refuses_a_key_reused_for_another_session(
    cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    client = client_for(cast.owner)
    assert _post_session(client, patient, approved_plan, "k1").status_code == 201
    assert_error(_post_session(client, patient, approved_plan, "k1", pain_nrs=9), 409, "conflict")


@pytest.mark.django_db(transaction=True)
def test_it_records_a_session_posted_twice_at_once_only_once(
    cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL's concurrency")
    statuses: list[int] = []

    def post() -> None:
        try:
            statuses.append(
                _post_session(client_for(cast.owner), patient, approved_plan, "twice").status_code
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [201, 201]
    assert Session.objects.filter(patient=patient).count() == 1


def _every_row() -> dict[str, list[tuple[Any, ...]]]:
    return {
        m._meta.label: sorted(map(tuple, m._default_manager.order_by("pk").values_list()), key=repr)
        for m in apps.get_models()
    }


@pytest.mark.django_db(transaction=True)
def test_it_backs_up_and_restores_every_row(
    cast: Cast, patient: Patient, session: Session, tmp_path: Any, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setattr("acuplan.web.bootstrap.setup_django", lambda **kw: None)
    backup = tmp_path / "clinic.backup"
    before = _every_row()
    assert main(["backup", str(backup)]) == 0

    Patient.objects.filter(pk=patient.pk).update(last_name="Changed after the backup")
    client_for(cast.owner).get("/api/patients")  # more audit events
    assert _every_row() != before

    assert main(["restore", str(backup), "--yes"]) == 0
    assert _every_row() == before
    assert main(["audit", "verify"]) == 0
    capsys.readouterr()


def test_it_refuses_to_restore_what_is_not_a_backup(
    db: None, tmp_path: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("acuplan.web.bootstrap.setup_django", lambda **kw: None)
    junk = tmp_path / "junk.backup"
    junk.write_text("not a database")
    assert main(["restore", str(junk), "--yes"]) == 1
    assert "acuplan restore:" in capsys.readouterr().err
    assert main(["restore", str(junk)]) == 2  # no --yes and no terminal to ask on
