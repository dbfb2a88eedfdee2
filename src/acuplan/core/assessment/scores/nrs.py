"""Pain numeric rating scale, 0-10 (average pain over the last week)."""

from __future__ import annotations

from acuplan.core.assessment.scores.common import InstrumentScore, make_score
from acuplan.core.knowledge import models as km


def score_nrs(instrument: km.Instrument, value: int) -> InstrumentScore:
    return make_score(instrument, float(value))
