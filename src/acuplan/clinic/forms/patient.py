"""Registering a patient (the rules are ``services.create_patient``'s)."""

from __future__ import annotations

from typing import Any

from django import forms

from acuplan.clinic.forms.base import ClinicForm, choices
from acuplan.core.errors import FieldError
from acuplan.core.intake import Sex


class PatientForm(ClinicForm):
    first_name = forms.CharField(
        label="First name (required)",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"required": True, "autocomplete": "off"}),
    )
    last_name = forms.CharField(
        label="Last name (required)",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"required": True, "autocomplete": "off"}),
    )
    date_of_birth = forms.CharField(
        label="Date of birth (required)",
        required=False,
        help_text="Without a date picker, type it as YYYY-MM-DD.",
        widget=forms.DateInput(attrs={"type": "date", "required": True}),
    )
    sex = forms.ChoiceField(label="Sex", choices=choices(Sex), initial="unknown", required=False)
    email = forms.EmailField(label="Email", required=False)
    phone = forms.CharField(label="Phone", max_length=30, required=False)
    physician_name = forms.CharField(
        label="Referring or primary physician", max_length=200, required=False
    )
    physician_contact = forms.CharField(label="Physician contact", max_length=200, required=False)

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) or "" for name in self.fields}

    def typed_data(self) -> dict[str, Any]:
        """What was typed, for the service's checks when some inputs did not parse."""
        return {name: self.data.get(name, "") for name in self.fields}

    def add_unshadowed_errors(self, errors: list[FieldError]) -> None:
        """The service's errors on inputs that have none yet (an input that failed to parse
        already says why)."""
        self.add_service_errors(e for e in errors if self.field_for(e.field) not in self.errors)
