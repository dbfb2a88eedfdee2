"""Needle sets in the session record (service, form and API), the CPT coding shown on every
session, and Medicare's visit rules on top of the safety gate."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from acuplan.billing.coding import code_session
from acuplan.billing.superbill import session_superbill
from acuplan.clinic import services
from acuplan.clinic.models import Patient, Plan, Session
from acuplan.core.errors import Conflict, InvalidInput
from acuplan.outcomes import services as outcome_services
from tests.billing.conftest import record
from tests.outcomes.conftest import days_ago
from tests.outcomes.conftest import record as record_outcome
from tests.web.conftest import Cast, example, login
from tests.web.test_api_support import call, client_for, session_body
from tests.web.test_pages_flow import session_post

TODAY = timezone.localdate


def test_it_stores_the_sets_in_order_and_codes_them(billed_session: Session) -> None:
    sets = list(billed_session.sets.values_list("number", "stimulation", "face_to_face_minutes"))
    assert sets == [(1, "manual", 15), (2, "electro", 15)]
    coded = code_session(billed_session)
    assert [(x.cpt, x.units) for x in coded.lines] == [("97810", 1), ("97814", 1)]
    assert any("retention without contact do not count" in w for w in coded.explanation)


def test_it_refuses_a_second_initial_code_for_a_second_session_that_day(
    cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    first = record(cast, patient, approved_plan, TODAY())
    second = record(cast, patient, approved_plan, TODAY())
    assert [x.cpt for x in code_session(first).lines] == ["97810"]
    coded = code_session(second)
    assert [x.cpt for x in coded.lines] == ["97811"]
    assert any("second initial code the same day is refused" in w for w in coded.explanation)
    assert [x.cpt for x in session_superbill(second).lines] == ["97810", "97811"]


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"method": "manual", "sets": [{"stimulation": "electro"}]}, "sets.0.stimulation"),
        ({"method": "acupressure", "sets": [{"stimulation": "manual"}]}, "sets"),
        ({"sets": [{"stimulation": "laser"}]}, "sets.0.stimulation"),
        (
            {"sets": [{"stimulation": "manual", "face_to_face_minutes": 241}]},
            "sets.0.face_to_face_minutes",
        ),
        (
            {"sets": [{"stimulation": "manual", "retention_minutes": -1}]},
            "sets.0.retention_minutes",
        ),
        (
            {"sets": [{"stimulation": "manual", "face_to_face_minutes": True}]},
            "sets.0.face_to_face_minutes",
        ),
        ({"sets": [{"stimulation": "manual"}] * 21}, "sets"),
        ({"evaluation": "99213"}, "evaluation_note"),
        ({"evaluation": "99999", "evaluation_note": "x"}, "evaluation"),
    ],
)
def test_it_refuses_bad_sets_and_saves_nothing(
    cast: Cast, patient: Patient, approved_plan: Plan, kw: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as exc:
        record(cast, patient, approved_plan, TODAY(), **kw)
    assert field in {e.field for e in exc.value.errors}
    assert not Session.objects.exists()


def test_it_defaults_to_one_set_of_the_method_with_its_minutes_unrecorded(
    cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    session = record(cast, patient, approved_plan, TODAY(), sets=None)
    assert list(session.sets.values_list("stimulation", "face_to_face_minutes")) == [
        ("manual", None)
    ]
    coded = code_session(session)
    assert coded.lines == ()
    assert any("not recorded" in w for w in coded.explanation)
    acupressure = record(cast, patient, approved_plan, TODAY(), method="acupressure", sets=None)
    assert not acupressure.sets.exists()


def test_it_keeps_the_safety_gate_for_an_electro_set(
    cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    """A set with electrical stimulation needs the method electro, which the safety filter
    checks (a cardiac device refuses it); the gate still refuses a blocked patient."""
    red = services.record_intake(
        actor=services.Actor(cast.owner), patient=patient, data=example("red-flag-cauda-equina")
    )
    services.create_plan(actor=services.Actor(cast.owner), intake=red)
    with pytest.raises(Conflict):
        record(
            cast,
            patient,
            approved_plan,
            TODAY(),
            method="electro",
            sets=[{"stimulation": "electro"}],
        )


def test_it_bills_an_evaluation_with_modifier_25(
    cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    session = record(
        cast,
        patient,
        approved_plan,
        TODAY(),
        evaluation="99213",
        evaluation_note="Re-examined range of movement and neurology after a new fall.",
    )
    lines = [(x.cpt, x.modifiers) for x in code_session(session).lines]
    assert lines == [("97810", ()), ("99213", ("25",))]


# --- the session form ---------------------------------------------------------------------


def test_it_starts_the_form_with_one_set_from_the_plan_and_records_it(
    client: Client, cast: Cast, planned_patient: Patient, approved_plan: Plan
) -> None:
    login(client, cast.owner)
    url = reverse("session_new", kwargs={"pk": planned_patient.pk})
    html = client.get(url).content.decode()
    method = approved_plan.data["prescription"]["technique"]["method"]
    assert f'<option value="{method}" selected>' in html
    assert 'name="sets-0-face_to_face_minutes" value="15"' in html
    assert 'name="sets-1-stimulation"' in html  # one blank row for a re-insertion
    form = {
        "date": TODAY().isoformat(),
        "method": "manual",
        "points-rows": "1",
        "points-0-code": "BL23",
        "sets-rows": "2",
        "sets-0-stimulation": "manual",
        "sets-0-face_to_face_minutes": "15",
        "sets-1-stimulation": "electro",
        "sets-1-face_to_face_minutes": "10",
        "adverse_events-rows": "0",
    }
    refused = client.post(url, form)
    assert refused.status_code == 400
    assert "electrical stimulation needs the session" in refused.content.decode()
    form.update({"method": "electro"})
    assert client.post(url, form).status_code == 302
    session = Session.objects.get()
    assert session.sets.count() == 2
    detail = client.get(reverse("session_detail", kwargs={"pk": session.pk})).content.decode()
    assert "97810" in detail
    assert "97814" in detail  # 25 minutes, two insertions: the second unit is electro
    assert "Why these codes" in detail


# --- the API ------------------------------------------------------------------------------


def test_it_takes_sets_in_the_api_and_answers_with_the_coding(
    cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    client = client_for(cast.owner)
    url = f"/api/patients/{patient.pk}/sessions"
    body = session_body(
        approved_plan,
        method="electro",
        sets=[
            {"stimulation": "manual", "face_to_face_minutes": 15},
            {"stimulation": "electro", "face_to_face_minutes": 15, "retention_minutes": 20},
        ],
    )
    created = call(client, "POST", url, body)
    assert created.status_code == 201, created.content
    out = created.json()
    assert [s["stimulation"] for s in out["sets"]] == ["manual", "electro"]
    assert out["coding"]["lines"] == [
        {"cpt": "97810", "units": 1, "modifiers": []},
        {"cpt": "97814", "units": 1, "modifiers": []},
    ]
    plain = call(client, "POST", url, session_body(approved_plan)).json()
    assert plain["sets"] == [
        {"number": 1, "stimulation": "manual", "face_to_face_minutes": None, "retention_minutes": 0}
    ]
    assert plain["coding"]["lines"] == []  # minutes not recorded: nothing billable
    bad = call(client, "POST", url, session_body(approved_plan, sets=[{"stimulation": "electro"}]))
    assert bad.status_code == 422
    assert bad.json()["error"]["fields"][0]["field"] == "sets.0.stimulation"


# --- Medicare -----------------------------------------------------------------------------


@pytest.fixture
def medicare_plan(cast: Cast, patient: Patient) -> Plan:
    actor = services.Actor(cast.owner)
    intake = services.record_intake(
        actor=actor, patient=patient, data=example("sciatica-on-apixaban")
    )
    plan = services.create_plan(actor=actor, intake=intake, as_of=days_ago(90))
    return services.approve_plan(actor=actor, plan=plan)


def _visits(cast: Cast, patient: Patient, plan: Plan, n: int, first: int = 80) -> None:
    """``n`` earlier visits on distinct days, straight into the table."""
    Session.objects.bulk_create(
        Session(
            patient=patient,
            plan=plan,
            date=days_ago(first - 3 * i),
            practitioner=cast.owner,
            method="manual",
        )
        for i in range(n)
    )


def _medicare_session(cast: Cast, patient: Patient, plan: Plan) -> Session:
    point = plan.data["prescription"]["points"][1]["code"]
    return record(cast, patient, plan, TODAY(), points=[{"code": point}])


def _responder(cast: Cast, patient: Patient) -> None:
    record_outcome(patient, cast, days_ago(85), kind="intake", pain_nrs=7)
    record_outcome(patient, cast, days_ago(2), pain_nrs=3)
    review = outcome_services.review_progress(actor=services.Actor(cast.owner), patient=patient)
    decision = "continue_then_taper"
    reason = "" if review.decision == decision else "improving: NRS 7 to 3"
    outcome_services.settle_review(
        actor=services.Actor(cast.owner), review=review, decision=decision, reason=reason
    )


def test_it_needs_documented_improvement_for_medicare_visit_13(
    cast: Cast, patient: Patient, medicare_plan: Plan
) -> None:
    _visits(cast, patient, medicare_plan, 12)
    with pytest.raises(Conflict, match="only for a patient who is improving"):
        _medicare_session(cast, patient, medicare_plan)
    _responder(cast, patient)
    session = _medicare_session(cast, patient, medicare_plan)
    coded = code_session(session)
    assert coded.visit is not None
    assert coded.visit.number == 13
    assert all("KX" in x.modifiers for x in coded.lines)
    bill = session_superbill(session)
    assert bill.medicare
    assert any("cannot bill Medicare directly" in w for w in bill.warnings)
    assert bill.lines[0].modifiers == ("KX",)


def test_it_blocks_the_21st_medicare_visit_in_a_year(
    cast: Cast, patient: Patient, medicare_plan: Plan
) -> None:
    _responder(cast, patient)
    _visits(cast, patient, medicare_plan, 20, first=300)
    with pytest.raises(Conflict, match="at most 20"):
        _medicare_session(cast, patient, medicare_plan)
    assert Session.objects.count() == 20


def test_it_leaves_a_self_pay_patient_s_visits_unlimited(
    cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    _visits(cast, patient, approved_plan, 25, first=90)
    session = record(cast, patient, approved_plan, TODAY())
    assert code_session(session).visit is None


def test_it_answers_409_on_the_session_page_for_the_21st_medicare_visit(
    client: Client, cast: Cast, patient: Patient, medicare_plan: Plan
) -> None:
    _responder(cast, patient)
    _visits(cast, patient, medicare_plan, 20, first=300)
    point = medicare_plan.data["prescription"]["points"][1]["code"]
    login(client, cast.owner)
    data = session_post([{"code": point}], notes="typed before the refusal")
    response = client.post(reverse("session_new", kwargs={"pk": patient.pk}), data)
    html = response.content.decode()
    assert response.status_code == 409
    assert "at most 20" in html
    assert "typed before the refusal" in html
    assert Session.objects.count() == 20
