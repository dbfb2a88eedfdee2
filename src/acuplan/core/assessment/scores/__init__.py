"""Questionnaire scoring, one module per instrument. Thresholds and MCIDs come from
instruments.toml; the arithmetic lives here."""

from __future__ import annotations

from acuplan.core.assessment.scores.common import InstrumentScore, Mcid
from acuplan.core.assessment.scores.nrs import score_nrs
from acuplan.core.assessment.scores.odi import score_odi
from acuplan.core.assessment.scores.peg import score_peg
from acuplan.core.assessment.scores.rmdq import score_rmdq
from acuplan.core.assessment.scores.start_back import score_start_back

__all__ = [
    "InstrumentScore",
    "Mcid",
    "score_nrs",
    "score_odi",
    "score_peg",
    "score_rmdq",
    "score_start_back",
]
