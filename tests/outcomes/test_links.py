"""Questionnaire links: the patient answers without logging in; the link cannot be reused,
guessed, or used after expiry; another clinic's staff cannot see the answers."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from acuplan.audit.models import AuditEvent
from acuplan.clinic.models import Patient
from acuplan.clinic.services import Actor
from acuplan.core.errors import InvalidInput
from acuplan.outcomes import services
from acuplan.outcomes.models import OutcomeResponse, QuestionnaireLink
from tests.web.conftest import Cast, login

ANSWERS = {
    "pain_nrs": "3",
    "peg_0": "3",
    "peg_1": "2",
    "peg_2": "4",
    "rmdq": ["0", "4", "9"],
    "sleep_nights_disturbed": "2",
    "sleep_quality": "7",
    "analgesic_doses_week": "3",
    "workdays_missed": "0",
}


def send(patient: Patient, cast: Cast) -> tuple[QuestionnaireLink, str]:
    """Send a link; the token is read back from the email, as the patient gets it."""
    link = services.send_questionnaire_link(
        actor=Actor(cast.owner),
        patient=patient,
        url_for=lambda t: f"https://clinic.example/q/{t}/",
    )
    found = re.search(r"https://clinic\.example/q/([^/\s]+)/", mail.outbox[-1].body)
    assert found
    return link, found.group(1)


def url(token: str) -> str:
    return reverse("outcomes:questionnaire", args=[token])


def test_it_emails_an_unguessable_link_and_stores_only_its_hash(
    cast: Cast, emailed_patient: Patient
) -> None:
    link, token = send(emailed_patient, cast)
    message = mail.outbox[-1]
    assert message.to == ["ada@example.org"]
    assert message.subject == "A short questionnaire from Riverside"
    assert "back pain" not in message.body.lower()  # no clinical detail in the email
    assert len(token) >= 43  # 32 random bytes, base64url
    assert link.token_hash != token
    assert len(link.token_hash) == 64
    # The token itself is nowhere in the database.
    assert not QuestionnaireLink.objects.filter(
        Q(token_hash__contains=token) | Q(due__icontains=token)
    ).exists()
    assert not AuditEvent.objects.filter(detail__icontains=token).exists()
    assert link.expires_at - link.created_at == dt.timedelta(days=7)
    assert link.due == [
        "pain_nrs",
        "peg",
        "rmdq",
        "sleep_nights_disturbed",
        "sleep_quality",
        "analgesic_doses_week",
        "workdays_missed",
        "red_flags",
    ]
    event = AuditEvent.objects.get(action="acuplan.questionnaire_link.sent")
    assert event.patient_id == emailed_patient.pk


def test_it_needs_an_email_address(cast: Cast, patient: Patient) -> None:
    with pytest.raises(InvalidInput, match="email: the patient has no email address"):
        send(patient, cast)
    with pytest.raises(InvalidInput, match="email"):
        services.send_questionnaire_link(actor=Actor(cast.front_desk), patient=patient, url_for=str)
    assert not QuestionnaireLink.objects.exists()
    assert mail.outbox == []


def test_it_lets_the_front_desk_send_a_link(cast: Cast, emailed_patient: Patient) -> None:
    # Front-desk work: the link and its email carry no clinical content.
    link = services.send_questionnaire_link(
        actor=Actor(cast.front_desk), patient=emailed_patient, url_for=str
    )
    assert link.created_by == cast.front_desk
    assert len(mail.outbox) == 1


def test_it_lands_the_answers_in_the_chart_without_a_login(
    client: Client, cast: Cast, emailed_patient: Patient
) -> None:
    link, token = send(emailed_patient, cast)
    page = client.get(url(token))
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "same-origin"
    assert "no-store" in page["Cache-Control"]
    assert "Byrne" not in page.content.decode()  # the patient's name is not on the page
    response = client.post(url(token), ANSWERS)
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    answer = OutcomeResponse.objects.get()
    assert (answer.kind, answer.recorded_by_id, answer.pain_nrs) == ("follow_up", None, 3)
    assert answer.function_instrument == "rmdq"
    assert answer.function_score == 3.0
    assert answer.peg == 3.0
    link.refresh_from_db()
    assert link.used_at is not None
    assert link.response_id == answer.pk
    event = AuditEvent.objects.get(action="acuplan.outcome.answered_by_link")
    assert (event.actor_id, event.clinic_id, event.patient_id) == (
        None,
        emailed_patient.clinic_id,
        emailed_patient.pk,
    )


def test_it_cannot_be_reused(client: Client, cast: Cast, emailed_patient: Patient) -> None:
    _, token = send(emailed_patient, cast)
    assert client.post(url(token), ANSWERS).status_code == 200
    events = AuditEvent.objects.count()
    again = client.post(url(token), {**ANSWERS, "pain_nrs": "9"})
    assert again.status_code == 410
    assert "already sent" in again.content.decode()
    assert client.get(url(token)).status_code == 410
    assert OutcomeResponse.objects.count() == 1
    assert OutcomeResponse.objects.get().pain_nrs == 3
    assert AuditEvent.objects.count() == events
    with pytest.raises(services.LinkGone):
        services.answer_questionnaire(token=token, data={"pain_nrs": 1})


def test_it_cannot_be_used_after_expiry(
    client: Client, cast: Cast, emailed_patient: Patient
) -> None:
    link, token = send(emailed_patient, cast)
    later = link.expires_at + dt.timedelta(seconds=1)
    with pytest.raises(services.LinkGone, match="expired"):
        services.answer_questionnaire(token=token, data={"pain_nrs": 1}, now=later)
    QuestionnaireLink.objects.filter(pk=link.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    for response in (client.get(url(token)), client.post(url(token), ANSWERS)):
        assert response.status_code == 410
        assert "expired" in response.content.decode()
    assert not OutcomeResponse.objects.exists()
    link.refresh_from_db()
    assert link.used_at is None


@pytest.mark.parametrize("guess", ["", "x", "flip", "A" * 43, "../../admin"])
def test_it_cannot_be_guessed(
    client: Client, cast: Cast, emailed_patient: Patient, guess: str
) -> None:
    _, token = send(emailed_patient, cast)
    attempt = {"": token[:-1], "flip": token[:-1] + ("A" if token[-1] != "A" else "B")}.get(
        guess, guess
    )
    if "/" in attempt:
        assert client.get(f"/q/{attempt}/").status_code == 404
        return
    assert client.get(url(attempt)).status_code == 404
    response = client.post(url(attempt), ANSWERS)
    assert response.status_code == 404
    assert "no questionnaire at this address" in response.content.decode()
    assert not OutcomeResponse.objects.exists()


def test_it_names_bad_answers_and_keeps_the_link(
    client: Client, cast: Cast, emailed_patient: Patient
) -> None:
    link, token = send(emailed_patient, cast)
    response = client.post(url(token), {"peg_0": "3", "workdays_missed": "-4"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "answer every item (or none)" in body
    assert "Nothing was sent yet" in body
    link.refresh_from_db()
    assert link.used_at is None


def test_it_tells_the_patient_to_seek_care_for_a_red_flag(
    client: Client, cast: Cast, emailed_patient: Patient
) -> None:
    _, token = send(emailed_patient, cast)
    response = client.post(url(token), {**ANSWERS, "red_flags": ["urinary_retention"]})
    assert "Please get medical help now" in response.content.decode()
    assert OutcomeResponse.objects.get().red_flags == ["urinary_retention"]


def test_it_keeps_the_answers_from_another_clinic(
    client: Client, cast: Cast, emailed_patient: Patient
) -> None:
    _, token = send(emailed_patient, cast)
    client.post(url(token), ANSWERS)
    chart = reverse("outcomes:chart", args=[emailed_patient.pk])
    login(client, cast.outsider)
    response = client.get(chart)
    assert response.status_code == 404
    assert "Byrne" not in response.content.decode()
    login(client, cast.colleague)
    assert client.get(chart).status_code == 200


def test_it_reports_the_completion_rate_per_clinic(
    client: Client, cast: Cast, emailed_patient: Patient
) -> None:
    _, first = send(emailed_patient, cast)
    send(emailed_patient, cast)
    client.post(url(first), ANSWERS)
    rate = services.completion_rate(emailed_patient.clinic_id)
    assert (rate.sent, rate.completed, rate.percent) == (2, 1, 50.0)
    assert services.completion_rate(cast.outsider.clinic_id).sent == 0
    login(client, cast.front_desk)
    page = client.get(reverse("outcomes:clinic")).content.decode()
    assert "<strong>1 of 2</strong>" in page
    assert "<strong>50.0%</strong>" in page
