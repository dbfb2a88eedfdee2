"""Every page of ``acuplan.outcomes.urls`` against the cast: owner and colleague get the
page, an outsider (another clinic) gets 404, front desk gets 403 on clinical pages,
anonymous visitors are sent to log in. The table must name every URL pattern."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from acuplan.audit.models import AuditEvent
from acuplan.clinic.models import Intake, Patient, Plan
from acuplan.core.knowledge import default_knowledge
from acuplan.core.outcomes.measures import score_answers
from acuplan.outcomes import urls as outcome_urls
from acuplan.outcomes.models import OutcomeResponse, ProgressReview
from acuplan.outcomes.services.recording import create_response
from tests.outcomes.conftest import days_ago, record
from tests.outcomes.test_progress_reviews import review
from tests.page_cast import Page, PageTable, cast_tests
from tests.web.conftest import Cast, login

PAGES: dict[str, Page] = {
    "chart": Page("patient"),
    "new": Page("patient"),
    "review_new": Page("reviewable", method="POST", ok=302),
    "from_intake": Page("patient_with_intake", method="POST", ok=302),
    "link_send": Page("patient", method="POST", ok=302, clinical=False),
    "schedule": Page("patient", clinical=False),
    "calendar": Page("patient", clinical=False),
    "review": Page("progress_review"),
    "questionnaire": Page(public=True),
    "safety": Page(),
    "clinic": Page(clinical=False),
    "flags_seen": Page("flagged_response", method="POST", ok=302),
    "baseline_set": Page("patient", method="POST", ok=302),
}
TABLE = PageTable(PAGES, outcome_urls, "outcomes")
globals().update(cast_tests(TABLE))
_url = TABLE.url


@pytest.fixture
def reviewable(cast: Cast, patient: Patient, approved_plan: Plan) -> Patient:
    record(patient, cast, days_ago(20), kind="intake", pain_nrs=7)
    record(patient, cast, days_ago(1), pain_nrs=4)
    return patient


@pytest.fixture
def patient_with_intake(intake: Intake) -> Patient:
    return intake.patient


@pytest.fixture
def flagged_response(intake: Intake) -> OutcomeResponse:
    """A follow-up the patient answered through a link, reporting a red flag."""
    measures = score_answers(
        default_knowledge(), {"pain_nrs": 6, "red_flags": ["saddle_anaesthesia"]}
    )
    return create_response(intake.patient, "follow_up", days_ago(0), measures)


@pytest.fixture
def progress_review(cast: Cast, reviewable: Patient) -> ProgressReview:
    return review(reviewable, cast)


@pytest.mark.parametrize(
    ("name", "action"),
    [
        ("chart", "acuplan.outcomes.read"),
        ("calendar", "acuplan.calendar.read"),
        ("review", "acuplan.progress.read"),
    ],
)
def test_it_records_one_audit_event_per_read(
    request: pytest.FixtureRequest,
    client: Client,
    cast: Cast,
    patient: Patient,
    name: str,
    action: str,
) -> None:
    url = _url(request, name)
    login(client, cast.colleague)
    start = AuditEvent.objects.count()
    assert client.get(url).status_code == 200
    events = list(AuditEvent.objects.order_by("id")[start:])
    assert [(e.action, e.actor_id, e.patient_id) for e in events] == [
        (action, cast.colleague.pk, patient.pk)
    ]


def test_it_refuses_form_posts_by_get(client: Client, cast: Cast, patient: Patient) -> None:
    login(client, cast.owner)
    for name in ("review_new", "link_send"):
        response = client.get(reverse(f"outcomes:{name}", args=[patient.pk]))
        assert response.status_code == 405
        assert response["Allow"] == "POST"


def test_it_explains_a_review_without_responses(
    client: Client, cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    login(client, cast.owner)
    response = client.post(reverse("outcomes:review_new", args=[patient.pk]))
    assert response.status_code == 409
    assert "needs a baseline" in response.content.decode()


@pytest.mark.parametrize("name", ["chart", "new", "schedule", "review", "safety", "clinic"])
def test_it_shows_no_id_without_its_words(
    request: pytest.FixtureRequest, client: Client, cast: Cast, name: str
) -> None:
    from tests.page_words import ids_without_words

    if name == "chart":  # a chart with scores, so that the plot and its table are drawn
        request.getfixturevalue("reviewable")
    login(client, cast.owner)
    html = client.get(_url(request, name)).content.decode()
    assert ids_without_words(html) == [], name
