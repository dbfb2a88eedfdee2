"""Read model of a patient's outcomes page, loaded with a constant number of queries however
many responses and sessions there are (responses and session days come back as plain
values, not model instances)."""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils import timezone

from acuplan.clinic.models import Intake, Patient, Session
from acuplan.core.knowledge import default_knowledge
from acuplan.core.outcomes.measures import improvement_needed
from acuplan.outcomes.models import (
    Appointment,
    OutcomeResponse,
    ProgressReview,
    QuestionnaireLink,
)
from acuplan.outcomes.services import baseline_response, function_instrument_for
from acuplan.outcomes.wording import KIND_LABELS

FUNCTION_LABELS = {"rmdq": "RMDQ (0-24)", "odi": "ODI (%)"}
_COLUMNS = (
    "id",
    "answered_on",
    "kind",
    "pain_nrs",
    "peg",
    "function_instrument",
    "function_score",
    "sleep_nights_disturbed",
    "sleep_quality",
    "analgesic_doses_week",
    "workdays_missed",
    "red_flags",
    "recorded_by_id",
)


@dataclass(frozen=True)
class Row:
    """One response, as the table and the plot show it."""

    id: int
    day: dt.date
    kind: str
    pain_nrs: int | None
    peg: float | None
    function_instrument: str
    function_score: float | None
    sleep_nights_disturbed: int | None
    sleep_quality: int | None
    analgesic_doses_week: int | None
    workdays_missed: int | None
    red_flags: list[str]
    by_patient: bool
    """Answered through a questionnaire link."""
    sessions_since_previous: int

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


@dataclass(frozen=True)
class Baseline:
    instrument: str
    label: str
    value: float
    needed: float | None
    """The fall from the baseline that counts as clinically important (the MCID band)."""


@dataclass(frozen=True)
class OutcomeChart:
    patient: Patient
    rows: list[Row]
    session_days: list[dt.date]
    function_instrument: str
    baselines: dict[str, Baseline]
    reviews: list[ProgressReview]
    links: list[QuestionnaireLink]
    upcoming: list[Appointment]
    new_red_flags: list[str] = field(default_factory=list)
    has_intake: bool = False
    baseline_id: int | None = None
    """The response progress is measured from (the clinician's choice or the default)."""

    def series(self, name: str) -> list[tuple[dt.date, float]]:
        """(day, value) for "pain" or "function" (the plotted instrument only)."""
        if name == "pain":
            return [(r.day, float(r.pain_nrs)) for r in self.rows if r.pain_nrs is not None]
        return [
            (r.day, r.function_score)
            for r in self.rows
            if r.function_score is not None and r.function_instrument == self.function_instrument
        ]


def load_outcomes(patient: Patient, *, recent: int = 10) -> OutcomeChart:
    values = list(
        OutcomeResponse.objects.filter(patient=patient)
        .order_by("answered_on", "id")
        .values(*_COLUMNS)
    )
    session_days = list(
        Session.objects.filter(patient=patient).order_by("date").values_list("date", flat=True)
    )
    function = next(
        (v["function_instrument"] for v in reversed(values) if v["function_instrument"]),
        None,
    ) or function_instrument_for(patient.clinic_id)
    rows = _rows(values, session_days)
    reviews = list(
        ProgressReview.objects.filter(patient=patient)
        .select_related("created_by", "settled_by")
        .order_by("-created_at", "-id")[:recent]
    )
    links = list(patient.questionnaire_links.order_by("-created_at", "-id")[:recent])
    upcoming = list(
        Appointment.objects.filter(
            patient=patient,
            status=Appointment.Status.SCHEDULED,
            starts_at__gte=timezone.now(),
        ).order_by("starts_at")[:recent]
    )
    intake = Intake.objects.filter(patient=patient).order_by("-version").first()
    known = set((intake.data.get("red_flags") or []) if intake else [])
    reported = sorted({f for r in rows for f in r.red_flags} - known)
    chart = OutcomeChart(
        patient,
        rows,
        session_days,
        function,
        {},
        reviews,
        links,
        upcoming,
        reported,
        has_intake=intake is not None,
    )
    base = baseline_response(patient)
    chart.baselines.update(_baselines(chart, base.pk if base else None))
    return replace(chart, baseline_id=base.pk if base else None)


def _rows(values: list[dict[str, Any]], session_days: list[dt.date]) -> list[Row]:
    rows: list[Row] = []
    previous: dt.date | None = None
    for v in values:
        day: dt.date = v["answered_on"]
        low = 0 if previous is None else bisect.bisect_right(session_days, previous)
        since = bisect.bisect_right(session_days, day) - low
        rows.append(
            Row(
                id=int(v["id"]),
                day=day,
                kind=str(v["kind"]),
                pain_nrs=v["pain_nrs"],
                peg=v["peg"],
                function_instrument=str(v["function_instrument"]),
                function_score=v["function_score"],
                sleep_nights_disturbed=v["sleep_nights_disturbed"],
                sleep_quality=v["sleep_quality"],
                analgesic_doses_week=v["analgesic_doses_week"],
                workdays_missed=v["workdays_missed"],
                red_flags=list(v["red_flags"] or []),
                by_patient=v["recorded_by_id"] is None,
                sessions_since_previous=since,
            )
        )
        previous = day
    return rows


def _baselines(chart: OutcomeChart, since_id: int | None) -> dict[str, Baseline]:
    """Each series' first value in the baseline response or, where that response left the
    instrument out, in the first later response that has it (rows are in answer order)."""
    kb = default_knowledge()
    ids = [r.id for r in chart.rows]
    start = ids.index(since_id) if since_id in ids else 0
    rows = chart.rows[start:]
    values = {
        "pain": next((float(r.pain_nrs) for r in rows if r.pain_nrs is not None), None),
        "function": next(
            (
                r.function_score
                for r in rows
                if r.function_score is not None
                and r.function_instrument == chart.function_instrument
            ),
            None,
        ),
    }
    out: dict[str, Baseline] = {}
    for name, instrument, label in (
        ("pain", "nrs", "Pain NRS (0-10)"),
        ("function", chart.function_instrument, FUNCTION_LABELS[chart.function_instrument]),
    ):
        value = values[name]
        if value is not None:
            needed = improvement_needed(kb.instruments[instrument], value)
            out[name] = Baseline(instrument, label, value, needed)
    return out
