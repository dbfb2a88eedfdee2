"""record_outcome: the engine's scoring, every bad field named, one audit event per write."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from acuplan.audit.models import AuditEvent
from acuplan.clinic import services as clinic_services
from acuplan.clinic.models import Patient, Plan, Session
from acuplan.clinic.services import Actor
from acuplan.core.errors import Conflict, InvalidInput, NotPermitted
from acuplan.outcomes import services
from acuplan.outcomes.models import OutcomeResponse
from tests.outcomes.conftest import days_ago, intake_before, record
from tests.web.conftest import Cast, example


def test_it_scores_like_the_engine_did_at_intake(cast: Cast, patient: Patient, plan: Plan) -> None:
    q = example("chronic-cold-damp")["questionnaires"]
    response = record(
        patient,
        cast,
        days_ago(0),
        kind="intake",
        pain_nrs=6,
        start_back=q["start_back"],  # type: ignore[index]
        odi=q["odi"],  # type: ignore[index]
        peg=q["peg"],  # type: ignore[index]
    )
    assert response.scores == plan.data["scores"]
    assert response.versions == {
        "nrs": "NRS 0-10",
        "start_back": "SBST 9-item",
        "odi": "ODI v2.1a",
        "peg": "PEG (Krebs 2009)",
    }
    assert (response.pain_nrs, response.peg, response.function_score) == (6, 5.67, 35.6)
    assert response.function_instrument == "odi"
    assert response.start_back_risk == "low"


def test_it_stores_sleep_analgesics_workdays_and_red_flags(cast: Cast, patient: Patient) -> None:
    response = record(
        patient,
        cast,
        days_ago(1),
        sleep_nights_disturbed=3,
        sleep_quality=6,
        analgesic_doses_week=4,
        workdays_missed=1,
        red_flags=["fever"],
    )
    response.refresh_from_db()
    assert (
        response.sleep_nights_disturbed,
        response.sleep_quality,
        response.analgesic_doses_week,
        response.workdays_missed,
        response.red_flags,
    ) == (3, 6, 4, 1, ["fever"])
    assert response.recorded_by_id == cast.owner.pk


def test_it_names_every_bad_field_and_changes_nothing(
    cast: Cast, patient: Patient, session: Session
) -> None:
    other = Patient.objects.create(
        clinic=patient.clinic, first_name="B", last_name="C", date_of_birth=dt.date(1980, 1, 1)
    )
    with pytest.raises(InvalidInput) as caught:
        services.record_outcome(
            actor=Actor(cast.owner),
            patient=other,
            kind="weekly",
            answered_on=days_ago(-2),
            session=session,
            data={"pain_nrs": 12, "odi": [6] + [None] * 9},
        )
    assert [e.field for e in caught.value.errors] == [
        "kind",
        "answered_on",
        "session",
        "pain_nrs",
        "odi.0",
    ]
    assert not OutcomeResponse.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="acuplan.outcome").exists()


def test_it_ties_a_session_response_to_its_session(
    cast: Cast, patient: Patient, session: Session
) -> None:
    with pytest.raises(InvalidInput, match="session: a session response names its session"):
        record(patient, cast, days_ago(0), kind="session", pain_nrs=4)
    response = services.record_outcome(
        actor=Actor(cast.owner),
        patient=patient,
        kind="session",
        answered_on=session.date,
        session=session,
        data={"pain_nrs": 4},
    )
    assert response.session_id == session.pk


def test_it_keeps_front_desk_out(cast: Cast, patient: Patient) -> None:
    with pytest.raises(NotPermitted):
        services.record_outcome(
            actor=Actor(cast.front_desk),
            patient=patient,
            kind="follow_up",
            answered_on=days_ago(0),
            data={"pain_nrs": 3},
        )


def test_it_writes_one_audit_event_per_response(cast: Cast, patient: Patient) -> None:
    intake_before(patient, cast, days_ago(0))
    before = AuditEvent.objects.count()
    response = record(patient, cast, days_ago(0), pain_nrs=5, red_flags=["fever"])
    events = list(AuditEvent.objects.all()[: AuditEvent.objects.count() - before])
    assert [(e.action, e.record_id, e.patient_id) for e in events] == [
        ("acuplan.outcome.recorded", str(response.pk), patient.pk)
    ]
    assert events[0].detail == {"kind": "follow_up", "instruments": ["nrs"], "red_flags": ["fever"]}
    assert events[0].clinic_id == patient.clinic_id


def test_it_lets_a_clinic_admin_choose_the_function_questionnaire(
    cast: Cast, patient: Patient
) -> None:
    assert services.function_instrument_for(patient.clinic_id) == "rmdq"
    with pytest.raises(NotPermitted):
        services.set_function_instrument(actor=Actor(cast.owner), instrument="odi")
    with pytest.raises(InvalidInput, match="function_instrument"):
        services.set_function_instrument(actor=Actor(cast.admin), instrument="sf36")
    services.set_function_instrument(actor=Actor(cast.admin), instrument="odi")
    assert services.function_instrument_for(patient.clinic_id) == "odi"
    assert services.function_instrument_for(cast.outsider.clinic_id) == "rmdq"
    assert AuditEvent.objects.filter(action="acuplan.outcome_settings.changed").count() == 1


def test_it_takes_the_baseline_from_the_intake_once(
    cast: Cast, patient: Patient, plan: Plan
) -> None:
    with pytest.raises(NotPermitted):
        services.record_intake_baseline(actor=Actor(cast.front_desk), patient=patient)
    response = services.record_intake_baseline(actor=Actor(cast.owner), patient=patient)
    assert response.kind == "intake"
    assert response.scores == plan.data["scores"]  # the engine's own scores, unchanged
    assert response.answered_on == timezone.localdate(plan.intake.recorded_at)
    event = AuditEvent.objects.get(action="acuplan.outcome.recorded")
    assert event.detail["from_intake"] == 1
    with pytest.raises(Conflict, match="already recorded"):
        services.record_intake_baseline(actor=Actor(cast.owner), patient=patient)


def test_it_needs_an_intake_for_the_baseline(cast: Cast, patient: Patient) -> None:
    with pytest.raises(Conflict, match="no intake"):
        services.record_intake_baseline(actor=Actor(cast.owner), patient=patient)


def test_it_keeps_the_clinic_s_function_score_from_an_intake_with_both(
    cast: Cast, patient: Patient
) -> None:
    data = example("chronic-cold-damp")
    data["questionnaires"] = {**data["questionnaires"], "rmdq": [True] * 9 + [False] * 15}  # type: ignore[dict-item]
    clinic_services.record_intake(actor=Actor(cast.owner), patient=patient, data=data)
    response = services.record_intake_baseline(actor=Actor(cast.owner), patient=patient)
    assert (response.function_instrument, response.function_score) == ("rmdq", 9.0)
    assert "odi" not in response.scores
