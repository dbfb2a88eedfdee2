"""Clinical records: patients, intakes, plans, consents, sessions."""

from acuplan.clinic.models.patient import Consent, Intake, Patient
from acuplan.clinic.models.plan import Plan, PlanOverride, PlanStatus, ReferralMade
from acuplan.clinic.models.session import AdverseEvent, NeedleSet, Session, SessionPoint

__all__ = [
    "AdverseEvent",
    "Consent",
    "Intake",
    "NeedleSet",
    "Patient",
    "Plan",
    "PlanOverride",
    "PlanStatus",
    "ReferralMade",
    "Session",
    "SessionPoint",
]
