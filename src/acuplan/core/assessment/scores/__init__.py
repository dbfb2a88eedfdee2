"""Questionnaire scoring, one module per instrument. Thresholds and MCIDs come from
instruments.toml; the arithmetic lives here. ``score`` is the one dispatch every caller uses
(the intake, follow-up responses, the API)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from acuplan.core.assessment.scores.common import InstrumentScore, Mcid, StartBackScore
from acuplan.core.assessment.scores.nrs import score_nrs
from acuplan.core.assessment.scores.odi import score_odi
from acuplan.core.assessment.scores.peg import score_peg
from acuplan.core.assessment.scores.rmdq import score_rmdq
from acuplan.core.assessment.scores.start_back import score_start_back
from acuplan.core.knowledge import Knowledge
from acuplan.core.knowledge import models as km

SCORERS: dict[str, Callable[[km.Instrument, Any], InstrumentScore]] = {
    "nrs": score_nrs,
    "peg": score_peg,
    "rmdq": score_rmdq,
    "odi": score_odi,
    "start_back": score_start_back,
}
"""Instrument id -> scorer. The answers' shape is the instrument's own (an int for NRS, a
list for the others), validated before scoring."""


def score(kb: Knowledge, instrument: str, answers: Any) -> InstrumentScore:
    """Score one instrument's validated answers (KeyError for an unknown instrument)."""
    return SCORERS[instrument](kb.instruments[instrument], answers)


__all__ = [
    "SCORERS",
    "InstrumentScore",
    "Mcid",
    "StartBackScore",
    "score",
    "score_nrs",
    "score_odi",
    "score_peg",
    "score_rmdq",
    "score_start_back",
]
