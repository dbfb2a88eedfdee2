"""What the engine could not judge carries a stable key, so that a page can ask the patient
the question the vocabulary gives for it; the old ``unknowns`` texts stay as they were."""

from __future__ import annotations

from datetime import date
from typing import Any

from acuplan.core.intake import parse_intake
from acuplan.core.knowledge import default_knowledge
from acuplan.core.plan import assess_and_plan, plan_json
from acuplan.core.planning.unknowns import not_judged

KB = default_knowledge()

#: An intake that leaves out every optional field the engine says it could not judge.
SPARSE: dict[str, Any] = {
    "schema_version": "1",
    "patient": {"age_years": 30, "sex": "female"},
    "pain": {"regions": ["lower_back", "leg"], "duration_weeks": 8},
}


def test_it_keys_each_item_by_the_intake_field_it_lacks() -> None:
    keys = [u.key for u in not_judged(parse_intake(SPARSE))]
    assert keys == [
        "patient.pregnant",
        "pain.intensity_nrs",
        "pain.midline",
        "pain.leg_pain",
        "medical.needle_phobia",
        "preferences.fee_per_session",
        "preferences.payer",
        "questionnaires",
    ]
    below_knee = {**SPARSE, "pain": {**SPARSE["pain"], "leg_pain": "below_knee"}}
    keys = {u.key for u in not_judged(parse_intake(below_knee))}
    assert {"pain.leg_side", "pain.leg_path"} <= keys


def test_it_has_a_question_for_the_patient_for_every_key() -> None:
    pregnant = {**SPARSE, "patient": {**SPARSE["patient"], "pregnant": True}}
    below_knee = {**SPARSE, "pain": {**SPARSE["pain"], "leg_pain": "below_knee"}}
    keys = {
        u.key for data in (SPARSE, pregnant, below_knee) for u in not_judged(parse_intake(data))
    }
    for key in keys:
        question = KB.question(key)
        assert question is not None, key
        assert question.endswith("?"), key
    assert KB.question("pain.midline") == "Is the pain along the spine itself, or beside it?"


def test_it_keeps_the_old_unknowns_beside_the_keyed_items() -> None:
    plan = plan_json(assess_and_plan(parse_intake(SPARSE), knowledge=KB, as_of=date(2026, 1, 5)))
    assert len(plan["unknowns"]) == len(plan["not_judged"])
    for old, new in zip(plan["unknowns"], plan["not_judged"], strict=True):
        assert old.startswith(new["key"] + ": ")
        assert old.endswith(new["text"])
        assert "." not in new["text"].split()[0]  # the text itself names no field path
