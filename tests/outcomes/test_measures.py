"""Validation and scoring of one outcome response (core, no database), on worked examples
from the instruments' scoring rules (instruments.toml)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acuplan.core.errors import InvalidInput
from acuplan.core.knowledge import Knowledge
from acuplan.core.outcomes.measures import improvement_needed, score_answers
from acuplan.core.outcomes.responder import assess_change


def test_it_scores_the_odi_with_missing_sections_on_the_answered_denominator(
    kb: Knowledge,
) -> None:
    # 16 points with one section missing = 16 / 45 x 100 = 35.6% (never 16 / 50 = 32%).
    m = score_answers(kb, {"odi": [3, 1, 2, 1, 2, 2, 1, None, 2, 2]})
    odi = m.scores["odi"]
    assert odi.total == 35.6
    assert odi.detail == {"sections_answered": 9, "raw_sum": 16}
    assert odi.band == "moderate disability"
    assert m.function_instrument == "odi"
    assert m.versions == {"odi": "ODI v2.1a"}


def test_it_scores_the_peg_as_a_mean_and_the_rmdq_as_a_count(kb: Knowledge) -> None:
    rmdq = [True] * 7 + [False] * 17
    m = score_answers(kb, {"peg": [6, 5, 6], "rmdq": rmdq, "pain_nrs": 0})
    assert m.total("peg") == 5.67
    assert m.total("rmdq") == 7.0
    assert m.total("nrs") == 0.0
    assert m.scores["nrs"].band == "none"


def test_it_takes_start_back_at_intake_only(kb: Knowledge) -> None:
    answers = ["agree"] * 8 + ["extremely"]
    m = score_answers(kb, {"start_back": answers}, intake=True)
    assert m.scores["start_back"].band == "high"
    with pytest.raises(InvalidInput, match="start_back: STarT Back is asked at intake only"):
        score_answers(kb, {"start_back": answers})


def test_it_names_every_bad_field_at_once(kb: Knowledge) -> None:
    with pytest.raises(InvalidInput) as caught:
        score_answers(
            kb,
            {
                "pain_nrs": 11,
                "peg": [4, None, 12],
                "rmdq": [True] * 23,
                "sleep_nights_disturbed": 8,
                "sleep_quality": "good",
                "analgesic_doses_week": -1,
                "workdays_missed": True,
                "red_flags": ["fever", "headache"],
                "mood": 3,
            },
        )
    fields = [e.field for e in caught.value.errors]
    assert fields == [
        "mood",
        "pain_nrs",
        "sleep_nights_disturbed",
        "sleep_quality",
        "analgesic_doses_week",
        "workdays_missed",
        "peg.2",
        "rmdq",
        "red_flags",
    ]


def test_it_scores_only_complete_pegs(kb: Knowledge) -> None:
    with pytest.raises(InvalidInput) as caught:
        score_answers(kb, {"peg": [4, None, 5]})
    assert [str(e) for e in caught.value.errors] == ["peg.1: answer every item (or none)"]


def test_it_rejects_an_odi_with_no_section_answered_and_both_function_scales(
    kb: Knowledge,
) -> None:
    with pytest.raises(InvalidInput, match="odi: answer at least one section"):
        score_answers(kb, {"odi": [None] * 10})
    with pytest.raises(InvalidInput, match="the RMDQ or the ODI, not both"):
        score_answers(kb, {"odi": [1] * 10, "rmdq": [False] * 24})


def test_it_needs_at_least_one_answer_and_takes_red_flags_alone(kb: Knowledge) -> None:
    with pytest.raises(InvalidInput, match="answer at least one question"):
        score_answers(kb, {"red_flags": []})
    flags_only = score_answers(kb, {"red_flags": ["fever"]})
    assert flags_only.answers == {"red_flags": ["fever"]}
    assert flags_only.scores == {}


def test_it_limits_a_link_to_the_questions_it_asks(kb: Knowledge) -> None:
    with pytest.raises(InvalidInput, match="odi: not asked for here"):
        score_answers(kb, {"odi": [1] * 10}, allowed=frozenset({"pain_nrs", "rmdq"}))


def test_it_accepts_the_digit_strings_forms_send(kb: Knowledge) -> None:
    m = score_answers(kb, {"pain_nrs": "7", "peg": ["6", "5", "6"], "workdays_missed": "2"})
    assert m.answers == {"pain_nrs": 7, "workdays_missed": 2, "peg": [6, 5, 6]}


@given(
    instrument=st.sampled_from(["nrs", "rmdq", "odi", "peg"]),
    baseline=st.integers(0, 100),
    fall=st.integers(-20, 100),
)
def test_it_draws_the_mcid_band_where_assess_change_counts_a_responder(
    kb: Knowledge, instrument: str, baseline: int, fall: int
) -> None:
    inst = kb.instruments[instrument]
    base = min(float(baseline), inst.range_max)
    current = max(inst.range_min, base - fall)
    needed = improvement_needed(inst, base)
    assert needed is not None
    responder = assess_change(inst, base, current).responder
    assert responder == (round(base - current, 4) >= needed - 1e-9)


def test_it_has_no_mcid_band_for_a_screening_tool(kb: Knowledge) -> None:
    assert improvement_needed(kb.instruments["start_back"], 5) is None
