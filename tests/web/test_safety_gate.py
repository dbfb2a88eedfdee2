"""The safety gate at every entry point where care is recorded or decided (issue 9): a
patient whose latest triage stops treatment cannot be charted until a new intake clears the
flags; the dashboard's urgent panel; overrides and sessions checked against the plan's
safety filter; reassessment intakes that carry the last one over; front-desk corrections.

Each behaviour is shown at the service layer, on the page and in the REST API."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from acuplan.audit.models import AuditEvent
from acuplan.clinic import pages_support, queries, safety_gate, services
from acuplan.clinic.models import (
    Intake,
    Patient,
    Plan,
    PlanOverride,
    ReferralMade,
    Session,
)
from acuplan.clinic.prescription import effective_prescription
from acuplan.clinic.services import Actor
from acuplan.core.errors import Conflict, InvalidInput, NotPermitted
from acuplan.outcomes import services as outcome_services
from acuplan.outcomes.models import OutcomeResponse
from tests.web.conftest import Cast, example, login
from tests.web.test_api_support import assert_error, call, client_for, session_body
from tests.web.test_pages_flow import intake_post, session_post

CAUDA_EQUINA_FLAGS = ["saddle_anaesthesia", "urinary_retention", "bilateral_leg_neuro"]


# --- helpers ----------------------------------------------------------------------------


def today() -> dt.date:
    return timezone.localdate()


def owner(cast: Cast) -> Actor:
    return Actor(cast.owner)


def intake_with(name: str, **changes: Any) -> dict[str, Any]:
    """An example intake with some sections replaced (``medical={...}``, ``patient=...``)."""
    data: dict[str, Any] = dict(example(name))
    data.update(changes)
    return data


def plan_for(cast: Cast, patient: Patient, data: object, *, approve: bool = True) -> Plan:
    intake = services.record_intake(actor=owner(cast), patient=patient, data=data)
    plan = services.create_plan(actor=owner(cast), intake=intake)
    return services.approve_plan(actor=owner(cast), plan=plan) if approve else plan


def pregnant(cast: Cast, patient: Patient) -> Plan:
    """24 weeks pregnant: the lumbosacral points (BL23, GV4 ...) are excluded by sf.pregnancy
    and electroacupuncture is withheld."""
    return plan_for(cast, patient, example("pregnant-24-weeks"))


def with_pacemaker(cast: Cast, patient: Patient) -> Plan:
    medical = {"medications": ["ibuprofen"], "conditions": ["pacemaker"]}
    return plan_for(cast, patient, intake_with("chronic-cold-damp", medical=medical))


def cleared(flags: list[str], on: dt.date | None = None) -> dict[str, Any]:
    """The ``medical`` section of an intake after a physician ruled the flags out."""
    day = (on or today()).isoformat()
    return {
        "cleared_red_flags": [
            {"flag": f, "cleared_by": "Dr A. Smith, GP", "cleared_on": day, "note": "MRI clear"}
            for f in flags
        ]
    }


def record(cast: Cast, patient: Patient, points: list[dict[str, Any]], **kw: Any) -> Session:
    kw.setdefault("method", "manual")
    return services.record_session(
        actor=owner(cast), patient=patient, date=today(), points=points, **kw
    )


def fields_of(exc: InvalidInput) -> dict[str, str]:
    return {e.field: e.message for e in exc.errors}


def section(html: str, start: str, end: str = "</section>") -> str:
    i = html.index(start)
    return html[i : html.index(end, i)]


def urgent_panel(client: Client) -> str:
    return section(client.get(reverse("dashboard")).content.decode(), 'id="urgent"')


def overridden(cast: Cast, plan: Plan, kind: str, target: str, *rules: str) -> PlanOverride:
    return services.override_plan(
        actor=owner(cast),
        plan=plan,
        kind=kind,
        target=target,
        reason="agreed with the patient's obstetrician",
        overrides_rules=rules,
    )


def confirm_inputs(html: str) -> list[str]:
    """The names of the reason inputs of the page's "Confirm against the safety filter"."""
    if 'id="confirmations"' not in html:
        return []
    part = section(html, 'id="confirmations"')
    return [chunk.split('"', 1)[0] for chunk in part.split('name="')[1:]]


# --- 1. a patient whose latest triage stops treatment -----------------------------------


def test_it_refuses_a_session_for_a_patient_whose_triage_stops_treatment(
    cast: Cast, patient: Patient, blocked_plan: Plan
) -> None:
    with pytest.raises(Conflict) as refused:
        record(cast, patient, [{"code": "BL23"}, {"code": "BL40"}])
    message = str(refused.value)
    assert "EMERGENCY" in message
    assert "Suspected cauda equina syndrome" in message
    assert "new intake" in message
    assert not Session.objects.exists()


def test_it_refuses_a_session_when_a_new_intake_stops_treatment_despite_an_approved_plan(
    client: Client, cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    plan_for(cast, patient, example("red-flag-cauda-equina"), approve=False)
    with pytest.raises(Conflict) as refused:
        record(cast, patient, [{"code": "BL23"}], plan=approved_plan)
    assert "Suspected cauda equina syndrome" in str(refused.value)
    api = call(
        client_for(cast.owner),
        "POST",
        f"/api/patients/{patient.pk}/sessions",
        session_body(approved_plan),
    )
    assert_error(api, 409, "conflict")
    login(client, cast.owner)
    page = client.get(reverse("session_new", kwargs={"pk": patient.pk}))
    assert page.status_code == 409
    assert not Session.objects.exists()


def test_it_refuses_a_session_for_a_patient_with_no_intake(cast: Cast, patient: Patient) -> None:
    with pytest.raises(Conflict) as refused:
        record(cast, patient, [{"code": "BL23"}])
    assert "No intake has been assessed" in str(refused.value)
    assert not Session.objects.exists()


def test_it_refuses_a_session_after_a_red_flag_reported_since_the_plan(
    cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    record(cast, patient, [{"code": "BL23"}])  # treatable before the report
    outcome_services.record_outcome(
        actor=owner(cast),
        patient=patient,
        kind="follow_up",
        answered_on=today(),
        data={"pain_nrs": 7, "red_flags": ["urinary_retention"]},
    )
    with pytest.raises(Conflict) as refused:
        record(cast, patient, [{"code": "BL23"}])
    assert "urinary retention" in str(refused.value)
    assert "re-triage with a new intake" in str(refused.value)
    assert Session.objects.count() == 1


def test_it_shows_why_the_session_form_is_refused_and_links_a_new_intake(
    client: Client, cast: Cast, patient: Patient, blocked_plan: Plan
) -> None:
    login(client, cast.owner)
    url = reverse("session_new", kwargs={"pk": patient.pk})
    shown = client.get(url)
    html = shown.content.decode()
    assert shown.status_code == 409
    assert "Treatment is refused for this patient" in html
    assert "Suspected cauda equina syndrome" in html
    assert f'href="{reverse("intake_new", kwargs={"pk": patient.pk})}"' in html
    assert 'name="points-0-code"' not in html  # no form to fill in
    posted = client.post(url, session_post([{"code": "BL23"}, {"code": "BL40"}]))
    assert posted.status_code == 409
    assert "Suspected cauda equina syndrome" in posted.content.decode()
    assert not Session.objects.exists()


def test_it_refuses_a_session_without_an_intake_on_the_page(
    client: Client, cast: Cast, patient: Patient
) -> None:
    login(client, cast.owner)
    url = reverse("session_new", kwargs={"pk": patient.pk})
    response = client.post(url, session_post([{"code": "BL23"}]))
    assert response.status_code == 409
    assert "No intake has been assessed" in response.content.decode()
    assert not Session.objects.exists()


def test_it_answers_a_blocked_session_in_the_api_with_409_in_the_one_error_shape(
    cast: Cast, patient: Patient, blocked_plan: Plan
) -> None:
    client = client_for(cast.owner)
    url = f"/api/patients/{patient.pk}/sessions"
    error = assert_error(call(client, "POST", url, session_body()), 409, "conflict")
    assert "Suspected cauda equina syndrome" in error["message"]
    assert not Session.objects.exists()


def test_it_answers_409_in_the_api_for_a_patient_with_no_intake(
    cast: Cast, patient: Patient
) -> None:
    client = client_for(cast.owner)
    url = f"/api/patients/{patient.pk}/sessions"
    error = assert_error(call(client, "POST", url, session_body()), 409, "conflict")
    assert "No intake has been assessed" in error["message"]


def test_it_answers_409_in_the_api_after_a_reported_red_flag(
    cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    outcome_services.record_outcome(
        actor=owner(cast),
        patient=patient,
        kind="follow_up",
        answered_on=today(),
        data={"pain_nrs": 5, "red_flags": ["saddle_anaesthesia"]},
    )
    client = client_for(cast.owner)
    url = f"/api/patients/{patient.pk}/sessions"
    error = assert_error(call(client, "POST", url, session_body()), 409, "conflict")
    assert "saddle anaesthesia" in error["message"]


def test_it_treats_again_once_a_new_intake_records_the_flags_as_cleared(
    cast: Cast, patient: Patient, blocked_plan: Plan
) -> None:
    data = intake_with("red-flag-cauda-equina", medical=cleared(CAUDA_EQUINA_FLAGS))
    plan = plan_for(cast, patient, data, approve=False)
    assert plan.triage_decision not in safety_gate.BLOCKING
    reason = plan.data["triage"]["reasons"][0]
    assert reason["code"] == "rf.cauda_equina"
    assert reason["cleared"]["cleared_by"] == ["Dr A. Smith, GP"] * 3  # the flag stays recorded
    assert not safety_gate.treatment_gate(patient).blocked
    session = record(cast, patient, [{"code": "BL40", "side": "bilateral"}])
    assert Session.objects.get() == session


def test_it_keeps_refusing_while_a_flag_stays_uncleared(
    cast: Cast, patient: Patient, blocked_plan: Plan
) -> None:
    data = intake_with("red-flag-cauda-equina", medical=cleared(["bilateral_leg_neuro"]))
    plan = plan_for(cast, patient, data, approve=False)
    assert plan.triage_decision == "emergency"
    with pytest.raises(Conflict):
        record(cast, patient, [{"code": "BL40"}])


def test_it_plans_an_intake_that_clears_flags_it_no_longer_ticks(
    cast: Cast, patient: Patient, blocked_plan: Plan
) -> None:
    data = intake_with("red-flag-cauda-equina", red_flags=[], medical=cleared(CAUDA_EQUINA_FLAGS))
    plan = plan_for(cast, patient, data, approve=False)
    assert plan.triage_decision not in safety_gate.BLOCKING
    assert record(cast, patient, [{"code": "BL40"}])


def test_it_refuses_a_clearance_dated_after_today(
    cast: Cast, patient: Patient, blocked_plan: Plan
) -> None:
    tomorrow = today() + dt.timedelta(days=1)
    data = intake_with("red-flag-cauda-equina", medical=cleared(CAUDA_EQUINA_FLAGS, tomorrow))
    with pytest.raises(InvalidInput) as refused:
        services.record_intake(actor=owner(cast), patient=patient, data=data)
    assert "medical.cleared_red_flags.0.cleared_on" in fields_of(refused.value)
    assert Intake.objects.filter(patient=patient).count() == 1


def test_it_asks_for_the_clearances_on_the_intake_form_after_a_blocked_plan(
    client: Client, cast: Cast, patient: Patient, blocked_plan: Plan
) -> None:
    login(client, cast.owner)
    url = reverse("intake_new", kwargs={"pk": patient.pk})
    html = client.get(url).content.decode()
    assert "The last plan stopped treatment" in html
    assert '<h2 id="red-flags">Step 1 of 7: Red flags</h2>' in html  # the first step
    assert html.index("Red flags ruled out by a physician") < html.index('name="red_flags"')
    for i, flag in enumerate(CAUDA_EQUINA_FLAGS):
        row = section(html, f'name="medical__cleared_red_flags__{i}__flag"', "</select>")
        assert f'<option value="{flag}" selected>' in row
    data = intake_post(example("red-flag-cauda-equina"))
    for i, flag in enumerate(CAUDA_EQUINA_FLAGS):
        data[f"medical__cleared_red_flags__{i}__flag"] = flag
        data[f"medical__cleared_red_flags__{i}__cleared_by"] = "Dr A. Smith, GP"
        data[f"medical__cleared_red_flags__{i}__cleared_on"] = today().isoformat()
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = Plan.objects.filter(patient=patient).latest("created_at")
    assert plan.triage_decision not in safety_gate.BLOCKING
    form = client.get(reverse("session_new", kwargs={"pk": patient.pk}))
    assert form.status_code == 200
    saved = client.post(
        reverse("session_new", kwargs={"pk": patient.pk}), session_post([{"code": "BL40"}])
    )
    assert saved.status_code == 302
    assert Session.objects.filter(patient=patient).count() == 1


def test_it_offers_to_clear_a_red_flag_reported_since_the_plan_on_the_intake_form(
    client: Client, cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    outcome_services.record_outcome(
        actor=owner(cast),
        patient=patient,
        kind="follow_up",
        answered_on=today(),
        data={"pain_nrs": 6, "red_flags": ["urinary_retention"]},
    )
    login(client, cast.owner)
    html = client.get(reverse("intake_new", kwargs={"pk": patient.pk})).content.decode()
    row = section(html, 'name="medical__cleared_red_flags__0__flag"', "</select>")
    assert '<option value="urinary_retention" selected>' in row


def test_it_charts_through_the_api_once_a_new_intake_clears_the_flags(
    cast: Cast, patient: Patient, blocked_plan: Plan
) -> None:
    client = client_for(cast.owner)
    sessions = f"/api/patients/{patient.pk}/sessions"
    assert call(client, "POST", sessions, session_body()).status_code == 409
    data = intake_with("red-flag-cauda-equina", medical=cleared(CAUDA_EQUINA_FLAGS))
    intake = call(client, "POST", f"/api/patients/{patient.pk}/intakes", data)
    assert intake.status_code == 201
    plan = call(client, "POST", f"/api/intakes/{intake.json()['id']}/plans")
    assert plan.status_code == 201
    assert plan.json()["triage_decision"] not in safety_gate.BLOCKING
    body = session_body(points=[{"code": "BL40", "side": "bilateral"}])
    assert call(client, "POST", sessions, body).status_code == 201


# --- 2. the dashboard's urgent panel ----------------------------------------------------


def test_it_lists_a_blocked_patient_as_urgent_until_the_referral_is_made(
    cast: Cast, patient: Patient, blocked_plan: Plan
) -> None:
    assert [p.pk for p in queries.urgent_triage(cast.colleague)] == [patient.pk]
    assert list(queries.urgent_triage(cast.outsider)) == []
    made = services.record_referral_made(
        actor=owner(cast), plan=blocked_plan, note="sent to the emergency department"
    )
    assert made.urgency == "emergency"
    assert list(queries.urgent_triage(cast.colleague)) == []
    event = AuditEvent.objects.get(action="acuplan.referral.made")
    assert event.patient_id == patient.pk
    assert event.detail["plan"] == blocked_plan.pk


def test_it_refuses_a_referral_made_for_a_plan_that_allows_treatment(
    cast: Cast, plan: Plan
) -> None:
    with pytest.raises(Conflict):
        services.record_referral_made(actor=owner(cast), plan=plan)
    assert not ReferralMade.objects.exists()


def test_it_records_a_referral_made_once_through_the_api(
    cast: Cast, patient: Patient, blocked_plan: Plan
) -> None:
    client = client_for(cast.owner)
    url = f"/api/plans/{blocked_plan.pk}/referral-made"
    made = call(client, "POST", url, {"note": "phoned the emergency department"})
    assert made.status_code == 201
    assert (made.json()["urgency"], made.json()["patient_id"]) == ("emergency", patient.pk)
    assert list(queries.urgent_triage(cast.owner)) == []
    assert_error(call(client, "POST", url, {"note": "again"}), 409, "conflict")
    assert ReferralMade.objects.count() == 1


def test_it_refuses_front_desk_recording_a_referral(
    cast: Cast, patient: Patient, blocked_plan: Plan
) -> None:
    with pytest.raises(NotPermitted):
        services.record_referral_made(actor=Actor(cast.front_desk), plan=blocked_plan)
    assert [p.pk for p in queries.urgent_triage(cast.owner)] == [patient.pk]


def test_it_shows_the_blocked_patient_on_the_dashboard_until_the_page_records_the_referral(
    client: Client, cast: Cast, patient: Patient, blocked_plan: Plan
) -> None:
    login(client, cast.colleague)
    panel = urgent_panel(client)
    assert "Byrne, Ada" in panel
    assert reverse("plan_review", kwargs={"pk": blocked_plan.pk}) in panel
    assert "EMERGENCY" in panel
    response = client.post(
        reverse("plan_referral_made", kwargs={"pk": blocked_plan.pk}),
        {"note": "ambulance to the emergency department"},
    )
    assert response.status_code == 302
    assert ReferralMade.objects.get().note == "ambulance to the emergency department"
    assert "Byrne, Ada" not in urgent_panel(client)
    assert "Nothing urgent" in urgent_panel(client)


def test_it_lists_the_patient_again_when_a_newer_intake_stops_treatment_again(
    cast: Cast, patient: Patient, blocked_plan: Plan
) -> None:
    services.record_referral_made(actor=owner(cast), plan=blocked_plan)
    plan_for(cast, patient, example("red-flag-cauda-equina"), approve=False)
    assert [p.pk for p in queries.urgent_triage(cast.owner)] == [patient.pk]


def _link_answer(
    patient: Patient, cast: Cast, answers: dict[str, Any], capture: Any
) -> OutcomeResponse:
    Patient.objects.filter(pk=patient.pk).update(email="ada@example.org")
    patient.refresh_from_db()
    tokens: list[str] = []

    def url_for(token: str) -> str:
        tokens.append(token)
        return f"https://clinic.example/q/{token}/"

    outcome_services.send_questionnaire_link(actor=owner(cast), patient=patient, url_for=url_for)
    with capture(execute=True):
        response = Client().post(reverse("outcomes:questionnaire", args=[tokens[0]]), answers)
    assert response.status_code == 200, response.content.decode()[:2000]
    return OutcomeResponse.objects.get(patient=patient)


def _alerts() -> list[Any]:
    return [m for m in mail.outbox if "warning sign" in m.subject]


@pytest.fixture
def practitioner_email(cast: Cast) -> str:
    cast.owner.email = "owner@riverside.example"
    cast.owner.save(update_fields=["email"])
    return cast.owner.email


RED_FLAG_ANSWERS = {"pain_nrs": "8", "red_flags": ["urinary_retention", "saddle_anaesthesia"]}


def test_it_lists_a_red_flag_reported_by_link_until_a_clinician_marks_it_seen(
    cast: Cast,
    patient: Patient,
    approved_plan: Plan,
    django_capture_on_commit_callbacks: Any,
) -> None:
    response = _link_answer(patient, cast, RED_FLAG_ANSWERS, django_capture_on_commit_callbacks)
    reported = queries.reported_red_flags(cast.colleague)
    assert [(r.response_id, r.red_flags) for r in reported] == [
        (response.pk, ["saddle_anaesthesia", "urinary_retention"])
    ]
    assert queries.reported_red_flags(cast.outsider) == []
    outcome_services.acknowledge_red_flags(actor=owner(cast), response=response)
    assert queries.reported_red_flags(cast.colleague) == []
    event = AuditEvent.objects.get(action="acuplan.red_flags.seen")
    assert event.detail["red_flags"] == ["saddle_anaesthesia", "urinary_retention"]
    with pytest.raises(Conflict):  # once is enough
        outcome_services.acknowledge_red_flags(actor=owner(cast), response=response)
    # Seen is not cleared: treatment waits for a new intake.
    assert safety_gate.treatment_gate(patient).blocked


def test_it_shows_a_red_flag_reported_by_link_on_the_dashboard_until_marked_seen(
    client: Client,
    cast: Cast,
    patient: Patient,
    approved_plan: Plan,
    django_capture_on_commit_callbacks: Any,
) -> None:
    response = _link_answer(patient, cast, RED_FLAG_ANSWERS, django_capture_on_commit_callbacks)
    login(client, cast.colleague)
    panel = urgent_panel(client)
    assert "Byrne, Ada" in panel
    assert "urinary retention" in panel
    seen = reverse("outcomes:flags_seen", kwargs={"pk": response.pk})
    assert f'action="{seen}"' in panel
    assert client.post(seen).status_code == 302
    response.refresh_from_db()
    assert response.flags_seen_by == cast.colleague
    assert "Byrne, Ada" not in urgent_panel(client)


def test_it_marks_red_flags_seen_once_through_the_api(
    cast: Cast,
    patient: Patient,
    approved_plan: Plan,
    django_capture_on_commit_callbacks: Any,
) -> None:
    response = _link_answer(patient, cast, RED_FLAG_ANSWERS, django_capture_on_commit_callbacks)
    client = client_for(cast.colleague)
    url = f"/api/outcomes/{response.pk}/flags-seen"
    seen = call(client, "POST", url)
    assert seen.status_code == 200
    assert seen.json()["flags_seen_by_id"] == cast.colleague.pk
    assert queries.reported_red_flags(cast.owner) == []
    assert_error(call(client, "POST", url), 409, "conflict")
    assert safety_gate.treatment_gate(patient).blocked  # seen is not cleared


def test_it_does_not_let_front_desk_mark_red_flags_seen(
    client: Client,
    cast: Cast,
    patient: Patient,
    approved_plan: Plan,
    django_capture_on_commit_callbacks: Any,
) -> None:
    response = _link_answer(patient, cast, RED_FLAG_ANSWERS, django_capture_on_commit_callbacks)
    login(client, cast.front_desk)
    assert 'id="urgent"' not in client.get(reverse("dashboard")).content.decode()
    client.post(reverse("outcomes:flags_seen", kwargs={"pk": response.pk}))
    response.refresh_from_db()
    assert response.flags_seen_at is None
    assert len(queries.reported_red_flags(cast.owner)) == 1


def test_it_emails_the_practitioner_once_a_red_flag_comes_in_by_link(
    cast: Cast,
    patient: Patient,
    approved_plan: Plan,
    practitioner_email: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _link_answer(patient, cast, RED_FLAG_ANSWERS, django_capture_on_commit_callbacks)
    alerts = _alerts()
    assert len(alerts) == 1
    assert alerts[0].to == [practitioner_email]
    text = (alerts[0].subject + alerts[0].body).lower()
    assert "http://testserver/" in text  # where to look: the dashboard
    for private in ("urinary", "retention", "saddle", "anaesthesia", "bladder", "byrne", "ada"):
        assert not re.search(rf"\b{private}\b", text), private


def test_it_emails_the_clinic_s_clinicians_when_the_patient_has_no_practitioner_address(
    cast: Cast,
    patient: Patient,
    approved_plan: Plan,
    django_capture_on_commit_callbacks: Any,
) -> None:
    cast.admin.email = "admin@riverside.example"
    cast.admin.save(update_fields=["email"])
    cast.outsider.email = "outsider@harbour.example"
    cast.outsider.save(update_fields=["email"])
    _link_answer(patient, cast, RED_FLAG_ANSWERS, django_capture_on_commit_callbacks)
    assert [m.to for m in _alerts()] == [["admin@riverside.example"]]


def test_it_sends_no_alert_when_the_link_answers_report_no_red_flag(
    cast: Cast,
    patient: Patient,
    approved_plan: Plan,
    practitioner_email: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    response = _link_answer(patient, cast, {"pain_nrs": "3"}, django_capture_on_commit_callbacks)
    assert response.red_flags == []
    assert _alerts() == []
    assert queries.reported_red_flags(cast.owner) == []
    assert not safety_gate.treatment_gate(patient).blocked


def test_it_takes_a_red_flag_reported_on_its_own_by_link(
    cast: Cast,
    patient: Patient,
    approved_plan: Plan,
    practitioner_email: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    answers = {"red_flags": ["urinary_retention"]}
    response = _link_answer(patient, cast, answers, django_capture_on_commit_callbacks)
    assert response.red_flags == ["urinary_retention"]
    assert len(_alerts()) == 1


# --- 3. overrides through the safety filter ---------------------------------------------


def test_it_refuses_an_override_adding_back_an_excluded_point_without_naming_the_rule(
    cast: Cast, patient: Patient
) -> None:
    plan = pregnant(cast, patient)
    assert safety_gate.plan_safety(plan).excluded_by("GV4")
    with pytest.raises(InvalidInput) as refused:
        overridden(cast, plan, "add_point", "GV4")
    assert "sf.pregnancy" in fields_of(refused.value)["overrides_rules"]
    with pytest.raises(InvalidInput) as wrong_rule:
        overridden(cast, plan, "add_point", "GV4", "sf.pregnancy", "sf.cardiac_device")
    assert (
        "sf.cardiac_device does not exclude GV4" in fields_of(wrong_rule.value)["overrides_rules"]
    )
    assert not PlanOverride.objects.exists()


def test_it_refuses_adding_back_a_point_the_anticoagulant_rule_excluded_without_naming_it(
    cast: Cast, patient: Patient
) -> None:
    plan = plan_for(cast, patient, example("sciatica-on-apixaban"))
    excluded = plan.data["prescription"]["excluded_points"]
    assert [e["reasons"][0]["rule"] for e in excluded if e["code"] == "BL17"] == [
        "sf.bleeding_risk"
    ]
    with pytest.raises(InvalidInput) as refused:
        overridden(cast, plan, "add_point", "BL17")
    assert "sf.bleeding_risk" in fields_of(refused.value)["overrides_rules"]
    assert not PlanOverride.objects.exists()
    override = overridden(cast, plan, "add_point", "BL17", "sf.bleeding_risk")
    assert override.overrides_rules == ["sf.bleeding_risk"]


def test_it_records_a_safety_override_that_names_the_rule(cast: Cast, patient: Patient) -> None:
    plan = pregnant(cast, patient)
    override = overridden(cast, plan, "add_point", "gv4", "sf.pregnancy")
    assert (override.target, override.overrides_rules) == ("GV4", ["sf.pregnancy"])
    assert override.is_safety_override
    event = AuditEvent.objects.get(action="acuplan.plan.overridden")
    assert event.detail["safety_override"] is True
    assert event.detail["overrides_safety_rules"] == ["sf.pregnancy"]
    rx = effective_prescription(plan)
    assert rx is not None
    gv4 = next(p for p in rx["points"] if p["code"] == "GV4")
    assert gv4["safety_override"]["rules"] == ["sf.pregnancy"]
    assert gv4["side"] == "midline"
    assert "GV4" not in [e["code"] for e in rx["excluded_points"]]


def test_it_records_an_ordinary_override_as_no_safety_override(cast: Cast, plan: Plan) -> None:
    override = overridden(cast, plan, "remove_point", "BL40")
    assert override.overrides_rules == []
    assert not override.is_safety_override
    assert (
        AuditEvent.objects.get(action="acuplan.plan.overridden").detail["safety_override"] is False
    )


def test_it_shows_a_safety_override_flagged_on_the_plan_page(
    client: Client, cast: Cast, patient: Patient
) -> None:
    plan = pregnant(cast, patient)
    login(client, cast.owner)
    url = reverse("plan_override", kwargs={"pk": plan.pk})
    review = client.get(reverse("plan_review", kwargs={"pk": plan.pk})).content.decode()
    assert 'name="overrides_rules" value="sf.pregnancy"' in review  # the rules one may name
    unnamed = client.post(url, {"kind": "add_point", "target": "GV4", "reason": "midline only"})
    assert unnamed.status_code == 400
    assert "name each rule you override" in unnamed.content.decode()
    assert not PlanOverride.objects.exists()
    named = client.post(
        url,
        {
            "kind": "add_point",
            "target": "GV4",
            "reason": "midline only",
            "overrides_rules": ["sf.pregnancy"],
        },
    )
    assert named.status_code == 302
    html = client.get(reverse("plan_review", kwargs={"pk": plan.pk})).content.decode()
    points = section(html, 'id="prescription-title"', "</table>")
    assert '<th scope="row">GV4 <span class="badge bad">safety override</span>' in points
    assert "Sets aside Pregnancy (sf.pregnancy): midline only" in points
    overrides = section(html, 'id="overrides-title"')
    assert "safety override" in overrides
    assert "Rules set aside: Pregnancy (sf.pregnancy)" in overrides


def test_it_takes_and_shows_a_safety_override_through_the_api(cast: Cast, patient: Patient) -> None:
    plan = pregnant(cast, patient)
    client = client_for(cast.owner)
    url = f"/api/plans/{plan.pk}/overrides"
    body: dict[str, Any] = {"kind": "add_point", "target": "GV4", "reason": "midline only"}
    error = assert_error(call(client, "POST", url, body), 422, "invalid_input")
    assert [f["field"] for f in error["fields"]] == ["overrides_rules"]
    assert "sf.pregnancy" in error["fields"][0]["message"]
    created = call(client, "POST", url, {**body, "overrides_rules": ["sf.pregnancy"]})
    assert created.status_code == 201
    assert created.json()["overrides_rules"] == ["sf.pregnancy"]
    shown = client.get(f"/api/plans/{plan.pk}").json()
    assert shown["overrides"][0]["overrides_rules"] == ["sf.pregnancy"]
    gv4 = [p for p in shown["effective_prescription"]["points"] if p["code"] == "GV4"]
    assert len(gv4) == 1
    assert gv4[0]["safety_override"] == {"rules": ["sf.pregnancy"], "reason": "midline only"}
    assert gv4[0]["side"] == "midline"
    # The engine's own output is kept as it was.
    assert "GV4" not in [p["code"] for p in shown["data"]["prescription"]["points"]]


def test_it_never_overrides_the_cardiac_device_rule(cast: Cast, patient: Patient) -> None:
    plan = with_pacemaker(cast, patient)
    assert plan.data["prescription"]["technique"]["method"] == "manual"
    for rules in ((), ("sf.cardiac_device",)):
        with pytest.raises(InvalidInput) as refused:
            overridden(cast, plan, "technique", "electro", *rules)
        assert "cannot be overridden" in fields_of(refused.value)["target"]
    assert not PlanOverride.objects.exists()


def test_it_never_overrides_the_cardiac_device_rule_on_the_page_or_in_the_api(
    client: Client, cast: Cast, patient: Patient
) -> None:
    plan = with_pacemaker(cast, patient)
    login(client, cast.owner)
    page = client.post(
        reverse("plan_override", kwargs={"pk": plan.pk}),
        {
            "kind": "technique",
            "target": "electro",
            "reason": "cardiology agreed",
            "overrides_rules": ["sf.cardiac_device"],
        },
    )
    assert page.status_code == 400
    assert "cannot be overridden" in page.content.decode()
    api = call(
        client_for(cast.owner),
        "POST",
        f"/api/plans/{plan.pk}/overrides",
        {
            "kind": "technique",
            "target": "electro",
            "reason": "cardiology agreed",
            "overrides_rules": ["sf.cardiac_device"],
        },
    )
    error = assert_error(api, 422, "invalid_input")
    assert "cannot be overridden" in error["fields"][0]["message"]
    assert not PlanOverride.objects.exists()


def test_it_records_a_technique_safety_override_that_names_the_rule(
    cast: Cast, patient: Patient
) -> None:
    plan = pregnant(cast, patient)
    with pytest.raises(InvalidInput):
        overridden(cast, plan, "technique", "electro")
    override = overridden(cast, plan, "technique", "electro", "sf.pregnancy")
    assert override.overrides_rules == ["sf.pregnancy"]
    rx = effective_prescription(plan)
    assert rx is not None
    assert rx["technique"]["method"] == "electro"
    assert rx["technique"]["method_override"]["overrides_rules"] == ["sf.pregnancy"]


def test_it_asks_again_for_a_point_removed_after_it_was_added_back(
    cast: Cast, patient: Patient
) -> None:
    plan = pregnant(cast, patient)
    overridden(cast, plan, "add_point", "GV4", "sf.pregnancy")
    assert record(cast, patient, [{"code": "GV4"}]).points.get().code == "GV4"
    overridden(cast, plan, "remove_point", "GV4")
    with pytest.raises(InvalidInput) as refused:
        record(cast, patient, [{"code": "GV4"}])
    assert (
        "GV4 was excluded by Pregnancy (sf.pregnancy)" in fields_of(refused.value)["points.0.code"]
    )
    again = overridden(cast, plan, "add_point", "GV4", "sf.pregnancy")
    assert again.overrides_rules == ["sf.pregnancy"]
    assert Session.objects.count() == 1


def test_it_asks_again_for_a_technique_changed_back_after_its_override(
    cast: Cast, patient: Patient
) -> None:
    plan = pregnant(cast, patient)
    overridden(cast, plan, "technique", "electro", "sf.pregnancy")
    record(cast, patient, [{"code": "BL40"}], method="electro")
    overridden(cast, plan, "technique", "manual")
    with pytest.raises(InvalidInput) as refused:
        record(cast, patient, [{"code": "BL40"}], method="electro")
    assert "sf.pregnancy" in fields_of(refused.value)["method"]
    assert Session.objects.count() == 1


def test_it_refuses_a_duplicate_override(cast: Cast, plan: Plan) -> None:
    overridden(cast, plan, "remove_point", "BL40")
    with pytest.raises(Conflict):
        overridden(cast, plan, "remove_point", "bl40")
    assert PlanOverride.objects.count() == 1


def test_it_refuses_a_duplicate_override_on_the_page_and_in_the_api(
    client: Client, cast: Cast, plan: Plan
) -> None:
    overridden(cast, plan, "add_point", "GV5")
    login(client, cast.owner)
    body = {"kind": "add_point", "target": "GV5", "reason": "again"}
    page = client.post(reverse("plan_override", kwargs={"pk": plan.pk}), body)
    assert page.status_code == 400
    assert "already has the override add_point GV5" in page.content.decode()
    api = call(client_for(cast.owner), "POST", f"/api/plans/{plan.pk}/overrides", body)
    assert_error(api, 409, "conflict")
    assert PlanOverride.objects.count() == 1


def test_it_refuses_adding_a_point_already_prescribed_or_removing_one_that_is_not(
    cast: Cast, plan: Plan
) -> None:
    with pytest.raises(InvalidInput) as added:
        overridden(cast, plan, "add_point", "BL23")
    assert "already prescribed" in fields_of(added.value)["target"]
    with pytest.raises(InvalidInput) as removed:
        overridden(cast, plan, "remove_point", "KI3")
    assert "not in the prescription" in fields_of(removed.value)["target"]
    assert not PlanOverride.objects.exists()


def test_it_shows_the_effective_prescription_on_every_view_of_the_plan(
    client: Client, cast: Cast, approved_plan: Plan
) -> None:
    login(client, cast.owner)
    handout_url = reverse("plan_handout", kwargs={"pk": approved_plan.pk})
    assert approved_plan.data["prescription"]["technique"]["method"] == "electro"
    assert "mild electrical pulse" in client.get(handout_url).content.decode()
    overridden(cast, approved_plan, "remove_point", "BL40")
    overridden(cast, approved_plan, "add_point", "GV5")
    overridden(cast, approved_plan, "technique", "manual")
    rx = effective_prescription(approved_plan)
    assert rx is not None
    codes = [p["code"] for p in rx["points"]]
    assert "GV5" in codes
    assert "BL40" not in codes
    assert rx["technique"]["method"] == "manual"
    review = client.get(reverse("plan_review", kwargs={"pk": approved_plan.pk})).content.decode()
    table = section(review, 'id="prescription-title"', "</table>")
    assert '<th scope="row">GV5</th>' in table
    assert '<th scope="row">BL40' not in table
    form = client.get(reverse("session_new", kwargs={"pk": approved_plan.patient_id}))
    html = form.content.decode()
    for i, code in enumerate(codes):
        assert f'name="points-{i}-code" value="{code}"' in html
    assert 'value="BL40"' not in html
    method = section(html, 'name="method"', "</select>")
    assert '<option value="manual" selected>' in method
    handout = client.get(handout_url).content.decode()
    assert "mild electrical pulse" not in handout
    api = client_for(cast.owner).get(f"/api/plans/{approved_plan.pk}").json()
    assert [p["code"] for p in api["effective_prescription"]["points"]] == codes
    assert api["effective_prescription"]["technique"]["method"] == "manual"
    assert api["data"]["prescription"]["technique"]["method"] == "electro"
    assert [o["target"] for o in api["overrides"]] == ["BL40", "GV5", "manual"]


def test_it_prefills_a_midline_point_added_by_override_on_the_midline(
    client: Client, cast: Cast, approved_plan: Plan
) -> None:
    overridden(cast, approved_plan, "add_point", "GV5")
    prefill = pages_support.session_prefill(approved_plan.patient, today())
    gv5 = [p for p in prefill.points if p["code"] == "GV5"]
    assert [p["side"] for p in gv5] == ["midline"]
    login(client, cast.owner)
    html = client.get(reverse("session_new", kwargs={"pk": approved_plan.patient_id})).content
    i = [p["code"] for p in prefill.points].index("GV5")
    side = section(html.decode(), f'name="points-{i}-side"', "</select>")
    assert '<option value="midline" selected>' in side


def test_it_prefills_a_safety_override_s_midline_point_on_the_midline(
    client: Client, cast: Cast, patient: Patient
) -> None:
    plan = pregnant(cast, patient)
    overridden(cast, plan, "add_point", "GV4", "sf.pregnancy")
    prefill = pages_support.session_prefill(patient, today())
    assert [(p["code"], p["side"]) for p in prefill.points if p["code"] == "GV4"] == [
        ("GV4", "midline")
    ]


def test_it_records_a_midline_point_sent_without_a_side_on_the_midline(
    cast: Cast, approved_plan: Plan
) -> None:
    session = record(cast, approved_plan.patient, [{"code": "GV4"}, {"code": "BL23"}])
    assert [(p.code, p.side) for p in session.points.order_by("id")] == [
        ("GV4", "midline"),
        ("BL23", "bilateral"),
    ]


def test_it_refuses_a_side_the_point_cannot_have(cast: Cast, approved_plan: Plan) -> None:
    with pytest.raises(InvalidInput) as refused:
        record(
            cast,
            approved_plan.patient,
            [{"code": "GV4", "side": "left"}, {"code": "BL23", "side": "midline"}],
        )
    fields = fields_of(refused.value)
    assert fields["points.0.side"] == "GV4 lies on the midline: its side is midline"
    assert fields["points.1.side"] == "BL23 is a paired point: left, right or bilateral"
    assert not Session.objects.exists()


# --- 4. a session checked against the plan's safety filter ------------------------------


def test_it_refuses_an_excluded_point_without_a_confirmation_naming_the_rule(
    cast: Cast, patient: Patient
) -> None:
    pregnant(cast, patient)
    with pytest.raises(InvalidInput) as refused:
        record(cast, patient, [{"code": "BL40"}, {"code": "BL23"}])
    message = fields_of(refused.value)["points.1.code"]
    assert "BL23 was excluded by Pregnancy (sf.pregnancy)" in message
    assert "confirm with a reason" in message
    assert not Session.objects.exists()


def test_it_records_an_excluded_point_confirmed_with_a_reason(cast: Cast, patient: Patient) -> None:
    pregnant(cast, patient)
    session = record(
        cast,
        patient,
        [{"code": "BL40"}, {"code": "bl23"}],
        confirmations={"bl23": "  obstetrician agreed to one lumbar point  ", "KI3": ""},
    )
    expected = [
        {
            "target": "BL23",
            "issue": "excluded",
            "rules": ["sf.pregnancy"],
            "reason": "obstetrician agreed to one lumbar point",
        }
    ]
    assert session.confirmations == expected
    assert Session.objects.get().confirmations == expected
    event = AuditEvent.objects.get(action="acuplan.session.recorded")
    assert event.detail["confirmations"] == expected


def test_it_refuses_a_blank_reason_as_no_confirmation(cast: Cast, patient: Patient) -> None:
    pregnant(cast, patient)
    with pytest.raises(InvalidInput) as refused:
        record(cast, patient, [{"code": "BL23"}], confirmations={"BL23": "   "})
    assert "points.0.code" in fields_of(refused.value)
    assert not Session.objects.exists()


def test_it_needs_no_confirmation_for_a_point_a_safety_override_readmitted(
    cast: Cast, patient: Patient
) -> None:
    plan = pregnant(cast, patient)
    overridden(cast, plan, "add_point", "GV4", "sf.pregnancy")
    session = record(cast, patient, [{"code": "GV4", "side": "midline"}])
    assert session.confirmations == []
    with pytest.raises(InvalidInput) as other:  # the override named GV4 only
        record(cast, patient, [{"code": "GV3", "side": "midline"}])
    assert "points.0.code" in fields_of(other.value)


def test_it_refuses_electro_for_a_pacemaker_even_with_a_confirmation(
    cast: Cast, patient: Patient
) -> None:
    with_pacemaker(cast, patient)
    for confirmations in ({}, {"method": "cardiologist agreed"}):
        with pytest.raises(InvalidInput) as refused:
            record(cast, patient, [{"code": "BL23"}], method="electro", confirmations=confirmations)
        message = fields_of(refused.value)["method"]
        assert "electro is refused for this patient" in message
        assert "sf.cardiac_device" in message
    assert not Session.objects.exists()
    assert record(cast, patient, [{"code": "BL23"}], method="manual").method == "manual"


def test_it_asks_a_confirmation_for_a_technique_the_plan_withholds(
    cast: Cast, patient: Patient
) -> None:
    pregnant(cast, patient)
    with pytest.raises(InvalidInput) as refused:
        record(cast, patient, [{"code": "BL40"}], method="electro")
    assert "electro is withheld by Pregnancy (sf.pregnancy)" in fields_of(refused.value)["method"]
    session = record(
        cast,
        patient,
        [{"code": "BL40"}],
        method="electro",
        confirmations={"method": "low-frequency, limbs only, obstetrician agreed"},
    )
    assert [c["issue"] for c in session.confirmations] == ["technique"]


def test_it_asks_a_confirmation_for_moxibustion_the_plan_withholds(
    cast: Cast, patient: Patient
) -> None:
    plan = pregnant(cast, patient)
    overridden(cast, plan, "add_point", "GV4", "sf.pregnancy")
    points = [{"code": "GV4", "side": "midline"}]
    with pytest.raises(InvalidInput) as refused:
        record(cast, patient, points, moxibustion=True)
    message = fields_of(refused.value)["moxibustion"]
    assert "moxibustion at GV4 is withheld by Pregnancy (sf.pregnancy)" in message
    assert record(cast, patient, points).confirmations == []  # needling it needs no reason
    session = record(cast, patient, points, moxibustion=True, confirmations={"moxibustion": "x"})
    assert [c["issue"] for c in session.confirmations] == ["moxibustion"]


def test_it_needs_a_depth_confirmation_beyond_the_point_s_cap(
    cast: Cast, approved_plan: Plan
) -> None:
    patient = approved_plan.patient
    cap, _ = safety_gate.plan_safety(approved_plan).cap("BL23")
    deeper = float(Decimal(str(cap)) + Decimal("0.5"))
    assert record(cast, patient, [{"code": "BL23", "depth_cun": cap}]).confirmations == []
    with pytest.raises(InvalidInput) as refused:
        record(cast, patient, [{"code": "BL23", "depth_cun": deeper}])
    assert f"deeper than its cap of {cap:g} cun" in fields_of(refused.value)["points.0.depth_cun"]
    with pytest.raises(InvalidInput):  # confirming the point is not confirming its depth
        record(cast, patient, [{"code": "BL23", "depth_cun": deeper}], confirmations={"BL23": "x"})
    session = record(
        cast,
        patient,
        [{"code": "BL23", "depth_cun": deeper}],
        confirmations={"BL23.depth": "large build"},
    )
    assert session.confirmations[0]["target"] == "BL23.depth"
    assert session.confirmations[0]["issue"] == "depth"
    assert session.points.get().depth_cun == Decimal(str(deeper))


def test_it_asks_a_confirmation_beyond_the_anticoagulant_point_limit(
    cast: Cast, patient: Patient
) -> None:
    plan = plan_for(cast, patient, example("sciatica-on-apixaban"))
    rx = plan.data["prescription"]
    limit = [{"code": p["code"], "side": p["side"]} for p in rx["points"]]
    assert len(limit) == 8
    with pytest.raises(InvalidInput) as refused:
        record(cast, patient, [*limit, {"code": "BL17"}])
    assert "sf.bleeding_risk" in fields_of(refused.value)["points"]
    assert not Session.objects.exists()
    session = record(
        cast, patient, [*limit, {"code": "BL17"}], confirmations={"points": "patient asked"}
    )
    assert [(c["target"], c["rules"]) for c in session.confirmations] == [
        ("points", ["sf.bleeding_risk"])
    ]


def test_it_asks_for_the_reason_on_the_session_page_and_saves_once_it_is_given(
    client: Client, cast: Cast, patient: Patient
) -> None:
    pregnant(cast, patient)
    login(client, cast.owner)
    url = reverse("session_new", kwargs={"pk": patient.pk})
    data = session_post([{"code": "BL40"}, {"code": "BL23"}])
    first = client.post(url, data)
    html = first.content.decode()
    assert first.status_code == 400
    assert "Confirm against the safety filter" in html
    assert "BL23 was excluded by Pregnancy (sf.pregnancy)" in html
    assert confirm_inputs(html) == ["confirm__BL23"]
    assert not Session.objects.exists()
    saved = client.post(url, {**data, "confirm__BL23": "obstetrician agreed"})
    assert saved.status_code == 302
    session = Session.objects.get()
    assert session.confirmations[0]["reason"] == "obstetrician agreed"
    assert session.confirmations[0]["rules"] == ["sf.pregnancy"]


def test_it_asks_for_a_depth_reason_on_the_session_page(
    client: Client, cast: Cast, approved_plan: Plan
) -> None:
    login(client, cast.owner)
    url = reverse("session_new", kwargs={"pk": approved_plan.patient_id})
    data = session_post([{"code": "BL23", "depth_cun": "3.0"}])
    first = client.post(url, data)
    assert first.status_code == 400
    assert confirm_inputs(first.content.decode()) == ["confirm__BL23.depth"]
    saved = client.post(url, {**data, "confirm__BL23.depth": "large build"})
    assert saved.status_code == 302
    assert Session.objects.get().confirmations[0]["target"] == "BL23.depth"


def test_it_refuses_electro_for_a_pacemaker_on_the_page_with_no_way_to_confirm(
    client: Client, cast: Cast, patient: Patient
) -> None:
    with_pacemaker(cast, patient)
    login(client, cast.owner)
    url = reverse("session_new", kwargs={"pk": patient.pk})
    data = session_post([{"code": "BL23"}], method="electro", confirm__method="cardiology agreed")
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "electro is refused for this patient" in html
    assert "confirm__method" not in confirm_inputs(html)
    assert not Session.objects.exists()


def test_it_checks_sessions_in_the_api_as_on_the_page(cast: Cast, patient: Patient) -> None:
    pregnant(cast, patient)
    client = client_for(cast.owner)
    url = f"/api/patients/{patient.pk}/sessions"
    points = [{"code": "BL40"}, {"code": "BL23"}]
    error = assert_error(
        call(client, "POST", url, session_body(points=points)), 422, "invalid_input"
    )
    assert [f["field"] for f in error["fields"]] == ["points.1.code"]
    assert "sf.pregnancy" in error["fields"][0]["message"]
    body = session_body(points=points, confirmations={"BL23": "obstetrician agreed"})
    created = call(client, "POST", url, body)
    assert created.status_code == 201
    assert created.json()["confirmations"] == [
        {
            "target": "BL23",
            "issue": "excluded",
            "rules": ["sf.pregnancy"],
            "reason": "obstetrician agreed",
        }
    ]


def test_it_refuses_electro_for_a_pacemaker_in_the_api_even_with_a_confirmation(
    cast: Cast, patient: Patient
) -> None:
    with_pacemaker(cast, patient)
    client = client_for(cast.owner)
    body = session_body(method="electro", confirmations={"method": "cardiology agreed"})
    response = call(client, "POST", f"/api/patients/{patient.pk}/sessions", body)
    error = assert_error(response, 422, "invalid_input")
    assert "method" in [f["field"] for f in error["fields"]]
    assert not Session.objects.exists()


def test_it_needs_a_depth_confirmation_in_the_api(cast: Cast, approved_plan: Plan) -> None:
    client = client_for(cast.owner)
    url = f"/api/patients/{approved_plan.patient_id}/sessions"
    points = [{"code": "BL23", "side": "bilateral", "depth_cun": 3.0}]
    error = assert_error(
        call(client, "POST", url, session_body(points=points)), 422, "invalid_input"
    )
    assert [f["field"] for f in error["fields"]] == ["points.0.depth_cun"]
    body = session_body(points=points, confirmations={"BL23.depth": "large build"})
    assert call(client, "POST", url, body).status_code == 201


# --- 7. a reassessment intake starts from the last one ----------------------------------


def _form_values(html: str) -> dict[str, list[str]]:
    """What the browser would submit from the page's form (inputs, checked boxes,
    textareas, selected options), as Django's test client posts lists."""
    from html.parser import HTMLParser

    values: dict[str, list[str]] = {}

    class Form(HTMLParser):
        select: str | None = None
        textarea: str | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = {k: v or "" for k, v in attrs}
            name = a.get("name", "")
            if tag == "input" and name and a.get("type") not in {"submit", "button"}:
                if a.get("type") in {"checkbox", "radio"} and "checked" not in a:
                    return
                values.setdefault(name, []).append(a.get("value", ""))
            elif tag == "select":
                self.select = name
            elif tag == "option" and self.select and "selected" in a:
                values.setdefault(self.select, []).append(a.get("value", ""))
            elif tag == "textarea":
                self.textarea = name
                values.setdefault(name, []).append("")

        def handle_endtag(self, tag: str) -> None:
            if tag == "select":
                self.select = None
            elif tag == "textarea":
                self.textarea = None

        def handle_data(self, data: str) -> None:
            if self.textarea:
                values[self.textarea][-1] += data.removeprefix("\n")

    Form().feed(html)
    values.pop("csrfmiddlewaretoken", None)
    return values


def test_it_prefills_a_reassessment_intake_from_the_last_one_marked_carried_over(
    client: Client, cast: Cast, patient: Patient
) -> None:
    data = intake_with(
        "sciatica-on-apixaban",
        medical={
            "medications": ["Eliquis 5 mg twice daily", "atorvastatin"],
            "conditions": ["diabetes"],
        },
        patient={"age_years": 31, "sex": "female", "pregnant": True, "pregnancy_weeks": 20},
    )
    services.record_intake(actor=owner(cast), patient=patient, data=data)
    login(client, cast.owner)
    url = reverse("intake_new", kwargs={"pk": patient.pk})
    html = client.get(url).content.decode()
    assert "Carried over from intake 1" in html
    weeks = section(html, 'name="patient__pregnancy_weeks"', ">")
    assert 'value="20"' in weeks
    assert "carried" in weeks
    carried = _form_values(html)  # the other steps' answers travel with the first
    assert carried["medical__medications"] == ["Eliquis 5 mg twice daily\natorvastatin"]
    assert carried["medical__conditions"] == ["diabetes"]
    assert carried["tcm__tongue_body"] == ["purple"]
    medical = client.post(url, {**carried, "go": "medical"}).content.decode()
    meds = section(medical, 'name="medical__medications"', "</textarea>")
    assert "Eliquis 5 mg twice daily\natorvastatin" in meds
    assert "carried" in meds
    assert "checked" in section(medical, 'value="diabetes"', ">")
    tcm = client.post(url, {**carried, "go": "tcm"}).content.decode()
    tongue = section(tcm, 'name="tcm__tongue_body"', "</select>")
    assert '<option value="purple" selected>' in tongue
    assert "carried" in tongue


def test_it_starts_a_first_intake_with_nothing_carried_over(
    client: Client, cast: Cast, patient: Patient
) -> None:
    login(client, cast.owner)
    html = client.get(reverse("intake_new", kwargs={"pk": patient.pk})).content.decode()
    assert "Carried over" not in html


def test_it_refuses_a_reassessment_intake_dropping_an_anticoagulant_unless_confirmed(
    cast: Cast, patient: Patient
) -> None:
    services.record_intake(actor=owner(cast), patient=patient, data=example("sciatica-on-apixaban"))
    without = intake_with("sciatica-on-apixaban", medical={"medications": ["atorvastatin"]})
    with pytest.raises(InvalidInput) as refused:
        services.record_intake(actor=owner(cast), patient=patient, data=without)
    message = fields_of(refused.value)["medical.medications"]
    assert "Eliquis 5 mg twice daily (anticoagulant)" in message
    assert "confirm that it has been stopped" in message
    assert Intake.objects.filter(patient=patient).count() == 1
    intake = services.record_intake(
        actor=owner(cast), patient=patient, data=without, confirmed_removals=("anticoagulant",)
    )
    assert intake.version == 2
    plan = services.create_plan(actor=owner(cast), intake=intake)
    assert "medication.anticoagulant" not in plan.data["findings"]


def test_it_keeps_the_bleeding_precautions_when_the_anticoagulant_is_kept(
    cast: Cast, patient: Patient
) -> None:
    services.record_intake(actor=owner(cast), patient=patient, data=example("sciatica-on-apixaban"))
    renamed = intake_with("sciatica-on-apixaban", medical={"medications": ["apixaban 5 mg"]})
    intake = services.record_intake(actor=owner(cast), patient=patient, data=renamed)
    plan = services.create_plan(actor=owner(cast), intake=intake)
    assert "medication.anticoagulant" in plan.data["findings"]


def test_it_asks_to_confirm_a_stopped_anticoagulant_on_the_intake_page(
    client: Client, cast: Cast, patient: Patient
) -> None:
    services.record_intake(actor=owner(cast), patient=patient, data=example("sciatica-on-apixaban"))
    login(client, cast.owner)
    url = reverse("intake_new", kwargs={"pk": patient.pk})
    data = intake_post(example("sciatica-on-apixaban"))
    data["medical__medications"] = "atorvastatin"
    refused = client.post(url, data)
    html = refused.content.decode()
    assert refused.status_code == 400
    assert "Eliquis 5 mg twice daily (anticoagulant) was on intake 1" in html
    assert 'name="confirm_stopped" value="anticoagulant"' in html
    assert Intake.objects.filter(patient=patient).count() == 1
    confirmed = client.post(url, {**data, "confirm_stopped": ["anticoagulant"]})
    assert confirmed.status_code == 302
    latest = Intake.objects.filter(patient=patient).latest("version")
    assert latest.version == 2
    assert latest.data["medical"]["medications"] == ["atorvastatin"]


def test_it_refuses_an_api_intake_dropping_an_anticoagulant(cast: Cast, patient: Patient) -> None:
    client = client_for(cast.owner)
    url = f"/api/patients/{patient.pk}/intakes"
    assert call(client, "POST", url, example("sciatica-on-apixaban")).status_code == 201
    without = intake_with("sciatica-on-apixaban", medical={"medications": ["atorvastatin"]})
    error = assert_error(call(client, "POST", url, without), 422, "invalid_input")
    assert [f["field"] for f in error["fields"]] == ["medical.medications"]
    assert "Eliquis" in error["fields"][0]["message"]
    assert Intake.objects.filter(patient=patient).count() == 1
    confirmed = call(client, "POST", f"{url}?confirmed_removals=anticoagulant", without)
    assert confirmed.status_code == 201
    latest = Intake.objects.filter(patient=patient).latest("version")
    assert latest.data["medical"]["medications"] == ["atorvastatin"]


# --- 9. front-desk work -----------------------------------------------------------------


def test_it_lets_front_desk_book_the_schedule(cast: Cast, approved_plan: Plan) -> None:
    start = today() + dt.timedelta(days=3)
    result = outcome_services.schedule_appointments(
        actor=Actor(cast.front_desk), patient=approved_plan.patient, start=start
    )
    assert result.appointments
    event = AuditEvent.objects.get(action="acuplan.course.scheduled")
    assert event.actor == cast.front_desk
    with pytest.raises(NotPermitted):  # only in their own clinic
        outcome_services.schedule_appointments(
            actor=Actor(cast.outsider), patient=approved_plan.patient, start=start
        )


def test_it_lets_front_desk_book_the_schedule_on_the_page(
    client: Client, cast: Cast, approved_plan: Plan
) -> None:
    login(client, cast.front_desk)
    url = reverse("outcomes:schedule", kwargs={"pk": approved_plan.patient_id})
    assert client.get(url).status_code == 200
    start = (today() + dt.timedelta(days=3)).isoformat()
    response = client.post(url, {"start": start, "at": "10:00", "duration_minutes": "45"})
    assert response.status_code == 302
    from acuplan.outcomes.models import Appointment

    assert Appointment.objects.filter(patient_id=approved_plan.patient_id).exists()


def test_it_lets_front_desk_send_a_questionnaire_link(
    cast: Cast, patient: Patient, intake: Intake
) -> None:
    Patient.objects.filter(pk=patient.pk).update(email="ada@example.org")
    patient.refresh_from_db()
    link = outcome_services.send_questionnaire_link(
        actor=Actor(cast.front_desk), patient=patient, url_for=lambda t: f"https://x/q/{t}/"
    )
    assert link.created_by == cast.front_desk
    assert mail.outbox[-1].to == ["ada@example.org"]
    with pytest.raises(NotPermitted):
        outcome_services.send_questionnaire_link(
            actor=Actor(cast.outsider), patient=patient, url_for=lambda t: t
        )


def test_it_lets_front_desk_send_a_questionnaire_link_on_the_page(
    client: Client, cast: Cast, patient: Patient, intake: Intake
) -> None:
    Patient.objects.filter(pk=patient.pk).update(email="ada@example.org")
    login(client, cast.front_desk)
    response = client.post(reverse("outcomes:link_send", kwargs={"pk": patient.pk}))
    assert response.status_code == 302
    assert response["Location"] == reverse("patient_details", kwargs={"pk": patient.pk})
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]
    assert "/q/" in mail.outbox[0].body


def test_it_lets_front_desk_correct_contact_details_audited_with_the_old_value(
    cast: Cast, patient: Patient
) -> None:
    updated = services.update_patient(
        actor=Actor(cast.front_desk),
        patient=patient,
        data={"phone": "555 0100", "email": "ada@example.org"},
    )
    assert (updated.phone, updated.email) == ("555 0100", "ada@example.org")
    event = AuditEvent.objects.get(action="acuplan.patient.updated")
    assert event.actor == cast.front_desk
    assert event.detail["changes"] == {
        "phone": ["", "555 0100"],
        "email": ["", "ada@example.org"],
    }


def test_it_refuses_front_desk_changing_a_name_or_date_of_birth(
    cast: Cast, patient: Patient
) -> None:
    for field, value in (
        ("last_name", "Smith"),
        ("first_name", "Eve"),
        ("date_of_birth", "1971-01-01"),
    ):
        with pytest.raises(InvalidInput) as refused:
            services.update_patient(
                actor=Actor(cast.front_desk), patient=patient, data={field: value, "phone": "1"}
            )
        assert list(fields_of(refused.value)) == [field]
        assert "contact details only" in fields_of(refused.value)[field]
    patient.refresh_from_db()
    assert (patient.last_name, patient.phone) == ("Byrne", "")
    assert not AuditEvent.objects.filter(action="acuplan.patient.updated").exists()


def test_it_lets_a_clinician_correct_a_name_and_date_of_birth_audited(
    cast: Cast, patient: Patient
) -> None:
    services.update_patient(
        actor=owner(cast),
        patient=patient,
        data={"last_name": "Byrne-Hall", "date_of_birth": "1970-05-02"},
    )
    patient.refresh_from_db()
    assert (patient.last_name, patient.date_of_birth) == ("Byrne-Hall", dt.date(1970, 5, 2))
    changes = AuditEvent.objects.get(action="acuplan.patient.updated").detail["changes"]
    assert changes == {
        "last_name": ["Byrne", "Byrne-Hall"],
        "date_of_birth": ["1970-05-01", "1970-05-02"],
    }


def test_it_records_no_correction_when_nothing_changes(cast: Cast, patient: Patient) -> None:
    services.update_patient(actor=owner(cast), patient=patient, data={"last_name": "Byrne"})
    assert not AuditEvent.objects.filter(action="acuplan.patient.updated").exists()


def test_it_refuses_another_clinic_s_staff_correcting_a_patient(
    cast: Cast, patient: Patient
) -> None:
    with pytest.raises(NotPermitted):
        services.update_patient(actor=Actor(cast.outsider), patient=patient, data={"phone": "1"})


def test_it_lets_front_desk_correct_contact_details_on_the_page_but_not_the_name(
    client: Client, cast: Cast, patient: Patient
) -> None:
    login(client, cast.front_desk)
    url = reverse("patient_edit", kwargs={"pk": patient.pk})
    html = client.get(url).content.decode()
    assert "disabled" in section(html, 'name="last_name"', ">")
    assert "disabled" not in section(html, 'name="phone"', ">")
    response = client.post(
        url,
        {
            "first_name": "Eve",
            "last_name": "Smith",
            "date_of_birth": "1999-09-09",
            "phone": "555 0100",
            "physician_name": "Dr Jones",
        },
    )
    assert response.status_code == 302
    patient.refresh_from_db()
    assert (patient.first_name, patient.last_name) == ("Ada", "Byrne")
    assert patient.date_of_birth == dt.date(1970, 5, 1)
    assert (patient.phone, patient.physician_name) == ("555 0100", "Dr Jones")
    changes = AuditEvent.objects.get(action="acuplan.patient.updated").detail["changes"]
    assert changes == {"phone": ["", "555 0100"], "physician_name": ["", "Dr Jones"]}


def test_it_shows_the_service_s_error_when_a_correction_is_invalid_on_the_page(
    client: Client, cast: Cast, patient: Patient
) -> None:
    login(client, cast.owner)
    url = reverse("patient_edit", kwargs={"pk": patient.pk})
    response = client.post(
        url, {"first_name": "Ada", "last_name": "Byrne", "date_of_birth": "1850-01-01"}
    )
    assert response.status_code == 400
    assert "is more than 120 years ago" in response.content.decode()
    patient.refresh_from_db()
    assert patient.date_of_birth == dt.date(1970, 5, 1)
