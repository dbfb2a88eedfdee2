"""The patient chart at any length of history: a page of the latest entries, older pages
by a cursor, and the same number of queries however long the history is."""

from __future__ import annotations

import datetime as dt
import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from acuplan.clinic.chart import PAGE_SIZE, Cursor, load_chart
from acuplan.clinic.models import Plan, Session
from tests.web.conftest import Cast, login


def _sessions(cast: Cast, plan: Plan, n: int) -> list[Session]:
    """``n`` sessions on distinct days, the newest yesterday, straight into the table."""
    today = timezone.localdate()
    return Session.objects.bulk_create(
        Session(
            patient=plan.patient,
            plan=plan,
            date=today - dt.timedelta(days=1 + i),
            practitioner=cast.owner,
            method="manual",
        )
        for i in range(n)
    )


def _shown(html: str) -> list[str]:
    return re.findall(r"/sessions/(\d+)/", html)


def _older_link(html: str) -> str | None:
    found = re.search(r'href="\?before=([^"]+)"', html)
    return found.group(1) if found else None


def test_it_pages_a_long_history_without_gaps_or_repeats(
    client: Client, cast: Cast, approved_plan: Plan
) -> None:
    _sessions(cast, approved_plan, 2 * PAGE_SIZE + 10)
    login(client, cast.owner)
    url = reverse("patient_chart", kwargs={"pk": approved_plan.patient_id})
    seen: list[str] = []
    cursor: str | None = ""
    pages = 0
    while cursor is not None:
        html = client.get(url + (f"?before={cursor}" if cursor else "")).content.decode()
        seen += _shown(html)
        cursor = _older_link(html)
        pages += 1
    assert pages == 3
    everything = Session.objects.filter(patient=approved_plan.patient).order_by("-date")
    assert seen == [str(s.pk) for s in everything]


def test_it_merges_intakes_plans_and_sessions_by_day_across_pages(
    cast: Cast, approved_plan: Plan
) -> None:
    _sessions(cast, approved_plan, PAGE_SIZE + 5)
    first = load_chart(approved_plan.patient)
    # today's plan and its intake come first (a plan after its intake on the same day)
    assert [e.kind for e in first.timeline[:3]] == ["plan", "intake", "session"]
    assert len(first.timeline) == PAGE_SIZE
    assert first.older is not None
    assert [p.pk for p in first.plans] == [approved_plan.pk]
    second = load_chart(approved_plan.patient, first.older)
    assert {e.kind for e in second.timeline} == {"session"}
    assert len(second.timeline) == 7
    assert (second.older, second.newer, second.plans) == (None, True, [])
    days = [e.day for e in first.timeline + second.timeline]
    assert days == sorted(days, reverse=True)


def test_it_reads_the_same_number_of_queries_for_ten_or_two_hundred_sessions(
    client: Client, cast: Cast, approved_plan: Plan
) -> None:
    login(client, cast.owner)
    url = reverse("patient_chart", kwargs={"pk": approved_plan.patient_id})
    _sessions(cast, approved_plan, 10)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    Session.objects.all().delete()
    _sessions(cast, approved_plan, 200)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert len(many) == len(few)
    assert len(_shown(html)) <= PAGE_SIZE


def test_it_treats_a_malformed_cursor_as_the_first_page(
    client: Client, cast: Cast, approved_plan: Plan
) -> None:
    _sessions(cast, approved_plan, 3)
    login(client, cast.owner)
    url = reverse("patient_chart", kwargs={"pk": approved_plan.patient_id})
    for bad in ("x", "2026-13-01.2.5", "2026-01-01.9.5", "2026-01-01.2.-1", "..", "1.2.3.4"):
        response = client.get(url, {"before": bad})
        assert response.status_code == 200
        assert len(_shown(response.content.decode())) == 3
    assert Cursor.parse("2026-01-01.2.5") == Cursor(dt.date(2026, 1, 1), 2, 5)
