"""The pages' main flow: register a patient, take an intake, review and approve the plan,
override it, chart sessions; with the audit trail and the query budget of the busy pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from acuplan.accounts.models import PractitionerProfile
from acuplan.audit.models import AuditEvent
from acuplan.clinic import services
from acuplan.clinic.models import Intake, Patient, Plan, PlanOverride, PlanStatus, Session
from acuplan.core.intake import parse_intake
from tests.web.conftest import Cast, example, login

TECHNIQUES = ["manual", "electro", "acupressure"]


def intake_post(intake: dict[str, Any]) -> dict[str, Any]:
    """What the intake form posts for a contract intake (a clinician's answers)."""
    data: dict[str, Any] = {"jurisdiction": intake.get("jurisdiction", "US")}
    for section in ("patient", "pain", "tcm", "medical", "preferences"):
        for key, value in dict(intake.get(section, {})).items():
            name = f"{section}__{key}"
            if isinstance(value, bool):
                data[name] = "yes" if value else "no"
            elif isinstance(value, list):
                data[name] = [str(v) for v in value]
            else:
                data[name] = str(value)
    data.setdefault("preferences__techniques", TECHNIQUES)  # the form's initial ticks
    data["medical__medications"] = "\n".join(intake.get("medical", {}).get("medications", []))
    data["red_flags"] = list(intake.get("red_flags", []))
    questionnaires = dict(intake.get("questionnaires", {}))
    for name in ("start_back", "odi", "peg"):
        for i, value in enumerate(questionnaires.get(name) or []):
            data[f"questionnaires__{name}__{i}"] = "" if value is None else str(value)
    if "rmdq" in questionnaires:
        data["rmdq_completed"] = "on"
        data["questionnaires__rmdq"] = [str(i) for i, v in enumerate(questionnaires["rmdq"]) if v]
    return data


def session_post(points: list[dict[str, str]], rows: int = 6, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "date": timezone.localdate().isoformat(),
        "method": "manual",
        "retention_minutes": "20",
        "points-rows": str(rows),
        "adverse_events-rows": "3",
        **fields,
    }
    for i, point in enumerate(points):
        for key, value in point.items():
            data[f"points-{i}-{key}"] = value
    return data


# --- patients ---------------------------------------------------------------------------


def test_it_registers_a_patient(client: Client, cast: Cast) -> None:
    login(client, cast.owner)
    response = client.post(
        reverse("patient_new"),
        {"first_name": "Cai", "last_name": "Lun", "date_of_birth": "1980-02-03", "sex": "male"},
    )
    patient = Patient.objects.get(last_name="Lun")
    assert response.status_code == 302
    assert response["Location"] == reverse("patient_chart", kwargs={"pk": patient.pk})
    assert patient.clinic == cast.owner.clinic
    assert AuditEvent.objects.filter(action="acuplan.patient.created").count() == 1


def test_it_sends_front_desk_to_the_new_patient_s_details(client: Client, cast: Cast) -> None:
    login(client, cast.front_desk)
    response = client.post(
        reverse("patient_new"),
        {"first_name": "Cai", "last_name": "Lun", "date_of_birth": "1980-02-03"},
    )
    patient = Patient.objects.get(last_name="Lun")
    assert response["Location"] == reverse("patient_details", kwargs={"pk": patient.pk})


def test_it_shows_the_service_s_errors_next_to_the_patient_inputs(
    client: Client, cast: Cast
) -> None:
    login(client, cast.owner)
    empty_first_name = {"first_name": "", "last_name": "Lun", "date_of_birth": "3000-01-01"}
    response = client.post(reverse("patient_new"), empty_first_name)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_first_name_error"' in html
    assert 'id="id_date_of_birth_error"' in html
    assert "is in the future" in html
    assert 'aria-invalid="true"' in html
    assert 'href="#id_first_name"' in html  # the summary links to the input
    bad_email = client.post(
        reverse("patient_new"),
        {"first_name": "Cai", "last_name": "Lun", "date_of_birth": "1980-01-01", "email": "x"},
    )
    assert 'id="id_email_error"' in bad_email.content.decode()
    assert not Patient.objects.exists()


def test_it_shows_every_patient_error_at_once_in_words(client: Client, cast: Cast) -> None:
    login(client, cast.owner)
    response = client.post(
        reverse("patient_new"),
        {"first_name": "", "last_name": "Lun", "date_of_birth": "1800-01-01", "email": "x"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    # the invalid email no longer hides the service's errors until a second submission
    for name in ("email", "first_name", "date_of_birth"):
        assert f'id="id_{name}_error"' in html, name
    assert "3 problems to fix" in html
    assert "is more than 120 years ago (1800): check the year" in html
    assert not Patient.objects.exists()


def test_it_searches_patients_by_name_and_pages_them(client: Client, cast: Cast) -> None:
    for i in range(30):
        services.create_patient(
            actor=services.Actor(cast.owner),
            data={"first_name": f"Ann{i:02}", "last_name": "Lee", "date_of_birth": "1990-01-01"},
        )
    services.create_patient(
        actor=services.Actor(cast.owner),
        data={"first_name": "Bo", "last_name": "Zhang", "date_of_birth": "1990-01-01"},
    )
    login(client, cast.owner)
    found = client.get(reverse("patient_list"), {"q": "zha"}).content.decode()
    assert "Zhang, Bo" in found
    assert "Lee, Ann" not in found
    both_words = client.get(reverse("patient_list"), {"q": "ann05 lee"}).content.decode()
    assert "Lee, Ann05" in both_words
    assert "Lee, Ann06" not in both_words
    first = client.get(reverse("patient_list")).content.decode()
    assert "Page 1 of 2" in first
    assert "Lee, Ann25" not in first
    second = client.get(reverse("patient_list"), {"page": 2}).content.decode()
    assert "Zhang, Bo" in second


def _make_patients(cast: Cast, n: int) -> None:
    for i in range(n):
        services.create_patient(
            actor=services.Actor(cast.owner),
            data={"first_name": f"P{i}", "last_name": f"L{i:03}", "date_of_birth": "1990-01-01"},
        )


def test_it_lists_patients_in_a_constant_number_of_queries(client: Client, cast: Cast) -> None:
    login(client, cast.owner)
    _make_patients(cast, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("patient_list")).status_code == 200
    _make_patients(cast, 20)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("patient_list")).status_code == 200
    assert len(many) == len(few)


# --- intake -----------------------------------------------------------------------------


def test_it_prefills_the_age_from_the_date_of_birth(
    client: Client, cast: Cast, patient: Patient
) -> None:
    login(client, cast.owner)
    html = client.get(reverse("intake_new", kwargs={"pk": patient.pk})).content.decode()
    today = timezone.localdate()
    born = patient.date_of_birth
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    assert f'name="patient__age_years" value="{age}"' in html


def test_it_offers_every_contract_field_on_the_intake_form(
    client: Client, cast: Cast, patient: Patient
) -> None:
    schema = parse_intake(example("chronic-cold-damp")).model_json_schema()
    login(client, cast.owner)
    url = reverse("intake_new", kwargs={"pk": patient.pk})
    steps = ("history", "red-flags", "medical", "tcm", "preferences", "questionnaires")
    html = "".join(client.post(url, {"go": step}).content.decode() for step in steps)
    defs = schema["$defs"]
    for section in ("Patient", "Pain", "Tcm", "Medical", "Preferences"):
        for key in defs[section]["properties"]:
            # A list of objects (cleared red flags) has one input a part, row by row.
            assert f'name="{section.lower()}__{key}' in html, (section, key)
    for part in ("flag", "cleared_by", "cleared_on", "note"):
        assert f'name="medical__cleared_red_flags__0__{part}"' in html
    assert 'name="red_flags"' in html
    assert 'name="jurisdiction"' in html
    for name, count in (("start_back", 9), ("odi", 10), ("peg", 3)):
        for i in range(count):
            assert f'name="questionnaires__{name}__{i}"' in html
    assert html.count('name="questionnaires__rmdq"') == 24
    # the STarT Back paraphrases come from the knowledge base
    assert "Feels unsafe being physically active" in html


def test_it_names_each_bad_intake_field_and_saves_nothing(
    client: Client, cast: Cast, patient: Patient
) -> None:
    data = intake_post(example("chronic-cold-damp"))
    data.update(
        {
            "pain__duration_weeks": "-3",
            "pain__intensity_nrs": "11",
            "pain__regions": ["leg"],
            "questionnaires__odi__3": "7",
            "patient__age_years": "forty",
            "questionnaires__peg__1": "",
        }
    )
    login(client, cast.owner)
    response = client.post(reverse("intake_new", kwargs={"pk": patient.pk}), data)
    html = response.content.decode()
    assert response.status_code == 400
    for name in (
        "pain__duration_weeks",
        "pain__intensity_nrs",
        "pain__regions",
        "questionnaires__odi__3",
        "patient__age_years",
        "questionnaires__peg__1",
    ):
        assert f'id="id_{name}_error"' in html, name
    assert "include the lower back or the upper back" in html
    assert "problems to fix; nothing was saved" in html
    assert 'href="#id_questionnaires__odi__3"' in html
    # what was typed is kept
    assert 'name="pain__duration_weeks" value="-3"' in html
    assert not Intake.objects.exists()
    assert not Plan.objects.exists()


def test_it_records_the_intake_and_drafts_the_plan(
    client: Client, cast: Cast, patient: Patient
) -> None:
    given = example("chronic-cold-damp")
    login(client, cast.owner)
    response = client.post(reverse("intake_new", kwargs={"pk": patient.pk}), intake_post(given))
    plan = Plan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("plan_review", kwargs={"pk": plan.pk})
    assert plan.status == PlanStatus.DRAFT
    assert plan.triage_decision == "proceed"
    assert parse_intake(plan.intake.data) == parse_intake(given)  # the form loses nothing


def test_it_round_trips_every_example_intake(client: Client, cast: Cast, patient: Patient) -> None:
    login(client, cast.owner)
    for name in ("pregnant-24-weeks", "red-flag-cauda-equina", "sciatica-on-apixaban"):
        given = example(name)
        response = client.post(reverse("intake_new", kwargs={"pk": patient.pk}), intake_post(given))
        assert response.status_code == 302, (name, response.content.decode()[:2000])
        stored = Intake.objects.filter(patient=patient).order_by("-version").first()
        assert stored is not None
        assert parse_intake(stored.data) == parse_intake(given), name


# --- plan review ------------------------------------------------------------------------


def test_it_shows_the_triage_banner_first_for_a_referral(
    client: Client, cast: Cast, patient: Patient
) -> None:
    intake = services.record_intake(
        actor=services.Actor(cast.owner), patient=patient, data=example("red-flag-cauda-equina")
    )
    plan = services.create_plan(actor=services.Actor(cast.owner), intake=intake)
    login(client, cast.owner)
    html = client.get(reverse("plan_review", kwargs={"pk": plan.pk})).content.decode()
    main = html[html.index('<main id="main"') :]
    assert main.index('role="alert"') < main.index("Classification")
    assert "EMERGENCY" in main
    assert "emergency department" in main
    assert "Approve this plan" not in main
    response = client.post(reverse("plan_approve", kwargs={"pk": plan.pk}))
    assert response.status_code == 409
    assert "no prescription to approve" in response.content.decode()


def test_it_shows_the_plan_s_parts(client: Client, cast: Cast, plan: Plan) -> None:
    login(client, cast.owner)
    html = client.get(reverse("plan_review", kwargs={"pk": plan.pk})).content.decode()
    for text in (
        "M54.50",  # a classification code
        "Cold-damp lumbago",  # the leading pattern
        "Pivot finding",
        "BL23",
        "Shenshu",
        "Reassess after session",
        "Guidelines",
        "PMID",
        "Approve this plan",
    ):
        assert text in html, text
    events = AuditEvent.objects.filter(action="acuplan.plan.read", record_id=str(plan.pk))
    assert events.count() == 1


def test_it_approves_a_draft_once(client: Client, cast: Cast, plan: Plan) -> None:
    login(client, cast.owner)
    response = client.post(reverse("plan_approve", kwargs={"pk": plan.pk}))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert plan.approved_by == cast.owner
    again = client.post(reverse("plan_approve", kwargs={"pk": plan.pk}))
    assert again.status_code == 409
    assert "only a draft plan can be approved" in again.content.decode().lower()


def test_it_needs_a_reason_to_override(client: Client, cast: Cast, plan: Plan) -> None:
    login(client, cast.owner)
    url = reverse("plan_override", kwargs={"pk": plan.pk})
    response = client.post(url, {"kind": "remove_point", "target": "BL40", "reason": " "})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_reason_error"' in html
    assert "an override needs a reason" in html
    assert not PlanOverride.objects.exists()
    bad_point = client.post(url, {"kind": "add_point", "target": "XX99", "reason": "why not"})
    assert "unknown point code" in bad_point.content.decode()
    ok = client.post(url, {"kind": "remove_point", "target": "bl40", "reason": "varicose veins"})
    assert ok.status_code == 302
    listed = client.get(reverse("plan_review", kwargs={"pk": plan.pk})).content.decode()
    assert "varicose veins" in listed


def test_it_prints_a_plain_language_handout(client: Client, cast: Cast, plan: Plan) -> None:
    login(client, cast.owner)
    html = client.get(reverse("plan_handout", kwargs={"pk": plan.pk})).content.decode()
    assert "<h1>Your acupuncture plan</h1>" in html
    assert "<strong>10 visits</strong>" in html
    assert "Side effects" in html
    assert "@media print" in html
    assert "**" not in html


# --- sessions ---------------------------------------------------------------------------


def test_it_prefills_the_session_from_the_approved_plan(
    client: Client, cast: Cast, approved_plan: Plan
) -> None:
    services.override_plan(
        actor=services.Actor(cast.owner),
        plan=approved_plan,
        kind="remove_point",
        target="BL40",
        reason="varicose veins",
    )
    login(client, cast.owner)
    url = reverse("session_new", kwargs={"pk": approved_plan.patient_id})
    html = client.get(url).content.decode()
    rx = approved_plan.data["prescription"]
    kept = [p for p in rx["points"] if p["code"] != "BL40"]
    for i, point in enumerate(kept):
        assert f'name="points-{i}-code" value="{point["code"]}"' in html
    assert 'value="BL40"' not in html
    assert f'name="points-{len(kept)}-code" class="code" maxlength="10"' in html  # blank row
    method = rx["technique"]["method"]
    assert f'<option value="{method}" selected>' in html
    assert "Pre-filled from the approved plan" in html


def test_it_prefills_the_session_from_the_last_session(
    client: Client, cast: Cast, session: Session
) -> None:
    login(client, cast.owner)
    html = client.get(reverse("session_new", kwargs={"pk": session.patient_id})).content.decode()
    assert 'name="points-0-code" value="BL23"' in html
    assert 'name="points-0-depth_cun" value="1.0"' in html
    assert 'name="points-1-code" class="code"' in html  # the next row is blank
    assert '<option value="manual" selected>' in html
    assert "Pre-filled from the last session" in html


def test_it_records_a_session_and_skips_blank_rows(
    client: Client, cast: Cast, approved_plan: Plan
) -> None:
    login(client, cast.owner)
    data = session_post(
        [
            {"code": "bl23", "side": "bilateral", "depth_cun": "1.0", "de_qi": "yes"},
            {},
            {},
            {"code": "GV4", "side": "midline"},
        ],
        pain_nrs="4",
        electro_frequency_hz="2",
        **{"adverse_events-0-kind": "bruise", "adverse_events-0-severity": "mild"},
    )
    response = client.post(reverse("session_new", kwargs={"pk": approved_plan.patient_id}), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("patient_chart", kwargs={"pk": approved_plan.patient_id})
    session = Session.objects.get()
    assert session.plan == approved_plan
    assert [(p.code, p.side, p.de_qi) for p in session.points.all()] == [
        ("BL23", "bilateral", True),
        ("GV4", "midline", None),
    ]
    assert session.electro == {"frequency_hz": 2.0}
    assert session.adverse_events.get().kind == "bruise"


def test_it_puts_a_bad_point_error_on_its_own_row(
    client: Client, cast: Cast, approved_plan: Plan
) -> None:
    login(client, cast.owner)
    data = session_post([{"code": "BL23"}, {}, {"code": "XX99"}])
    response = client.post(reverse("session_new", kwargs={"pk": approved_plan.patient_id}), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_points-2-code_error"' in html
    assert "unknown point code" in html
    assert not Session.objects.exists()


def test_it_refuses_a_session_in_the_future(
    client: Client, cast: Cast, approved_plan: Plan
) -> None:
    login(client, cast.owner)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    data = session_post([{"code": "BL23"}], date=tomorrow)
    response = client.post(reverse("session_new", kwargs={"pk": approved_plan.patient_id}), data)
    assert response.status_code == 400
    assert 'id="id_date_error"' in response.content.decode()


def test_it_blocks_an_expired_licence_with_the_reason(
    client: Client, cast: Cast, approved_plan: Plan
) -> None:
    PractitionerProfile.objects.filter(user=cast.owner).update(
        licence_expiry=timezone.localdate() - dt.timedelta(days=1)
    )
    login(client, cast.owner)
    url = reverse("session_new", kwargs={"pk": approved_plan.patient_id})
    warning = client.get(url).content.decode()
    assert "You cannot record treatment today" in warning
    response = client.post(url, session_post([{"code": "BL23"}], notes="typed notes"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "The session was not saved" in html
    assert "expired on" in html
    assert "typed notes" in html  # nothing typed is lost
    assert not Session.objects.exists()


def test_it_shows_a_session_and_audits_the_read(
    client: Client, cast: Cast, session: Session
) -> None:
    login(client, cast.colleague)
    html = client.get(reverse("session_detail", kwargs={"pk": session.pk})).content.decode()
    assert "BL23" in html
    assert "Private clinical note." in html
    events = AuditEvent.objects.filter(action="acuplan.session.read", actor=cast.colleague)
    assert events.count() == 1


# --- the chart --------------------------------------------------------------------------


def test_it_shows_the_timeline_on_the_chart(client: Client, cast: Cast, session: Session) -> None:
    login(client, cast.owner)
    html = client.get(reverse("patient_chart", kwargs={"pk": session.patient_id})).content.decode()
    assert "Intake 1" in html
    assert "Approved" in html
    assert "BL23 (bilateral)" in html
    assert "35.6 (moderate disability)" in html  # the ODI from the plan's scores


def test_it_audits_every_chart_read_exactly_once(
    client: Client, cast: Cast, session: Session
) -> None:
    patient = session.patient
    login(client, cast.colleague)
    reads = AuditEvent.objects.filter(action="acuplan.chart.read", patient_id=patient.pk)
    client.get(reverse("patient_chart", kwargs={"pk": patient.pk}))
    assert reads.count() == 1
    event = reads.get()
    assert event.actor == cast.colleague
    assert event.record_id == str(patient.pk)
    client.get(reverse("patient_chart", kwargs={"pk": patient.pk}))
    assert reads.count() == 2


def test_it_does_not_audit_a_refused_chart_read(
    client: Client, cast: Cast, patient: Patient
) -> None:
    login(client, cast.front_desk)
    client.get(reverse("patient_chart", kwargs={"pk": patient.pk}))
    login(client, cast.outsider)
    client.get(reverse("patient_chart", kwargs={"pk": patient.pk}))
    assert not AuditEvent.objects.filter(action="acuplan.chart.read").exists()


def _add_history(cast: Cast, patient: Patient, plan: Plan, sessions: int) -> None:
    actor = services.Actor(cast.owner)
    for i in range(sessions):
        services.record_session(
            actor=actor,
            patient=patient,
            plan=plan,
            date=timezone.localdate() - dt.timedelta(days=i),
            method="manual",
            points=[{"code": "BL23"}, {"code": "GV4", "side": "midline"}],
            adverse_events=[{"kind": "bruise", "severity": "mild"}],
        )
    intake = services.record_intake(actor=actor, patient=patient, data=example("chronic-cold-damp"))
    draft = services.create_plan(actor=actor, intake=intake)
    services.override_plan(actor=actor, plan=draft, kind="add_point", target="GB34", reason="r")


@pytest.mark.parametrize("page", ["patient_chart", "dashboard"])
def test_it_loads_in_a_constant_number_of_queries(
    client: Client, cast: Cast, approved_plan: Plan, page: str
) -> None:
    patient = approved_plan.patient
    url = reverse(page, kwargs={"pk": patient.pk}) if page == "patient_chart" else reverse(page)
    login(client, cast.owner)
    _add_history(cast, patient, approved_plan, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _add_history(cast, patient, approved_plan, 18)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert len(many) == len(few), [q["sql"] for q in many]
    if page == "patient_chart":
        assert html.count('<span class="kind">Session</span>') == 20
