"""Findings: the flat vocabulary that knowledge-base rules and patterns are written in.

An intake becomes a set of finding tokens such as ``red_flag.fever``, ``quality.cold``,
``pulse.deep``, ``condition.pacemaker``, ``medication.anticoagulant`` or ``age.over_50``.
Rules in the data files name these tokens; the loader rejects any token not listed here, so a
misspelt rule fails at load time instead of silently never firing.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from acuplan.core import intake as m

#: Derived findings, with the threshold each stands for (explained in plans).
DERIVED: dict[str, str] = {
    "pregnant": "patient is pregnant (reported, or a week count given)",
    "pregnancy.first_trimester": "pregnant, fewer than 13 weeks",
    "needle_phobia": "patient reports needle phobia",
    "midline": "pain along the spine itself",
    "paraspinal": "pain beside the spine, not on it (Bladder channel)",
    "age.under_16": "age under 16 years",
    "age.under_18": "age under 18 years",
    "age.under_20": "age under 20 years",
    "age.under_40": "age under 40 years (so the pain also began before 40)",
    "age.over_50": "age over 50 years",
    "age.over_55": "age over 55 years",
    "age.over_65": "age over 65 years",
    "age.over_70": "age over 70 years",
    "duration.acute": "pain for less than 6 weeks",
    "duration.subacute": "pain for 6 to less than 12 weeks",
    "duration.chronic": "pain for 12 weeks or more",
    "intensity.severe": "average pain 7/10 or more",
    "morning_stiffness.over_30": "morning stiffness longer than 30 minutes",
    "needles.not_acceptable": "neither manual nor electro needling is acceptable to the patient",
    "electro.requested": "electroacupuncture is acceptable to the patient",
    "medicare": "payer is Medicare",
    "medication.anticoagulant": "takes an anticoagulant",
    "medication.antiplatelet": "takes an antiplatelet drug",
    "medication.corticosteroid": "takes a systemic corticosteroid",
}

_LISTS: dict[str, tuple[str, ...]] = {
    "red_flag": m.vocabulary(m.RedFlag),
    "region": m.vocabulary(m.Region),
    "onset": m.vocabulary(m.Onset),
    "leg_pain": m.vocabulary(m.LegPain),
    "leg_side": m.vocabulary(m.LegSide),
    "leg_path": m.vocabulary(m.LegPath),
    "leg_neuro": m.vocabulary(m.LegNeuro),
    "quality": m.vocabulary(m.Quality),
    "worse_with": m.vocabulary(m.WorseWith),
    "better_with": m.vocabulary(m.BetterWith),
    "tongue_body": m.vocabulary(m.TongueBody),
    "tongue_coat": m.vocabulary(m.TongueCoat),
    "tongue_feature": m.vocabulary(m.TongueFeature),
    "pulse": m.vocabulary(m.Pulse),
    "sign": m.vocabulary(m.Sign),
    "condition": m.vocabulary(m.Condition),
    "jurisdiction": m.vocabulary(m.Jurisdiction),
    "start_back": ("low", "medium", "high"),
}
"""``start_back.<risk>`` is added once the questionnaire is scored."""

#: Pain types the classifier adds (``pain_type.radicular`` ...).
PAIN_TYPES: tuple[str, ...] = (
    "non_specific",
    "mechanical",
    "radicular",
    "referred",
    "inflammatory",
)

INTAKE_FINDINGS: frozenset[str] = frozenset(
    [f"{prefix}.{word}" for prefix, words in _LISTS.items() for word in words]
    + list(DERIVED)
    + [f"pain_type.{t}" for t in PAIN_TYPES]
)


def pattern_finding(pattern_id: str) -> str:
    """The token a rule uses for a differentiated pattern (``pattern.damp_heat``)."""
    return f"pattern.{pattern_id}"


@cache
def describe(token: str) -> str:
    """A short human reading of a finding token, for explanations."""
    if token in DERIVED:
        return DERIVED[token]
    prefix, _, word = token.partition(".")
    return f"{prefix.replace('_', ' ')}: {word.replace('_', ' ')}"


def intake_findings(intake: m.Intake, medication_classes: Iterable[str] = ()) -> frozenset[str]:
    """Every finding token the intake supports. ``medication_classes`` are the drug classes the
    knowledge base recognised in the free-text medication list (``anticoagulant`` ...)."""
    pain, tcm = intake.pain, intake.tcm
    out: set[str] = {f"jurisdiction.{intake.jurisdiction}"}
    out.update(f"red_flag.{x}" for x in intake.red_flags)
    out.update(f"region.{x}" for x in pain.regions)
    out.update(f"leg_neuro.{x}" for x in pain.leg_neuro)
    out.update(f"quality.{x}" for x in pain.qualities)
    out.update(f"worse_with.{x}" for x in pain.worse_with)
    out.update(f"better_with.{x}" for x in pain.better_with)
    out.update(f"tongue_feature.{x}" for x in tcm.tongue_features)
    out.update(f"pulse.{x}" for x in tcm.pulse)
    out.update(f"sign.{x}" for x in tcm.signs)
    out.update(f"condition.{x}" for x in intake.medical.conditions)
    out.update(f"medication.{c}" for c in medication_classes)
    for prefix, value in (
        ("onset", pain.onset),
        ("leg_pain", pain.leg_pain),
        ("leg_side", pain.leg_side),
        ("leg_path", pain.leg_path),
        ("tongue_body", tcm.tongue_body),
        ("tongue_coat", tcm.tongue_coat),
    ):
        if value is not None:
            out.add(f"{prefix}.{value}")
    out.update(_derived(intake))
    return frozenset(out)


def duration_category(duration_weeks: float) -> str:
    """acute < 6 weeks, subacute 6 to < 12, chronic >= 12 (the contract's cut-offs)."""
    if duration_weeks < 6:
        return "acute"
    return "subacute" if duration_weeks < 12 else "chronic"


def _derived(intake: m.Intake) -> set[str]:
    p, pain, prefs = intake.patient, intake.pain, intake.preferences
    pregnant = m.is_pregnant(p)
    flags = {
        "pregnant": pregnant,
        # Chinese Acupuncture and Moxibustion counts the first three months; 13 weeks is used.
        "pregnancy.first_trimester": pregnant
        and p.pregnancy_weeks is not None
        and p.pregnancy_weeks < 13,
        "needle_phobia": intake.medical.needle_phobia is True,
        "midline": pain.midline is True,
        "paraspinal": pain.midline is False,
        "age.under_16": p.age_years < 16,
        "age.under_18": p.age_years < 18,
        "age.under_20": p.age_years < 20,
        "age.under_40": p.age_years < 40,
        "age.over_50": p.age_years > 50,
        "age.over_55": p.age_years > 55,
        "age.over_65": p.age_years > 65,
        "age.over_70": p.age_years > 70,
        "intensity.severe": (pain.intensity_nrs or 0) >= 7,
        "morning_stiffness.over_30": (pain.morning_stiffness_minutes or 0) > 30,
        "needles.not_acceptable": not {"manual", "electro"} & set(prefs.techniques),
        "electro.requested": "electro" in prefs.techniques,
        "medicare": prefs.payer == "medicare",
    }
    out = {token for token, present in flags.items() if present}
    out.add(f"duration.{duration_category(pain.duration_weeks)}")
    return out
