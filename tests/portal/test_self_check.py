"""The public self-check: warning signs lead to medical help in the handout's words,
safety questions to "tell your acupuncturist", and a consultation request reaches the
front desk. No login, no STarT Back."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from acuplan.core.knowledge import default_knowledge
from acuplan.portal.models import ConsultationRequest
from tests.web.conftest import Cast


@pytest.mark.parametrize(
    ("ticked", "level", "words"),
    [
        (["saddle_numbness"], "Get medical help now", "urgency.emergency"),
        (["fever"], "See a doctor today", "urgency.urgent"),
        (["fever", "bladder_bowel"], "Get medical help now", "urgency.emergency"),
    ],
)
def test_it_sends_warning_signs_to_medical_help(
    client: Client, cast: Cast, ticked: list[str], level: str, words: str
) -> None:
    body = client.post(reverse("portal:self_check"), {"ticked": ticked}).content.decode()
    assert level in body
    assert default_knowledge().term(words, patient=True) in body


@pytest.mark.parametrize("ticked", ["blood_thinner", "pregnant", "pacemaker"])
def test_it_asks_to_tell_the_acupuncturist(client: Client, cast: Cast, ticked: str) -> None:
    body = client.post(reverse("portal:self_check"), {"ticked": [ticked]}).content.decode()
    assert "Tell your acupuncturist" in body
    assert "Get medical help now</h2>" not in body


def test_it_explains_sessions_cost_course_and_licences(client: Client, cast: Cast) -> None:
    body = client.get(reverse("portal:self_check")).content.decode()
    for words in (
        "What a session is like",
        "about ten sessions",
        "$60",
        "licensed in your state",
        "NCCAOM",
        "not a diagnosis",
    ):
        assert words in body
    assert "STarT" not in body


def test_it_sends_a_consultation_request_to_the_front_desk(client: Client, cast: Cast) -> None:
    cast.front_desk.email = "desk@example.org"
    cast.front_desk.save()
    data = {
        "clinic": "riverside",
        "name": "Sam Lee",
        "contact": "sam@example.org",
        "message": "Evenings suit me",
        "advice": "ok",
    }
    response = client.post(reverse("portal:consultation"), data)
    assert response.status_code == 200
    row = ConsultationRequest.objects.get()
    assert (row.clinic.slug, row.name, row.advice_shown) == ("riverside", "Sam Lee", "ok")
    assert client.post(reverse("portal:consultation"), {"clinic": "riverside"}).status_code == 400
