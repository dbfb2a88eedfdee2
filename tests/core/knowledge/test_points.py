"""The point data: WHO 2008 counts and the safety-critical facts."""

from __future__ import annotations

import pytest

from acuplan.core.knowledge import Knowledge
from acuplan.core.knowledge import models as km

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
#: The conventional block list (points avoided throughout pregnancy).
CONVENTIONAL_PREGNANCY_BLOCK = {"LI4", "SP6", "BL60", "BL67", "GB21"}
#: Zones whose points carry a caution of this kind, and a cap of at most this depth (cun).
ZONE_SAFETY = {
    "thorax_anterior": ("pneumothorax", 1.0),
    "thorax_posterior": ("pneumothorax", 1.0),
    "supraclavicular": ("pneumothorax", 1.0),
    "renal": ("kidney", 1.2),
    "neck_posterior": ("spinal_canal", 1.0),
    "midline_spine": ("spinal_canal", 1.2),
    "orbit": ("orbit", 0.7),
    "neck_anterior": ("vessel", 1.0),
}


def _fixed(kb: Knowledge) -> dict[str, km.PointDetail]:
    """Every point with a fixed site (tender and paraspinal points follow the painful
    region, and take their zones' safety at plan time)."""
    return {
        c: p.detail
        for c, p in kb.points.items()
        if p.detail is not None and p.detail.site == "fixed"
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


def test_it_details_every_point_of_the_atlas(kb: Knowledge) -> None:
    # All 361 WHO points and every extra point used: a location, a depth range and cap, an
    # angle and zones (issue: "registry point: no clinical detail" must never be shown).
    missing = [c for c, p in kb.points.items() if p.detail is None]
    assert missing == []
    for code, p in kb.points.items():
        d = p.detail
        assert d is not None, code
        assert d.location, code
        assert d.needling, code
        assert d.zones, code
        assert 0 <= d.depth_min_cun <= d.depth_max_cun, code
        if p.meridian != "EX":
            assert d.who_page is not None, f"{code}: WHO 2008 page missing"


def test_it_details_every_point_the_planner_may_prescribe(kb: Knowledge) -> None:
    prescribed = {c for s in kb.selections for c in s.points}
    prescribed |= {pp.code for p in kb.patterns.values() for pp in p.points}
    for code in prescribed:
        d = kb.prescribable(code)
        assert d.indications, f"{code}: a prescribed point needs its indications"
        assert not d.needling_forbidden, code


@pytest.mark.parametrize(("zone", "rule"), sorted(ZONE_SAFETY.items()))
def test_it_gives_every_point_of_a_zone_that_zones_safety(
    kb: Knowledge, zone: str, rule: tuple[str, float]
) -> None:
    kind, cap = rule
    members = {c: d for c, d in _fixed(kb).items() if zone in d.zones}
    assert members, f"no point in zone {zone}"
    for code, d in members.items():
        assert kind in {c.kind for c in d.cautions}, f"{code} in {zone}: no {kind} caution"
        assert d.depth_max_cun <= cap, f"{code} in {zone}: cap {d.depth_max_cun} > {cap}"


def test_it_blocks_the_conventional_and_the_lumbosacral_points_in_pregnancy(
    kb: Knowledge,
) -> None:
    flagged = {c for c, d in _fixed(kb).items() if d.pregnancy_contraindicated}
    assert flagged >= CONVENTIONAL_PREGNANCY_BLOCK
    blocked_zones = {z.id for z in kb.zones.values() if z.pregnancy == "contraindicated"}
    assert {"lumbar", "sacral", "lower_abdomen", "perineum"} <= blocked_zones
    in_blocked = {c for c, d in _fixed(kb).items() if set(d.zones) & blocked_zones}
    assert in_blocked <= flagged
    assert {"BL23", "BL25", "BL31", "CV4", "CV6", "GV3", "GV4"} <= flagged


def test_it_keeps_st36_unblocked_in_pregnancy(kb: Knowledge) -> None:
    assert not kb.prescribable("ST36").pregnancy_contraindicated


def test_it_angles_needles_over_the_thorax_and_caps_them(kb: Knowledge) -> None:
    thorax = {c: d for c, d in _fixed(kb).items() if "thorax_posterior" in d.zones}
    assert {"BL11", "BL13", "BL17", "SI11"} <= set(thorax)
    for code in ("BL11", "BL12", "BL13", "BL14", "BL15", "BL16"):
        d = thorax[code]
        assert d.depth_max_cun <= 0.7, code  # CAM: obliquely 0.5-0.7 cun
        assert d.angle != "perpendicular", code
    assert kb.prescribable("GB21").depth_max_cun <= 0.5


@pytest.mark.parametrize(
    ("code", "cap"),
    [
        ("GB20", 0.8),
        ("GB30", 2.5),
        ("BL36", 1.5),
        ("BL40", 1.0),
        ("SP6", 1.0),
        ("ST36", 1.2),
        ("GB34", 1.2),
        ("SI3", 0.7),
    ],
)
def test_it_takes_the_conservative_textbook_cap(kb: Knowledge, code: str, cap: float) -> None:
    assert kb.prescribable(code).depth_max_cun <= cap


@pytest.mark.parametrize("code", ["GV15", "GV16"])
def test_it_guards_the_medulla(kb: Knowledge, code: str) -> None:
    d = kb.prescribable(code)
    assert "spinal_canal" in {c.kind for c in d.cautions}
    assert d.depth_max_cun <= 1.0
    assert d.angle == "perpendicular" or d.angle.startswith("oblique_inferior")


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("ST9", "vessel"),
        ("LU9", "vessel"),
        ("HT1", "vessel"),
        ("SP11", "vessel"),
        ("ST42", "vessel"),
        ("BL40", "vessel"),
        ("BL1", "orbit"),
        ("ST1", "orbit"),
        ("CV22", "trachea"),
        ("LU1", "pneumothorax"),
        ("GB21", "pneumothorax"),
    ],
)
def test_it_warns_of_the_anatomy_under_the_point(kb: Knowledge, code: str, kind: str) -> None:
    assert kind in {c.kind for c in kb.prescribable(code).cautions}


def test_it_uses_the_who_2008_sites_for_gb31_and_gv26(kb: Knowledge) -> None:
    gb31, gv26 = kb.prescribable("GB31"), kb.prescribable("GV26")
    assert "iliotibial" in gb31.location
    assert gb31.location_note
    assert "halfway down the philtrum" in gv26.location.lower()
    assert gv26.location_note


def test_it_never_needles_the_navel(kb: Knowledge) -> None:
    cv8 = kb.prescribable("CV8")
    assert cv8.needling_forbidden
    assert cv8.depth_max_cun == 0


@pytest.mark.parametrize("code", ["BL22", "BL23", "BL52"])
def test_it_marks_the_kidney_zone(kb: Knowledge, code: str) -> None:
    d = kb.prescribable(code)
    assert "renal" in d.zones
    assert "kidney" in {c.kind for c in d.cautions}
    assert d.angle in {"oblique", "oblique_medial"}
    assert d.depth_max_cun <= 1.2


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
