"""A clinician's change to a plan's prescription (``services.override_plan``), and the
record that a blocking plan's referral was made (``services.record_referral_made``)."""

from __future__ import annotations

from typing import Any

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
    overrides_rules = forms.MultipleChoiceField(
        label="Safety rules this override sets aside",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only to add back a point or a technique a safety rule removed: tick every "
        "rule you override. The override is then flagged as a safety override.",
    )

    def __init__(self, *args: Any, rules: list[tuple[str, str]] | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["overrides_rules"].choices = rules or []  # type: ignore[attr-defined]


class ReferralMadeForm(ClinicForm):
    note = forms.CharField(
        label="How the referral was made",
        required=False,
        max_length=2000,
        help_text="For example: letter to Dr Smith; sent to the emergency department by ambulance.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
