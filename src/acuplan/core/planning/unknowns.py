"""What the engine could not judge because an optional field was missing (the contract
requires the plan to say so).

Each item has a stable ``key`` (the intake field's path, such as ``pain.midline``) and a
``text`` for the clinician. Pages look the key up in the vocabulary (``field.<key>``) to ask
it as a question ("Is the pain along the spine itself?"); the plan's ``unknowns`` keeps the
texts as they always were, prefixed with the key, for readers of older plans."""

from __future__ import annotations

from dataclasses import dataclass

from acuplan.core.intake import Intake

CHILDBEARING_AGE = range(12, 56)


@dataclass(frozen=True, slots=True)
class NotJudged:
    """An optional intake field that was not given, and what the engine did without it."""

    key: str
    """The intake field's path (``pain.midline``) or ``questionnaires`` for all of them."""
    text: str
    """What could not be judged, in the clinician's words (no field path)."""


def not_judged(intake: Intake) -> list[NotJudged]:
    p, pain, q = intake.patient, intake.pain, intake.questionnaires
    out: list[NotJudged] = []

    def add(key: str, text: str) -> None:
        out.append(NotJudged(key, text))

    if (
        p.pregnant is None
        and p.pregnancy_weeks is None
        and p.sex in {"female", "other", "unknown"}
        and p.age_years in CHILDBEARING_AGE
    ):
        add(
            "patient.pregnant",
            "confirm pregnancy status before needling (points contraindicated in pregnancy "
            "are marked on the plan)",
        )
    if (p.pregnant or p.pregnancy_weeks is not None) and p.pregnancy_weeks is None:
        add(
            "patient.pregnancy_weeks",
            "the upper-abdominal points are withheld as they are after the first trimester",
        )
    if pain.intensity_nrs is None:
        add("pain.intensity_nrs", "no pain baseline for progress decisions")
    if pain.midline is None:
        add(
            "pain.midline",
            "no channel modifier (SI3 for midline, BL62 for paraspinal pain) was chosen",
        )
    if pain.leg_pain is None and "leg" in pain.regions:
        add("pain.leg_pain", "radicular pain judged from the leg symptoms alone")
    if pain.leg_pain in {"above_knee", "below_knee"} and pain.leg_side is None:
        add(
            "pain.leg_side",
            "leg points planned on both sides and the unspecified-side sciatica code used",
        )
    if pain.leg_pain == "below_knee" and pain.leg_path is None:
        add("pain.leg_path", "Bladder-channel (posterior) sciatica points assumed")
    if intake.medical.needle_phobia is None:
        add("medical.needle_phobia", "ask before the first session")
    if intake.preferences.fee_per_session is None:
        add("preferences.fee_per_session", "the clinic default fee was used")
    if intake.preferences.payer is None:
        add("preferences.payer", "payer rules not checked")
    if all(v is None for v in (q.start_back, q.rmdq, q.odi, q.peg)):
        add(
            "questionnaires",
            "no function baseline (RMDQ or ODI) and no STarT Back risk group",
        )
    return out


#: How each key read in the old ``unknowns`` strings ("pain.midline: not given; ...").
_NOT_GIVEN = {"medical.needle_phobia": "not asked", "questionnaires": "none given"}


def unknowns(intake: Intake) -> list[str]:
    """The plan's ``unknowns`` as they always read: ``"<path>: not given; <text>"``."""
    return [f"{u.key}: {_NOT_GIVEN.get(u.key, 'not given')}; {u.text}" for u in not_judged(intake)]
