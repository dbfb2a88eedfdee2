"""Server-rendered pages. Thin: each view finds its record through ``access``, writes
through ``services`` and renders a template; ``base.clinic_page`` maps domain errors."""

from acuplan.clinic.views.dashboard import dashboard, dashboard_list
from acuplan.clinic.views.intakes import intake_detail, intake_new
from acuplan.clinic.views.patients import (
    patient_chart,
    patient_details,
    patient_edit,
    patient_list,
    patient_new,
)
from acuplan.clinic.views.plans import (
    plan_approve,
    plan_handout,
    plan_override,
    plan_referral_made,
    plan_review,
)
from acuplan.clinic.views.sessions import session_detail, session_new

__all__ = [
    "dashboard",
    "dashboard_list",
    "intake_detail",
    "intake_new",
    "patient_chart",
    "patient_details",
    "patient_edit",
    "patient_list",
    "patient_new",
    "plan_approve",
    "plan_handout",
    "plan_override",
    "plan_referral_made",
    "plan_review",
    "session_detail",
    "session_new",
]
