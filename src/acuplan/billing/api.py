"""Billing in the REST API: stateless CPT coding, superbills as JSON, the patient's account,
payments (reversed, never edited) and prepaid packages. Front desk may use all of it: it
shows codes, dates and money, never the clinical notes. Another clinic's record is a 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from acuplan.billing import access, services
from acuplan.billing.account import patient_account
from acuplan.billing.export import amount, superbill_json
from acuplan.billing.models import Package, Payment
from acuplan.billing.superbill import build_superbill, session_superbill
from acuplan.clinic.api_support import api_actor, api_user
from acuplan.clinic.services import record_read
from acuplan.core.billing import NeedleSet, code_sets, default_rules
from acuplan.core.errors import FieldError, InvalidInput

router = Router(tags=["billing"])
MAX_PERIOD_DAYS = 366
DEFAULT_PERIOD_DAYS = 30
Money = Annotated[
    Decimal, Field(gt=0, le=100000, max_digits=8, decimal_places=2, description="e.g. 95.00")
]
Method = Literal["cash", "card", "check", "transfer", "insurance", "hsa", "other"]


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


# --- stateless coding ---------------------------------------------------------------------


class CptSetIn(_In):
    stimulation: Literal["manual", "electro"]
    face_to_face_minutes: Annotated[int, Field(ge=0, le=240)]


class CptIn(_In):
    sets: Annotated[list[CptSetIn], Field(max_length=20)]
    evaluation: bool = False


class CptLineOut(Schema):
    cpt: str
    units: int
    modifiers: list[str]


class CptOut(Schema):
    lines: list[CptLineOut]
    explanation: list[str]


@router.post("/billing/cpt", response=CptOut, summary="Code needle sets in CPT, storing nothing")
def code_cpt(request: HttpRequest, payload: CptIn) -> dict[str, Any]:
    """The CPT codes (97810-97814, and an E/M code with modifier 25 when ``evaluation``) that
    these sets of one session give, each explained. Reads and writes no record. With
    ``evaluation`` the E/M level is the rules' default (99212) for the practitioner to raise."""
    api_user(request)
    rules = default_rules()
    coding = code_sets(
        [NeedleSet(s.stimulation, s.face_to_face_minutes) for s in payload.sets],
        evaluation=rules.evaluation.default_code if payload.evaluation else None,
        rules=rules,
    )
    return {
        "lines": [
            {"cpt": x.cpt, "units": x.units, "modifiers": list(x.modifiers)} for x in coding.lines
        ],
        "explanation": list(coding.explanation),
    }


# --- superbills ---------------------------------------------------------------------------


class ClinicOut(Schema):
    name: str
    address: str
    phone: str
    tax_id: str


class RenderingOut(Schema):
    name: str
    npi: str
    taxonomy: str
    licence_number: str
    licence_state: str


class BilledPatientOut(Schema):
    id: int
    name: str
    date_of_birth: dt.date


class PeriodOut(Schema):
    start: dt.date
    end: dt.date


class PlaceOut(Schema):
    code: str
    name: str


class DiagnosisOut(Schema):
    letter: str
    code: str
    display: str


class ClaimLineOut(Schema):
    date: dt.date
    cpt: str
    units: int
    modifiers: list[str]
    pointers: list[str]
    fee: str
    charge: str
    session_id: int | None
    rendering_npi: str


class CreditOut(Schema):
    date: dt.date
    kind: Literal["payment", "prepaid", "adjustment"]
    description: str
    amount: str
    """Negative for a reversal."""


class SuperbillOut(Schema):
    clinic: ClinicOut
    rendering: list[RenderingOut]
    patient: BilledPatientOut
    period: PeriodOut
    dates_of_service: list[dt.date]
    place_of_service: PlaceOut
    diagnoses: list[DiagnosisOut]
    lines: list[ClaimLineOut]
    payments: list[CreditOut]
    total_charges: str
    total_paid: str
    total_adjustments: str
    balance: str
    account_balance: str
    medicare: bool
    warnings: list[str]
    rules_version: str


class PeriodQuery(Schema):
    start: dt.date | None = Field(None, description="first date of service (default: 30 days ago)")
    end: dt.date | None = Field(None, description="last date of service (default: today)")

    def period(self) -> tuple[dt.date, dt.date]:
        """(start, end), InvalidInput when they are reversed or span more than a year."""
        end = self.end or timezone.localdate()
        start = self.start or end - dt.timedelta(days=DEFAULT_PERIOD_DAYS)
        if end < start:
            raise InvalidInput([FieldError("end", "is before start")])
        if (end - start).days >= MAX_PERIOD_DAYS:
            raise InvalidInput(
                [FieldError("end", f"a superbill covers at most {MAX_PERIOD_DAYS} days")]
            )
        return start, end


@router.get("/sessions/{session_id}/superbill", response=SuperbillOut)
def get_session_superbill(request: HttpRequest, session_id: int) -> dict[str, Any]:
    """The superbill of one session (front desk allowed; no clinical notes)."""
    session = access.get_billing_session_for(api_user(request), session_id)
    bill = session_superbill(session)
    record_read(actor=api_actor(request), record=session, patient=bill.patient, what="superbill")
    return superbill_json(bill)


@router.get("/patients/{patient_id}/superbill", response=SuperbillOut)
def get_period_superbill(
    request: HttpRequest, patient_id: int, period: Query[PeriodQuery]
) -> dict[str, Any]:
    """The superbill of the patient's sessions from ``start`` to ``end`` (at most a year;
    by default the last 30 days)."""
    patient = access.get_billing_patient_for(api_user(request), patient_id)
    bill = build_superbill(patient, *period.period())
    record_read(actor=api_actor(request), record=patient, patient=patient, what="superbill")
    return superbill_json(bill)


# --- the account, payments and packages ---------------------------------------------------


class EntryOut(Schema):
    date: dt.date
    kind: Literal["session", "package", "payment", "reversal"]
    ref: int
    description: str
    charge: str
    credit: str


class AccountOut(Schema):
    patient_id: int
    entries: list[EntryOut]
    charges: str
    credits: str
    balance: str
    """Positive: the patient owes; negative: in credit."""


@router.get("/patients/{patient_id}/account", response=AccountOut)
def get_account(request: HttpRequest, patient_id: int) -> dict[str, Any]:
    """Charges (sessions at the clinic's fees, packages), payments and reversals, balance."""
    patient = access.get_billing_patient_for(api_user(request), patient_id)
    account = patient_account(patient)
    record_read(actor=api_actor(request), record=patient, patient=patient, what="account")
    return {
        "patient_id": patient.pk,
        "entries": [
            {
                "date": e.date,
                "kind": e.kind,
                "ref": e.ref,
                "description": e.description,
                "charge": amount(e.charge),
                "credit": amount(e.credit),
            }
            for e in account.entries
        ],
        "charges": amount(account.charges),
        "credits": amount(account.credits),
        "balance": amount(account.balance),
    }


class PaymentIn(_In):
    amount: Money
    method: Method
    received_on: dt.date | None = Field(None, description="default: today")
    reference: Annotated[str, Field(max_length=100)] = ""
    note: Annotated[str, Field(max_length=500)] = ""


class ReversalIn(_In):
    reason: Annotated[str, Field(min_length=1, max_length=500)]


class PaymentOut(Schema):
    id: int
    patient_id: int
    amount: str
    method: str
    received_on: dt.date
    reference: str
    note: str
    package_id: int | None
    reverses_id: int | None
    recorded_by_id: int
    recorded_at: dt.datetime

    @staticmethod
    def resolve_amount(obj: Payment) -> str:
        return amount(obj.amount)


class PackageIn(_In):
    sessions: Annotated[int, Field(ge=1, le=100)]
    price: Money
    purchased_on: dt.date | None = Field(None, description="default: today")
    paid_by: Method | None = Field(None, description="record the payment of the price too")
    reference: Annotated[str, Field(max_length=100)] = ""
    note: Annotated[str, Field(max_length=500)] = ""


class PackageOut(Schema):
    id: int
    patient_id: int
    sessions: int
    price: str
    purchased_on: dt.date
    note: str
    recorded_by_id: int
    recorded_at: dt.datetime

    @staticmethod
    def resolve_price(obj: Package) -> str:
        return amount(obj.price)


@router.post("/patients/{patient_id}/payments", response={201: PaymentOut})
def record_payment(request: HttpRequest, patient_id: int, payload: PaymentIn) -> Payment:
    patient = access.get_billing_patient_for(api_user(request), patient_id)
    return services.record_payment(
        actor=api_actor(request),
        patient=patient,
        amount=payload.amount,
        method=payload.method,
        received_on=payload.received_on or timezone.localdate(),
        reference=payload.reference,
        note=payload.note,
    )


@router.post("/payments/{payment_id}/reversal", response={201: PaymentOut})
def reverse_payment(request: HttpRequest, payment_id: int, payload: ReversalIn) -> Payment:
    """Reverse a payment: a new entry of the opposite amount (409 if already reversed)."""
    payment = access.get_payment_for(api_user(request), payment_id)
    return services.reverse_payment(
        actor=api_actor(request), payment=payment, reason=payload.reason
    )


@router.post("/patients/{patient_id}/packages", response={201: PackageOut})
def record_package(request: HttpRequest, patient_id: int, payload: PackageIn) -> Package:
    patient = access.get_billing_patient_for(api_user(request), patient_id)
    return services.record_package(
        actor=api_actor(request),
        patient=patient,
        sessions=payload.sessions,
        price=payload.price,
        purchased_on=payload.purchased_on or timezone.localdate(),
        note=payload.note,
        paid_by=payload.paid_by or "",
        reference=payload.reference,
    )
