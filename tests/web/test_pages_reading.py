"""Pages that people read: the plan a clinician takes in at a glance, the handout for this
patient, and no rule id or field path in place of words on any page or printout."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from acuplan.clinic import services
from acuplan.clinic.models import Patient, Plan
from acuplan.outcomes.services.scheduling import schedule_appointments
from tests.page_words import ids_without_words, visible_text
from tests.web.conftest import Cast, example, login
from tests.web.test_pages_a11y import GET_PAGES
from tests.web.test_pages_access import PAGES

EXAMPLES = (
    "chronic-cold-damp",
    "sciatica-on-apixaban",
    "pregnant-24-weeks",
    "red-flag-cauda-equina",
)


def plan_for(cast: Cast, patient: Patient, name: str) -> Plan:
    actor = services.Actor(cast.owner)
    intake = services.record_intake(actor=actor, patient=patient, data=example(name))
    return services.create_plan(actor=actor, intake=intake)


def new_patient(cast: Cast, first_name: str) -> Patient:
    return services.create_patient(
        actor=services.Actor(cast.owner),
        data={
            "first_name": first_name,
            "last_name": "Example",
            "date_of_birth": "1972-04-02",
            "sex": "female",
        },
    )


def with_overrides(cast: Cast, plan: Plan) -> Plan:
    """A safety override (a point a rule excluded, added back), a removal and a technique
    change: every kind of override the page must show in words."""
    actor = services.Actor(cast.owner)
    rx = plan.data["prescription"]
    if rx["excluded_points"]:
        excluded = rx["excluded_points"][0]
        services.override_plan(
            actor=actor,
            plan=plan,
            kind="add_point",
            target=excluded["code"],
            reason="agreed with the obstetrician in writing",
            overrides_rules=tuple(r["rule"] for r in excluded["reasons"]),
        )
    services.override_plan(
        actor=actor,
        plan=plan,
        kind="remove_point",
        target=rx["points"][-1]["code"],
        reason="tender skin there",
    )
    services.override_plan(
        actor=actor, plan=plan, kind="technique", target="acupressure", reason="prefers it"
    )
    return plan


# --- the checker itself -------------------------------------------------------------------


def test_it_catches_ids_and_paths_in_place_of_words() -> None:
    for bad in (
        "<p>Rule: progress.responder</p>",
        "<li>pain.midline: not given; no modifier</li>",
        "<td>sf.bleeding_risk</td>",
        "<p>Codes ICD-11|SC61, ICD-11|SE81</p>",
        "<td>as_found</td>",
        '<li><span class="id">(sf.pregnancy)</span></li>',
    ):
        assert ids_without_words(bad), bad
    for good in (
        '<li><strong>Pregnancy</strong> <span class="id">(sf.pregnancy)</span></li>',
        "<p>Within the cap of the rule on points over the kidney (sf.kidney_points).</p>",
        "<p>See patient.info and www.nice.org.uk; ODI v2.1a; M54.50 Low back pain.</p>",
        '<p hidden>as_found</p><script>var a_b = "x.y";</script>',
    ):
        assert not ids_without_words(good), good


# --- the plan page ------------------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLES)
def test_it_shows_no_id_without_its_words_on_the_plan_and_the_handout(
    client: Client, cast: Cast, patient: Patient, name: str
) -> None:
    plan = plan_for(cast, patient, name)
    if plan.is_treatable:
        with_overrides(cast, plan)
    login(client, cast.owner)
    for url in ("plan_review", "plan_handout"):
        html = client.get(reverse(url, kwargs={"pk": plan.pk})).content.decode()
        assert ids_without_words(html) == [], (url, name)


def test_it_opens_with_what_a_clinician_acts_on(client: Client, cast: Cast, plan: Plan) -> None:
    login(client, cast.owner)
    html = client.get(reverse("plan_review", kwargs={"pk": plan.pk})).content.decode()
    main = html[html.index('<main id="main"') :]
    order = [
        "Approve this plan",
        'href="#override">Change the prescription',
        "Triage: ",
        'id="technique-title"',
        'id="prescription-title"',
        'id="precautions-title"',
        'id="course-title"',
        'id="override-form-title"',
        'id="patterns-title"',
        "Pivot finding",
        'id="classification-title"',
        'id="evidence-title"',
    ]
    positions = [main.index(marker) for marker in order]
    assert positions == sorted(positions), sorted(zip(positions, order, strict=True))
    # the details are reachable from a list of links
    for anchor in ("#patterns-title", "#points-title", "#classification-title", "#evidence-title"):
        assert f'href="{anchor}"' in main


def test_it_lists_the_prescription_with_side_depth_cap_and_why(
    client: Client, cast: Cast, plan: Plan
) -> None:
    login(client, cast.owner)
    html = client.get(reverse("plan_review", kwargs={"pk": plan.pk})).content.decode()
    text = visible_text(html)
    assert "Point Side Depth cap Angle Why" in " ".join(text.split())
    assert "As found (tender point)" in text
    assert "Oblique, toward the spine" in text
    assert "Core local points for low back pain" in text
    assert "Electroacupuncture; needles retained 20 minutes" in text or "Manual acupuncture" in text
    assert "a session," in text
    assert "for the course." in text


def test_it_asks_what_was_not_judged_as_questions(
    client: Client, cast: Cast, patient: Patient
) -> None:
    plan = plan_for(cast, patient, "sciatica-on-apixaban")
    login(client, cast.owner)
    text = visible_text(client.get(reverse("plan_review", kwargs={"pk": plan.pk})).content.decode())
    assert "Is the pain along the spine itself, or beside it?" in text
    assert "Are you afraid of needles?" in text
    assert "pain.midline" not in text
    assert ": not given;" not in text


def test_it_asks_the_questions_of_a_plan_stored_before_they_had_keys(
    client: Client, cast: Cast, patient: Patient
) -> None:
    plan = plan_for(cast, patient, "sciatica-on-apixaban")
    old = dict(plan.data)
    del old["not_judged"]
    Plan.objects.filter(pk=plan.pk).update(data=old)
    login(client, cast.owner)
    text = visible_text(client.get(reverse("plan_review", kwargs={"pk": plan.pk})).content.decode())
    assert "Is the pain along the spine itself, or beside it?" in text


def test_it_flags_a_safety_override_in_the_prescription(
    client: Client, cast: Cast, patient: Patient
) -> None:
    plan = with_overrides(cast, plan_for(cast, patient, "pregnant-24-weeks"))
    login(client, cast.owner)
    html = client.get(reverse("plan_review", kwargs={"pk": plan.pk})).content.decode()
    table = html[html.index('id="prescription-title"') : html.index('id="precautions-title"')]
    assert 'class="safety-override"' in table
    assert "safety override" in table
    assert "Sets aside Pregnancy (sf.pregnancy): agreed with the obstetrician in writing" in table
    assert "Changed by override: prefers it" in visible_text(html)


def test_it_names_the_cleared_flags_in_the_triage(
    client: Client, cast: Cast, patient: Patient
) -> None:
    data = example("red-flag-cauda-equina")
    today = timezone.localdate().isoformat()
    data["medical"] = {  # type: ignore[index]
        "cleared_red_flags": [
            {"flag": f, "cleared_by": "Dr A Smith, GP", "cleared_on": today}
            for f in data["red_flags"]  # type: ignore[attr-defined]
        ]
    }
    actor = services.Actor(cast.owner)
    intake = services.record_intake(actor=actor, patient=patient, data=data)
    plan = services.create_plan(actor=actor, intake=intake)
    login(client, cast.owner)
    text = visible_text(client.get(reverse("plan_review", kwargs={"pk": plan.pk})).content.decode())
    assert "cleared" in text
    assert "saddle anaesthesia ruled out by Dr A Smith, GP" in text


# --- the handout --------------------------------------------------------------------------


def _handout(client: Client, plan: Plan) -> str:
    return client.get(reverse("plan_handout", kwargs={"pk": plan.pk})).content.decode()


def test_it_gives_the_handout_the_clinic_phone_practitioner_and_next_visit(
    client: Client, cast: Cast, approved_plan: Plan
) -> None:
    clinic = approved_plan.patient.clinic
    clinic.phone = "(555) 010-0200"
    clinic.save()
    start = timezone.localdate() + dt.timedelta(days=3)
    schedule_appointments(
        actor=services.Actor(cast.owner),
        patient=approved_plan.patient,
        start=start,
        at=dt.time(14, 30),
    )
    login(client, cast.owner)
    text = visible_text(_handout(client, approved_plan))
    assert "Riverside" in text
    assert "(555) 010-0200" in text
    assert cast.owner.display_name in text
    assert f"Your next visit: {start:%A} {start.day} {start:%B %Y} at 14:30." in text


def test_it_says_the_next_visit_is_not_booked_when_none_is(
    client: Client, cast: Cast, plan: Plan
) -> None:
    login(client, cast.owner)
    assert "is not booked yet" in visible_text(_handout(client, plan))


def test_it_offers_a_print_button_that_needs_no_inline_script(
    client: Client, cast: Cast, plan: Plan
) -> None:
    login(client, cast.owner)
    html = _handout(client, plan)
    assert '<button type="button" data-print hidden>Print</button>' in html
    assert '<script src="/static/clinic/print.js" defer></script>' in html
    assert "use your browser's Print command" in html  # without JavaScript
    script = client.get("/static/clinic/print.js")
    assert script.status_code == 200
    assert b"window.print()" in b"".join(script.streaming_content)  # type: ignore[attr-defined]


def test_it_keeps_a_us_patient_s_handout_to_us_payers(
    client: Client, cast: Cast, plan: Plan
) -> None:
    login(client, cast.owner)
    text = visible_text(_handout(client, plan)).lower()
    assert "german" not in text
    assert "statutory" not in text
    assert "thin needles" in text
    assert "electro treatment" not in text


# --- small things -------------------------------------------------------------------------


def test_it_says_one_week_not_one_weeks(client: Client, cast: Cast, patient: Patient) -> None:
    data = example("chronic-cold-damp")
    data["pain"] = {**data["pain"], "duration_weeks": 1}  # type: ignore[dict-item]
    services.record_intake(actor=services.Actor(cast.owner), patient=patient, data=data)
    login(client, cast.owner)
    chart = visible_text(
        client.get(reverse("patient_chart", kwargs={"pk": patient.pk})).content.decode()
    )
    assert "Pain for 1 week," in chart
    assert "1 weeks" not in chart


def test_it_names_a_progress_rule_in_words(client: Client, cast: Cast, patient: Patient) -> None:
    from acuplan.outcomes import services as outcome_services
    from tests.outcomes.conftest import add_sessions, days_ago, record

    plan = services.approve_plan(
        actor=services.Actor(cast.owner), plan=plan_for(cast, patient, "chronic-cold-damp")
    )
    record(patient, cast, days_ago(40), kind="intake", pain_nrs=7)
    add_sessions(patient, cast, [days_ago(0)] * 6, plan)
    record(patient, cast, days_ago(1), pain_nrs=3)
    review = outcome_services.review_progress(actor=services.Actor(cast.owner), patient=patient)
    login(client, cast.owner)
    html = client.get(reverse("outcomes:review", kwargs={"pk": review.pk})).content.decode()
    assert "Rule: Clinically important improvement (responder)" in visible_text(html)
    assert ids_without_words(html) == []


# --- every page -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", GET_PAGES)
def test_it_shows_no_id_without_its_words_on_any_page(
    request: pytest.FixtureRequest, client: Client, cast: Cast, name: str, session: Any
) -> None:
    target = PAGES[name].target
    kwargs = {"pk": request.getfixturevalue(target).pk} if target else {}
    login(client, cast.owner)
    html = client.get(reverse(name, kwargs=kwargs)).content.decode()
    assert ids_without_words(html) == [], name
