"""Course scheduling arithmetic (core, no database): phases to dates, the patient's weekly
maximum, clinic days, and Medicare's limits (NCD 30.3.3: 12 visits in 90 days, 8 more only
with documented improvement, at most 20 a year)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acuplan.core.knowledge import Knowledge
from acuplan.core.outcomes.schedule import (
    PayerLimits,
    PhaseSpec,
    Schedule,
    schedule_course,
)

MONDAY = dt.date(2025, 1, 6)
COURSE = [
    PhaseSpec("initial", 2.0, 6),
    PhaseSpec("every_other_week", 0.5, 2),
    PhaseSpec("monthly", 0.25, 2),
]
MEDICARE = PayerLimits("medicare", 12, 90, 8, 20)


def _offsets(schedule: Schedule) -> list[int]:
    return [(v.day - MONDAY).days for v in schedule.visits]


def test_it_spaces_a_ten_session_course_twice_weekly_then_tapers() -> None:
    schedule = schedule_course(COURSE, start=MONDAY, max_per_week=2)
    assert _offsets(schedule) == [0, 4, 7, 11, 14, 18, 32, 46, 74, 102]
    assert [v.number for v in schedule.visits] == list(range(1, 11))
    assert [v.phase for v in schedule.visits][5:7] == ["initial", "every_other_week"]
    assert schedule.held_back == []


def test_it_never_exceeds_the_patient_s_weekly_maximum() -> None:
    schedule = schedule_course(COURSE, start=MONDAY, max_per_week=1)
    assert _offsets(schedule)[:6] == [0, 7, 14, 21, 28, 35]


def test_it_keeps_to_clinic_days() -> None:
    saturday = dt.date(2025, 1, 11)
    schedule = schedule_course(COURSE, start=saturday, max_per_week=2)
    assert schedule.visits[0].day == dt.date(2025, 1, 13)  # the Monday after
    assert all(v.day.weekday() < 5 for v in schedule.visits)


def test_it_skips_the_sessions_already_given_and_counts_their_days() -> None:
    done = [MONDAY, MONDAY + dt.timedelta(days=4)]
    schedule = schedule_course(
        COURSE,
        start=MONDAY + dt.timedelta(days=5),
        max_per_week=2,
        sessions_done=2,
        prior_visits=done,
    )
    assert schedule.visits[0].number == 3
    assert len(schedule.visits) == 8
    # Saturday 11th is no clinic day, and Monday 13th keeps two visits in any 7 days.
    assert schedule.visits[0].day == dt.date(2025, 1, 13)


def test_it_holds_back_medicare_visits_beyond_twelve_without_documented_improvement() -> None:
    course = [PhaseSpec("initial", 2.0, 12), PhaseSpec("every_other_week", 0.5, 8)]
    schedule = schedule_course(course, start=MONDAY, max_per_week=2, payer=MEDICARE)
    assert len(schedule.visits) == 12
    assert [h.number for h in schedule.held_back] == list(range(13, 21))
    assert schedule.notes == [
        "Visits 13-20 not scheduled: medicare covers visits beyond 12 only with documented "
        "improvement (a responder decision on file)"
    ]


def test_it_schedules_eight_more_after_the_ninety_day_window_with_improvement() -> None:
    course = [PhaseSpec("initial", 2.0, 16), PhaseSpec("monthly", 0.25, 6)]
    schedule = schedule_course(
        course, start=MONDAY, max_per_week=2, payer=MEDICARE, improvement_documented=True
    )
    days = [v.day for v in schedule.visits]
    assert len(days) == 20
    assert sum(1 for d in days if d < MONDAY + dt.timedelta(days=90)) == 12
    assert days[12] >= MONDAY + dt.timedelta(days=90)
    assert [h.number for h in schedule.held_back] == [21, 22]
    assert "at most 20 visits a year" in schedule.held_back[0].reason


def test_it_counts_earlier_visits_of_the_course_against_medicare_s_limits() -> None:
    prior = [MONDAY + dt.timedelta(days=7 * i) for i in range(10)]
    schedule = schedule_course(
        COURSE,
        start=MONDAY + dt.timedelta(days=70),
        max_per_week=2,
        prior_visits=prior,
        payer=MEDICARE,
    )
    assert len(schedule.visits) == 2  # visits 11 and 12 of the 90-day block
    assert len(schedule.held_back) == 8


def test_it_reads_the_limits_from_the_knowledge_base(kb: Knowledge) -> None:
    assert PayerLimits.from_rule(kb.payers["medicare"]) == MEDICARE


@pytest.mark.parametrize("bad", [0, 8])
def test_it_rejects_an_impossible_weekly_maximum(bad: int) -> None:
    with pytest.raises(ValueError, match="max_per_week"):
        schedule_course(COURSE, start=MONDAY, max_per_week=bad)


def test_it_needs_a_clinic_day() -> None:
    with pytest.raises(ValueError, match="clinic_days"):
        schedule_course(COURSE, start=MONDAY, max_per_week=2, clinic_days=frozenset())


phases = st.lists(
    st.builds(
        PhaseSpec,
        st.sampled_from(["initial", "every_other_week", "monthly"]),
        st.sampled_from([3.0, 2.0, 1.0, 0.5, 0.25]),
        st.integers(1, 12),
    ),
    min_size=1,
    max_size=3,
)


@settings(max_examples=80, deadline=None)
@given(
    phases=phases,
    start=st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)),
    max_per_week=st.integers(1, 3),
    medicare=st.booleans(),
    improving=st.booleans(),
)
def test_it_keeps_every_limit_for_any_course(
    phases: list[PhaseSpec], start: dt.date, max_per_week: int, medicare: bool, improving: bool
) -> None:
    payer = MEDICARE if medicare else None
    schedule = schedule_course(
        phases,
        start=start,
        max_per_week=max_per_week,
        payer=payer,
        improvement_documented=improving,
    )
    days = [v.day for v in schedule.visits]
    total = sum(p.sessions for p in phases)
    assert len(days) + len(schedule.held_back) == total
    assert days == sorted(set(days))
    assert all(d >= start and d.weekday() < 5 for d in days)
    for d in days:
        week = [x for x in days if d <= x < d + dt.timedelta(days=7)]
        assert len(week) <= max_per_week
    if payer is None:
        assert schedule.held_back == []
        return
    assert sum(1 for d in days if d < days[0] + dt.timedelta(days=90)) <= 12 if days else True
    assert len(days) <= (20 if improving else 12)
    for d in days:
        assert sum(1 for x in days if d <= x < d + dt.timedelta(days=365)) <= 20
