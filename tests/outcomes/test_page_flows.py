"""The forms of the outcomes pages, end to end through the test client."""

from __future__ import annotations

from django.core import mail
from django.test import Client
from django.urls import reverse

from acuplan.clinic.models import Intake, Patient, Plan, Session
from acuplan.outcomes.models import OutcomeResponse, ProgressReview, QuestionnaireLink
from tests.outcomes.conftest import days_ago, record
from tests.web.conftest import Cast, login


def test_it_records_outcomes_through_the_form(
    client: Client, cast: Cast, patient: Patient, session: Session
) -> None:
    login(client, cast.owner)
    url = reverse("outcomes:new", args=[patient.pk])
    page = client.get(url).content.decode()
    assert "Everyday activities (RMDQ)" in page
    assert "STarT Back" in page
    response = client.post(
        url,
        {
            "kind": "session",
            "answered_on": session.date.isoformat(),
            "session": str(session.pk),
            "pain_nrs": "5",
            "peg_0": "5",
            "peg_1": "4",
            "peg_2": "6",
            "function_given": "on",
            "rmdq": ["1", "2", "3"],
            "sleep_quality": "6",
            "workdays_missed": "1",
        },
    )
    assert response.status_code == 302
    saved = OutcomeResponse.objects.get()
    assert (saved.pain_nrs, saved.peg, saved.function_score, saved.session_id) == (
        5,
        5.0,
        3.0,
        session.pk,
    )


def test_it_shows_every_problem_next_to_its_question(
    client: Client, cast: Cast, patient: Patient
) -> None:
    login(client, cast.owner)
    response = client.post(
        reverse("outcomes:new", args=[patient.pk]),
        {
            "kind": "follow_up",
            "answered_on": days_ago(-3).isoformat(),
            "peg_1": "4",
            "analgesic_doses_week": "lots",
            "start_back_0": "agree",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    for text in (
        "is in the future",
        "answer every item (or none)",
        "must be a whole number from 0 to 200",
        "STarT Back is asked at intake only",
    ):
        assert text in body
    assert not OutcomeResponse.objects.exists()


def test_it_reviews_and_settles_progress_through_the_pages(
    client: Client, cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    record(patient, cast, days_ago(20), kind="intake", pain_nrs=7)
    record(patient, cast, days_ago(1), pain_nrs=4)
    login(client, cast.owner)
    created = client.post(reverse("outcomes:review_new", args=[patient.pk]))
    review = ProgressReview.objects.get()
    assert created["Location"] == reverse("outcomes:review", args=[review.pk])
    page = client.get(created["Location"]).content.decode()
    assert "Continue, then taper" in page
    assert "progress.responder" in page
    assert "Ostelo" in page  # the source's citation
    missing = client.post(created["Location"], {"decision": "stop_and_refer", "reason": ""})
    assert missing.status_code == 400
    assert "an override needs a reason" in missing.content.decode()
    done = client.post(
        created["Location"], {"decision": "stop_and_refer", "reason": "Wants to stop."}
    )
    assert done.status_code == 302
    review.refresh_from_db()
    assert (review.status, review.final_decision) == ("overridden", "stop_and_refer")
    assert "Wants to stop." in client.get(created["Location"]).content.decode()


def test_it_sends_a_link_from_the_outcomes_page(
    client: Client, cast: Cast, emailed_patient: Patient
) -> None:
    login(client, cast.owner)
    chart = reverse("outcomes:chart", args=[emailed_patient.pk])
    response = client.post(reverse("outcomes:link_send", args=[emailed_patient.pk]), follow=True)
    assert response.redirect_chain == [(chart, 302)]
    assert "Questionnaire link sent to ada@example.org" in response.content.decode()
    assert "http://testserver/q/" in mail.outbox[0].body
    assert QuestionnaireLink.objects.count() == 1
    assert "Waiting (until" in response.content.decode()


def test_it_explains_a_link_that_cannot_be_sent(
    client: Client, cast: Cast, patient: Patient
) -> None:
    login(client, cast.owner)
    response = client.post(reverse("outcomes:link_send", args=[patient.pk]), follow=True)
    assert (
        "Not sent: the patient has no email address on file; record the first intake before "
        "sending a questionnaire: follow-up answers are measured against it."
    ) in response.content.decode()
    assert not QuestionnaireLink.objects.exists()


def test_it_lets_a_clinic_admin_choose_the_questionnaire(client: Client, cast: Cast) -> None:
    url = reverse("outcomes:clinic")
    login(client, cast.owner)
    assert "A clinic admin can change it" in client.get(url).content.decode()
    assert client.post(url, {"function_instrument": "odi"}).status_code == 403
    login(client, cast.admin)
    assert client.post(url, {"function_instrument": "odi"}).status_code == 302
    assert "Oswestry Disability Index (ODI)</strong>" in client.get(url).content.decode()


def test_it_counts_ticked_statements_as_an_answered_rmdq(
    client: Client, cast: Cast, patient: Patient, intake: Intake
) -> None:
    login(client, cast.owner)
    url = reverse("outcomes:new", args=[patient.pk])
    form = {"kind": "follow_up", "answered_on": days_ago(0).isoformat()}
    assert client.post(url, {**form, "rmdq": ["0", "5"]}).status_code == 302
    assert client.post(url, {**form, "function_given": "on"}).status_code == 302
    assert [r.function_score for r in OutcomeResponse.objects.order_by("id")] == [2.0, 0.0]
