"""Rules whose content changed to follow their primary source, each with a case where the
change fires and one where it does not (deterministic intakes)."""

from __future__ import annotations

from datetime import date
from typing import Any

from acuplan.core.intake import parse_intake
from acuplan.core.knowledge import default_knowledge
from acuplan.core.plan import assess_and_plan, plan_json

KB = default_knowledge()
AS_OF = date(2026, 11, 21)
Plan = dict[str, Any]


def plan(**parts: Any) -> Plan:
    data: dict[str, Any] = {
        "schema_version": "1",
        "patient": {"age_years": 45, "sex": "male"},
        "pain": {"regions": ["lower_back"], "duration_weeks": 20},
        "medical": {"needle_phobia": False},
        "preferences": {"techniques": ["manual"]},
    }
    for key, value in parts.items():
        data[key] = {**data[key], **value} if isinstance(data.get(key), dict) else value
    return plan_json(assess_and_plan(parse_intake(data), knowledge=KB, as_of=AS_OF))


def reasons(p: Plan) -> set[str]:
    return {r["code"] for r in p["triage"]["reasons"]}


def pain_types(p: Plan) -> set[str]:
    return set(p["classification"]["pain_types"])


# --- inflammatory back pain follows ASAS 2009 (4 of 5) -----------------------------------------

ASAS_WITHOUT_AGE = {
    "onset": "gradual",
    "better_with": ["exercise"],
    "worse_with": ["rest", "night"],
}


def test_it_calls_chronic_pain_with_four_asas_features_inflammatory() -> None:
    p = plan(
        patient={"age_years": 32},
        pain={"onset": "gradual", "better_with": ["exercise"], "worse_with": ["rest"]},
    )
    assert "inflammatory" in pain_types(p)
    assert "ref.inflammatory_features" in {r["code"] for r in p["triage"]["referrals"]}


def test_it_counts_the_onset_age_only_when_the_patient_is_under_40() -> None:
    # The intake has no age at onset: a 50-year-old needs the other four ASAS features.
    three = plan(
        patient={"age_years": 50},
        pain={"onset": "gradual", "better_with": ["exercise"], "worse_with": ["rest"]},
    )
    assert "inflammatory" not in pain_types(three)
    four = plan(patient={"age_years": 50}, pain=ASAS_WITHOUT_AGE)
    assert "inflammatory" in pain_types(four)


def test_it_no_longer_counts_morning_stiffness_or_an_age_of_44() -> None:
    # Neither is an ASAS item: the old rule called this inflammatory (4 of its 6 items).
    p = plan(
        patient={"age_years": 44},
        pain={"onset": "gradual", "worse_with": ["rest"], "morning_stiffness_minutes": 60},
    )
    assert "inflammatory" not in pain_types(p)


def test_it_reads_better_with_movement_as_the_exercise_item() -> None:
    p = plan(
        patient={"age_years": 30},
        pain={"onset": "gradual", "better_with": ["movement"], "worse_with": ["night"]},
    )
    assert "inflammatory" in pain_types(p)


def test_it_never_calls_acute_pain_inflammatory() -> None:
    p = plan(patient={"age_years": 30}, pain={"duration_weeks": 3, **ASAS_WITHOUT_AGE})
    assert "inflammatory" not in pain_types(p)


# --- known cancer with nerve symptoms is an oncological emergency (NICE CG75) -----------------


def test_it_sends_known_cancer_with_leg_tingling_to_emergency_care() -> None:
    p = plan(
        pain={
            "regions": ["lower_back", "leg"],
            "leg_pain": "below_knee",
            "leg_side": "left",
            "leg_neuro": ["tingling"],
        },
        red_flags=["history_of_cancer"],
    )
    assert p["triage"]["decision"] == "emergency"
    assert "rf.cancer_neuro" in reasons(p)
    assert p["triage"]["urgency"] == "emergency"


def test_it_keeps_known_cancer_without_nerve_symptoms_a_same_day_referral() -> None:
    p = plan(red_flags=["history_of_cancer"])
    assert p["triage"]["decision"] == "refer_before_treatment"
    assert "rf.cancer_neuro" not in reasons(p)
    assert p["triage"]["urgency"] == "urgent"


def test_it_does_not_escalate_leg_tingling_without_cancer() -> None:
    p = plan(
        pain={
            "regions": ["lower_back", "leg"],
            "leg_pain": "below_knee",
            "leg_side": "left",
            "leg_neuro": ["tingling"],
        },
    )
    assert "rf.cancer_neuro" not in reasons(p)
    assert p["prescription"] is not None


# --- age over 70 is a fragility-fracture risk (Henschke 2009) -----------------------------------

SUDDEN_SEVERE_MIDLINE = {
    "onset": "sudden",
    "midline": True,
    "intensity_nrs": 8,
    "duration_weeks": 1,
}


def test_it_suspects_a_fracture_with_sudden_severe_midline_pain_over_70() -> None:
    p = plan(patient={"age_years": 76}, pain=SUDDEN_SEVERE_MIDLINE)
    assert "rf.fragility_fracture" in reasons(p)
    assert p["prescription"] is None


def test_it_does_not_refer_everyone_over_70() -> None:
    p = plan(patient={"age_years": 76}, pain={"onset": "gradual", "intensity_nrs": 4})
    assert "rf.fragility_fracture" not in reasons(p)
    assert p["prescription"] is not None


def test_it_does_not_suspect_a_fracture_from_sudden_pain_at_60_without_a_risk_factor() -> None:
    p = plan(patient={"age_years": 60}, pain=SUDDEN_SEVERE_MIDLINE)
    assert "rf.fragility_fracture" not in reasons(p)


# --- honest wording and status ------------------------------------------------------------------


def test_it_calls_two_weaker_flags_a_conservative_default() -> None:
    p = plan(patient={"age_years": 58}, red_flags=["constant_night_pain"])
    reason = next(r for r in p["triage"]["reasons"] if r["code"] == "rf.multiple_weaker_flags")
    assert reason["status"] == "WEAK"
    assert "conservative safety default" in reason["text"]
    assert "sharply" not in reason["text"]


def test_it_warns_that_a_cardiac_device_may_react_later_and_to_the_lead_path() -> None:
    p = plan(medical={"needle_phobia": False, "conditions": ["pacemaker"]})
    text = next(
        x["text"] for x in p["prescription"]["precautions"] if x["code"] == "device.no_current"
    )
    assert "lead" in text
    assert "every session" in text


def test_it_recognises_the_uk_spelling_of_dipyridamole() -> None:
    p = plan(medical={"needle_phobia": False, "medications": ["Persantin Retard 200 mg"]})
    assert p["medications_recognised"] == {"antiplatelet": ["Persantin Retard 200 mg"]}
