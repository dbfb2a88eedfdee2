"""The outcomes page loads in a constant number of queries, however long the history."""

from __future__ import annotations

import datetime as dt
import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from acuplan.clinic.models import Intake, Patient, Plan
from acuplan.outcomes.models import OutcomeResponse
from tests.outcomes.conftest import add_sessions
from tests.web.conftest import Cast, login


def _history(patient: Patient, cast: Cast, plan: Plan, n: int) -> None:
    start = dt.date(2024, 1, 1)
    days = [start + dt.timedelta(days=3 * i) for i in range(n)]
    add_sessions(patient, cast, days, plan)
    OutcomeResponse.objects.bulk_create(
        OutcomeResponse(
            patient=patient,
            kind="session",
            answered_on=d,
            pain_nrs=max(0, 8 - i // 15),
            function_instrument="rmdq",
            function_score=float(max(0, 14 - i // 10)),
            recorded_by=cast.owner,
        )
        for i, d in enumerate(days)
    )


def _count(client: Client, patient: Patient) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("outcomes:chart", args=[patient.pk]))
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_it_stays_within_a_constant_number_of_queries(
    client: Client, cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    other = Patient.objects.create(
        clinic=patient.clinic,
        first_name="L",
        last_name="Long",
        date_of_birth=dt.date(1960, 1, 1),
        practitioner=cast.owner,
    )
    Intake.objects.create(  # the other patient's intake, dated before their history
        patient=other, version=1, data=approved_plan.intake.data, recorded_by=cast.owner
    )
    Intake.objects.filter(patient__in=[patient, other]).update(
        recorded_at=dt.datetime(2023, 12, 1, tzinfo=dt.UTC)
    )
    _history(patient, cast, approved_plan, 10)
    _history(other, cast, approved_plan, 100)
    login(client, cast.owner)
    short, _ = _count(client, patient)
    long, page = _count(client, other)
    assert long == short
    # 15 (the page's responses, sessions, red flags, reviews, links, visits ...); one to
    # chain the read's audit event to the one before (and on PostgreSQL one more for the
    # advisory lock that orders the chain); three for the baseline
    assert short <= 19 + (connection.vendor == "postgresql")
    assert (
        "50 responses on this page (the plot shows the same), oldest first; 50 sessions in "
        "their span"
    ) in page
    older = re.search(r'href="\?before=([^"#]+)', page)
    assert older is not None
    with CaptureQueriesContext(connection) as ctx:
        second = client.get(reverse("outcomes:chart", args=[other.pk]), {"before": older[1]})
    assert len(ctx.captured_queries) == short
    html = second.content.decode()
    assert "50 responses on this page" in html
    assert "50 sessions in their span" in html
    assert 'href="?before=' not in html  # the first responses: no older page
    assert "The latest responses" in html
