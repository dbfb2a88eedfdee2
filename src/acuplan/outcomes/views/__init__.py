"""Pages of the outcomes app. Thin: each finds its record through ``access``, writes through
``services`` and renders a template; ``clinic.views.base.clinic_page`` maps domain errors."""

from acuplan.outcomes.views.clinic import clinic_outcomes, safety
from acuplan.outcomes.views.course import calendar_ics, schedule
from acuplan.outcomes.views.patient import (
    baseline_set,
    flags_seen,
    from_intake,
    link_send,
    outcome_new,
    outcomes_chart,
    review_detail,
    review_new,
)
from acuplan.outcomes.views.public import questionnaire

__all__ = [
    "baseline_set",
    "calendar_ics",
    "clinic_outcomes",
    "flags_seen",
    "from_intake",
    "link_send",
    "outcome_new",
    "outcomes_chart",
    "questionnaire",
    "review_detail",
    "review_new",
    "safety",
    "schedule",
]
