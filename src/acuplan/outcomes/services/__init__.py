"""Service layer of the outcomes app: every write runs in one transaction with its audit
event (``acuplan.outcome.*``, ``acuplan.progress.*``, ``acuplan.course.scheduled``,
``acuplan.questionnaire_link.*``). Views call these; they never ``.save()`` models.

Errors: InvalidInput (names every bad field, nothing changed), NotPermitted, Conflict, and
for questionnaire links LinkUnknown (404) and LinkGone (410).
"""

from acuplan.outcomes.services.baseline import baseline_response, set_baseline
from acuplan.outcomes.services.clinic_settings import (
    function_instrument_for,
    set_function_instrument,
)
from acuplan.outcomes.services.flags import acknowledge_red_flags, notify_red_flags
from acuplan.outcomes.services.links import (
    LINK_LIFETIME,
    LinkGone,
    LinkUnknown,
    answer_questionnaire,
    completion_rate,
    open_link,
    send_questionnaire_link,
)
from acuplan.outcomes.services.progress import review_progress, settle_review
from acuplan.outcomes.services.recording import record_intake_baseline, record_outcome
from acuplan.outcomes.services.scheduling import ScheduleResult, schedule_appointments

__all__ = [
    "LINK_LIFETIME",
    "LinkGone",
    "LinkUnknown",
    "ScheduleResult",
    "acknowledge_red_flags",
    "answer_questionnaire",
    "baseline_response",
    "completion_rate",
    "function_instrument_for",
    "notify_red_flags",
    "open_link",
    "record_intake_baseline",
    "record_outcome",
    "review_progress",
    "schedule_appointments",
    "send_questionnaire_link",
    "set_baseline",
    "set_function_instrument",
    "settle_review",
]
