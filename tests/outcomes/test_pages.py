"""Every page of ``acuplan.outcomes.urls`` against the cast: owner and colleague get the
page, an outsider (another clinic) gets 404, front desk gets 403 on clinical pages,
anonymous visitors are sent to log in. The table must name every URL pattern."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, reverse

from acuplan.audit.models import AuditEvent
from acuplan.clinic.models import Intake, Patient, Plan
from acuplan.outcomes import urls as outcome_urls
from acuplan.outcomes.models import ProgressReview
from tests.outcomes.conftest import days_ago, record
from tests.outcomes.test_progress_reviews import review
from tests.web.conftest import Cast, login


@dataclass(frozen=True)
class Page:
    target: str | None = None
    """Fixture whose pk the URL takes, or None."""
    clinical: bool = True
    method: str = "GET"
    ok: int = 200
    data: dict[str, Any] = field(default_factory=dict)
    public: bool = False
    scoped: bool = True
    """Shows one record: an outsider gets 404 (clinic-wide pages show the outsider's own)."""


PAGES: dict[str, Page] = {
    "chart": Page("patient"),
    "new": Page("patient"),
    "review_new": Page("reviewable", method="POST", ok=302),
    "from_intake": Page("patient_with_intake", method="POST", ok=302),
    "link_send": Page("patient", method="POST", ok=302),
    "schedule": Page("patient"),
    "calendar": Page("patient", clinical=False),
    "review": Page("progress_review"),
    "questionnaire": Page(public=True),
    "safety": Page(scoped=False),
    "clinic": Page(clinical=False, scoped=False),
}
PRIVATE = sorted(n for n, p in PAGES.items() if not p.public)
WITH_RECORD = sorted(n for n, p in PAGES.items() if p.target)


@pytest.fixture
def reviewable(cast: Cast, patient: Patient, approved_plan: Plan) -> Patient:
    record(patient, cast, days_ago(20), kind="intake", pain_nrs=7)
    record(patient, cast, days_ago(1), pain_nrs=4)
    return patient


@pytest.fixture
def patient_with_intake(intake: Intake) -> Patient:
    return intake.patient


@pytest.fixture
def progress_review(cast: Cast, reviewable: Patient) -> ProgressReview:
    return review(reviewable, cast)


def _url(request: pytest.FixtureRequest, name: str) -> str:
    page = PAGES[name]
    if page.target is None:
        return reverse(f"outcomes:{name}")
    return reverse(f"outcomes:{name}", kwargs={"pk": request.getfixturevalue(page.target).pk})


def _call(client: Client, name: str, url: str) -> Any:
    page = PAGES[name]
    return client.post(url, page.data) if page.method == "POST" else client.get(url)


def test_it_has_an_access_entry_for_every_url_pattern() -> None:
    patterns = [p for p in outcome_urls.urlpatterns if isinstance(p, URLPattern)]
    assert len(patterns) == len(outcome_urls.urlpatterns)
    assert sorted(str(p.name) for p in patterns) == sorted(PAGES)
    for p in patterns:
        takes_pk = "pk" in p.pattern.converters
        assert takes_pk == (PAGES[str(p.name)].target is not None), p.name


@pytest.mark.parametrize("name", PRIVATE)
def test_it_sends_anonymous_visitors_to_log_in(
    request: pytest.FixtureRequest, client: Client, name: str
) -> None:
    response = _call(client, name, _url(request, name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("name", PRIVATE)
@pytest.mark.parametrize("who", ["owner", "colleague"])
def test_it_serves_the_clinic_s_clinicians(
    request: pytest.FixtureRequest, client: Client, cast: Cast, name: str, who: str
) -> None:
    url = _url(request, name)
    login(client, getattr(cast, who))
    response = _call(client, name, url)
    assert response.status_code == PAGES[name].ok, response.content[:800]


@pytest.mark.parametrize("name", WITH_RECORD)
def test_it_hides_other_clinics_records(
    request: pytest.FixtureRequest, client: Client, cast: Cast, patient: Patient, name: str
) -> None:
    url = _url(request, name)
    login(client, cast.outsider)
    response = _call(client, name, url)
    assert response.status_code == 404
    assert patient.last_name not in response.content.decode()


@pytest.mark.parametrize("name", PRIVATE)
def test_it_keeps_clinical_pages_from_front_desk(
    request: pytest.FixtureRequest, client: Client, cast: Cast, name: str
) -> None:
    url = _url(request, name)
    login(client, cast.front_desk)
    response = _call(client, name, url)
    if PAGES[name].clinical:
        assert response.status_code == 403
        assert "front desk staff cannot" in response.content.decode().lower()
    else:
        assert response.status_code == 200


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
