"""Oswestry Disability Index v2.1a: 10 sections scored 0-5, expressed as a percentage.

The missing-section rule: each unanswered section lowers the denominator by 5, so the score
is sum / (5 x sections answered) x 100 (a common bug always divides by 50).
"""

from __future__ import annotations

from collections.abc import Sequence

from acuplan.core.assessment.scores.common import InstrumentScore, make_score
from acuplan.core.knowledge import models as km

MIN_SECTIONS_ANSWERED = 1
"""How many missing sections make the ODI invalid is unverified (FACTS.md 4a); acuplan scores
any response with at least one section and reports the count so the clinician can judge."""


def score_odi(instrument: km.Instrument, sections: Sequence[int | None]) -> InstrumentScore | None:
    """Percent 0-100 (1 decimal), or None when no section was answered."""
    answered = [s for s in sections if s is not None]
    if len(answered) < MIN_SECTIONS_ANSWERED:
        return None
    percent = round(sum(answered) / (5 * len(answered)) * 100, 1)
    detail: dict[str, float | int | str | None] = {
        "sections_answered": len(answered),
        "raw_sum": sum(answered),
    }
    # Bands are whole-percent ranges (0-20, 21-40 ...): band on the rounded percent.
    return make_score(instrument, percent, band_value=float(round(percent)), detail=detail)
