"""Page forms. They parse what the browser sends and lay it out for people; the rules live in
the services and the intake contract, whose errors each form attaches to its own inputs
(``ClinicForm.add_service_errors``). Django-level checks are limited to types."""

from acuplan.clinic.forms.base import ClinicForm, TriStateField, plain_message
from acuplan.clinic.forms.intake import Group, IntakeForm, Step
from acuplan.clinic.forms.override import OverrideForm, ReferralMadeForm
from acuplan.clinic.forms.patient import PatientForm
from acuplan.clinic.forms.session import (
    AdverseEventRowForm,
    NeedleSetRowForm,
    PointRowForm,
    Rows,
    SessionForm,
    make_rows,
)

__all__ = [
    "AdverseEventRowForm",
    "ClinicForm",
    "Group",
    "IntakeForm",
    "NeedleSetRowForm",
    "OverrideForm",
    "PatientForm",
    "PointRowForm",
    "ReferralMadeForm",
    "Rows",
    "SessionForm",
    "Step",
    "TriStateField",
    "make_rows",
    "plain_message",
]
