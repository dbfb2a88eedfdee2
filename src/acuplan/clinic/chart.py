"""Read model for a patient's chart: intakes, plans, sessions and scores over time, loaded
with a constant number of queries however long the history is (six, plus the patient the
caller already holds).

Plans are loaded without their full engine output: only the parts a chart shows (scores,
leading pattern, technique, point count) are extracted by the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.db.models.fields.json import KeyTransform
from django.utils import timezone

from acuplan.clinic.models import Intake, Patient, Plan, PlanOverride, Session

INSTRUMENTS = ("nrs", "start_back", "rmdq", "odi", "peg")
INSTRUMENT_NAMES = {
    "nrs": "Pain NRS",
    "start_back": "STarT Back",
    "rmdq": "RMDQ",
    "odi": "ODI %",
    "peg": "PEG",
}
_KIND_ORDER = {"intake": 0, "plan": 1, "session": 2}


@dataclass(frozen=True)
class TimelineEntry:
    kind: str
    """"intake", "plan" or "session"."""
    day: dt.date
    record: Any
    """The Intake, Plan or Session."""


@dataclass(frozen=True)
class ScoreRow:
    plan: Plan
    day: dt.date
    cells: list[str]
    """One display value per ``Chart.instruments`` entry ("" when not given)."""


@dataclass(frozen=True)
class Chart:
    patient: Patient
    intakes: list[Intake]
    plans: list[Plan]
    sessions: list[Session]
    timeline: list[TimelineEntry]
    instruments: list[str]
    score_rows: list[ScoreRow]


def load_chart(patient: Patient) -> Chart:
    intakes = list(
        Intake.objects.filter(patient=patient).select_related("recorded_by").order_by("-version")
    )
    plans = list(_plans(patient))
    sessions = list(
        Session.objects.filter(patient=patient)
        .select_related("practitioner")
        .prefetch_related("points", "adverse_events")
        .order_by("-date", "-pk")
    )
    timeline = [TimelineEntry("intake", _day(i.recorded_at), i) for i in intakes]
    timeline += [TimelineEntry("plan", _day(p.created_at), p) for p in plans]
    timeline += [TimelineEntry("session", s.date, s) for s in sessions]
    timeline.sort(key=lambda e: (e.day, _KIND_ORDER[e.kind], e.record.pk), reverse=True)
    instruments, rows = _score_table(plans)
    return Chart(patient, intakes, plans, sessions, timeline, instruments, rows)


def _plans(patient: Patient) -> Any:
    return (
        Plan.objects.filter(patient=patient)
        .defer("data")
        .annotate(
            scores=KeyTransform("scores", "data"),
            leading_pattern=KeyTransform(
                "name", KeyTransform("0", KeyTransform("patterns", "data"))
            ),
            method=KeyTransform("method", KeyTransform("technique", _rx())),
            points_planned=KeyTransform("points", _rx()),
        )
        .select_related("created_by", "approved_by", "intake")
        .prefetch_related(
            Prefetch("overrides", queryset=PlanOverride.objects.select_related("by").order_by("at"))
        )
        .order_by("-created_at", "-pk")
    )


def _rx() -> KeyTransform:
    return KeyTransform("prescription", "data")


def _day(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment)


def _score_table(plans: list[Plan]) -> tuple[list[str], list[ScoreRow]]:
    given = {name for p in plans for name in (getattr(p, "scores", None) or {})}
    instruments = [i for i in INSTRUMENTS if i in given]
    rows = []
    for plan in reversed(plans):  # oldest first: a table reads forward in time
        scores: dict[str, Any] = getattr(plan, "scores", None) or {}
        if scores:
            cells = [_score_cell(scores.get(i)) for i in instruments]
            rows.append(ScoreRow(plan, _day(plan.created_at), cells))
    return instruments, rows


def _score_cell(score: dict[str, Any] | None) -> str:
    if not score:
        return ""
    total = score.get("total")
    text = f"{total:g}" if isinstance(total, int | float) else str(total)
    band = (score.get("detail") or {}).get("risk") or score.get("band")
    return f"{text} ({band})" if band else text
