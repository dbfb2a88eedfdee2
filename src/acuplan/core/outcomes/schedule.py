"""Course scheduling arithmetic: a plan's phases become visit dates.

Pure: the start day, the visits already made and the payer's limits are arguments; nothing
here reads the clock. Invariants, whatever the inputs:

- visits fall on clinic days (Monday-Friday unless told otherwise), one a day at most;
- no 7-day window holds more visits than the patient's maximum per week (the intake's
  ``preferences.max_sessions_per_week``), counting the visits already made;
- under a payer's limits (Medicare NCD 30.3.3: 12 visits in 90 days, 8 more only with
  documented improvement, at most 20 a year) a visit that would break a limit is held back
  with the reason, never silently dropped. "A year" is read as any 365-day window, the
  strictest reading (it also satisfies a calendar-year or a 12-month reading).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from acuplan.core.knowledge import models as km

WEEKDAYS = frozenset({0, 1, 2, 3, 4})
"""Monday-Friday (``date.weekday()`` numbers)."""
WINDOW_DAYS = 7
YEAR_DAYS = 365
_SEARCH_DAYS = 3 * YEAR_DAYS
"""A guard: a valid day is always found within a week or a payer window; never reached."""


@dataclass(frozen=True, slots=True)
class PhaseSpec:
    """One phase of a course (``plan.course.phases``): a frequency and a session count."""

    name: str
    sessions_per_week: float
    sessions: int


@dataclass(frozen=True, slots=True)
class PayerLimits:
    name: str
    initial_visits: int
    initial_window_days: int
    additional_visits_if_improving: int
    max_visits_per_year: int

    @classmethod
    def from_rule(cls, rule: km.PayerRule) -> PayerLimits:
        return cls(
            rule.id,
            rule.initial_visits,
            rule.initial_window_days,
            rule.additional_visits_if_improving,
            rule.max_visits_per_year,
        )


@dataclass(frozen=True, slots=True)
class Visit:
    number: int
    """Position in the whole course, from 1 (visits already made count)."""
    day: dt.date
    phase: str


@dataclass(frozen=True, slots=True)
class HeldBack:
    number: int
    phase: str
    reason: str


@dataclass(frozen=True, slots=True)
class Schedule:
    visits: list[Visit]
    held_back: list[HeldBack] = field(default_factory=list)

    @property
    def notes(self) -> list[str]:
        """One line per reason visits were held back, naming the visit numbers."""
        by_reason: dict[str, list[int]] = {}
        for h in self.held_back:
            by_reason.setdefault(h.reason, []).append(h.number)
        return [f"Visits {_span(nums)} not scheduled: {why}" for why, nums in by_reason.items()]


def _span(numbers: list[int]) -> str:
    return str(numbers[0]) if len(numbers) == 1 else f"{numbers[0]}-{numbers[-1]}"


def gap_days(phase: PhaseSpec, max_per_week: int) -> float:
    """Days between visits in a phase: 7 / visits a week, never more often than allowed."""
    per_week = min(phase.sessions_per_week, float(max_per_week))
    if per_week <= 0:
        raise ValueError(f"phase {phase.name!r} has no sessions a week")
    return WINDOW_DAYS / per_week


def schedule_course(
    phases: Sequence[PhaseSpec],
    *,
    start: dt.date,
    max_per_week: int,
    sessions_done: int = 0,
    prior_visits: Iterable[dt.date] = (),
    payer: PayerLimits | None = None,
    improvement_documented: bool = False,
    clinic_days: frozenset[int] = WEEKDAYS,
) -> Schedule:
    """Dates for the sessions not yet given, the first on or after ``start``.

    ``sessions_done`` sessions of the course are skipped (in phase order); ``prior_visits``
    are the days of visits already made in this course, which count towards the weekly and
    payer limits. Raises ValueError for a maximum outside 1-7 or no clinic days.
    """
    if not 1 <= max_per_week <= WINDOW_DAYS:
        raise ValueError("max_per_week must be 1-7")
    if not clinic_days or not clinic_days <= set(range(7)):
        raise ValueError("clinic_days must name at least one weekday (0-6)")
    placed = sorted(prior_visits)
    first_day = placed[0] if placed else None
    visits: list[Visit] = []
    held: list[HeldBack] = []
    ideal = 0.0
    steps = _steps(phases, max_per_week)[sessions_done:]
    for i, (name, gap) in enumerate(steps):
        number = sessions_done + i + 1
        ideal = ideal + gap if i else 0.0
        if held:  # once one visit is held back, every later one is too
            nth = len(placed) + len(held) + 1
            held.append(HeldBack(number, name, _reason(payer, nth, held[-1].reason)))
            continue
        earliest = start + dt.timedelta(days=math.floor(ideal + 0.5))
        if visits:
            earliest = max(earliest, visits[-1].day + dt.timedelta(days=1))
        if payer is not None:
            why = _payer_block(payer, len(placed) + 1, improvement_documented)
            if why:
                held.append(HeldBack(number, name, why))
                continue
            if len(placed) >= payer.initial_visits:
                # Visits beyond the first block come after its 90-day window.
                window_end = (first_day or earliest) + dt.timedelta(days=payer.initial_window_days)
                earliest = max(earliest, window_end)
        day = _first_free_day(earliest, placed, max_per_week, clinic_days, payer)
        if day is None:
            held.append(HeldBack(number, name, _year_cap(payer)))
            continue
        visits.append(Visit(number, day, name))
        placed.append(day)
        first_day = first_day or day
    return Schedule(visits, held)


def _steps(phases: Sequence[PhaseSpec], max_per_week: int) -> list[tuple[str, float]]:
    """(phase name, days since the previous visit) for every session of the course."""
    return [(p.name, gap_days(p, max_per_week)) for p in phases for _ in range(p.sessions)]


def _payer_block(payer: PayerLimits, nth: int, improvement_documented: bool) -> str | None:
    if nth > payer.initial_visits + payer.additional_visits_if_improving:
        return _year_cap(payer)
    if nth > payer.initial_visits and not improvement_documented:
        return (
            f"{payer.name} covers visits beyond {payer.initial_visits} only with documented "
            "improvement (a responder decision on file)"
        )
    return None


def _year_cap(payer: PayerLimits | None) -> str:
    limit = payer.max_visits_per_year if payer else 0
    name = payer.name if payer else "the payer"
    return f"{name} covers at most {limit} visits a year"


def _reason(payer: PayerLimits | None, nth: int, previous: str) -> str:
    if payer is not None and nth > payer.initial_visits + payer.additional_visits_if_improving:
        return _year_cap(payer)
    return previous


def _first_free_day(
    earliest: dt.date,
    placed: list[dt.date],
    max_per_week: int,
    clinic_days: frozenset[int],
    payer: PayerLimits | None,
) -> dt.date | None:
    """The first clinic day on or after ``earliest`` that keeps every limit, or None when the
    payer's yearly cap is reached for good within the search horizon."""
    day = earliest
    for _ in range(_SEARCH_DAYS):
        if (
            day.weekday() in clinic_days
            and day not in placed
            and _count_within(placed, day, WINDOW_DAYS) < max_per_week
            and (payer is None or _count_within(placed, day, YEAR_DAYS) < payer.max_visits_per_year)
        ):
            return day
        day += dt.timedelta(days=1)
    return None


def most_within(placed: Iterable[dt.date], day: dt.date, days: int) -> int:
    """The most of ``placed`` in any ``days``-long window that contains ``day`` (the check
    a single booking makes against the weekly maximum and the payer's year)."""
    return _count_within(list(placed), day, days)


def _count_within(placed: list[dt.date], day: dt.date, days: int) -> int:
    """The most visits in any ``days``-long window that contains ``day``."""
    near = [d for d in placed if abs((d - day).days) < days]
    best = 0
    for offset in range(days if near else 0):
        low = day - dt.timedelta(days=offset)
        high = low + dt.timedelta(days=days - 1)
        best = max(best, sum(1 for d in near if low <= d <= high))
    return best
