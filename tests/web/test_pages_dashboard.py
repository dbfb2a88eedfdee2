"""The dashboard: today's sessions for everyone in the clinic; for clinicians, the patients
due for reassessment and the drafts waiting for approval."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from acuplan.clinic import services
from acuplan.clinic.models import Patient, Plan
from tests.web.conftest import Cast, example, login


def _sessions(cast: Cast, plan: Plan, n: int, *, days_ago: int = 1) -> None:
    for _ in range(n):
        services.record_session(
            actor=services.Actor(cast.owner),
            patient=plan.patient,
            plan=plan,
            date=timezone.localdate() - dt.timedelta(days=days_ago),
            method="manual",
            points=[{"code": "BL23"}],
        )


def _due_section(html: str) -> str:
    return html[html.index('id="due-title"') : html.index('id="awaiting-title"')]


def test_it_lists_a_patient_once_the_plan_s_sessions_are_done(
    client: Client, cast: Cast, approved_plan: Plan
) -> None:
    after = approved_plan.data["course"]["reassess_after_sessions"]
    login(client, cast.owner)
    _sessions(cast, approved_plan, after - 1)
    assert "Byrne, Ada" not in _due_section(client.get(reverse("dashboard")).content.decode())
    _sessions(cast, approved_plan, 1)
    due = _due_section(client.get(reverse("dashboard")).content.decode())
    assert "Byrne, Ada" in due
    assert f"<td>{after}</td>" in due


def test_it_drops_a_patient_once_a_newer_plan_exists(
    client: Client, cast: Cast, approved_plan: Plan
) -> None:
    _sessions(cast, approved_plan, approved_plan.data["course"]["reassess_after_sessions"])
    actor = services.Actor(cast.owner)
    intake = services.record_intake(
        actor=actor, patient=approved_plan.patient, data=example("chronic-cold-damp")
    )
    services.create_plan(actor=actor, intake=intake)
    login(client, cast.owner)
    assert "Byrne, Ada" not in _due_section(client.get(reverse("dashboard")).content.decode())


def test_it_lists_drafts_that_carry_a_prescription(
    client: Client, cast: Cast, plan: Plan, patient: Patient
) -> None:
    actor = services.Actor(cast.owner)
    emergency = services.create_plan(
        actor=actor,
        intake=services.record_intake(
            actor=actor, patient=patient, data=example("red-flag-cauda-equina")
        ),
    )
    login(client, cast.owner)
    html = client.get(reverse("dashboard")).content.decode()
    awaiting = html[html.index('id="awaiting-title"') :]
    assert reverse("plan_review", kwargs={"pk": plan.pk}) in awaiting
    assert reverse("plan_review", kwargs={"pk": emergency.pk}) not in awaiting


def test_it_shows_front_desk_today_s_sessions_only(
    client: Client, cast: Cast, approved_plan: Plan
) -> None:
    _sessions(cast, approved_plan, 1, days_ago=0)
    login(client, cast.front_desk)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Byrne, Ada" in html
    assert timezone.localdate().isoformat() in html
    assert "owner" in html
    assert "Due for reassessment" not in html
    assert "awaiting approval" not in html
    assert "/sessions/" not in html  # no link to clinical notes
    assert reverse("patient_details", kwargs={"pk": approved_plan.patient_id}) in html


def test_it_keeps_other_clinics_sessions_off_the_dashboard(
    client: Client, cast: Cast, approved_plan: Plan
) -> None:
    _sessions(cast, approved_plan, 1, days_ago=0)
    login(client, cast.outsider)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Byrne" not in html
    assert "No sessions recorded today yet." in html


def test_it_warns_a_clinic_admin_without_a_licence(
    client: Client, cast: Cast, approved_plan: Plan
) -> None:
    login(client, cast.admin)
    html = client.get(
        reverse("session_new", kwargs={"pk": approved_plan.patient_id})
    ).content.decode()
    assert "no licence is on file" in html


def test_it_drops_a_patient_once_the_course_is_discharged(
    client: Client, cast: Cast, approved_plan: Plan
) -> None:
    from acuplan.followup.services.discharge import discharge_patient

    _sessions(cast, approved_plan, approved_plan.data["course"]["reassess_after_sessions"])
    login(client, cast.owner)
    assert "Byrne, Ada" in _due_section(client.get(reverse("dashboard")).content.decode())
    discharge_patient(actor=services.Actor(cast.owner), patient=approved_plan.patient)
    assert "Byrne, Ada" not in _due_section(client.get(reverse("dashboard")).content.decode())


def test_it_drops_a_patient_once_progress_is_reviewed(
    client: Client, cast: Cast, approved_plan: Plan
) -> None:
    from acuplan.outcomes import services as outcome_services
    from tests.outcomes.conftest import days_ago, record

    patient = approved_plan.patient
    record(patient, cast, days_ago(20), kind="intake", pain_nrs=7)
    _sessions(cast, approved_plan, approved_plan.data["course"]["reassess_after_sessions"])
    record(patient, cast, days_ago(0), pain_nrs=3)
    login(client, cast.owner)
    assert "Byrne, Ada" in _due_section(client.get(reverse("dashboard")).content.decode())
    outcome_services.review_progress(actor=services.Actor(cast.owner), patient=patient)
    assert "Byrne, Ada" not in _due_section(client.get(reverse("dashboard")).content.decode())


def _due_patients(cast: Cast, n: int, start: int = 0) -> None:
    """``n`` patients whose approved plan's sessions are all given (the count is set in the
    column the list reads, which record_session keeps)."""
    actor = services.Actor(cast.owner)
    for i in range(start, start + n):
        patient = services.create_patient(
            actor=actor,
            data={"first_name": "P", "last_name": f"Due{i:03d}", "date_of_birth": "1970-01-01"},
        )
        intake = services.record_intake(
            actor=actor, patient=patient, data=example("chronic-cold-damp")
        )
        plan = services.approve_plan(
            actor=actor, plan=services.create_plan(actor=actor, intake=intake)
        )
        Plan.objects.filter(pk=plan.pk).update(sessions_given=plan.reassess_after_sessions)


def _names(html: str) -> set[str]:
    return set(re.findall(r"Due\d{3}", html))


def test_it_caps_the_due_list_and_pages_the_rest_in_constant_queries(
    client: Client, cast: Cast, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from acuplan.clinic.queries import LIST_LIMIT

    login(client, cast.owner)
    _due_patients(cast, 3)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("dashboard"))
    _due_patients(cast, LIST_LIMIT, start=3)  # now 53
    with CaptureQueriesContext(connection) as many:
        html = client.get(reverse("dashboard")).content.decode()
    assert len(many) == len(few)
    due = _due_section(html)
    assert len(_names(due)) == LIST_LIMIT
    assert "See all patients due for reassessment" in due
    first = client.get(reverse("dashboard_due")).content.decode()
    second = client.get(reverse("dashboard_due") + "?page=2").content.decode()
    assert "53 in all; page 1 of 2" in first
    assert _names(first) == {f"Due{i:03d}" for i in range(LIST_LIMIT)}
    assert _names(second) == {"Due050", "Due051", "Due052"}
