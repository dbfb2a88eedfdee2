"""Responder rules and progress decisions on worked examples (Ostelo 2008, Farrar 2001)."""

from __future__ import annotations

import pytest

from acuplan.core.knowledge import Knowledge
from acuplan.core.outcomes.progress import decide_progress
from acuplan.core.outcomes.responder import assess_change


@pytest.mark.parametrize(
    ("instrument", "baseline", "current", "responder"),
    [
        ("nrs", 6, 4, True),  # 2 points
        ("nrs", 10, 8, True),  # 2 points (20%)
        ("nrs", 3, 2, True),  # 1 point but 33%
        ("nrs", 8, 7, False),  # 1 point, 12.5%
        ("rmdq", 12, 7, True),  # 5 points
        ("rmdq", 20, 16, False),  # 4 points, 20%
        ("rmdq", 10, 7, True),  # 3 points but 30%
        ("odi", 40, 30, True),  # 10 points
        ("odi", 60, 52, False),  # 8 points, 13%
        ("peg", 6.0, 5.0, True),  # 1 point
        ("peg", 6.0, 5.33, False),
    ],
)
def test_it_applies_the_published_responder_thresholds(
    kb: Knowledge, instrument: str, baseline: float, current: float, responder: bool
) -> None:
    assert assess_change(kb.instruments[instrument], baseline, current).responder is responder


def test_it_cannot_judge_relative_change_from_a_zero_baseline(kb: Knowledge) -> None:
    change = assess_change(kb.instruments["nrs"], 0, 0)
    assert change.relative is None
    assert not change.responder
    assert "baseline 0" in change.rule


def test_it_flags_worsening_by_the_mcid(kb: Knowledge) -> None:
    assert assess_change(kb.instruments["odi"], 20, 30).worsened
    assert not assess_change(kb.instruments["odi"], 20, 25).worsened


def _decide(kb: Knowledge, **kw: object) -> str:
    args: dict[str, object] = {
        "baseline": {"nrs": 7, "rmdq": 12},
        "current": {"nrs": 7, "rmdq": 12},
        "sessions_done": 6,
        "sessions_planned": 10,
    }
    args.update(kw)
    return decide_progress(kb, **args).decision  # type: ignore[arg-type]


def test_it_continues_then_tapers_a_responder(kb: Knowledge) -> None:
    assert _decide(kb, current={"nrs": 4, "rmdq": 11}) == "continue_then_taper"


def test_it_extends_the_initial_phase_once_for_a_partial_response(kb: Knowledge) -> None:
    assert _decide(kb, current={"nrs": 6, "rmdq": 10}) == "extend_initial_phase"
    assert _decide(kb, current={"nrs": 6, "rmdq": 10}, extended_already=True) == "continue"


def test_it_stops_and_refers_without_response_after_a_full_course(kb: Knowledge) -> None:
    assert _decide(kb, sessions_done=10) == "stop_and_refer"
    assert _decide(kb, sessions_done=6) == "continue"


def test_it_retriages_at_once_on_a_new_red_flag_mid_course(kb: Knowledge) -> None:
    decision = decide_progress(
        kb,
        baseline={"nrs": 7},
        current={"nrs": 3},
        sessions_done=4,
        sessions_planned=10,
        new_red_flags=["fever"],
    )
    assert decision.decision == "retriage"
    assert decision.rule == "progress.new_red_flag"


def test_it_retriages_when_worse(kb: Knowledge) -> None:
    assert _decide(kb, current={"nrs": 9, "rmdq": 12}) == "retriage"


def test_it_offers_a_booster_when_pain_returns_after_discharge(kb: Knowledge) -> None:
    assert _decide(kb, discharged=True, current={"nrs": 7, "rmdq": 12}) == "booster"
    assert _decide(kb, discharged=True, current={"nrs": 3, "rmdq": 5}) == "continue"


def test_it_shows_inputs_and_rule_with_every_decision(kb: Knowledge) -> None:
    d = decide_progress(
        kb, baseline={"odi": 40}, current={"odi": 28}, sessions_done=6, sessions_planned=10
    )
    assert d.rule == "progress.responder"
    assert d.inputs["sessions_done"] == 6
    assert d.changes[0].improvement == 12
    assert d.sources
