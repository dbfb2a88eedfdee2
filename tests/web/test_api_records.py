"""The record endpoints' behaviour beyond access: search and pages, intake versions, the
plan's life (draft -> approved -> superseded, overrides), sessions and their checks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from acuplan.clinic import services
from acuplan.clinic.models import Intake, Patient, Plan, PlanStatus, Session
from tests.web.conftest import Cast, example
from tests.web.test_api_support import assert_error, call, client_for, row_counts, session_body


def _register(cast: Cast, first: str, last: str, email: str = "") -> Patient:
    return services.create_patient(
        actor=services.Actor(cast.owner),
        data={
            "first_name": first,
            "last_name": last,
            "date_of_birth": "1975-06-07",
            "email": email,
        },
    )


def test_it_searches_patients_by_every_word_of_q(cast: Cast) -> None:
    _register(cast, "Ada", "Byrne")
    _register(cast, "Ada", "Lovelace", "ada@example.org")
    _register(cast, "Brian", "Byrne")
    client = client_for(cast.front_desk)

    def names(q: str) -> list[str]:
        body = client.get("/api/patients", {"q": q}).json()
        return [f"{p['first_name']} {p['last_name']}" for p in body["items"]]

    assert names("byrne") == ["Ada Byrne", "Brian Byrne"]
    assert names("ada BYRNE") == ["Ada Byrne"]
    assert names("ada@example.org") == ["Ada Lovelace"]
    assert names("nobody") == []


def test_it_pages_the_patient_list(cast: Cast) -> None:
    for i in range(53):
        _register(cast, "P", f"Patient{i:02d}")
    client = client_for(cast.owner)
    first, last = client.get("/api/patients").json(), client.get("/api/patients?page=2").json()
    assert (first["count"], len(first["items"]), len(last["items"])) == (53, 50, 3)
    assert_error(client.get("/api/patients?page=0"), 422, "invalid_input")


def test_it_stores_intakes_as_numbered_versions(cast: Cast, patient: Patient) -> None:
    client = client_for(cast.owner)
    url = f"/api/patients/{patient.pk}/intakes"
    first = call(client, "POST", url, example("chronic-cold-damp")).json()
    second = call(client, "POST", url, example("sciatica-on-apixaban")).json()
    assert (first["version"], second["version"]) == (1, 2)
    stored = client.get(f"/api/intakes/{second['id']}").json()
    assert stored["data"]["pain"] == example("sciatica-on-apixaban")["pain"]


def test_it_names_every_bad_field_of_a_recorded_intake(cast: Cast, patient: Patient) -> None:
    client = client_for(cast.owner)
    before = row_counts()
    bad = example("chronic-cold-damp") | {"red_flags": ["bogus"], "extra": 1}
    response = call(client, "POST", f"/api/patients/{patient.pk}/intakes", bad)
    error = assert_error(response, 422, "invalid_intake")
    assert {f["field"] for f in error["fields"]} == {"red_flags.0", "extra"}
    assert row_counts() == before


def test_it_takes_a_plan_from_draft_to_approved_to_superseded(cast: Cast, intake: Intake) -> None:
    client = client_for(cast.owner)
    first = call(client, "POST", f"/api/intakes/{intake.pk}/plans").json()
    assert first["status"] == PlanStatus.DRAFT
    assert first["data"]["triage"]["decision"] == first["triage_decision"]
    approved = call(client, "POST", f"/api/plans/{first['id']}/approve").json()
    assert (approved["status"], approved["approved_by_id"]) == ("approved", cast.owner.pk)

    second = call(client, "POST", f"/api/intakes/{intake.pk}/plans").json()
    call(client, "POST", f"/api/plans/{second['id']}/approve")
    assert client.get(f"/api/plans/{first['id']}").json()["status"] == "superseded"
    listed = client.get(f"/api/patients/{intake.patient_id}/plans").json()
    assert [p["id"] for p in listed["items"]] == [second["id"], first["id"]]


def test_it_refuses_to_approve_a_plan_that_stops_treatment(cast: Cast, patient: Patient) -> None:
    client = client_for(cast.owner)
    intake = call(
        client, "POST", f"/api/patients/{patient.pk}/intakes", example("red-flag-cauda-equina")
    ).json()
    plan = call(client, "POST", f"/api/intakes/{intake['id']}/plans").json()
    assert plan["data"]["prescription"] is None
    assert_error(call(client, "POST", f"/api/plans/{plan['id']}/approve"), 409, "conflict")
    override = {"kind": "add_point", "target": "BL23", "reason": "asked for"}
    error = assert_error(
        call(client, "POST", f"/api/plans/{plan['id']}/overrides", override), 422, "invalid_input"
    )
    assert [f["field"] for f in error["fields"]] == ["plan"]


def test_it_records_an_override_with_its_reason(cast: Cast, plan: Plan) -> None:
    client = client_for(cast.colleague)
    body = {"kind": "add_point", "target": "bl60", "reason": "calf pain"}
    created = call(client, "POST", f"/api/plans/{plan.pk}/overrides", body).json()
    assert (created["target"], created["by_id"]) == ("BL60", cast.colleague.pk)
    overrides = client.get(f"/api/plans/{plan.pk}").json()["overrides"]
    assert [(o["kind"], o["reason"]) for o in overrides] == [("add_point", "calf pain")]
    bad = {"kind": "moxa", "target": "XX1", "reason": ""}
    error = assert_error(
        call(client, "POST", f"/api/plans/{plan.pk}/overrides", bad), 422, "invalid_input"
    )
    assert {f["field"] for f in error["fields"]} == {"kind", "reason"}


def test_it_records_a_session_with_points_and_adverse_events(
    cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    client = client_for(cast.owner)
    body = session_body(
        approved_plan,
        points=[
            {"code": "bl23", "depth_cun": 1.5, "de_qi": True},
            {"code": "GV4", "side": "midline"},
        ],
        adverse_events=[{"kind": "bruising", "severity": "mild"}],
        needle_count=3,
        # BL23's cap is 1.2 cun: 1.5 is recorded only with the practitioner's reason.
        confirmations={"bl23.depth": "large patient; angled toward the spine"},
    )
    created = call(client, "POST", f"/api/patients/{patient.pk}/sessions", body).json()
    session = Session.objects.get(pk=created["id"])
    assert session.confirmations == [
        {
            "target": "BL23.depth",
            "issue": "depth",
            "rules": ["sf.kidney_points"],
            "reason": "large patient; angled toward the spine",
        }
    ]
    assert [(p.code, p.side, p.depth_cun) for p in session.points.all()] == [
        ("BL23", "bilateral", Decimal("1.5")),
        ("GV4", "midline", None),
    ]
    fetched = client.get(f"/api/sessions/{session.pk}").json()
    assert fetched["points"][0]["depth_cun"] == 1.5
    assert fetched["adverse_events"] == [
        {"kind": "bruising", "severity": "mild", "description": ""}
    ]
    listed = client.get(f"/api/patients/{patient.pk}/sessions").json()
    assert [s["id"] for s in listed["items"]] == [session.pk]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"points": [{"code": "BL23", "depth_cun": 1000}]}, "points.0.depth_cun"),
        ({"points": [{"code": "BL23", "depth_cun": 1.25}]}, "points.0.depth_cun"),
        ({"points": [{"code": "BL23", "de_qi": "maybe"}]}, "points.0.de_qi"),
        ({"points": [{"code": "XX99"}]}, "points.0.code"),
        ({"points": []}, "points"),
        ({"method": "cupping"}, "method"),
        ({"pain_nrs": 11}, "pain_nrs"),
        ({"needle_count": -1}, "needle_count"),
        ({"date": (timezone.localdate() + dt.timedelta(days=1)).isoformat()}, "date"),
        ({"adverse_events": [{"kind": "faint", "severity": "awful"}]}, "adverse_events.0.severity"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_it_names_the_bad_field_of_a_session(
    cast: Cast, patient: Patient, approved_plan: Plan, changes: dict[str, object], field: str
) -> None:
    client = client_for(cast.owner)
    before = row_counts()
    body = session_body(approved_plan, **changes)
    response = call(client, "POST", f"/api/patients/{patient.pk}/sessions", body)
    error = assert_error(response, 422, "invalid_input")
    assert [f["field"] for f in error["fields"]] == [field]
    assert row_counts() == before


def test_it_calls_a_session_after_the_licence_expiry_a_bad_date(
    cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    body = session_body(approved_plan, date="2999-01-01")
    response = call(client_for(cast.owner), "POST", f"/api/patients/{patient.pk}/sessions", body)
    assert_error(response, 422, "invalid_input")


def test_it_refuses_a_session_following_a_plan_it_cannot_use(
    cast: Cast, patient: Patient, plan: Plan
) -> None:
    """A draft plan, or another clinic's plan (named as a bad field, not revealed)."""
    outsider_patient = services.create_patient(
        actor=services.Actor(cast.outsider),
        data={"first_name": "O", "last_name": "S", "date_of_birth": "1980-01-01"},
    )
    outsider_intake = services.record_intake(
        actor=services.Actor(cast.outsider),
        patient=outsider_patient,
        data=example("chronic-cold-damp"),
    )
    foreign = services.create_plan(actor=services.Actor(cast.outsider), intake=outsider_intake)
    client = client_for(cast.owner)
    url = f"/api/patients/{patient.pk}/sessions"
    for plan_id in (plan.pk, foreign.pk):
        body = session_body() | {"plan": plan_id}
        error = assert_error(call(client, "POST", url, body), 422, "invalid_input")
        assert [f["field"] for f in error["fields"]] == ["plan"]


def test_it_returns_today_as_the_stateless_plans_as_of(cast: Cast) -> None:
    response = call(client_for(cast.admin), "POST", "/api/plans", example("pregnant-24-weeks"))
    assert response.json()["as_of"] == timezone.localdate().isoformat()
