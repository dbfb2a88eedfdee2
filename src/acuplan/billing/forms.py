"""Page forms of the billing app. They parse what the browser sends; the services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from acuplan.billing.models import PaymentMethod
from acuplan.clinic.forms.base import ClinicForm, blank
from acuplan.core.billing import default_rules

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PaymentForm(ClinicForm):
    amount = forms.DecimalField(
        label="Amount",
        max_digits=8,
        decimal_places=2,
        min_value=0,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "class": "short"}),
    )
    method = forms.ChoiceField(label="Method", choices=PaymentMethod.choices)
    received_on = forms.DateField(label="Received on", widget=DATE)
    reference = forms.CharField(label="Receipt or reference", max_length=100, required=False)
    note = forms.CharField(label="Note", max_length=500, required=False)


class PackageForm(ClinicForm):
    sessions = forms.IntegerField(
        label="Sessions",
        min_value=1,
        max_value=100,
        widget=forms.NumberInput(attrs={"class": "short"}),
    )
    price = forms.DecimalField(
        label="Price",
        max_digits=8,
        decimal_places=2,
        min_value=0,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "class": "short"}),
    )
    purchased_on = forms.DateField(label="Bought on", widget=DATE)
    paid_by = forms.ChoiceField(
        label="Paid now by", choices=blank(PaymentMethod.choices, "Not paid yet"), required=False
    )
    note = forms.CharField(label="Note", max_length=500, required=False)


class ReasonForm(ClinicForm):
    reason = forms.CharField(label="Reason", max_length=500)


class PeriodForm(ClinicForm):
    start = forms.DateField(label="From", widget=DATE)
    end = forms.DateField(label="To", widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "is before the start")
        elif start and end and (end - start).days > 366:
            self.add_error("end", "a period covers at most a year")
        return data


class ClinicBillingForm(ClinicForm):
    address = forms.CharField(
        label="Address", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    phone = forms.CharField(label="Phone", max_length=30, required=False)
    tax_id = forms.CharField(
        label="Tax id (EIN)", max_length=10, required=False, help_text="12-3456789"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code in fee_codes():
            self.fields[f"fee_{code}"] = forms.DecimalField(
                label=f"Fee for {code}",
                max_digits=7,
                decimal_places=2,
                min_value=0,
                required=False,
                widget=forms.NumberInput(attrs={"step": "0.01", "class": "short"}),
            )

    def field_for(self, path: str) -> str | None:
        if path.startswith("fee_schedule."):
            return f"fee_{path.removeprefix('fee_schedule.')}"
        return super().field_for(path)

    def service_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        fees = {code: d.get(f"fee_{code}") for code in fee_codes()}
        return {
            "address": d.get("address") or "",
            "phone": d.get("phone") or "",
            "tax_id": d.get("tax_id") or "",
            "fee_schedule": {k: str(v) for k, v in fees.items() if v not in (None, "")},
        }


def fee_codes() -> list[str]:
    rules = default_rules()
    return [*rules.codes, *rules.evaluation.codes]


class CredentialsForm(ClinicForm):
    licence_number = forms.CharField(label="Licence number", max_length=50)
    licence_state = forms.CharField(
        label="Licence state", max_length=2, help_text="Two letters, e.g. CA"
    )
    licence_expiry = forms.DateField(label="Licence expires", widget=DATE)
    nccaom_number = forms.CharField(label="NCCAOM number", max_length=50, required=False)
    nccaom_expiry = forms.DateField(
        label="NCCAOM certification expires", widget=DATE, required=False
    )
    npi = forms.CharField(
        label="NPI", max_length=10, required=False, help_text="10 digits; the last is checked"
    )

    def service_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        out: dict[str, Any] = {k: d.get(k) for k in self.fields}
        for k, v in out.items():
            if isinstance(v, dt.date):
                out[k] = v.isoformat()
        return out
