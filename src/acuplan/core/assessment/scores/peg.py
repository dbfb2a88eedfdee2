"""PEG (Krebs 2009): the mean of pain, interference with enjoyment and with general activity."""

from __future__ import annotations

from collections.abc import Sequence

from acuplan.core.assessment.scores.common import InstrumentScore, make_score
from acuplan.core.knowledge import models as km


def score_peg(instrument: km.Instrument, answers: Sequence[int]) -> InstrumentScore:
    """A mean, not a sum (the LOINC form scores a mean); rounded to 2 decimals."""
    mean = round(sum(answers) / 3, 2)
    detail: dict[str, float | int | str | None] = {
        "pain": answers[0],
        "enjoyment": answers[1],
        "general_activity": answers[2],
    }
    return make_score(instrument, mean, detail=detail)
