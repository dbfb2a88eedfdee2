"""Outcome records: the clinic's choice of function instrument, responses with their scores,
progress reviews, appointments and questionnaire links."""

from acuplan.outcomes.models.appointment import Appointment
from acuplan.outcomes.models.link import QuestionnaireLink
from acuplan.outcomes.models.preferences import ClinicOutcomeSettings, FunctionInstrument
from acuplan.outcomes.models.response import Baseline, OutcomeResponse, ResponseKind
from acuplan.outcomes.models.review import ProgressReview, ReviewStatus

__all__ = [
    "Appointment",
    "Baseline",
    "ClinicOutcomeSettings",
    "FunctionInstrument",
    "OutcomeResponse",
    "ProgressReview",
    "QuestionnaireLink",
    "ResponseKind",
    "ReviewStatus",
]
