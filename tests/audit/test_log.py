"""The audit log cannot be changed and says so when it was: UPDATE and DELETE are refused
by the database (SQLite and PostgreSQL), every event is chained to the one before, and
``acuplan audit verify`` names the first broken event. Every action code is registered."""

from __future__ import annotations

import io
import itertools
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction

from acuplan.audit import seal
from acuplan.audit.actions import ACTIONS, UnknownAction
from acuplan.audit.log import record_event
from acuplan.audit.models import AuditEvent
from acuplan.cli import main
from acuplan.clinic.models import Patient
from tests.web.conftest import Cast

Run = Callable[..., tuple[int, str, str]]
SRC = Path(__file__).resolve().parents[2] / "src" / "acuplan"


@pytest.fixture
def verify(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    monkeypatch.setattr("acuplan.web.bootstrap.setup_django", lambda **kw: None)

    def run() -> tuple[int, str, str]:
        code = main(["audit", "verify"])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _refused(change: object) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        change()


def test_it_refuses_update_and_delete_in_the_database(patient: Patient) -> None:
    events = AuditEvent.objects.filter(patient_id=patient.pk)
    assert events.exists()
    _refused(lambda: events.update(action="acuplan.patient.read"))
    _refused(lambda: events.delete())
    _refused(lambda: AuditEvent.objects.all().update(actor=None))


def test_it_refuses_a_loaddata_that_rewrites_an_event(
    patient: Patient, cast: Cast, tmp_path: Path
) -> None:
    """dumpdata, edit the actor to another clinic's user, loaddata: refused, nothing changed."""
    out = io.StringIO()
    call_command("dumpdata", "audit.auditevent", stdout=out)
    rows = json.loads(out.getvalue())
    rows[0]["fields"]["actor"] = cast.outsider.pk
    fixture = tmp_path / "edited.json"
    fixture.write_text(json.dumps(rows))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        call_command("loaddata", str(fixture), verbosity=0)
    assert AuditEvent.objects.get(pk=rows[0]["pk"]).actor_id != cast.outsider.pk


def test_it_chains_every_event_to_the_one_before(patient: Patient, verify: Run) -> None:
    events = list(AuditEvent.objects.order_by("id"))
    assert len(events) >= 1
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
    code, out, _ = verify()
    assert code == 0
    assert f"head {events[-1].hash}" in out


def test_it_names_the_first_changed_event(cast: Cast, patient: Patient, verify: Run) -> None:
    for _ in range(3):
        record_event(cast.owner, "acuplan.chart.read", patient, patient_id=patient.pk)
    second = AuditEvent.objects.order_by("id")[1]
    with seal.unsealed():  # what someone with the database could do
        AuditEvent.objects.filter(pk=second.pk).update(actor=cast.outsider)
    code, _, err = verify()
    assert code == 1
    assert f"event {second.pk}:" in err
    assert "changed" in err


def test_it_names_the_event_after_a_removed_one(cast: Cast, patient: Patient, verify: Run) -> None:
    for _ in range(3):
        record_event(cast.owner, "acuplan.chart.read", patient, patient_id=patient.pk)
    ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    with seal.unsealed():
        AuditEvent.objects.filter(pk=ids[1]).delete()
    code, _, err = verify()
    assert code == 1
    assert f"event {ids[2]}:" in err


def test_it_refuses_an_unregistered_action(cast: Cast) -> None:
    with pytest.raises(UnknownAction):
        record_event(cast.owner, "acuplan.something.invented", cast.owner)


def test_it_registers_every_action_code_the_code_uses() -> None:
    used: set[str] = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text()
        used |= set(re.findall(r'"(acuplan\.[a-z_]+\.[a-z_]+)"', text))
        used |= {f"acuplan.{w}.read" for w in re.findall(r'what="([a-z_]+)"', text)}
    used = {
        u
        for u in used
        if not u.startswith(
            (
                "acuplan.web.",
                "acuplan.core.",
                "acuplan.clinic.",
                "acuplan.outcomes.",
                "acuplan.accounts.",
                "acuplan.audit.",
                "acuplan.followup.",
                "acuplan.booking.",
                "acuplan.portal.",
                "acuplan.billing.",
                "acuplan.bridge.",
            )
        )
    }
    assert used - ACTIONS.keys() == set()
    assert all(text.strip() for text in ACTIONS.values())
