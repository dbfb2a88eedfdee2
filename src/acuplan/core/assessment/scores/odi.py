"""Oswestry Disability Index v2.1a: 10 sections scored 0-5, expressed as a percentage.

The missing-section rule: each unanswered section lowers the denominator by 5, so the score
is sum / (5 x sections answered) x 100 (a common bug always divides by 50). With more
sections unanswered than the instrument's ``max_missing_items`` (instruments.toml), the
response is not scorable: ``{scorable: false, reason}``, never a number.
"""

from __future__ import annotations

from collections.abc import Sequence

from acuplan.core.assessment.scores.common import InstrumentScore, make_score, unscorable
from acuplan.core.knowledge import models as km


def score_odi(instrument: km.Instrument, sections: Sequence[int | None]) -> InstrumentScore:
    """Percent 0-100 (1 decimal), or an unscorable result when too few sections are answered."""
    answered = [s for s in sections if s is not None]
    missing = len(sections) - len(answered)
    detail: dict[str, float | int | str | None] = {
        "sections_answered": len(answered),
        "raw_sum": sum(answered),
    }
    if missing > instrument.max_missing_items or not answered:
        return unscorable(
            instrument,
            f"{missing} of {len(sections)} sections unanswered; at most "
            f"{instrument.max_missing_items} may be missing for a valid score",
            detail,
        )
    percent = round(sum(answered) / (5 * len(answered)) * 100, 1)
    # Bands are whole-percent ranges (0-20, 21-40 ...): band on the rounded percent.
    return make_score(instrument, percent, band_value=float(round(percent)), detail=detail)
