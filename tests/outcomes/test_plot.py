"""The outcomes plot: inline SVG from matplotlib, accessible (role, title, desc), with the
MCID band and the sessions, and a data table alternative on the page."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from acuplan.clinic.models import Patient, Plan, Session
from acuplan.outcomes.chart import load_outcomes
from acuplan.outcomes.plot import render_svg
from tests.outcomes.conftest import days_ago, record
from tests.web.conftest import Cast, login

RMDQ_12 = [True] * 12 + [False] * 12


def test_it_renders_an_accessible_inline_svg(
    cast: Cast, patient: Patient, session: Session
) -> None:
    record(patient, cast, days_ago(30), kind="intake", pain_nrs=7, rmdq=RMDQ_12)
    record(patient, cast, days_ago(2), pain_nrs=4, rmdq=[True] * 6 + [False] * 18)
    chart = load_outcomes(patient)
    svg = render_svg(chart)
    assert svg is not None
    assert svg.startswith("<svg ")
    assert "<?xml" not in svg
    assert "DOCTYPE" not in svg
    head = svg.split(">", 1)[0]
    assert 'role="img"' in head
    assert 'aria-labelledby="outcomes-plot-title outcomes-plot-desc"' in head
    assert ' width="' not in head
    assert "viewBox" in head
    assert '<title id="outcomes-plot-title">Pain and function' in svg
    desc = svg.split('<desc id="outcomes-plot-desc">', 1)[1].split("</desc>", 1)[0]
    assert f"Pain NRS (0-10): 2 scores from {days_ago(30).isoformat()}, baseline 7," in desc
    assert "latest 4 on" in desc
    assert "MCID band runs from 5 to 7" in desc  # NRS 7: 2 points (< 30% = 2.1)
    assert "RMDQ (0-24): 2 scores from" in desc
    assert "baseline 12, latest 6" in desc
    assert "MCID band runs from 8.4 to 12" in desc  # RMDQ 12: 30% = 3.6 (< 5 points)
    assert "1 session is marked along the bottom, on" in desc
    assert "MCID band: within 2 of baseline" in svg  # the legend, as text
    assert chart.baselines["function"].needed == 3.6


def test_it_shows_the_table_alternative_and_an_empty_state(
    client: Client, cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    login(client, cast.owner)
    url = reverse("outcomes:chart", args=[patient.pk])
    empty = client.get(url).content.decode()
    assert "No outcomes recorded yet" in empty
    assert "<svg" not in empty
    record(patient, cast, days_ago(3), kind="intake", pain_nrs=7, sleep_nights_disturbed=5)
    page = client.get(url).content.decode()
    assert page.count("<svg ") == 1
    assert 'id="outcomes-table"' in page
    assert '<th scope="row">' in page
    assert "1 response, oldest first" in page


def test_it_warns_of_a_red_flag_reported_since_the_intake(
    client: Client, cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    record(patient, cast, days_ago(1), pain_nrs=5, red_flags=["saddle_anaesthesia"])
    login(client, cast.owner)
    page = client.get(reverse("outcomes:chart", args=[patient.pk])).content.decode()
    assert "New red flag reported: re-triage now" in page
    assert "Numbness around your bottom" in page


def test_it_caches_the_drawing_under_what_it_shows(
    cast: Cast, patient: Patient, session: Session
) -> None:
    from django.core.cache import cache

    from acuplan.outcomes.plot import cache_key

    record(patient, cast, days_ago(30), kind="intake", pain_nrs=7)
    chart = load_outcomes(patient)
    key = cache_key(chart, "outcomes-plot")
    assert cache.get(key) is None
    first = render_svg(chart)
    assert cache.get(key) == str(first)
    assert render_svg(load_outcomes(patient)) == first  # served from the cache
    record(patient, cast, days_ago(1), pain_nrs=5)
    changed = load_outcomes(patient)
    assert cache_key(changed, "outcomes-plot") != key
    assert "latest 5 on" in str(render_svg(changed))
    assert patient.last_name not in key


def test_it_keeps_a_baseline_on_an_older_page_in_the_form_and_the_band(
    client: Client, cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    from acuplan.outcomes.chart import PAGE_SIZE

    first = record(patient, cast, days_ago(PAGE_SIZE + 20), kind="intake", pain_nrs=9)
    for i in range(PAGE_SIZE + 5):
        record(patient, cast, days_ago(PAGE_SIZE + 5 - i), pain_nrs=4)
    chart = load_outcomes(patient)
    assert first.pk not in [r.id for r in chart.rows]
    assert chart.baselines["pain"].value == 9.0
    login(client, cast.owner)
    html = client.get(reverse("outcomes:chart", args=[patient.pk])).content.decode()
    assert f'<option value="{first.pk}" selected>' in html
    assert "(on another page)" in html


def test_it_keeps_the_date_axis_near_a_single_score(cast: Cast, patient: Patient) -> None:
    """One score once drew an axis from 2025 to 2029: matplotlib widens a one-date axis by
    years either side. The axis now spans a few weeks around the data."""
    day = days_ago(3)
    record(patient, cast, day, kind="intake", pain_nrs=7)
    svg = render_svg(load_outcomes(patient))
    assert svg is not None
    labels = re.findall(r"<text[^>]*>([^<]+)</text>", svg)
    years = {int(y) for label in labels for y in re.findall(r"\b(20\d\d)\b", label)}
    assert years <= {day.year - 1, day.year, day.year + 1}, years
    assert len(years) <= 2, years
