"""The evidence list follows the plan: only what its statements rest on, primary sources first,
other jurisdictions' guidelines marked, and never an internal source anywhere in a plan."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from acuplan.core.intake import parse_intake
from acuplan.core.knowledge import default_knowledge
from acuplan.core.plan import assess_and_plan, plan_json
from acuplan.core.planning.handout import render_markdown

KB = default_knowledge()
AS_OF = date(2026, 11, 21)
EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
Plan = dict[str, Any]
PRIMARY = {"guideline", "standard", "textbook", "article"}


def plan(**parts: Any) -> Plan:
    data: dict[str, Any] = {
        "schema_version": "1",
        "patient": {"age_years": 45, "sex": "male"},
        "pain": {"regions": ["lower_back"], "duration_weeks": 20, "onset": "gradual"},
        "medical": {"needle_phobia": False},
    }
    for key, value in parts.items():
        data[key] = {**data[key], **value} if isinstance(data.get(key), dict) else value
    return plan_json(assess_and_plan(parse_intake(data), knowledge=KB, as_of=AS_OF))


def ids(p: Plan) -> list[str]:
    return [e["id"] for e in p["evidence"]]


DEVICE_SOURCES = {"arain2023_tens_icd", "rasmussen1988_tens", "pyatt2003_tens_icd"}


def test_it_cites_a_rules_sources_only_when_the_rule_fired() -> None:
    without = plan()
    assert not DEVICE_SOURCES & set(ids(without))
    assert "sf.cardiac_device" not in {r["code"] for r in without["triage"]["reasons"]}
    with_device = plan(medical={"needle_phobia": False, "conditions": ["pacemaker"]})
    assert set(ids(with_device)) >= DEVICE_SOURCES


def test_it_cites_the_pregnancy_guideline_only_in_pregnancy() -> None:
    assert "who1999_safety" not in ids(plan())
    pregnant = plan(patient={"age_years": 30, "sex": "female", "pregnancy_weeks": 20})
    item = next(e for e in pregnant["evidence"] if e["id"] == "who1999_safety")
    assert "II 2.1" in item["locators"]


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_it_lists_primary_sources_first_each_with_its_kind(example: Path) -> None:
    intake = parse_intake(json.loads(example.read_text(encoding="utf-8")))
    p = plan_json(assess_and_plan(intake, knowledge=KB, as_of=AS_OF))
    primary = [e["primary"] for e in p["evidence"]]
    assert primary == sorted(primary, reverse=True), "a secondary source before a primary one"
    for e in p["evidence"]:
        assert e["kind"] in PRIMARY | {"web", "repository"}
        assert e["primary"] is (
            e["kind"] in PRIMARY and (e["kind"] != "article" or bool(e["pmid"] or e["doi"]))
        )
    assert len(set(ids(p))) == len(ids(p)), "a source listed twice"


def test_it_groups_the_pages_read_under_one_item_per_source() -> None:
    p = plan()
    who = [e for e in p["evidence"] if e["id"] == "who2008"]
    prescribed = {pt["code"] for pt in p["prescription"]["points"]}
    assert len(who) == 1
    assert who[0]["isbn"] == "978-92-9061-248-7"
    assert len(who[0]["locators"]) >= len(prescribed - {"ASHI", "EX-B2"}) - 1


def test_it_puts_other_jurisdictions_guidelines_after_the_patients_own() -> None:
    us = plan()
    ev = us["evidence"]
    acp = next(i for i, e in enumerate(ev) if e["id"] == "qaseem2017")
    gba = next(i for i, e in enumerate(ev) if e["id"] == "src_gba_2006")
    assert ev[acp]["other_jurisdiction"] is None
    assert ev[gba]["other_jurisdiction"] == ["DE"]
    assert acp < gba
    uk = plan(jurisdiction="UK")
    ev = uk["evidence"]
    assert next(e for e in ev if e["id"] == "qaseem2017")["other_jurisdiction"] == ["US"]
    assert next(e for e in ev if e["id"] == "nice_ng59")["other_jurisdiction"] is None
    own = [i for i, e in enumerate(ev) if e["primary"] and e["other_jurisdiction"] is None]
    foreign = [i for i, e in enumerate(ev) if e["primary"] and e["other_jurisdiction"]]
    assert max(own) < min(foreign)


# --- internal sources are never shown -----------------------------------------------------------

INTERNAL = {s.id: s.citation for s in KB.sources.values() if s.kind == "internal"}

# Intakes that make rules and points resting on acuplan's own defaults fire.
INTERNAL_CASES = {
    "pregnancy": {"patient": {"age_years": 30, "sex": "female", "pregnancy_weeks": 10}},
    "mechanical_and_tender_points": {
        "pain": {"regions": ["lower_back"], "duration_weeks": 20, "worse_with": ["sitting"]}
    },
    "referred": {
        "pain": {"regions": ["lower_back", "leg"], "duration_weeks": 20, "leg_pain": "above_knee"}
    },
    "needle_phobia": {"medical": {"needle_phobia": True}},
    "implant_and_skin": {
        "medical": {"needle_phobia": False, "conditions": ["metal_implant", "skin_lesion_at_site"]}
    },
    "liver_qi": {
        "pain": {
            "regions": ["lower_back"],
            "duration_weeks": 20,
            "qualities": ["distending"],
            "worse_with": ["stress"],
        },
        "tcm": {"pulse": ["wiry"], "signs": ["sighing", "irritability"]},
    },
}


@pytest.mark.parametrize("parts", INTERNAL_CASES.values(), ids=list(INTERNAL_CASES))
def test_it_never_names_an_internal_source_in_a_plan(parts: dict[str, Any]) -> None:
    p = plan(**parts)
    text = json.dumps(p) + render_markdown(KB, p)
    for source_id, citation in INTERNAL.items():
        assert source_id not in text
        assert citation not in text
    assert "FACTS" not in text


def test_it_says_when_a_reason_rests_on_acuplans_own_default() -> None:
    p = plan(patient={"age_years": 30, "sex": "female", "pregnancy_weeks": 10})
    reason = next(r for r in p["triage"]["reasons"] if r["code"] == "ref.pregnancy")
    assert reason["status"] == "UNVERIFIED"
    assert "no published source was checked" in reason["source"]


def test_it_has_internal_sources_to_hide() -> None:
    # The test above would pass vacuously if no fact rested on an internal source.
    assert INTERNAL
    assert any("acuplan_policy" in r.sources for r in KB.referral_rules)
