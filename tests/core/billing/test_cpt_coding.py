"""CPT coding of acupuncture from the needle sets: the issue's cases and more from the
sources (billing.toml), table-driven, then the invariants as properties."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acuplan.core.billing import DaySoFar, NeedleSet, code_sets, default_rules, units_allowed
from acuplan.core.billing.cpt import Coding

M, E = "manual", "electro"


@dataclass(frozen=True)
class Case:
    why: str
    sets: list[tuple[str, int | None, int]]
    expect: list[tuple[str, int, tuple[str, ...]]]
    evaluation: str | None = None
    day: DaySoFar = field(default_factory=DaySoFar)
    says: str = ""
    """A phrase the explanation must contain."""


CASES = [
    # --- the cases ---------------------------------------------------------------
    Case("14 minutes manual: one initial unit", [(M, 14, 0)], [("97810", 1, ())]),
    Case("7 minutes: under the 8 a unit needs", [(M, 7, 0)], [], says="at least 8 minutes"),
    Case(
        "manual 15 then electro 15 (a new insertion)",
        [(M, 15, 0), (E, 15, 0)],
        [("97810", 1, ()), ("97814", 1, ())],
    ),
    Case(
        "30 minutes of retention only: nothing",
        [(M, 0, 30)],
        [],
        says="count for nothing",
    ),
    Case(
        "15 minutes face to face and 30 of retention: the retention adds nothing",
        [(M, 15, 30)],
        [("97810", 1, ())],
        says="retention without contact do not count",
    ),
    Case(
        "a second initial code the same day is refused",
        [(M, 15, 0)],
        [("97811", 1, ())],
        day=DaySoFar(minutes=15, units=1, insertions=1),
        says="second initial code the same day is refused",
    ),
    # --- the minutes table (AAC; CMS Claims Processing Manual ch. 5 sec. 20.2) -----------
    Case("8 minutes is one unit", [(M, 8, 0)], [("97810", 1, ())]),
    Case("22 minutes, two sets: still one unit", [(M, 12, 0), (M, 10, 0)], [("97810", 1, ())]),
    Case(
        "23 minutes, two sets: two units",
        [(M, 15, 0), (M, 8, 0)],
        [("97810", 1, ()), ("97811", 1, ())],
    ),
    Case(
        "38 minutes, three sets: three units",
        [(M, 15, 0), (M, 15, 0), (M, 8, 0)],
        [("97810", 1, ()), ("97811", 2, ())],
    ),
    Case(
        "15 then 7 minutes: the last 7 are not a unit",
        [(M, 15, 0), (M, 7, 0)],
        [("97810", 1, ())],
        says="fewer than the 8",
    ),
    # --- re-insertion (CPT descriptor; Collins 2012) --------------------------------------
    Case(
        "one set of 30 face-to-face minutes: no re-insertion, one unit",
        [(M, 30, 0)],
        [("97810", 1, ())],
        says="inserted again",
    ),
    # --- electrical stimulation in an increment (payer policy 2016) -----------------------
    Case("electro from the start", [(E, 15, 0)], [("97813", 1, ())]),
    Case(
        "electro in the first increment makes it 97813",
        [(M, 10, 0), (E, 10, 0)],
        [("97813", 1, ())],
    ),
    Case(
        "electro then manual",
        [(E, 15, 0), (M, 15, 0)],
        [("97813", 1, ()), ("97811", 1, ())],
    ),
    # --- the day's minutes add up (CMS ch. 5: total minutes of the day) -------------------
    Case(
        "7 minutes earlier today and 7 now: one unit, the initial one",
        [(M, 7, 0)],
        [("97810", 1, ())],
        day=DaySoFar(minutes=7, units=0, insertions=1),
    ),
    # --- minutes not recorded -------------------------------------------------------------
    Case("minutes not recorded", [(M, None, 0)], [], says="not recorded"),
    Case("no sets at all", [], [], says="No needle sets"),
    # --- E/M with modifier 25 (AAAOM) -----------------------------------------------------
    Case(
        "a separately identifiable evaluation: E/M with 25",
        [(M, 15, 0)],
        [("97810", 1, ()), ("99213", 1, ("25",))],
        evaluation="99213",
    ),
    Case(
        "an evaluation without billable acupuncture: no modifier 25",
        [(M, 5, 0)],
        [("99203", 1, ())],
        evaluation="99203",
    ),
    Case(
        "no evaluation recorded: no E/M code",
        [(M, 15, 0)],
        [("97810", 1, ())],
        says="no E/M code",
    ),
]


def _code(case: Case) -> Coding:
    sets = [NeedleSet(s, m, r) for s, m, r in case.sets]
    return code_sets(sets, evaluation=case.evaluation, rules=default_rules(), day=case.day)


@pytest.mark.parametrize("case", CASES, ids=[c.why for c in CASES])
def test_it_codes_each_case_as_the_sources_say(case: Case) -> None:
    coding = _code(case)
    assert [(x.cpt, x.units, x.modifiers) for x in coding.lines] == case.expect
    assert coding.explanation, "every coding is explained"
    if case.says:
        assert case.says in " ".join(coding.explanation)


def test_it_names_the_rules_it_applied() -> None:
    coding = _code(CASES[5])
    assert "cpt.one_initial_per_day" in coding.rules
    assert set(coding.rules) <= set(default_rules().rules)
    assert coding.rules_version == default_rules().version


def test_it_refuses_an_unknown_evaluation_code() -> None:
    with pytest.raises(ValueError, match="not an E/M code"):
        code_sets([NeedleSet(M, 15)], evaluation="12345", rules=default_rules())


@pytest.mark.parametrize(
    ("minutes", "units"),
    [(0, 0), (7, 0), (8, 1), (22, 1), (23, 2), (37, 2), (38, 3), (52, 3), (53, 4), (67, 4)],
)
def test_it_counts_units_as_the_minutes_table(minutes: int, units: int) -> None:
    assert units_allowed(minutes, default_rules()) == units


# --- properties -----------------------------------------------------------------------------

needle_set = st.builds(
    NeedleSet,
    st.sampled_from([M, E]),
    st.one_of(st.none(), st.integers(0, 90)),
    st.integers(0, 60),
)
day_of_sessions = st.lists(st.lists(needle_set, max_size=6), min_size=1, max_size=4)


def _code_day(sessions: list[list[NeedleSet]]) -> list[Coding]:
    so_far, out = DaySoFar(), []
    for sets in sessions:
        coding = code_sets(sets, evaluation=None, rules=default_rules(), day=so_far)
        so_far = coding.day
        out.append(coding)
    return out


@settings(max_examples=300, deadline=None)
@given(day_of_sessions)
def test_it_never_bills_more_units_than_the_face_to_face_minutes_allow(
    sessions: list[list[NeedleSet]],
) -> None:
    rules = default_rules()
    codings = _code_day(sessions)
    minutes = sum(s.face_to_face_minutes or 0 for sets in sessions for s in sets)
    units = sum(x.units for c in codings for x in c.lines if x.kind)
    insertions = sum(1 for sets in sessions for s in sets if (s.face_to_face_minutes or 0) > 0)
    assert units == sum(c.units for c in codings)
    assert units <= units_allowed(minutes, rules)
    assert units <= insertions
    for coding, sets in zip(codings, sessions, strict=True):
        own = sum(s.face_to_face_minutes or 0 for s in sets)
        assert coding.face_to_face_minutes == own  # retention never counts


@settings(max_examples=300, deadline=None)
@given(day_of_sessions)
def test_it_never_bills_more_than_one_initial_code_a_day(
    sessions: list[list[NeedleSet]],
) -> None:
    initial = default_rules().initial_codes
    lines = [x for c in _code_day(sessions) for x in c.lines]
    initial_units = sum(x.units for x in lines if x.cpt in initial)
    assert initial_units <= 1
    if any(x.kind for x in lines):
        assert initial_units == 1, "the first unit of a day is the initial code"
        assert next(x for x in lines if x.kind).cpt in initial
