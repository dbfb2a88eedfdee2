"""A clinician's change to a plan's prescription (``services.override_plan``)."""

from __future__ import annotations

from django import forms

from acuplan.clinic.forms.base import ClinicForm
from acuplan.clinic.models import PlanOverride


class OverrideForm(ClinicForm):
    kind = forms.ChoiceField(label="Change", choices=PlanOverride.Kind.choices)
    target = forms.CharField(
        label="Point or technique",
        max_length=20,
        required=False,
        help_text="A point code such as BL23, or manual, electro or acupressure.",
    )
    reason = forms.CharField(
        label="Reason (required)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "required": True}),
    )
