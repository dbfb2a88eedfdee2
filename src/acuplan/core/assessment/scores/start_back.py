"""Keele STarT Back Screening Tool (Hill 2008), 9 items.

Items 1-8: agree = 1. Item 9 (bothersomeness) scores 1 only for "very much" or "extremely".
Psychosocial subscale = items 5-9 (not 1, 4, 7, 8, 9 as one mirror wrongly lists).
Risk: total <= 3 low; subscale >= 4 high; otherwise medium.
"""

from __future__ import annotations

from collections.abc import Sequence

from acuplan.core.assessment.scores.common import StartBackScore, mcid_for
from acuplan.core.knowledge import models as km

POSITIVE_BOTHER = frozenset({"very_much", "extremely"})
PSYCHOSOCIAL_ITEMS = range(4, 9)  # zero-based indices of items 5-9


def start_back_item_scores(answers: Sequence[str]) -> list[int]:
    if len(answers) != 9:
        raise ValueError("STarT Back needs exactly 9 answers")
    items = [1 if a == "agree" else 0 for a in answers[:8]]
    return [*items, 1 if answers[8] in POSITIVE_BOTHER else 0]


def score_start_back(instrument: km.Instrument, answers: Sequence[str]) -> StartBackScore:
    items = start_back_item_scores(answers)
    total = sum(items)
    psychosocial = sum(items[i] for i in PSYCHOSOCIAL_ITEMS)
    if total <= 3:
        risk = "low"
    elif psychosocial >= 4:
        risk = "high"
    else:
        risk = "medium"
    return StartBackScore(
        instrument=instrument.id,
        version=instrument.version,
        total=float(total),
        range_min=instrument.range_min,
        range_max=instrument.range_max,
        band=risk,
        mcid=mcid_for(instrument),
        loinc=instrument.loinc,
        psychosocial=psychosocial,
        risk=risk,
    )
