"""Score every questionnaire the intake gives (one entry per instrument given)."""

from __future__ import annotations

from acuplan.core.assessment.scores import (
    InstrumentScore,
    score_nrs,
    score_odi,
    score_peg,
    score_rmdq,
    score_start_back,
)
from acuplan.core.intake import Intake
from acuplan.core.knowledge import Knowledge

Scores = dict[str, InstrumentScore]


def score_questionnaires(kb: Knowledge, intake: Intake) -> Scores:
    q, inst = intake.questionnaires, kb.instruments
    out: Scores = {}
    if intake.pain.intensity_nrs is not None:
        out["nrs"] = score_nrs(inst["nrs"], intake.pain.intensity_nrs)
    if q.start_back is not None:
        out["start_back"] = score_start_back(inst["start_back"], q.start_back)
    if q.rmdq is not None:
        out["rmdq"] = score_rmdq(inst["rmdq"], q.rmdq)
    if q.odi is not None and (odi := score_odi(inst["odi"], q.odi)) is not None:
        out["odi"] = odi
    if q.peg is not None:
        out["peg"] = score_peg(inst["peg"], q.peg)
    return out
