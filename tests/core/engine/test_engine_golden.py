"""Golden cases: each contract example intake in, the plan facts a clinician relies on out.

The intakes are the contract examples (copied into ``examples/``); the expected facts
live in ``tests/golden/<example>.expect.json``. Every fact in an expectation file is its own
test case, so a failure names the example and the fact. An example without expectations, an
expectation without its example, or an expectation key no checker knows all fail.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from acuplan.core.intake import parse_intake
from acuplan.core.knowledge import default_knowledge
from acuplan.core.plan import assess_and_plan, plan_json

REPO = Path(__file__).resolve().parents[3]
# The repo's copy of shared/contracts/examples (tests/test_examples.py keeps them in sync).
EXAMPLES = REPO / "examples"
GOLDEN = REPO / "tests" / "golden"
AS_OF = date(2026, 11, 21)
KB = default_knowledge()

Plan = dict[str, Any]
Check = Callable[[Plan, Any], None]


@cache
def plan_for(name: str) -> Plan:
    intake = parse_intake(json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8")))
    return plan_json(assess_and_plan(intake, knowledge=KB, as_of=AS_OF))


def _names(folder: Path, suffix: str) -> set[str]:
    return {p.name.removesuffix(suffix) for p in folder.glob(f"*{suffix}")}


def _expectations(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((GOLDEN / f"{name}.expect.json").read_text("utf-8"))
    return data


# --- the facts -------------------------------------------------------------------------------


def _codes(plan: Plan) -> set[str]:
    return {f"{c['system']}|{c['code']}" for c in plan["classification"]["codes"]}


def _rx(plan: Plan) -> Plan:
    assert plan["prescription"] is not None, "expected a prescription, got none"
    rx: Plan = plan["prescription"]
    return rx


def _course(plan: Plan) -> Plan:
    assert plan["course"] is not None, "expected a course, got none"
    course: Plan = plan["course"]
    return course


def _points(plan: Plan) -> dict[str, Plan]:
    return {p["code"]: p for p in _rx(plan)["points"]}


def check_decision(plan: Plan, want: str) -> None:
    assert plan["triage"]["decision"] == want


def check_reasons_present(plan: Plan, want: list[str]) -> None:
    got = [r["code"] for r in plan["triage"]["reasons"]]
    assert set(want) <= set(got), f"missing reasons {set(want) - set(got)}; got {got}"
    if not want:
        assert got == [], f"expected no triage reasons, got {got}"


def check_referrals(plan: Plan, want: list[str]) -> None:
    got = sorted(r["code"] for r in plan["triage"]["referrals"])
    assert got == sorted(want)


def check_referral_urgency(plan: Plan, want: dict[str, str]) -> None:
    got = {r["code"]: r["urgency"] for r in plan["triage"]["referrals"]}
    for code, urgency in want.items():
        assert got.get(code) == urgency, f"{code}: urgency {got.get(code)!r}, want {urgency!r}"


def check_duration_category(plan: Plan, want: str) -> None:
    assert plan["classification"]["duration_category"] == want


def check_pain_types(plan: Plan, want: list[str]) -> None:
    assert sorted(plan["classification"]["pain_types"]) == sorted(want)


def check_codes_present(plan: Plan, want: list[str]) -> None:
    missing = set(want) - _codes(plan)
    assert not missing, f"codes missing: {sorted(missing)}; got {sorted(_codes(plan))}"


def check_codes_absent(plan: Plan, want: list[str]) -> None:
    wrong = set(want) & _codes(plan)
    assert not wrong, f"codes that must not be assigned: {sorted(wrong)}"


def check_medications_recognised(plan: Plan, want: dict[str, list[str]]) -> None:
    assert plan["medications_recognised"] == want


def check_leading_pattern(plan: Plan, want: str | None) -> None:
    judged = plan["pattern_judgement"]["sufficient"]
    leading = plan["patterns"][0]["id"] if judged and plan["patterns"] else None
    assert leading == want, plan["pattern_judgement"]["note"]
    if want is not None and plan["prescription"] is not None:
        pattern_points = [p for p in _rx(plan)["points"] if f"pattern.{want}" in p["rules"]]
        excluded = {e["code"] for e in _rx(plan)["excluded_points"]}
        assert pattern_points or {p.code for p in KB.patterns[want].points} <= excluded, (
            "the leading pattern contributed no point and none was excluded"
        )


def check_prescription_none(plan: Plan, want: None) -> None:
    assert plan["prescription"] is None, "a prescription was made despite the triage"


def check_course_none(plan: Plan, want: None) -> None:
    assert plan["course"] is None, "a course was planned despite the triage"


def check_points_required(plan: Plan, want: list[str]) -> None:
    got = _points(plan)
    missing = [c for c in want if c not in got]
    assert not missing, f"points not prescribed: {missing}; got {sorted(got)}"


def check_points_forbidden(plan: Plan, want: list[str]) -> None:
    wrong = [c for c in want if c in _points(plan)]
    assert not wrong, f"forbidden points prescribed: {wrong}"


def check_excluded(plan: Plan, want: dict[str, list[str]]) -> None:
    got = {e["code"]: [r["rule"] for r in e["reasons"]] for e in _rx(plan)["excluded_points"]}
    for code, rules in want.items():
        assert code in got, f"{code} not listed as excluded; excluded: {sorted(got)}"
        assert set(rules) <= set(got[code]), f"{code} excluded by {got[code]}, want {rules}"
        assert code not in _points(plan), f"{code} is both excluded and prescribed"
    if not want:
        assert got == {}, f"no point should be excluded, got {got}"


def check_point_sides(plan: Plan, want: dict[str, str]) -> None:
    got = _points(plan)
    for code, side in want.items():
        assert code in got, f"{code} not prescribed"
        assert got[code]["side"] == side, f"{code} on side {got[code]['side']!r}, want {side!r}"


def check_max_points(plan: Plan, want: int) -> None:
    assert 0 < len(_rx(plan)["points"]) <= want


def _zones(code: str) -> set[str]:
    detail = KB.points[code].detail
    assert detail is not None
    return set(detail.zones)


def check_max_depth_by_zone(plan: Plan, want: dict[str, Any]) -> None:
    zones, limit = set(want["zones"]), want["depth_max_cun"]
    in_zone = [p for p in _rx(plan)["points"] if _zones(p["code"]) & zones]
    assert in_zone, "no prescribed point in the zones: the fact would hold vacuously"
    deep = [(p["code"], p["depth_max_cun"]) for p in in_zone if p["depth_max_cun"] > limit]
    assert not deep, f"deeper than {limit} cun in {sorted(zones)}: {deep}"


def check_max_depth_by_caution(plan: Plan, want: dict[str, Any]) -> None:
    kinds, limit = set(want["caution_kinds"]), want["depth_max_cun"]
    hit = [p for p in _rx(plan)["points"] if {c["kind"] for c in p["cautions"]} & kinds]
    assert hit, "no prescribed point with these cautions: the fact would hold vacuously"
    deep = [(p["code"], p["depth_max_cun"]) for p in hit if p["depth_max_cun"] > limit]
    assert not deep, f"deeper than {limit} cun with a {sorted(kinds)} caution: {deep}"


def check_no_moxibustion_in_zones(plan: Plan, want: list[str]) -> None:
    warmed = [p["code"] for p in _rx(plan)["points"] if p["moxibustion"]]
    wrong = [c for c in warmed if _zones(c) & set(want)]
    assert not wrong, f"moxibustion on points in {sorted(want)}: {wrong}"


def check_handout_opens_with(plan: Plan, want: str) -> None:
    from acuplan.core.planning.handout import patient_handout

    opening = patient_handout(KB, plan).split("\n\n")[1]
    assert want in opening, opening


def check_precautions_present(plan: Plan, want: list[str]) -> None:
    got = {p["code"] for p in _rx(plan)["precautions"]}
    assert set(want) <= got, f"precautions missing: {set(want) - got}"


def check_method(plan: Plan, want: str) -> None:
    assert _rx(plan)["technique"]["method"] == want


def check_moxibustion(plan: Plan, want: bool) -> None:
    rx = _rx(plan)
    assert rx["technique"]["moxibustion"] is want
    if not want:
        assert not [p["code"] for p in rx["points"] if p["moxibustion"]]


def check_bleeding_techniques(plan: Plan, want: bool) -> None:
    rx = _rx(plan)
    assert rx["technique"]["bleeding_techniques"] is want
    if not want:
        assert not [p["code"] for p in rx["points"] if p["bleeding"]]


def check_sessions_planned(plan: Plan, want: int) -> None:
    course = _course(plan)
    assert course["sessions_planned"] == want
    assert sum(p["sessions"] for p in course["phases"]) == want


def check_first_phase_max(plan: Plan, want: int) -> None:
    assert 0 < _course(plan)["phases"][0]["sessions_per_week"] <= want


def check_cost_per_session(plan: Plan, want: float) -> None:
    assert _course(plan)["cost"]["per_session"] == pytest.approx(want, abs=0.005)


def check_cost_total(plan: Plan, want: float) -> None:
    assert _course(plan)["cost"]["total"] == pytest.approx(want, abs=0.005)


def check_currency(plan: Plan, want: str) -> None:
    assert _course(plan)["cost"]["currency"] == want


def check_payer_eligible(plan: Plan, want: bool | None) -> None:
    assert _course(plan)["payer_eligible"] is want


def check_score(instrument: str) -> Check:
    def check(plan: Plan, want: dict[str, Any]) -> None:
        score = plan["scores"].get(instrument)
        assert score is not None, f"no {instrument} score; scores: {sorted(plan['scores'])}"
        if "total" in want:
            assert score["total"] == pytest.approx(want["total"], abs=0.005)
        if "band" in want:
            assert score["band"] == want["band"]
        # The contract puts STarT Back's psychosocial subscale and risk at the top level.
        for key in ("psychosocial", "risk"):
            if key in want:
                assert score[key] == want[key], f"{instrument}.{key}"

    return check


TOP: dict[str, Check] = {
    "decision": check_decision,
    "reasons_present": check_reasons_present,
    "referrals": check_referrals,
    "referral_urgency": check_referral_urgency,
    "duration_category": check_duration_category,
    "pain_types": check_pain_types,
    "codes_present": check_codes_present,
    "codes_absent": check_codes_absent,
    "medications_recognised": check_medications_recognised,
    "leading_pattern": check_leading_pattern,
    "handout_opens_with": check_handout_opens_with,
}
PRESCRIPTION: dict[str, Check] = {
    "points_required": check_points_required,
    "points_forbidden": check_points_forbidden,
    "excluded": check_excluded,
    "point_sides": check_point_sides,
    "max_points": check_max_points,
    "max_depth_by_zone": check_max_depth_by_zone,
    "max_depth_by_caution": check_max_depth_by_caution,
    "no_moxibustion_in_zones": check_no_moxibustion_in_zones,
    "precautions_present": check_precautions_present,
    "method": check_method,
    "moxibustion": check_moxibustion,
    "bleeding_techniques": check_bleeding_techniques,
}
COURSE: dict[str, Check] = {
    "sessions_planned": check_sessions_planned,
    "first_phase_sessions_per_week_max": check_first_phase_max,
    "cost_per_session": check_cost_per_session,
    "cost_total": check_cost_total,
    "currency": check_currency,
    "payer_eligible": check_payer_eligible,
}


def _facts(name: str) -> list[tuple[str, Check, Any]]:
    """Every (fact id, checker, expected value) in one expectation file."""
    facts: list[tuple[str, Check, Any]] = []
    for key, want in _expectations(name).items():
        if key.startswith("_"):
            continue
        if key in TOP:
            facts.append((key, TOP[key], want))
        elif key in {"prescription", "course"} and want is None:
            none_check = check_prescription_none if key == "prescription" else check_course_none
            facts.append((f"{key}=null", none_check, None))
        elif key in {"prescription", "course"}:
            table = PRESCRIPTION if key == "prescription" else COURSE
            facts += [(f"{key}.{k}", table[k], v) for k, v in want.items() if k in table]
        elif key == "scores":
            facts += [(f"scores.{k}", check_score(k), v) for k, v in want.items()]
    return facts


def _unknown_keys(name: str) -> list[str]:
    unknown: list[str] = []
    for key, want in _expectations(name).items():
        if key.startswith("_") or key in TOP or key == "scores":
            continue
        if key in {"prescription", "course"}:
            table = PRESCRIPTION if key == "prescription" else COURSE
            unknown += [f"{key}.{k}" for k in (want or {}) if k not in table]
        else:
            unknown.append(key)
    return unknown


EXAMPLE_NAMES = sorted(_names(EXAMPLES, ".json"))
EXPECTED_NAMES = sorted(_names(GOLDEN, ".expect.json"))
CASES = [
    pytest.param(name, check, want, id=f"{name}:{fact}")
    for name in sorted(set(EXAMPLE_NAMES) & set(EXPECTED_NAMES))
    for fact, check, want in _facts(name)
]


# --- the tests -------------------------------------------------------------------------------


def test_it_finds_the_shared_examples() -> None:
    assert EXAMPLES.is_dir(), f"contract examples not found at {EXAMPLES}"
    assert len(EXAMPLE_NAMES) >= 4


def test_it_has_expectations_for_every_example_and_no_orphans() -> None:
    assert set(EXAMPLE_NAMES) - set(EXPECTED_NAMES) == set(), "examples without expectations"
    assert set(EXPECTED_NAMES) - set(EXAMPLE_NAMES) == set(), "expectations without examples"


@pytest.mark.parametrize("name", EXPECTED_NAMES)
def test_it_knows_every_expectation_key(name: str) -> None:
    assert _unknown_keys(name) == []


@pytest.mark.parametrize(("name", "check", "want"), CASES)
def test_it_holds_the_golden_fact(name: str, check: Check, want: Any) -> None:
    check(plan_for(name), want)


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_it_never_assigns_a_retired_code(name: str) -> None:
    # M54.5 was deleted from ICD-10-CM on 1 October 2021; claims with it are rejected.
    retired = {f"{r.system}|{r.code}" for r in KB.retired_codes}
    assert "ICD-10-CM|M54.5" in retired
    assert _codes(plan_for(name)) & retired == set()


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_it_plans_the_same_way_twice(name: str) -> None:
    intake = parse_intake(json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8")))
    again = plan_json(assess_and_plan(intake, knowledge=KB, as_of=AS_OF))
    assert again == plan_for(name)
