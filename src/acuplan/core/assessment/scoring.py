"""Score every questionnaire the intake gives (one entry per instrument given)."""

from __future__ import annotations

from typing import Any

from acuplan.core.assessment.scores import InstrumentScore, StartBackScore, score
from acuplan.core.intake import Intake
from acuplan.core.knowledge import Knowledge

Scores = dict[str, StartBackScore | InstrumentScore]
"""StarT Back first in the union, so that its own fields (psychosocial, risk) are dumped."""


def score_questionnaires(kb: Knowledge, intake: Intake) -> Scores:
    q = intake.questionnaires
    given: dict[str, Any] = {
        "nrs": intake.pain.intensity_nrs,
        "start_back": q.start_back,
        "rmdq": q.rmdq,
        "odi": q.odi,
        "peg": q.peg,
    }
    return {
        name: score(kb, name, answers) for name, answers in given.items() if answers is not None
    }
