"""Read model for a patient's chart: intakes, plans, sessions and scores over time. A page
holds the latest ``PAGE_SIZE`` timeline entries (or those before a cursor, for older
pages), so its cost does not grow with the history: a constant number of queries (six,
plus the patient the caller already holds), each of at most ``PAGE_SIZE`` rows.

Plans are loaded without their full engine output: only the parts a chart shows (scores,
leading pattern, technique, point count) are extracted by the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import TruncDate
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
PAGE_SIZE = 50
"""Timeline entries a chart page shows; older ones are a link away."""


@dataclass(frozen=True)
class Cursor:
    """Where a page of the timeline starts: entries strictly older than this one."""

    day: dt.date
    kind: int
    pk: int

    def __str__(self) -> str:
        return f"{self.day.isoformat()}.{self.kind}.{self.pk}"

    @classmethod
    def parse(cls, text: str | None) -> Cursor | None:
        """None for a missing or malformed cursor (the first page)."""
        try:
            day, kind, pk = (text or "").split(".")
            cursor = cls(dt.date.fromisoformat(day), int(kind), int(pk))
        except ValueError:
            return None
        return cursor if cursor.kind in _KIND_ORDER.values() and cursor.pk > 0 else None


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
    older: Cursor | None = None
    """The cursor of the next, older page (None on the last page)."""
    newer: bool = False
    """Whether this is an older page (a link back to the latest entries)."""


def load_chart(patient: Patient, before: Cursor | None = None) -> Chart:
    """The latest ``PAGE_SIZE`` entries, or those older than ``before``. The score table
    shows the plans of this page."""
    n = PAGE_SIZE + 1  # one more of each kind tells whether an older page exists
    intakes = list(
        _older(
            Intake.objects.filter(patient=patient), "recorded_at", "intake", before
        ).select_related("recorded_by")[:n]
    )
    plans = list(_older(_plans(patient), "created_at", "plan", before)[:n])
    sessions = list(
        _older(Session.objects.filter(patient=patient), "date", "session", before)
        .select_related("practitioner")
        .prefetch_related("points", "adverse_events")[:n]
    )
    timeline = [TimelineEntry("intake", _day(i.recorded_at), i) for i in intakes]
    timeline += [TimelineEntry("plan", _day(p.created_at), p) for p in plans]
    timeline += [TimelineEntry("session", s.date, s) for s in sessions]
    timeline.sort(key=_position, reverse=True)
    older = None
    if len(timeline) > PAGE_SIZE:
        timeline = timeline[:PAGE_SIZE]
        last = timeline[-1]
        older = Cursor(last.day, _KIND_ORDER[last.kind], last.record.pk)
    shown = {(e.kind, e.record.pk) for e in timeline}
    intakes = [i for i in intakes if ("intake", i.pk) in shown]
    plans = [p for p in plans if ("plan", p.pk) in shown]
    sessions = [s for s in sessions if ("session", s.pk) in shown]
    instruments, rows = _score_table(plans)
    return Chart(
        patient, intakes, plans, sessions, timeline, instruments, rows, older, before is not None
    )


def _position(entry: TimelineEntry) -> tuple[dt.date, int, int]:
    return (entry.day, _KIND_ORDER[entry.kind], entry.record.pk)


def _older(qs: QuerySet[Any], field: str, kind: str, before: Cursor | None) -> QuerySet[Any]:
    """Rows ordered by timeline position, newest first, below the cursor's position.
    ``field`` is a date, or a moment whose day in the current time zone is the entry's."""
    day = F(field) if field == "date" else TruncDate(field, tzinfo=timezone.get_current_timezone())
    qs = qs.annotate(day=day).order_by("-day", "-pk")
    if before is None:
        return qs
    rank = _KIND_ORDER[kind]
    if rank > before.kind:
        same_day = Q(pk__in=[])
    elif rank < before.kind:
        same_day = Q()
    else:
        same_day = Q(pk__lt=before.pk)
    return qs.filter(Q(day__lt=before.day) | (Q(day=before.day) & same_day))


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
