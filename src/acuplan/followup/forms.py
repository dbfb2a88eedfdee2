"""Forms of the between-visits pages: they collect; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from acuplan.accounts.models import Clinic


class ClinicSettingsForm(forms.Form):
    time_zone = forms.CharField(
        label="Time zone",
        max_length=64,
        help_text="An IANA name, e.g. America/New_York or Europe/London",
    )
    quiet_hours_start = forms.TimeField(
        label="Quiet hours from", widget=forms.TimeInput(attrs={"type": "time"})
    )
    quiet_hours_end = forms.TimeField(
        label="Quiet hours until", widget=forms.TimeInput(attrs={"type": "time"})
    )
    reminder_hours_before = forms.IntegerField(label="Appointment reminder, hours ahead")
    late_cancellation_hours = forms.IntegerField(label="Late cancellation, hours before a visit")
    follow_up_months = forms.CharField(
        label="Follow-up after discharge, months", help_text="Comma-separated, e.g. 1, 3, 6"
    )
    chaser_days = forms.IntegerField(label="One reminder after, days")

    @classmethod
    def for_clinic(cls, clinic: Clinic, data: Any = None) -> ClinicSettingsForm:
        initial = {name: getattr(clinic, name) for name in cls.base_fields}
        initial["follow_up_months"] = ", ".join(str(m) for m in clinic.follow_up_months)
        return cls(data, initial=initial)

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        raw = str(data["follow_up_months"])
        months: list[Any] = []
        for part in raw.replace(";", ",").split(","):
            part = part.strip()
            if part:
                months.append(int(part) if part.isdigit() else part)
        data["follow_up_months"] = months
        return data


class DischargeForm(forms.Form):
    note = forms.CharField(label="Note (optional)", required=False, max_length=500)
