"""Issue 9 on the outcomes side: questionnaires are scored only when answered (the patient's
link, the clinician's page and the API alike), the baseline is explicit and dated on or
after the first intake, and outcomes are open to the REST API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from acuplan.audit.models import AuditEvent
from acuplan.clinic import services as clinic_services
from acuplan.clinic.models import Intake, Patient, Plan
from acuplan.clinic.services import Actor
from acuplan.core.errors import InvalidInput, NotPermitted
from acuplan.outcomes import services
from acuplan.outcomes.chart import load_outcomes
from acuplan.outcomes.models import Baseline, OutcomeResponse, QuestionnaireLink
from tests.outcomes.conftest import add_sessions, days_ago, intake_before, record
from tests.outcomes.test_links import ANSWERS, send, url
from tests.web.conftest import Cast, example, login
from tests.web.test_api_support import assert_error, call, client_for


def rmdq(n: int) -> list[bool]:
    return [True] * n + [False] * (24 - n)


ODI_THREE_BLANK = [2, 1, None, 3, None, 2, None, 1, 2, 2]
ODI_TWO_BLANK = [2, 1, None, 3, None, 2, 1, 1, 2, 2]


def use_odi(cast: Cast) -> None:
    services.set_function_instrument(actor=Actor(cast.admin), instrument="odi")


def odi_post(sections: list[int | None]) -> dict[str, str]:
    return {f"odi_{i}": "" if v is None else str(v) for i, v in enumerate(sections)}


def fields_of(exc: InvalidInput) -> dict[str, str]:
    return {e.field: e.message for e in exc.errors}


# --- 5. scored only when answered: the patient's link -----------------------------------


def test_it_refuses_an_empty_link_submission_and_keeps_the_link_usable(
    cast: Cast, emailed_patient: Patient
) -> None:
    link, token = send(emailed_patient, cast)
    with pytest.raises(InvalidInput) as refused:
        services.answer_questionnaire(token=token, data={})
    assert "answer at least one question" in str(refused.value)
    link.refresh_from_db()
    assert link.used_at is None
    assert not OutcomeResponse.objects.exists()
    response = services.answer_questionnaire(token=token, data={"pain_nrs": 3})
    assert response.pain_nrs == 3
    link.refresh_from_db()
    assert link.response == response


def test_it_refuses_an_empty_phone_questionnaire_then_takes_the_real_answers(
    client: Client, cast: Cast, emailed_patient: Patient
) -> None:
    link, token = send(emailed_patient, cast)
    empty = client.post(url(token), {})
    html = empty.content.decode()
    assert empty.status_code == 400
    assert "Nothing was sent yet" in html
    assert "answer at least one question" in html
    assert "Thank you" not in html
    link.refresh_from_db()
    assert link.used_at is None
    assert not OutcomeResponse.objects.exists()
    assert services.completion_rate(emailed_patient.clinic_id).completed == 0
    assert client.get(url(token)).status_code == 200  # still open
    answered = client.post(url(token), ANSWERS)
    assert answered.status_code == 200
    assert "Your answers were sent" in answered.content.decode()
    chart = load_outcomes(emailed_patient)
    assert [(r.pain_nrs, r.function_score, r.by_patient) for r in chart.rows] == [(3, 3.0, True)]
    assert services.completion_rate(emailed_patient.clinic_id).completed == 1


def test_it_scores_an_rmdq_of_0_only_when_none_of_these_is_ticked(
    client: Client, cast: Cast, emailed_patient: Patient
) -> None:
    _, token = send(emailed_patient, cast)
    assert client.post(url(token), {"pain_nrs": "2", "rmdq_none": "on"}).status_code == 200
    response = OutcomeResponse.objects.get()
    assert (response.function_instrument, response.function_score) == ("rmdq", 0.0)
    assert response.scores["rmdq"]["total"] == 0
    assert load_outcomes(emailed_patient).series("function") == [(response.answered_on, 0.0)]


def test_it_does_not_record_an_unticked_rmdq_as_0(
    client: Client, cast: Cast, emailed_patient: Patient
) -> None:
    _, token = send(emailed_patient, cast)
    assert client.post(url(token), {"pain_nrs": "2"}).status_code == 200
    response = OutcomeResponse.objects.get()
    assert "rmdq" not in response.scores
    assert "rmdq" not in response.answers
    assert response.function_score is None
    assert load_outcomes(emailed_patient).series("function") == []


def test_it_stores_a_link_odi_with_three_blank_sections_as_not_scorable(
    client: Client, cast: Cast, emailed_patient: Patient
) -> None:
    use_odi(cast)
    _, token = send(emailed_patient, cast)
    posted = client.post(url(token), {"pain_nrs": "5", **odi_post(ODI_THREE_BLANK)})
    assert posted.status_code == 200
    response = OutcomeResponse.objects.get()
    assert response.scores["odi"]["scorable"] is False
    assert response.scores["odi"]["total"] is None
    assert "3 of 10 sections unanswered" in response.scores["odi"]["reason"]
    assert response.function_score is None
    chart = load_outcomes(emailed_patient)
    assert chart.function_instrument == "odi"
    assert chart.series("function") == []
    assert "function" not in chart.baselines
    assert chart.series("pain") == [(response.answered_on, 5.0)]


def test_it_scores_a_link_odi_with_two_blank_sections(
    client: Client, cast: Cast, emailed_patient: Patient
) -> None:
    use_odi(cast)
    _, token = send(emailed_patient, cast)
    client.post(url(token), odi_post(ODI_TWO_BLANK))
    response = OutcomeResponse.objects.get()
    assert response.scores["odi"]["scorable"] is True
    assert response.function_score == 35.0  # 14 of 40: the denominator drops by 5 a blank
    assert load_outcomes(emailed_patient).series("function") == [(response.answered_on, 35.0)]


# --- 5. the same validation at the service, the clinician's page and the API ------------


def test_it_stores_an_unscorable_odi_at_the_service_and_leaves_it_out_of_progress(
    cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    base = record(patient, cast, days_ago(20), odi=[3] * 10, pain_nrs=7)
    late = record(patient, cast, days_ago(1), odi=ODI_THREE_BLANK, pain_nrs=3)
    assert late.scores["odi"]["scorable"] is False
    assert late.function_score is None
    add_sessions(patient, cast, [days_ago(2)] * 6, approved_plan)
    review = services.review_progress(actor=Actor(cast.owner), patient=patient)
    assert "odi" not in review.inputs["current"]  # never compared as a number
    assert review.inputs["baseline"]["nrs"]["response"] == base.pk
    assert review.inputs["current"]["nrs"]["response"] == late.pk


def test_it_refuses_an_empty_response_at_the_service(cast: Cast, patient: Patient) -> None:
    intake_before(patient, cast, days_ago(1))
    with pytest.raises(InvalidInput) as refused:
        services.record_outcome(
            actor=Actor(cast.owner),
            patient=patient,
            kind="follow_up",
            answered_on=timezone.localdate(),
            data={},
        )
    assert "(root)" in fields_of(refused.value)
    assert not OutcomeResponse.objects.exists()


def _outcome_form(**fields: Any) -> dict[str, Any]:
    return {"kind": "follow_up", "answered_on": timezone.localdate().isoformat(), **fields}


def test_it_refuses_an_empty_response_on_the_clinician_s_page(
    client: Client, cast: Cast, patient: Patient, intake: Intake
) -> None:
    login(client, cast.owner)
    response = client.post(reverse("outcomes:new", kwargs={"pk": patient.pk}), _outcome_form())
    assert response.status_code == 400
    assert "answer at least one question" in response.content.decode()
    assert not OutcomeResponse.objects.exists()


def test_it_scores_the_rmdq_on_the_clinician_s_page_only_when_marked_answered(
    client: Client, cast: Cast, patient: Patient, intake: Intake
) -> None:
    login(client, cast.owner)
    page = reverse("outcomes:new", kwargs={"pk": patient.pk})
    assert client.post(page, _outcome_form(pain_nrs="4")).status_code == 302
    unanswered = OutcomeResponse.objects.get()
    assert "rmdq" not in unanswered.scores
    assert unanswered.function_score is None
    assert client.post(page, _outcome_form(pain_nrs="4", function_given="on")).status_code == 302
    answered = OutcomeResponse.objects.exclude(pk=unanswered.pk).get()
    assert answered.function_score == 0.0


def test_it_stores_an_unscorable_odi_from_the_clinician_s_page_as_such(
    client: Client, cast: Cast, patient: Patient, intake: Intake
) -> None:
    use_odi(cast)
    login(client, cast.owner)
    page = reverse("outcomes:new", kwargs={"pk": patient.pk})
    assert client.post(page, _outcome_form(**odi_post(ODI_THREE_BLANK))).status_code == 302
    response = OutcomeResponse.objects.get()
    assert response.scores["odi"]["scorable"] is False
    chart = client.get(reverse("outcomes:chart", kwargs={"pk": patient.pk})).content.decode()
    assert "ODI not scorable" in chart


def _api_outcome(client: Client, patient: Patient, **body: Any) -> Any:
    body.setdefault("answered_on", timezone.localdate().isoformat())
    return call(client, "POST", f"/api/patients/{patient.pk}/outcomes", body)


def test_it_validates_api_answers_like_the_pages(
    cast: Cast, patient: Patient, intake: Intake
) -> None:
    client = client_for(cast.owner)
    for instrument, answers in (
        ("rmdq", []),
        ("rmdq", [True] * 23),
        ("peg", [3, None, 4]),
        ("nrs", 11),
        ("odi", [None] * 10),
        ("odi", [6] * 10),
    ):
        response = _api_outcome(client, patient, instrument=instrument, answers=answers)
        error = assert_error(response, 422, "invalid_input")
        assert error["fields"], (instrument, answers)
    assert not OutcomeResponse.objects.exists()


def test_it_refuses_a_boolean_as_an_api_pain_score(
    cast: Cast, patient: Patient, intake: Intake
) -> None:
    response = _api_outcome(client_for(cast.owner), patient, instrument="nrs", answers=True)
    assert_error(response, 422, "invalid_input")
    assert not OutcomeResponse.objects.exists()


def test_it_scores_an_api_rmdq_with_nothing_applying_as_0(
    cast: Cast, patient: Patient, intake: Intake
) -> None:
    client = client_for(cast.owner)
    created = _api_outcome(client, patient, instrument="rmdq", answers=[False] * 24)
    assert created.status_code == 201
    assert created.json()["scores"]["rmdq"]["total"] == 0
    assert OutcomeResponse.objects.get().function_score == 0.0


def test_it_stores_an_unscorable_api_odi_as_not_scorable(
    cast: Cast, patient: Patient, intake: Intake
) -> None:
    client = client_for(cast.owner)
    created = _api_outcome(client, patient, instrument="odi", answers=ODI_THREE_BLANK)
    assert created.status_code == 201
    odi = created.json()["scores"]["odi"]
    assert (odi["scorable"], odi["total"]) == (False, None)
    assert odi["reason"]
    assert OutcomeResponse.objects.get().function_score is None
    assert load_outcomes(patient).series("function") == []


# --- 6. the baseline ----------------------------------------------------------------------


def test_it_refuses_a_response_dated_before_the_first_intake_or_in_the_future(
    cast: Cast, patient: Patient, intake: Intake
) -> None:
    day = timezone.localdate(intake.recorded_at)
    for answered_on, words in (
        (day - dt.timedelta(days=1), "is before the first intake"),
        (timezone.localdate() + dt.timedelta(days=1), "is in the future"),
    ):
        with pytest.raises(InvalidInput) as refused:
            services.record_outcome(
                actor=Actor(cast.owner),
                patient=patient,
                kind="follow_up",
                answered_on=answered_on,
                data={"pain_nrs": 4},
            )
        assert words in fields_of(refused.value)["answered_on"]
    assert not OutcomeResponse.objects.exists()


def test_it_refuses_a_response_for_a_patient_with_no_intake(cast: Cast, patient: Patient) -> None:
    with pytest.raises(InvalidInput) as refused:
        services.record_outcome(
            actor=Actor(cast.owner),
            patient=patient,
            kind="follow_up",
            answered_on=timezone.localdate(),
            data={"pain_nrs": 4},
        )
    assert "record the intake first" in fields_of(refused.value)["answered_on"]


def test_it_refuses_a_response_dated_before_the_intake_on_the_page(
    client: Client, cast: Cast, patient: Patient, intake: Intake
) -> None:
    login(client, cast.owner)
    before = (timezone.localdate(intake.recorded_at) - dt.timedelta(days=3)).isoformat()
    response = client.post(
        reverse("outcomes:new", kwargs={"pk": patient.pk}),
        _outcome_form(answered_on=before, pain_nrs="4"),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#id_answered_on">answered_on: ' in html
    assert "is before the first intake" in html
    assert not OutcomeResponse.objects.exists()


def test_it_refuses_api_responses_dated_before_the_intake_or_in_the_future(
    cast: Cast, patient: Patient, intake: Intake
) -> None:
    client = client_for(cast.owner)
    day = timezone.localdate(intake.recorded_at)
    for answered_on, words in (
        (day - dt.timedelta(days=1), "is before the first intake"),
        (timezone.localdate() + dt.timedelta(days=1), "is in the future"),
    ):
        response = _api_outcome(
            client, patient, instrument="nrs", answers=4, answered_on=answered_on.isoformat()
        )
        error = assert_error(response, 422, "invalid_input")
        assert [f["field"] for f in error["fields"]] == ["answered_on"]
        assert words in error["fields"][0]["message"]
    assert not OutcomeResponse.objects.exists()


def test_it_takes_the_intake_response_as_the_default_baseline(
    cast: Cast, patient: Patient, intake: Intake
) -> None:
    day = timezone.localdate(intake.recorded_at)
    follow_up = record(patient, cast, day, pain_nrs=6)  # recorded first, the same day
    assert services.baseline_response(patient) == follow_up
    from_intake = services.record_intake_baseline(actor=Actor(cast.owner), patient=patient)
    assert services.baseline_response(patient) == from_intake
    assert load_outcomes(patient).baseline_id == from_intake.pk


def test_it_takes_the_first_response_on_or_after_the_first_intake_by_default(
    cast: Cast, patient: Patient
) -> None:
    intake_before(patient, cast, days_ago(30))
    first = record(patient, cast, days_ago(20), pain_nrs=7)
    record(patient, cast, days_ago(10), pain_nrs=5)
    record(patient, cast, days_ago(25), pain_nrs=8)  # entered late, dated earlier
    assert services.baseline_response(patient) != first
    assert services.baseline_response(patient) == OutcomeResponse.objects.get(pain_nrs=8)


def test_it_changes_the_baseline_only_with_a_reason_and_audits_what_it_replaces(
    cast: Cast, patient: Patient, intake: Intake, other_clinic: Any
) -> None:
    day = timezone.localdate(intake.recorded_at)
    first = record(patient, cast, day, pain_nrs=7)
    second = record(patient, cast, day, pain_nrs=6)
    with pytest.raises(InvalidInput) as no_reason:
        services.set_baseline(actor=Actor(cast.owner), patient=patient, response=second, reason=" ")
    assert "reason" in fields_of(no_reason.value)
    assert services.baseline_response(patient) == first
    other = clinic_services.create_patient(
        actor=Actor(cast.owner),
        data={"first_name": "Bo", "last_name": "Other", "date_of_birth": "1960-01-01"},
    )
    with pytest.raises(InvalidInput) as foreign:
        services.set_baseline(actor=Actor(cast.owner), patient=other, response=second, reason="x")
    assert "response" in fields_of(foreign.value)
    with pytest.raises(NotPermitted):
        services.set_baseline(
            actor=Actor(cast.front_desk), patient=patient, response=second, reason="x"
        )
    services.set_baseline(
        actor=Actor(cast.owner), patient=patient, response=second, reason="first was a typo"
    )
    assert services.baseline_response(patient) == second
    event = AuditEvent.objects.get(action="acuplan.outcome.baseline_set")
    assert event.detail == {
        "response": second.pk,
        "replaces": first.pk,
        "reason": "first was a typo",
    }
    assert event.patient_id == patient.pk


def test_it_compares_progress_reviews_from_the_chosen_baseline(
    cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    first = record(patient, cast, days_ago(40), kind="intake", pain_nrs=7, rmdq=rmdq(12))
    second = record(patient, cast, days_ago(20), pain_nrs=5, rmdq=rmdq(9))
    record(patient, cast, days_ago(1), pain_nrs=4, rmdq=rmdq(8))
    add_sessions(patient, cast, [days_ago(2)] * 6, approved_plan)
    owner = Actor(cast.owner)
    before = services.review_progress(actor=owner, patient=patient)
    assert before.baseline_id == first.pk
    assert before.inputs["baseline"]["nrs"]["response"] == first.pk
    assert before.decision == "continue_then_taper"  # 7 -> 4, 12 -> 8
    services.settle_review(actor=owner, review=before, decision=None, reason="")
    services.set_baseline(actor=owner, patient=patient, response=second, reason="flare at intake")
    after = services.review_progress(actor=owner, patient=patient)
    assert after.baseline_id == second.pk
    assert after.inputs["baseline"]["nrs"]["response"] == second.pk
    assert after.inputs["baseline"]["nrs"]["score"] == 5.0
    assert after.decision != "continue_then_taper"  # 5 -> 4 and 9 -> 8 are no response
    assert load_outcomes(patient).baseline_id == second.pk


def test_it_plots_the_band_from_the_chosen_baseline_on_a_day_with_two_responses(
    cast: Cast, patient: Patient, intake: Intake
) -> None:
    day = timezone.localdate(intake.recorded_at)
    record(patient, cast, day, pain_nrs=7)
    chosen = record(patient, cast, day, pain_nrs=5)
    services.set_baseline(
        actor=Actor(cast.owner), patient=patient, response=chosen, reason="the first was a typo"
    )
    chart = load_outcomes(patient)
    assert chart.baseline_id == chosen.pk
    assert chart.baselines["pain"].value == 5.0


def test_it_changes_the_baseline_on_the_outcomes_page_with_a_reason(
    client: Client, cast: Cast, patient: Patient, intake: Intake
) -> None:
    day = timezone.localdate(intake.recorded_at)
    first = record(patient, cast, day, pain_nrs=7)
    second = record(patient, cast, day, pain_nrs=6)
    login(client, cast.owner)
    chart = reverse("outcomes:chart", kwargs={"pk": patient.pk})
    page = reverse("outcomes:baseline_set", kwargs={"pk": patient.pk})
    html = client.get(chart).content.decode()
    assert f'<option value="{first.pk}" selected>' in html
    client.post(page, {"response": second.pk, "reason": ""})
    assert not Baseline.objects.exists()
    assert services.baseline_response(patient) == first
    response = client.post(page, {"response": second.pk, "reason": "typo in the first"})
    assert response.status_code == 302
    assert services.baseline_response(patient) == second
    html = client.get(chart).content.decode()
    assert f'<option value="{second.pk}" selected>' in html
    assert AuditEvent.objects.filter(action="acuplan.outcome.baseline_set").count() == 1


def test_it_sets_the_baseline_through_the_api_only_to_the_patients_own_response(
    cast: Cast, patient: Patient, intake: Intake
) -> None:
    day = timezone.localdate(intake.recorded_at)
    record(patient, cast, day, pain_nrs=7)
    chosen = record(patient, cast, day, pain_nrs=5)
    other = clinic_services.create_patient(
        actor=Actor(cast.owner),
        data={"first_name": "Li", "last_name": "Wen", "date_of_birth": "1975-01-01"},
    )
    theirs = record(other, cast, timezone.localdate(), pain_nrs=2)
    client = client_for(cast.owner)
    url = f"/api/patients/{patient.pk}/baseline"
    refused = call(client, "PUT", url, {"response": theirs.pk, "reason": "wrong patient"})
    assert_error(refused, 422, "invalid_input")
    unexplained = call(client, "PUT", url, {"response": chosen.pk, "reason": " "})
    assert_error(unexplained, 422, "invalid_input")
    assert not Baseline.objects.exists()
    ok = call(client, "PUT", url, {"response": chosen.pk, "reason": "the first was a typo"})
    assert (ok.status_code, ok.json()["response_id"]) == (200, chosen.pk)
    assert load_outcomes(patient).baselines["pain"].value == 5.0


# --- 8. outcomes in the REST API --------------------------------------------------------


def test_it_records_and_lists_outcomes_through_the_api(
    cast: Cast, patient: Patient, intake: Intake, session: Any
) -> None:
    client = client_for(cast.owner)
    created = _api_outcome(
        client, patient, instrument="peg", answers=[6, 5, 4], kind="session", session=session.pk
    )
    assert created.status_code == 201
    body = created.json()
    assert body["patient_id"] == patient.pk
    assert body["session_id"] == session.pk
    assert body["kind"] == "session"
    assert body["scores"]["peg"]["total"] == 5.0
    assert body["recorded_by_id"] == cast.owner.pk
    listed = client.get(f"/api/patients/{patient.pk}/outcomes").json()
    assert listed["count"] == 1
    assert listed["items"][0]["id"] == body["id"]
    events = AuditEvent.objects.filter(action="acuplan.outcome.recorded", patient_id=patient.pk)
    assert events.count() == 1
    assert AuditEvent.objects.filter(action="acuplan.outcomes.read").count() == 1


def test_it_refuses_api_outcome_fields_it_does_not_know_or_mismatched_sessions(
    cast: Cast, patient: Patient, intake: Intake, session: Any
) -> None:
    client = client_for(cast.owner)
    extra = _api_outcome(client, patient, instrument="nrs", answers=3, mood="fine")
    assert_error(extra, 422, "invalid_input")
    no_session = _api_outcome(client, patient, instrument="nrs", answers=3, kind="session")
    error = assert_error(no_session, 422, "invalid_input")
    assert [f["field"] for f in error["fields"]] == ["session"]
    other = clinic_services.create_patient(
        actor=Actor(cast.owner),
        data={"first_name": "Bo", "last_name": "Other", "date_of_birth": "1960-01-01"},
    )
    clinic_services.record_intake(
        actor=Actor(cast.owner), patient=other, data=example("chronic-cold-damp")
    )
    wrong = _api_outcome(client, other, instrument="nrs", answers=3, session=session.pk)
    error = assert_error(wrong, 422, "invalid_input")
    assert "session" in [f["field"] for f in error["fields"]]
    outsider = _api_outcome(client_for(cast.outsider), patient, instrument="nrs", answers=3)
    assert_error(outsider, 404, "not_found")
    assert not OutcomeResponse.objects.exists()


def test_it_pages_the_outcomes_newest_first(cast: Cast, patient: Patient) -> None:
    intake_before(patient, cast, days_ago(60))
    for n in range(53):
        record(patient, cast, days_ago(n), pain_nrs=n % 11)
    client = client_for(cast.owner)
    url = f"/api/patients/{patient.pk}/outcomes"
    first, second = client.get(url).json(), client.get(url, {"page": 2}).json()
    assert (first["count"], len(first["items"]), len(second["items"])) == (53, 50, 3)
    days = [r["answered_on"] for r in first["items"] + second["items"]]
    assert days == sorted(days, reverse=True)
    assert len(set(days)) == 53
    small = client.get(url, {"page_size": 5}).json()
    assert len(small["items"]) == 5
    assert_error(client.get(url, {"page_size": 1000}), 422, "invalid_input")


def test_it_lists_an_unscorable_odi_as_not_scorable_in_the_api(
    cast: Cast, patient: Patient, intake: Intake
) -> None:
    record(patient, cast, timezone.localdate(intake.recorded_at), odi=ODI_THREE_BLANK)
    listed = client_for(cast.owner).get(f"/api/patients/{patient.pk}/outcomes").json()
    assert listed["items"][0]["scores"]["odi"]["scorable"] is False
    assert listed["items"][0]["scores"]["odi"]["total"] is None


def test_it_keeps_a_used_link_unusable_after_answering(
    client: Client, cast: Cast, emailed_patient: Patient
) -> None:
    _, token = send(emailed_patient, cast)
    assert client.post(url(token), {"pain_nrs": "4"}).status_code == 200
    assert client.post(url(token), {"pain_nrs": "1"}).status_code == 410
    assert OutcomeResponse.objects.count() == 1
    assert QuestionnaireLink.objects.get().used_at is not None
