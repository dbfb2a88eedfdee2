"""Roland-Morris Disability Questionnaire, 24 items: the number of statements that apply."""

from __future__ import annotations

from collections.abc import Sequence

from acuplan.core.assessment.scores.common import InstrumentScore, make_score
from acuplan.core.knowledge import models as km


def score_rmdq(instrument: km.Instrument, answers: Sequence[bool]) -> InstrumentScore:
    """Score 0-24; a statement not ticked counts 0. Raises ValueError unless 24 answers."""
    if len(answers) != 24:
        raise ValueError("RMDQ-24 needs exactly 24 answers")
    return make_score(instrument, float(sum(1 for a in answers if a)))
