"""The service layer: validation without side effects, licence checks, plan state rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from acuplan.accounts.models import Clinic
from acuplan.clinic import services
from acuplan.clinic.models import Intake, Patient, Plan, PlanStatus
from acuplan.core.errors import Conflict, InvalidInput, InvalidIntake, NotPermitted

from .conftest import Cast, example, make_user


def test_it_names_every_bad_patient_field_and_saves_nothing(cast: Cast) -> None:
    with pytest.raises(InvalidInput) as exc:
        services.create_patient(
            actor=services.Actor(cast.owner),
            data={"first_name": "", "date_of_birth": "2999-01-01", "x": 1},
        )
    assert {e.field for e in exc.value.errors} == {"first_name", "last_name", "date_of_birth", "x"}
    assert Patient.objects.count() == 0


def test_it_versions_intakes_per_patient(cast: Cast, patient: Patient) -> None:
    actor = services.Actor(cast.owner)
    first = services.record_intake(actor=actor, patient=patient, data=example("chronic-cold-damp"))
    second = services.record_intake(actor=actor, patient=patient, data=example("pregnant-24-weeks"))
    assert (first.version, second.version) == (1, 2)


def test_it_rejects_an_invalid_intake_naming_fields(cast: Cast, patient: Patient) -> None:
    data = example("chronic-cold-damp")
    data["pain"] = {"regions": ["arm"], "duration_weeks": -1}
    with pytest.raises(InvalidIntake) as exc:
        services.record_intake(actor=services.Actor(cast.owner), patient=patient, data=data)
    assert {"pain.regions.0", "pain.duration_weeks"} <= {e.field for e in exc.value.errors}
    assert Intake.objects.count() == 0


def test_it_stores_the_engine_output_unchanged_with_versions(cast: Cast, plan: Plan) -> None:
    assert plan.status == PlanStatus.DRAFT
    assert plan.data["versions"]["knowledge"] == plan.knowledge_version
    assert plan.engine_version.startswith("acuplan-engine-")
    assert plan.triage_decision == plan.data["triage"]["decision"]


def test_it_supersedes_the_previous_approved_plan(
    cast: Cast, approved_plan: Plan, intake: Intake
) -> None:
    actor = services.Actor(cast.colleague)
    newer = services.approve_plan(
        actor=actor, plan=services.create_plan(actor=actor, intake=intake)
    )
    approved_plan.refresh_from_db()
    assert (approved_plan.status, newer.status) == (PlanStatus.SUPERSEDED, PlanStatus.APPROVED)


def test_it_refuses_to_approve_a_plan_that_stops_treatment(cast: Cast, patient: Patient) -> None:
    actor = services.Actor(cast.owner)
    intake = services.record_intake(
        actor=actor, patient=patient, data=example("red-flag-cauda-equina")
    )
    plan = services.create_plan(actor=actor, intake=intake)
    with pytest.raises(Conflict, match="stops treatment"):
        services.approve_plan(actor=actor, plan=plan)


def test_it_requires_a_reason_for_an_override(cast: Cast, plan: Plan) -> None:
    with pytest.raises(InvalidInput) as exc:
        services.override_plan(
            actor=services.Actor(cast.owner),
            plan=plan,
            kind="add_point",
            target="BL99",
            reason="  ",
        )
    assert {e.field for e in exc.value.errors} == {"target", "reason"}
    override = services.override_plan(
        actor=services.Actor(cast.owner),
        plan=plan,
        kind="remove_point",
        target="bl40",
        reason="knee surgery",
    )
    assert (override.target, override.reason) == ("BL40", "knee surgery")


def test_it_blocks_treatment_by_an_expired_licence(
    clinic: Clinic, patient: Patient, approved_plan: Plan
) -> None:
    expired = make_user(clinic, "expired", licence_days=-1)
    with pytest.raises(NotPermitted, match="expired on"):
        services.record_session(
            actor=services.Actor(expired),
            patient=patient,
            plan=approved_plan,
            date=timezone.localdate(),
            method="manual",
            points=[{"code": "BL23"}],
        )


def test_it_keeps_front_desk_out_of_clinical_writes(cast: Cast, patient: Patient) -> None:
    with pytest.raises(NotPermitted, match="front desk"):
        services.record_intake(
            actor=services.Actor(cast.front_desk),
            patient=patient,
            data=example("chronic-cold-damp"),
        )


def test_it_records_a_stricta_session(cast: Cast, patient: Patient, approved_plan: Plan) -> None:
    session = services.record_session(
        actor=services.Actor(cast.owner),
        patient=patient,
        plan=approved_plan,
        date=timezone.localdate() - dt.timedelta(days=1),
        method="electro",
        points=[{"code": "BL23", "side": "bilateral", "depth_cun": "1.0", "de_qi": True}],
        retention_minutes=20,
        needle_count=8,
        electro={"frequency_hz": 2},
        adverse_events=[{"kind": "haematoma", "severity": "mild"}],
    )
    assert session.points.get().code == "BL23"
    assert session.adverse_events.get().severity == "mild"


def test_it_refuses_to_approve_a_draft_older_than_the_approved_plan(
    cast: Cast, intake: Intake
) -> None:
    actor = services.Actor(cast.owner)
    older = services.create_plan(actor=actor, intake=intake)
    newer = services.approve_plan(
        actor=actor, plan=services.create_plan(actor=actor, intake=intake)
    )
    with pytest.raises(Conflict, match="only a draft plan can be approved"):
        services.approve_plan(actor=actor, plan=older)
    older.refresh_from_db()
    assert (older.status, newer.status) == (PlanStatus.SUPERSEDED, PlanStatus.APPROVED)
