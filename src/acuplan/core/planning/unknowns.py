"""What the engine could not judge because an optional field was missing (the contract
requires the plan to say so)."""

from __future__ import annotations

from acuplan.core.intake import Intake

CHILDBEARING_AGE = range(12, 56)


def unknowns(intake: Intake) -> list[str]:
    p, pain, q = intake.patient, intake.pain, intake.questionnaires
    out: list[str] = []
    if (
        p.pregnant is None
        and p.pregnancy_weeks is None
        and p.sex in {"female", "other", "unknown"}
        and p.age_years in CHILDBEARING_AGE
    ):
        out.append(
            "patient.pregnant: not given; confirm pregnancy status before needling "
            "(points contraindicated in pregnancy are marked on the plan)"
        )
    if (p.pregnant or p.pregnancy_weeks is not None) and p.pregnancy_weeks is None:
        out.append(
            "patient.pregnancy_weeks: not given; the upper-abdominal points are withheld as "
            "they are after the first trimester"
        )
    if pain.intensity_nrs is None:
        out.append("pain.intensity_nrs: not given; no pain baseline for progress decisions")
    if pain.midline is None:
        out.append(
            "pain.midline: not given; no channel modifier (SI3 for midline, BL62 for "
            "paraspinal pain) was chosen"
        )
    if pain.leg_pain is None and "leg" in pain.regions:
        out.append("pain.leg_pain: not given; radicular pain judged from leg_neuro alone")
    if pain.leg_pain in {"above_knee", "below_knee"} and pain.leg_side is None:
        out.append(
            "pain.leg_side: not given; leg points planned on both sides and the "
            "unspecified-side sciatica code used"
        )
    if pain.leg_pain == "below_knee" and pain.leg_path is None:
        out.append("pain.leg_path: not given; Bladder-channel (posterior) sciatica points assumed")
    if intake.medical.needle_phobia is None:
        out.append("medical.needle_phobia: not asked; ask before the first session")
    if intake.preferences.fee_per_session is None:
        out.append("preferences.fee_per_session: not given; the clinic default fee was used")
    if intake.preferences.payer is None:
        out.append("preferences.payer: not given; payer rules not checked")
    if all(v is None for v in (q.start_back, q.rmdq, q.odi, q.peg)):
        out.append(
            "questionnaires: none given; no function baseline (RMDQ or ODI) and no "
            "STarT Back risk group"
        )
    return out
