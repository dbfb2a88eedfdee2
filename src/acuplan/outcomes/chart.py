"""Read model of a patient's outcomes page, loaded with a constant number of queries however
many responses and sessions there are (responses and session days come back as plain
values, not model instances)."""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
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
    older: ResponseCursor | None = None
    """The cursor of the next, older page (None on the page of the first responses)."""
    newer: bool = False
    """Whether this is an older page (a link back to the latest responses)."""
    baseline_row: tuple[int, dt.date, str] | None = None
    """(id, day, kind) of the baseline when it is on another page."""

    def series(self, name: str) -> list[tuple[dt.date, float]]:
        """(day, value) for "pain" or "function" (the plotted instrument only)."""
        if name == "pain":
            return [(r.day, float(r.pain_nrs)) for r in self.rows if r.pain_nrs is not None]
        return [
            (r.day, r.function_score)
            for r in self.rows
            if r.function_score is not None and r.function_instrument == self.function_instrument
        ]


PAGE_SIZE = 50
"""Responses a page of the outcomes table (and its plot) shows; older ones are a link away."""


@dataclass(frozen=True)
class ResponseCursor:
    """Where an older page starts: responses strictly before this one, in answer order."""

    day: dt.date
    pk: int

    def __str__(self) -> str:
        return f"{self.day.isoformat()}.{self.pk}"

    @classmethod
    def parse(cls, text: str | None) -> ResponseCursor | None:
        """None for a missing or malformed cursor (the latest page)."""
        try:
            day, pk = (text or "").split(".")
            cursor = cls(dt.date.fromisoformat(day), int(pk))
        except ValueError:
            return None
        return cursor if cursor.pk > 0 else None

    def q(self) -> Q:
        return Q(answered_on__lt=self.day) | Q(answered_on=self.day, pk__lt=self.pk)


def load_outcomes(
    patient: Patient, *, before: ResponseCursor | None = None, recent: int = 10
) -> OutcomeChart:
    """The latest ``PAGE_SIZE`` responses (or those before ``before``) with the sessions of
    their span, the baseline and its values wherever they lie, and the latest reviews,
    links and visits: a constant number of queries, each bounded."""
    responses = OutcomeResponse.objects.filter(patient=patient)
    page = responses.filter(before.q()) if before else responses
    newest_first = list(page.order_by("-answered_on", "-id").values(*_COLUMNS)[: PAGE_SIZE + 1])
    older, previous = None, None
    if len(newest_first) > PAGE_SIZE:  # the extra row is the response before the page
        previous = newest_first[PAGE_SIZE]["answered_on"]
        newest_first = newest_first[:PAGE_SIZE]
        last = newest_first[-1]
        older = ResponseCursor(last["answered_on"], int(last["id"]))
    values = newest_first[::-1]
    sessions = Session.objects.filter(patient=patient)
    if previous is not None:  # the sessions since the response before this page
        sessions = sessions.filter(date__gt=previous)
    if before is not None and values:
        sessions = sessions.filter(date__lte=values[-1]["answered_on"])
    session_days = list(sessions.order_by("date").values_list("date", flat=True))
    function = next(
        (v["function_instrument"] for v in newest_first if v["function_instrument"]), None
    )
    if function is None and older is not None:  # none on this page: the latest before it
        function = (
            responses.filter(older.q())
            .exclude(function_instrument="")
            .order_by("-answered_on", "-id")
            .values_list("function_instrument", flat=True)
            .first()
        )
    function = function or function_instrument_for(patient.clinic_id)
    rows = _rows(values, session_days, previous)
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
    flagged = (
        responses.exclude(Q(red_flags=[]) | Q(red_flags__isnull=True))
        .order_by("-answered_on", "-id")
        .values_list("red_flags", flat=True)[:200]
    )
    reported = sorted({f for flags in flagged for f in flags} - known)
    base = baseline_response(patient)
    chart = OutcomeChart(
        patient,
        rows,
        session_days,
        function,
        _baselines(responses, rows, base, function),
        reviews,
        links,
        upcoming,
        reported,
        has_intake=intake is not None,
        baseline_id=base.pk if base else None,
        older=older,
        newer=before is not None,
        baseline_row=_row_of(base, rows),
    )
    return chart


def _row_of(base: OutcomeResponse | None, rows: list[Row]) -> tuple[int, dt.date, str] | None:
    """The baseline as a choice of the baseline form, when it is not on this page."""
    if base is None or any(r.id == base.pk for r in rows):
        return None
    return (base.pk, base.answered_on, KIND_LABELS.get(base.kind, base.kind))


def _rows(
    values: list[dict[str, Any]], session_days: list[dt.date], previous: dt.date | None
) -> list[Row]:
    """``previous``: the day of the response before the first of ``values`` (None: none)."""
    rows: list[Row] = []
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


def _baselines(
    responses: QuerySet[OutcomeResponse],
    rows: list[Row],
    base: OutcomeResponse | None,
    function: str,
) -> dict[str, Baseline]:
    """Each series' value in the baseline response or, where that response left the
    instrument out, in the first later response that has it (from this page's rows when
    they hold it, else one query)."""
    if base is None:
        return {}
    kb = default_knowledge()
    ids = [r.id for r in rows]
    onward = rows[ids.index(base.pk) :] if base.pk in ids else []
    pain: float | None = None if base.pain_nrs is None else float(base.pain_nrs)
    if pain is None:
        pain = next((float(r.pain_nrs) for r in onward if r.pain_nrs is not None), None)
    score = base.function_score if base.function_instrument == function else None
    if score is None:
        score = next(
            (
                r.function_score
                for r in onward
                if r.function_score is not None and r.function_instrument == function
            ),
            None,
        )
    later = responses.filter(
        Q(answered_on__gt=base.answered_on) | Q(answered_on=base.answered_on, pk__gte=base.pk)
    ).order_by("answered_on", "id")
    if pain is None:
        value = later.filter(pain_nrs__isnull=False).values_list("pain_nrs", flat=True).first()
        pain = None if value is None else float(value)
    if score is None:
        score = (
            later.filter(function_instrument=function, function_score__isnull=False)
            .values_list("function_score", flat=True)
            .first()
        )
    out: dict[str, Baseline] = {}
    for name, instrument, label, found in (
        ("pain", "nrs", "Pain NRS (0-10)", pain),
        ("function", function, FUNCTION_LABELS[function], score),
    ):
        if found is not None:
            needed = improvement_needed(kb.instruments[instrument], float(found))
            out[name] = Baseline(instrument, label, float(found), needed)
    return out
