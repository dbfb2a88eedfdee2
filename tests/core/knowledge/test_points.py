"""The point data: WHO 2008 counts and the safety-critical facts."""

from __future__ import annotations

import pytest

from acuplan.core.knowledge import Knowledge

WHO_2008_COUNTS = {
    "LU": 11,
    "LI": 20,
    "ST": 45,
    "SP": 21,
    "HT": 9,
    "SI": 19,
    "BL": 67,
    "KI": 27,
    "PC": 9,
    "TE": 23,
    "GB": 44,
    "LR": 14,
    "GV": 28,
    "CV": 24,
}
PREGNANCY_BLOCK = {
    "LI4",
    "SP6",
    "BL60",
    "BL67",
    "GB21",
    "CV4",
    "CV6",
    "BL31",
    "BL32",
    "BL33",
    "BL34",
}
FACTS_SECTION_1 = {
    "BL23",
    "BL25",
    "BL26",
    "BL24",
    "BL22",
    "BL52",
    "BL54",
    "GV3",
    "GV4",
    "GB30",
    "BL36",
    "BL37",
    "ASHI",
    "EX-B2",
    "BL40",
    "BL57",
    "BL60",
    "BL62",
    "KI3",
    "GB34",
    "GB31",
    "SP6",
    "SP9",
    "ST36",
    "LR3",
    "SI3",
    "EX-UE7",
    "GV26",
    "LI4",
    "GB20",
    "GB21",
    "SI11",
    "BL11",
    "BL12",
    "BL13",
    "BL14",
    "BL15",
    "BL16",
    "BL17",
    "BL18",
    "BL20",
    "CV4",
}


@pytest.mark.parametrize(("meridian", "count"), sorted(WHO_2008_COUNTS.items()))
def test_it_holds_the_who_2008_count_per_meridian(kb: Knowledge, meridian: str, count: int) -> None:
    codes = [c for c, p in kb.points.items() if p.meridian == meridian]
    assert len(codes) == count
    assert sorted(int(c[2:]) for c in codes) == list(range(1, count + 1))


def test_it_holds_361_standard_points(kb: Knowledge) -> None:
    assert sum(1 for p in kb.points.values() if p.meridian != "EX") == 361


def test_it_uses_who_codes_for_triple_energizer_and_liver(kb: Knowledge) -> None:
    assert "TE5" in kb.points
    assert "LR3" in kb.points
    assert not any(c.startswith(("SJ", "TH", "LV", "LIV")) for c in kb.points)


def test_it_details_every_point_the_planner_may_prescribe(kb: Knowledge) -> None:
    missing = {c for c in FACTS_SECTION_1 if kb.points[c].detail is None}
    assert missing == set()
    prescribed = {c for s in kb.selections for c in s.points}
    prescribed |= {c for p in kb.patterns.values() for c in p.points}
    assert all(kb.points[c].detail is not None for c in prescribed)


def test_it_blocks_the_conventional_pregnancy_points(kb: Knowledge) -> None:
    flagged = {c for c, p in kb.points.items() if p.detail and p.detail.pregnancy_contraindicated}
    assert flagged == PREGNANCY_BLOCK


def test_it_keeps_st36_unblocked_in_pregnancy_but_notes_the_conflict(kb: Knowledge) -> None:
    st36 = kb.prescribable("ST36")
    assert not st36.pregnancy_contraindicated
    assert any("pregnan" in c.text.lower() for c in st36.cautions)


def test_it_caps_depth_and_angles_needles_over_the_thorax(kb: Knowledge) -> None:
    thorax = {
        c: p.detail for c, p in kb.points.items() if p.detail and "thorax_back" in p.detail.zones
    }
    assert {"BL11", "BL13", "BL17", "GB21", "EX-B2"} <= set(thorax)
    for code, d in thorax.items():
        assert d.depth_max_cun <= 1.0, code
        assert d.angle != "perpendicular", code
    assert kb.prescribable("GB21").depth_max_cun <= 0.5


def test_it_warns_of_pneumothorax_at_thoracic_bladder_points(kb: Knowledge) -> None:
    for code in ("BL11", "BL12", "BL13", "BL14", "BL15", "BL16", "BL17", "BL18", "BL20", "GB21"):
        assert "pneumothorax" in {c.kind for c in kb.prescribable(code).cautions}, code


@pytest.mark.parametrize("code", ["BL22", "BL23", "BL52"])
def test_it_marks_the_kidney_zone(kb: Knowledge, code: str) -> None:
    d = kb.prescribable(code)
    assert "kidney" in {c.kind for c in d.cautions}
    assert d.angle in {"oblique", "oblique_medial"}
    assert d.depth_max_cun <= 1.5


@pytest.mark.parametrize("code", ["GV3", "GV4"])
def test_it_limits_midline_spinal_points_above_the_canal(kb: Knowledge, code: str) -> None:
    d = kb.prescribable(code)
    assert "spinal_canal" in {c.kind for c in d.cautions}
    assert d.depth_max_cun <= 1.0


def test_it_cites_a_known_source_and_status_for_every_detailed_point(kb: Knowledge) -> None:
    for code, p in kb.points.items():
        if p.detail:
            assert p.detail.sources, code
            assert all(kb.has_source(s) for s in p.detail.sources), code
            assert p.detail.status in {"V2", "V", "WEAK", "UNVERIFIED", "CONFLICT"}


def test_it_holds_no_retired_code(kb: Knowledge) -> None:
    assert "ICD-10-CM|M54.5" not in kb.codes
    assert {"ICD-10-CM|M54.50", "ICD-10-CM|M54.41", "ICD-10-CM|M54.42"} <= set(kb.codes)


def test_it_keeps_liver_qi_stagnation_behind_review(kb: Knowledge) -> None:
    assert kb.patterns["liver_qi_stagnation"].review == "needs_review"
    required = {
        "cold_damp",
        "damp_heat",
        "qi_blood_stagnation",
        "kidney_yang_deficiency",
        "kidney_yin_deficiency",
        "kidney_qi_deficiency",
    }
    assert all(kb.patterns[p].review == "approved" for p in required)
