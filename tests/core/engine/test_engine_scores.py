"""Questionnaire scores: worked examples through the whole engine (intake in, plan JSON out).

Each case targets a known trap: the ODI denominator with missing sections, the STarT Back
psychosocial subscale (items 5-9, not the 1, 4, 7, 8, 9 a mirror lists), item 9's scoring,
PEG as a mean rather than a sum, and MCIDs read from the knowledge base.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from acuplan.core.intake import parse_intake
from acuplan.core.knowledge import default_knowledge
from acuplan.core.plan import assess_and_plan, plan_json

KB = default_knowledge()
AS_OF = date(2026, 11, 21)


def scores(**questionnaires: Any) -> dict[str, Any]:
    intake = {
        "schema_version": "1",
        "patient": {"age_years": 40, "sex": "male"},
        "pain": {"regions": ["lower_back"], "duration_weeks": 20},
        "questionnaires": questionnaires,
    }
    plan = plan_json(assess_and_plan(parse_intake(intake), knowledge=KB, as_of=AS_OF))
    out: dict[str, Any] = plan["scores"]
    return out


def start_back(agreed: set[int], bother: str) -> dict[str, Any]:
    """STarT Back with the given items (1-8) agreed and item 9 answered ``bother``."""
    answers = ["agree" if i in agreed else "disagree" for i in range(1, 9)] + [bother]
    score: dict[str, Any] = scores(start_back=answers)["start_back"]
    return score


# --- Oswestry Disability Index -----------------------------------------------------------------


def test_it_scores_odi_with_one_section_missing_on_the_answered_sections() -> None:
    # 16 points over 9 answered sections: 16 / 45 x 100 = 35.6 % (not 16 / 50 = 32 %).
    odi = scores(odi=[3, 1, 2, 1, 2, 2, 1, None, 2, 2])["odi"]
    assert odi["total"] == pytest.approx(35.6, abs=0.05)
    assert odi["band"] == "moderate disability"
    assert odi["detail"]["sections_answered"] == 9


def test_it_scores_odi_with_every_section_answered_out_of_fifty() -> None:
    odi = scores(odi=[2, 3, 1, 4, 0, 2, 3, 1, 2, 2])["odi"]
    assert odi["total"] == pytest.approx(40.0)  # 20 / 50
    assert odi["band"] == "moderate disability"


def test_it_scores_odi_at_both_ends_of_the_scale() -> None:
    assert scores(odi=[0] * 10)["odi"]["total"] == 0
    assert scores(odi=[5] * 10)["odi"]["total"] == pytest.approx(100.0)
    assert scores(odi=[5] * 10)["odi"]["band"] != scores(odi=[0] * 10)["odi"]["band"]


def test_it_marks_an_odi_with_no_section_answered_not_scorable() -> None:
    odi = scores(odi=[None] * 10)["odi"]
    assert odi["scorable"] is False
    assert odi["total"] is None
    assert "10 of 10 sections unanswered" in odi["reason"]


def test_it_marks_an_odi_with_more_than_two_sections_missing_not_scorable() -> None:
    # Three sections unanswered: never a number, above all never 100% ("bed-bound").
    odi = scores(odi=[5, 5, 5, 5, 5, 5, 5, None, None, None])["odi"]
    assert odi["scorable"] is False
    assert odi["total"] is None
    assert odi["band"] is None
    assert "3 of 10" in odi["reason"]


def test_it_still_scores_an_odi_with_two_sections_missing() -> None:
    odi = scores(odi=[2, 2, 2, 2, 2, 2, 2, 2, None, None])["odi"]
    assert odi["scorable"] is True
    assert odi["total"] == pytest.approx(40.0)


@pytest.mark.parametrize(
    ("sections", "percent", "band"),
    [
        pytest.param([2] * 5 + [0] * 5, 20.0, "minimal disability", id="20%-minimal"),
        pytest.param([1] * 9 + [None], 20.0, "minimal disability", id="20%-of-9-minimal"),
        pytest.param([1] * 8 + [None] * 2, 20.0, "minimal disability", id="20%-of-8-minimal"),
        pytest.param([2] * 5 + [1] + [0] * 4, 22.0, "moderate disability", id="22%-moderate"),
        pytest.param([1] * 8 + [2] + [None], 22.2, "moderate disability", id="22.2%-moderate"),
        pytest.param([4] * 5 + [0] * 5, 40.0, "moderate disability", id="40%-moderate"),
        pytest.param([4] * 5 + [1] + [0] * 4, 42.0, "severe disability", id="42%-severe"),
    ],
)
def test_it_bands_odi_at_the_boundaries(
    sections: list[int | None], percent: float, band: str
) -> None:
    odi = scores(odi=sections)["odi"]
    assert odi["total"] == pytest.approx(percent, abs=0.05)
    assert odi["band"] == band


def _odi_responses() -> list[tuple[int, int]]:
    """Every reachable, scorable (sections answered, raw sum) pair: at most two sections
    missing."""
    return [(n, total) for n in range(8, 11) for total in range(5 * n + 1)]


def test_it_bands_every_possible_odi_response_on_its_whole_percent() -> None:
    # The bands are whole-percent ranges (0-20, 21-40 ...) with gaps between them: every
    # reachable score must land in exactly one band, read on the rounded percent.
    bands = KB.instruments["odi"].bands
    for n, total in _odi_responses():
        sections = [min(5, max(0, total - 5 * i)) for i in range(n)] + [None] * (10 - n)
        assert sum(s for s in sections if s is not None) == total
        odi = scores(odi=sections)["odi"]
        percent = total / (5 * n) * 100
        assert odi["total"] == pytest.approx(percent, abs=0.05), (n, total)
        want = [b.label for b in bands if b.min <= round(odi["total"]) <= b.max]
        assert len(want) == 1, (n, total, odi["total"])
        assert odi["band"] == want[0], (n, total, odi["total"])


# --- Keele STarT Back ------------------------------------------------------------------------


def test_it_takes_the_psychosocial_subscale_from_items_5_to_9() -> None:
    # Items 1, 4, 7, 8 agreed and item 9 "extremely": subscale = items 7, 8, 9 = 3.
    # The wrong mirror (items 1, 4, 7, 8, 9) would give 5 and call the patient high risk.
    score = start_back({1, 4, 7, 8}, "extremely")
    assert score["total"] == 5
    assert score["psychosocial"] == 3
    assert score["band"] == "medium"


@pytest.mark.parametrize(
    ("agreed", "bother", "total", "psychosocial", "risk"),
    [
        pytest.param(set(), "not_at_all", 0, 0, "low", id="none-low"),
        pytest.param({5, 6, 7}, "slightly", 3, 3, "low", id="total-3-low"),
        pytest.param({1, 2, 3, 4}, "not_at_all", 4, 0, "medium", id="total-4-sub-0-medium"),
        pytest.param({1, 2, 5, 6}, "very_much", 5, 3, "medium", id="sub-3-medium"),
        pytest.param({5, 6, 7, 8}, "not_at_all", 4, 4, "high", id="sub-4-high"),
        pytest.param(set(range(1, 9)), "extremely", 9, 5, "high", id="all-high"),
    ],
)
def test_it_groups_start_back_risk(
    agreed: set[int], bother: str, total: int, psychosocial: int, risk: str
) -> None:
    score = start_back(agreed, bother)
    # The contract puts total, psychosocial and risk at the top level of the entry.
    assert (score["total"], score["psychosocial"], score["risk"]) == (total, psychosocial, risk)
    assert score["band"] == risk


@pytest.mark.parametrize(
    ("bother", "points"),
    [("not_at_all", 0), ("slightly", 0), ("moderately", 0), ("very_much", 1), ("extremely", 1)],
)
def test_it_scores_item_9_only_for_very_much_or_extremely(bother: str, points: int) -> None:
    # With items 5, 6, 7 agreed the subscale sits at 3: item 9 alone decides low or high.
    score = start_back({5, 6, 7}, bother)
    assert score["total"] == 3 + points
    assert score["psychosocial"] == 3 + points
    assert score["band"] == ("high" if points else "low")


# --- PEG, RMDQ, NRS ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "mean"),
    [([6, 5, 6], 5.67), ([0, 0, 0], 0.0), ([10, 10, 10], 10.0), ([1, 2, 2], 1.67)],
)
def test_it_scores_peg_as_the_mean_not_the_sum(answers: list[int], mean: float) -> None:
    peg = scores(peg=answers)["peg"]
    assert peg["total"] == pytest.approx(mean, abs=0.005)
    assert peg["total"] <= 10


@pytest.mark.parametrize("count", [0, 1, 10, 24])
def test_it_scores_rmdq_as_the_number_of_statements_that_apply(count: int) -> None:
    answers = [i % 24 < count for i in range(7, 31)]  # ticks spread, not just the first ones
    assert sum(answers) == count
    assert scores(rmdq=answers)["rmdq"]["total"] == count


def test_it_scores_only_the_questionnaires_given() -> None:
    assert set(scores()) == set()
    assert set(scores(peg=[1, 1, 1])) == {"peg"}


# --- minimal clinically important differences --------------------------------------------------


@pytest.mark.parametrize(
    ("instrument", "points", "percent"),
    [("rmdq", 5.0, 30.0), ("odi", 10.0, 30.0), ("nrs", 2.0, 30.0), ("peg", 1.0, None)],
)
def test_it_takes_mcids_from_the_knowledge_base(
    instrument: str, points: float, percent: float | None
) -> None:
    inst = KB.instruments[instrument]
    assert (inst.mcid_points, inst.mcid_percent) == (points, percent)
    assert inst.mcid_sources
    assert all(KB.has_source(s) for s in inst.mcid_sources)
    intake_values = {
        "rmdq": {"rmdq": [True] * 12 + [False] * 12},
        "odi": {"odi": [2] * 10},
        "peg": {"peg": [5, 5, 5]},
        "nrs": {},
    }[instrument]
    got = scores(**intake_values) if instrument != "nrs" else _nrs_scores(6)
    assert got[instrument]["mcid"]["points"] == points
    assert got[instrument]["mcid"]["percent"] == percent


def _nrs_scores(nrs: int) -> dict[str, Any]:
    intake = {
        "schema_version": "1",
        "patient": {"age_years": 40},
        "pain": {"regions": ["lower_back"], "duration_weeks": 20, "intensity_nrs": nrs},
    }
    plan = plan_json(assess_and_plan(parse_intake(intake), knowledge=KB, as_of=AS_OF))
    out: dict[str, Any] = plan["scores"]
    return out


@pytest.mark.parametrize(
    ("nrs", "band"), [(0, "none"), (3, "mild"), (4, "moderate"), (7, "severe")]
)
def test_it_scores_pain_intensity_as_given(nrs: int, band: str) -> None:
    score = _nrs_scores(nrs)["nrs"]
    assert (score["total"], score["band"]) == (nrs, band)
