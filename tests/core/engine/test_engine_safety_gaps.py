"""The clinical safety gaps a senior acupuncturist and a GP found, each with a case where the
fix fires and one where it does not (deterministic intakes)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from acuplan.core.errors import InvalidIntake
from acuplan.core.intake import parse_intake
from acuplan.core.knowledge import default_knowledge
from acuplan.core.plan import assess_and_plan, plan_json
from acuplan.core.planning.handout import patient_handout

KB = default_knowledge()
AS_OF = date(2026, 11, 21)
Plan = dict[str, Any]


def intake(**parts: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "schema_version": "1",
        "patient": {"age_years": 45, "sex": "female"},
        "pain": {"regions": ["lower_back"], "duration_weeks": 20, "onset": "gradual"},
        "medical": {"needle_phobia": False},
        "preferences": {"techniques": ["manual"]},
    }
    for key, value in parts.items():
        data[key] = {**data[key], **value} if isinstance(data.get(key), dict) else value
    return data


def plan(**parts: Any) -> Plan:
    return plan_json(assess_and_plan(parse_intake(intake(**parts)), knowledge=KB, as_of=AS_OF))


def codes(p: Plan) -> set[str]:
    return {x["code"] for x in p["prescription"]["points"]} if p["prescription"] else set()


def reasons(p: Plan) -> set[str]:
    return {r["code"] for r in p["triage"]["reasons"]}


def referrals(p: Plan) -> dict[str, str]:
    return {r["code"]: r["urgency"] for r in p["triage"]["referrals"]}


def opening(p: Plan) -> str:
    return patient_handout(KB, p).split("\n\n")[1]


DAMP_HEAT = {
    "tongue_body": "red",
    "tongue_coat": "yellow_greasy",
    "pulse": ["rapid", "slippery"],
    "signs": ["dark_scanty_urine"],
}
KIDNEY_YANG = {
    "tongue_body": "pale",
    "pulse": ["deep", "slow", "weak"],
    "signs": ["cold_limbs", "aversion_to_cold", "sore_weak_knees", "frequent_pale_urination"],
}


# --- 1. A week count means pregnant ------------------------------------------------------------


def test_it_treats_a_week_count_alone_as_pregnancy() -> None:
    p = plan(patient={"age_years": 30, "sex": "female", "pregnancy_weeks": 20}, tcm=DAMP_HEAT)
    assert "pregnant" in p["findings"]
    assert "sf.pregnancy" in reasons(p)
    assert "SP6" not in codes(p)
    assert "SP6" in {e["code"] for e in p["prescription"]["excluded_points"]}


def test_it_prescribes_sp6_when_not_pregnant() -> None:
    p = plan(tcm=DAMP_HEAT)
    assert "pregnant" not in p["findings"]
    assert "SP6" in codes(p)


def test_it_rejects_a_week_count_with_pregnant_false() -> None:
    with pytest.raises(InvalidIntake, match="pregnancy_weeks"):
        parse_intake(intake(patient={"age_years": 30, "pregnant": False, "pregnancy_weeks": 20}))


# --- 2. No moxibustion on the lower back or abdomen in pregnancy ---------------------------


def _warmed(p: Plan) -> set[str]:
    return {x["code"] for x in p["prescription"]["points"] if x["moxibustion"]}


def test_it_warms_kidney_yang_points_when_not_pregnant() -> None:
    p = plan(tcm=KIDNEY_YANG)
    assert p["patterns"][0]["id"] == "kidney_yang_deficiency"
    assert {"GV4", "BL52"} & _warmed(p)
    assert p["prescription"]["technique"]["moxibustion"] is True


@pytest.mark.parametrize("weeks", [8, 24, 38])
def test_it_never_warms_the_lower_back_or_abdomen_in_pregnancy(weeks: int) -> None:
    p = plan(patient={"age_years": 30, "pregnant": True, "pregnancy_weeks": weeks}, tcm=KIDNEY_YANG)
    warmed = _warmed(p)
    for code in warmed:
        zones = set(KB.prescribable(code).zones)
        assert not zones & {"lumbar", "renal", "sacral", "lower_abdomen", "upper_abdomen"}, code
    assert not {"BL23", "GV4", "BL52", "GV3", "CV4"} & codes(p)


# --- 3. Sciatica in both legs ---------------------------------------------------------------


def test_it_treats_sciatica_in_both_legs_as_a_cauda_equina_emergency() -> None:
    # The sources disagree on pain alone; acuplan keeps the conservative (emergency) reading
    # and the plan shows the disagreement as the rule's status.
    p = plan(pain={"regions": ["lower_back", "leg"], "leg_pain": "below_knee", "leg_side": "both"})
    assert p["triage"]["decision"] == "emergency"
    assert "rf.bilateral_sciatica" in reasons(p)
    status = {r["code"]: r["status"] for r in p["triage"]["reasons"]}
    assert status["rf.bilateral_sciatica"] == "CONFLICT"
    assert p["prescription"] is None


def test_it_names_cauda_equina_not_bilateral_sciatica_when_a_sphincter_sign_is_there() -> None:
    p = plan(
        pain={"regions": ["lower_back", "leg"], "leg_pain": "below_knee", "leg_side": "both"},
        red_flags=["urinary_retention"],
    )
    assert reasons(p) >= {"rf.cauda_equina"}
    assert "rf.bilateral_sciatica" not in reasons(p)


def test_it_plans_one_sided_sciatica() -> None:
    p = plan(pain={"regions": ["lower_back", "leg"], "leg_pain": "below_knee", "leg_side": "left"})
    assert not {"rf.cauda_equina", "rf.bilateral_sciatica"} & reasons(p)
    assert p["prescription"] is not None


# --- 4. Fragility fracture ---------------------------------------------------------------------


def test_it_suspects_a_fracture_after_a_fall_with_osteoporosis_at_any_age() -> None:
    p = plan(
        patient={"age_years": 52},
        pain={"duration_weeks": 1, "onset": "injury"},
        red_flags=["osteoporosis"],
    )
    assert p["triage"]["decision"] == "refer_before_treatment"
    assert referrals(p)["rf.fragility_fracture"] == "urgent"
    assert p["prescription"] is None  # no needling while the patient moves the waist


def test_it_suspects_a_fracture_with_sudden_severe_midline_pain_on_a_steroid() -> None:
    p = plan(
        pain={"duration_weeks": 1, "onset": "sudden", "midline": True, "intensity_nrs": 8},
        medical={"medications": ["triamcinolone 4 mg"]},
    )
    assert "rf.fragility_fracture" in reasons(p)


def test_it_does_not_suspect_a_fracture_from_osteoporosis_alone() -> None:
    p = plan(red_flags=["osteoporosis"])
    assert "rf.fragility_fracture" not in reasons(p)
    assert p["prescription"] is not None


def test_it_suspects_a_fracture_after_any_injury_over_65() -> None:
    p = plan(patient={"age_years": 70}, pain={"duration_weeks": 2, "onset": "injury"})
    assert "rf.older_injury" in reasons(p)
    p = plan(patient={"age_years": 60}, pain={"duration_weeks": 2, "onset": "injury"})
    assert "rf.older_injury" not in reasons(p)


# --- 5. Chest pain with upper back pain ----------------------------------------------------------


def test_it_sends_sudden_back_and_chest_pain_to_the_emergency_department() -> None:
    p = plan(
        patient={"age_years": 68, "sex": "male"},
        pain={
            "regions": ["upper_back"],
            "duration_weeks": 0.5,
            "onset": "sudden",
            "worse_with": ["activity"],
        },
        red_flags=["chest_or_abdominal_pain"],
    )
    assert p["triage"]["decision"] == "emergency"
    assert referrals(p)["rf.chest_pain_acute"] == "emergency"
    assert "mechanical" not in p["classification"]["pain_types"]
    assert p["prescription"] is None
    assert "Go to an emergency department now" in opening(p)


def test_it_sends_gradual_back_and_chest_pain_to_a_doctor_today() -> None:
    p = plan(
        pain={"regions": ["upper_back"], "worse_with": ["activity"]},
        red_flags=["chest_or_abdominal_pain"],
    )
    assert p["triage"]["decision"] == "refer_before_treatment"
    assert referrals(p)["rf.chest_or_abdominal_pain"] == "urgent"
    assert "mechanical" not in p["classification"]["pain_types"]
    assert "today" in opening(p)


def test_it_calls_exertional_back_pain_without_chest_pain_mechanical() -> None:
    p = plan(pain={"regions": ["upper_back"], "worse_with": ["activity"]})
    assert "mechanical" in p["classification"]["pain_types"]
    assert p["prescription"] is not None


# --- 6. Children -------------------------------------------------------------------------------


@pytest.mark.parametrize("age", [4, 10, 15])
def test_it_never_plans_acupuncture_for_a_child_under_16(age: int) -> None:
    p = plan(patient={"age_years": age, "sex": "male", "pregnant": None})
    assert p["triage"]["decision"] == "refer_before_treatment"
    assert "rf.child" in reasons(p)
    assert p["prescription"] is None


def test_it_asks_for_a_guardians_consent_at_17_but_not_at_18() -> None:
    at_17 = plan(patient={"age_years": 17})
    assert "consent.guardian" in {x["code"] for x in at_17["prescription"]["precautions"]}
    at_18 = plan(patient={"age_years": 18})
    assert "consent.guardian" not in {x["code"] for x in at_18["prescription"]["precautions"]}


# --- 7. Urgency in words -------------------------------------------------------------------------


def test_it_tells_a_feverish_immunosuppressed_patient_to_see_a_doctor_today() -> None:
    p = plan(red_flags=["fever", "immunosuppression"])
    assert p["triage"]["urgency"] == "urgent"
    assert "See a doctor today" in opening(p)
    assert "soon" not in opening(p)


def test_it_tells_a_patient_with_several_weak_flags_to_see_a_doctor_within_two_weeks() -> None:
    p = plan(patient={"age_years": 55}, red_flags=["constant_night_pain"])
    assert p["triage"]["urgency"] == "soon"
    assert "within about two weeks" in opening(p)


# --- 8. Patterns from too little --------------------------------------------------------------


def test_it_does_not_name_a_pattern_from_pain_descriptors_alone() -> None:
    p = plan(
        pain={"regions": ["upper_back"], "qualities": ["stiff", "cold"], "better_with": ["warmth"]}
    )
    assert p["pattern_judgement"]["sufficient"] is False
    assert "tongue, pulse or constitutional sign" in p["pattern_judgement"]["note"]
    assert not {"GV3", "GV4"} & codes(p)
    assert p["prescription"]["technique"]["moxibustion"] is False


def test_it_names_cold_damp_once_a_tongue_and_pulse_support_it() -> None:
    p = plan(
        pain={"qualities": ["stiff", "cold", "heavy"], "better_with": ["warmth"]},
        tcm={"tongue_coat": "white_greasy", "pulse": ["slow"]},
    )
    assert p["pattern_judgement"]["sufficient"] is True
    assert p["patterns"][0]["id"] == "cold_damp"
    assert {"GV3", "GV4"} <= codes(p)


def test_it_adds_a_patterns_lower_back_points_only_for_lower_back_pain() -> None:
    p = plan(
        pain={"regions": ["upper_back"], "qualities": ["cold", "heavy"], "better_with": ["warmth"]},
        tcm={"tongue_coat": "white_greasy", "pulse": ["slow", "deep"]},
    )
    assert p["patterns"][0]["id"] == "cold_damp"
    assert p["pattern_judgement"]["sufficient"]
    assert not {"GV3", "GV4"} & codes(p)
    assert "SP9" in codes(p)  # the distal point stays


# --- 9. Acupressure plans describe pressure ------------------------------------------------------


def test_it_gives_an_acupressure_plan_no_needle_depths() -> None:
    p = plan(medical={"needle_phobia": True})
    rx = p["prescription"]
    assert rx["technique"]["method"] == "acupressure"
    assert all(x["depth_max_cun"] is None and x["angle"] is None for x in rx["points"])
    handout = patient_handout(KB, p)
    assert "no needles" in handout
    assert "puts in fine needles" not in handout
    assert "needles usually stay in" not in handout


def test_it_gives_a_needling_plan_its_depths() -> None:
    rx = plan()["prescription"]
    assert rx["technique"]["method"] == "manual"
    assert all(x["depth_max_cun"] for x in rx["points"])


# --- 10. Precautions follow the point ----------------------------------------------------------


def test_it_warns_of_breathlessness_whenever_a_lung_point_is_prescribed() -> None:
    # Neck pain with lower back pain: GB21 lies over the lung apex, the upper back is not sore.
    p = plan(pain={"regions": ["lower_back", "neck"]})
    assert "GB21" in codes(p)
    assert "thorax.pneumothorax" in {x["code"] for x in p["prescription"]["precautions"]}


def test_it_does_not_warn_of_breathlessness_for_the_lower_back_alone() -> None:
    p = plan()
    assert "thorax.pneumothorax" not in {x["code"] for x in p["prescription"]["precautions"]}


def test_it_keeps_the_toward_the_spine_angle_under_the_lung_cap() -> None:
    p = plan(pain={"regions": ["upper_back"]})
    points = {x["code"]: x for x in p["prescription"]["points"]}
    assert KB.prescribable("BL11").angle == "oblique_medial" or "SI11" in points
    for x in points.values():
        if KB.points[x["code"]].detail.angle == "oblique_medial":  # type: ignore[union-attr]
            assert x["angle"] == "oblique_medial", x["code"]
        assert x["angle"] != "perpendicular" or "pneumothorax" not in {
            c["kind"] for c in x["cautions"]
        }


# --- 11. Recent spinal surgery --------------------------------------------------------------------


def test_it_refers_to_the_surgeon_and_keeps_needles_off_the_operated_back() -> None:
    p = plan(medical={"conditions": ["recent_spinal_surgery"]})
    assert "ref.recent_spinal_surgery" in referrals(p)
    excluded = {e["code"] for e in p["prescription"]["excluded_points"]}
    assert {"ASHI", "BL23", "BL25"} <= excluded
    assert not {"ASHI", "BL23", "BL25"} & codes(p)
    assert "BL40" in codes(p)


def test_it_needles_the_lower_back_without_recent_surgery() -> None:
    p = plan()
    assert {"ASHI", "BL23", "BL25"} <= codes(p)
    assert "ref.recent_spinal_surgery" not in referrals(p)


# --- 12. Scores that cannot be scored ------------------------------------------------------------


def test_it_never_turns_a_mostly_blank_odi_into_bed_bound() -> None:
    p = plan(questionnaires={"odi": [5, 5, 5, 5, None, None, None, None, None, None]})
    odi = p["scores"]["odi"]
    assert odi == {**odi, "scorable": False, "total": None, "band": None}
    assert odi["reason"]


# --- 14. The course follows the patient ---------------------------------------------------------

LOW = ["disagree"] * 8 + ["not_at_all"]
HIGH = ["agree"] * 8 + ["extremely"]


def test_it_plans_a_short_course_for_acute_pain_at_low_risk() -> None:
    p = plan(pain={"duration_weeks": 2}, questionnaires={"start_back": LOW})
    course = p["course"]
    assert course["rule"] == "course.short_low_risk_acute"
    assert course["sessions_planned"] <= 4
    assert course["reassess_after_sessions"] <= 3


def test_it_plans_the_full_course_for_chronic_pain_at_low_risk() -> None:
    course = plan(questionnaires={"start_back": LOW})["course"]
    assert course["rule"] is None
    assert course["sessions_planned"] == 10


def test_it_suggests_psychologically_informed_care_at_high_risk() -> None:
    p = plan(questionnaires={"start_back": HIGH})
    assert referrals(p)["ref.start_back_high"] == "routine"
    assert p["prescription"] is not None
    p = plan(questionnaires={"start_back": LOW})
    assert "ref.start_back_high" not in referrals(p)


# --- 15. Medical clearance ---------------------------------------------------------------------

BILATERAL = {"regions": ["lower_back", "leg"], "leg_pain": "below_knee", "leg_side": "both"}


def _cleared(flag: str, on: str = "2026-11-10") -> dict[str, Any]:
    return {
        "needle_phobia": False,
        "cleared_red_flags": [
            {"flag": flag, "cleared_by": "Dr A. Smith, GP", "cleared_on": on, "note": "MRI clear"}
        ],
    }


def test_it_lets_a_cleared_red_flag_stop_blocking_treatment() -> None:
    p = plan(pain=BILATERAL, medical=_cleared("bilateral_leg_neuro"))
    assert p["triage"]["decision"] == "proceed_with_precautions"
    assert p["prescription"] is not None
    ces = next(r for r in p["triage"]["reasons"] if r["code"] == "rf.bilateral_sciatica")
    assert ces["cleared"]["cleared_by"] == ["Dr A. Smith, GP"]
    assert ces["cleared"]["cleared_on"] == ["2026-11-10"]
    assert "rf.bilateral_sciatica" not in referrals(p)


def test_it_keeps_blocking_while_a_matched_flag_is_not_cleared() -> None:
    p = plan(
        pain=BILATERAL, red_flags=["saddle_anaesthesia"], medical=_cleared("bilateral_leg_neuro")
    )
    assert p["triage"]["decision"] == "emergency"


def test_it_never_clears_a_childs_referral() -> None:
    p = plan(patient={"age_years": 12, "pregnant": None}, medical=_cleared("bilateral_leg_neuro"))
    assert p["triage"]["decision"] == "refer_before_treatment"


def test_it_refuses_a_clearance_dated_after_the_plan() -> None:
    data = intake(pain=BILATERAL, medical=_cleared("bilateral_leg_neuro", on="2026-12-25"))
    with pytest.raises(InvalidIntake, match="cleared_on"):
        assess_and_plan(parse_intake(data), knowledge=KB, as_of=AS_OF)
    with pytest.raises(InvalidIntake, match="cleared_on"):
        parse_intake(data, as_of=AS_OF)


# --- 16. Medicines ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("drug", "drug_class"),
    [
        ("triamcinolone", "corticosteroid"),
        ("betamethasone", "corticosteroid"),
        ("budesonide 9 mg", "corticosteroid"),
        ("dexamethasone", "corticosteroid"),
        ("deflazacort", "corticosteroid"),
        ("edoxaban 60 mg", "anticoagulant"),
        ("Pradaxa", "anticoagulant"),
        ("dalteparin", "anticoagulant"),
        ("fondaparinux", "anticoagulant"),
        ("Brilinta 90 mg", "antiplatelet"),
        ("prasugrel", "antiplatelet"),
    ],
)
def test_it_recognises_the_drug(drug: str, drug_class: str) -> None:
    p = plan(medical={"medications": [drug]})
    assert p["medications_recognised"] == {drug_class: [drug]}


def test_it_recognises_no_class_in_an_unrelated_drug() -> None:
    assert plan(medical={"medications": ["atorvastatin"]})["medications_recognised"] == {}
