"""Calendar forms: they collect; ``booking.services`` decides."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms

from acuplan.accounts.models import Role, User
from acuplan.clinic.models import Patient


def practitioners(clinic_id: int | None) -> Any:
    return User.objects.filter(
        clinic_id=clinic_id or 0,
        is_active=True,
        role__in=[Role.PRACTITIONER, Role.CLINIC_ADMIN],
    ).order_by("last_name", "username")


def _name(user: User) -> str:
    return user.display_name


class _When(forms.Form):
    day = forms.DateField(label="Day", widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(
        label="Time", initial=dt.time(9, 0), widget=forms.TimeInput(attrs={"type": "time"})
    )
    practitioner = forms.ModelChoiceField(queryset=User.objects.none(), label="Practitioner")

    def __init__(self, *args: Any, clinic_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["practitioner"])  # type: ignore[type-arg]
        field.queryset = practitioners(clinic_id)
        field.label_from_instance = _name  # type: ignore[method-assign,assignment]

    def starts_at(self) -> dt.datetime:
        """Naive: the service reads it on the clinic's wall clock."""
        return dt.datetime.combine(self.cleaned_data["day"], self.cleaned_data["time"])


class BookForm(_When):
    patient = forms.ModelChoiceField(queryset=Patient.objects.none(), label="Patient")
    duration_minutes = forms.IntegerField(label="Minutes", initial=45)
    field_order = ("patient", "practitioner", "day", "time", "duration_minutes")

    def __init__(self, *args: Any, clinic_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, clinic_id=clinic_id, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["patient"])  # type: ignore[type-arg]
        field.queryset = Patient.objects.filter(clinic_id=clinic_id or 0)


class MoveForm(_When):
    pass


class CancelForm(forms.Form):
    reason = forms.CharField(label="Reason (optional)", required=False, max_length=300)
