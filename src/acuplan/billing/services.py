"""Writes of the billing app, each in one transaction with its audit event: payments and
their reversal, packages and their voiding, the clinic's billing details, a practitioner's
credentials. Money is never edited: a mistake is reversed by a new row.

Errors: InvalidInput (names every bad field, nothing changed), NotPermitted, Conflict."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from acuplan.accounts.models import Clinic, PractitionerProfile
from acuplan.billing.models import Package, PackageVoid, Payment, PaymentMethod
from acuplan.clinic.models import Patient
from acuplan.clinic.services import Actor
from acuplan.core.billing import default_rules
from acuplan.core.credentials import npi_problem
from acuplan.core.errors import Conflict, FieldError, InvalidInput, NotPermitted
from acuplan.outcomes.services.common import audit, require_member

MAX_AMOUNT = Decimal("100000.00")
MAX_FEE = Decimal("10000.00")
MAX_PACKAGE_SESSIONS = 100
EARLIEST = dt.date(2000, 1, 1)
EIN = re.compile(r"^\d{2}-\d{7}$")
STATES = frozenset(
    """AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV
    NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP""".split()  # noqa: SIM905
)


def _require(errors: list[FieldError]) -> None:
    if errors:
        raise InvalidInput(errors)


def money(value: Any, field: str, errors: list[FieldError], high: Decimal = MAX_AMOUNT) -> Decimal:
    """A positive amount with at most two decimals, up to ``high``."""
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.append(FieldError(field, "must be an amount, e.g. 95.00"))
        return Decimal(0)
    if not amount.is_finite() or amount.as_tuple().exponent < -2:  # type: ignore[operator]
        errors.append(FieldError(field, "must be an amount with at most two decimals"))
        return Decimal(0)
    if not Decimal(0) < amount <= high:
        errors.append(FieldError(field, f"must be more than 0 and at most {high}"))
    return amount.quantize(Decimal("0.01"))


def _day(value: Any, field: str, errors: list[FieldError]) -> dt.date:
    today = timezone.localdate()
    day = value if isinstance(value, dt.date) else None
    if day is None:
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            errors.append(FieldError(field, "a date, YYYY-MM-DD"))
            return today
    if day > today:
        errors.append(FieldError(field, "is in the future"))
    elif day < EARLIEST:
        errors.append(FieldError(field, f"is before {EARLIEST.isoformat()}"))
    return day


def _text(value: Any, field: str, limit: int, errors: list[FieldError]) -> str:
    text = str(value or "").strip()
    if len(text) > limit:
        errors.append(FieldError(field, f"at most {limit} characters"))
    return text


# --- payments -----------------------------------------------------------------------------


@transaction.atomic
def record_payment(
    *,
    actor: Actor,
    patient: Patient,
    amount: Any,
    method: str,
    received_on: Any,
    reference: str = "",
    note: str = "",
    package: Package | None = None,
) -> Payment:
    """Money received from or for the patient. Any member of the clinic (front desk too)."""
    require_member(actor, patient)
    errors: list[FieldError] = []
    value = money(amount, "amount", errors)
    if method not in PaymentMethod.values:
        errors.append(FieldError("method", f"must be one of {', '.join(PaymentMethod.values)}"))
    day = _day(received_on, "received_on", errors)
    reference = _text(reference, "reference", 100, errors)
    note = _text(note, "note", 500, errors)
    _require(errors)
    payment = Payment.objects.create(
        patient=patient,
        amount=value,
        method=method,
        received_on=day,
        reference=reference,
        note=note,
        package=package,
        recorded_by=actor.user,
    )
    audit(
        actor,
        "acuplan.payment.recorded",
        payment,
        patient,
        amount=str(value),
        method=method,
        received_on=day.isoformat(),
        package=package.pk if package else None,
    )
    return payment


@transaction.atomic
def reverse_payment(*, actor: Actor, payment: Payment, reason: str) -> Payment:
    """Reverse a payment with a new entry of the opposite amount, dated today. Conflict for
    a reversal or a payment already reversed."""
    require_member(actor, payment.patient)
    errors: list[FieldError] = []
    reason = _text(reason, "reason", 500, errors)
    if not reason:
        errors.append(FieldError("reason", "say why the payment is reversed"))
    _require(errors)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.is_reversal:
        raise Conflict("a reversal cannot itself be reversed; record a new payment instead")
    if Payment.objects.filter(reverses=payment).exists():
        raise Conflict("this payment has already been reversed")
    reversal = Payment.objects.create(
        patient=payment.patient,
        amount=-payment.amount,
        method=payment.method,
        received_on=timezone.localdate(),
        reference=payment.reference,
        note=reason,
        package=payment.package,
        reverses=payment,
        recorded_by=actor.user,
    )
    audit(
        actor,
        "acuplan.payment.reversed",
        reversal,
        payment.patient,
        reverses=payment.pk,
        amount=str(reversal.amount),
        reason=reason,
    )
    return reversal


# --- packages -----------------------------------------------------------------------------


@transaction.atomic
def record_package(
    *,
    actor: Actor,
    patient: Patient,
    sessions: Any,
    price: Any,
    purchased_on: Any,
    note: str = "",
    paid_by: str = "",
    reference: str = "",
) -> Package:
    """Sell ``sessions`` prepaid sessions for ``price``. With ``paid_by`` (a payment method)
    the payment of the price is recorded too, in the same transaction."""
    require_member(actor, patient)
    errors: list[FieldError] = []
    if isinstance(sessions, bool) or not isinstance(sessions, int):
        errors.append(FieldError("sessions", "a whole number of sessions"))
        sessions = 0
    elif not 1 <= sessions <= MAX_PACKAGE_SESSIONS:
        errors.append(FieldError("sessions", f"must be 1-{MAX_PACKAGE_SESSIONS}"))
    value = money(price, "price", errors)
    day = _day(purchased_on, "purchased_on", errors)
    note = _text(note, "note", 500, errors)
    if paid_by and paid_by not in PaymentMethod.values:
        errors.append(FieldError("paid_by", f"must be one of {', '.join(PaymentMethod.values)}"))
    _require(errors)
    package = Package.objects.create(
        patient=patient,
        sessions=sessions,
        price=value,
        purchased_on=day,
        note=note,
        recorded_by=actor.user,
    )
    audit(
        actor,
        "acuplan.package.recorded",
        package,
        patient,
        sessions=sessions,
        price=str(value),
        purchased_on=day.isoformat(),
    )
    if paid_by:
        record_payment(
            actor=actor,
            patient=patient,
            amount=value,
            method=paid_by,
            received_on=day,
            reference=reference,
            note=f"Package #{package.pk}",
            package=package,
        )
    return package


@transaction.atomic
def void_package(*, actor: Actor, package: Package, reason: str, used: int) -> PackageVoid:
    """Void a package sold in error. ``used``: the sessions it already covers (the caller
    reads the account); a package in use cannot be voided (reverse its payment or sell a
    smaller one instead). Conflict also when it is already void."""
    require_member(actor, package.patient)
    errors: list[FieldError] = []
    reason = _text(reason, "reason", 500, errors)
    if not reason:
        errors.append(FieldError("reason", "say why the package is voided"))
    _require(errors)
    Package.objects.select_for_update().filter(pk=package.pk).first()
    if PackageVoid.objects.filter(package=package).exists():
        raise Conflict("this package is already void")
    if used:
        raise Conflict(
            f"this package already covers {used} session(s) and cannot be voided; reverse its "
            "payment (a refund) instead"
        )
    void = PackageVoid.objects.create(package=package, reason=reason, voided_by=actor.user)
    audit(actor, "acuplan.package.voided", void, package.patient, package=package.pk, reason=reason)
    return void


# --- the clinic's billing details ---------------------------------------------------------


def billable_codes() -> list[str]:
    rules = default_rules()
    return [*rules.codes, *rules.evaluation.codes]


@transaction.atomic
def update_clinic_billing(*, actor: Actor, clinic: Clinic, data: dict[str, Any]) -> Clinic:
    """A clinic admin sets what a superbill states: ``address``, ``phone``, ``tax_id`` (EIN
    12-3456789) and ``fee_schedule`` (code -> fee per unit; a blank fee drops the code).
    The audit event keeps every old value beside the new one."""
    if not actor.user.is_clinic_admin or actor.user.clinic_id != clinic.pk:
        raise NotPermitted("only a clinic admin may change the clinic's billing details")
    errors: list[FieldError] = []
    allowed = {"address", "phone", "tax_id", "fee_schedule"}
    errors += [FieldError(k, "unknown field") for k in data if k not in allowed]
    fields: dict[str, Any] = {}
    for name, limit in (("address", 500), ("phone", 30), ("tax_id", 10)):
        if name in data:
            fields[name] = _text(data[name], name, limit, errors)
    if fields.get("tax_id") and not EIN.match(fields["tax_id"]):
        errors.append(FieldError("tax_id", "an EIN is 9 digits written 12-3456789"))
    if "fee_schedule" in data:
        fields["fee_schedule"] = _fee_schedule(data["fee_schedule"], errors)
    _require(errors)
    changes = {k: [getattr(clinic, k), v] for k, v in fields.items() if getattr(clinic, k) != v}
    if not changes:
        return clinic
    Clinic.objects.filter(pk=clinic.pk).update(**{k: fields[k] for k in changes})
    clinic.refresh_from_db()
    audit(actor, "acuplan.clinic_billing.changed", clinic, None, changes=changes)
    return clinic


def _fee_schedule(given: Any, errors: list[FieldError]) -> dict[str, str]:
    if not isinstance(given, dict):
        errors.append(FieldError("fee_schedule", "code -> fee"))
        return {}
    known = billable_codes()
    out: dict[str, str] = {}
    for code, fee in given.items():
        if code not in known:
            errors.append(FieldError(f"fee_schedule.{code}", "not a code acuplan bills"))
        elif fee not in (None, ""):
            out[code] = str(money(fee, f"fee_schedule.{code}", errors, MAX_FEE))
    return {c: out[c] for c in known if c in out}


# --- credentials --------------------------------------------------------------------------

CREDENTIAL_FIELDS = (
    "licence_number",
    "licence_state",
    "licence_expiry",
    "nccaom_number",
    "nccaom_expiry",
    "npi",
)


@transaction.atomic
def update_credentials(
    *, actor: Actor, profile: PractitionerProfile, data: dict[str, Any]
) -> PractitionerProfile:
    """Change a practitioner's licence (state, number, expiry), NCCAOM certification
    (number, expiry) or NPI (its check digit is verified). The practitioner or a clinic
    admin; the audit event keeps old and new values."""
    if profile.user.clinic_id != actor.user.clinic_id or not (
        profile.user_id == actor.user.pk or actor.user.is_clinic_admin
    ):
        raise NotPermitted("only the practitioner or a clinic admin may change credentials")
    errors = [FieldError(k, "unknown field") for k in data if k not in CREDENTIAL_FIELDS]
    current = {k: getattr(profile, k) for k in CREDENTIAL_FIELDS}
    fields = {**current, **{k: v for k, v in data.items() if k in CREDENTIAL_FIELDS}}
    clean: dict[str, Any] = {}
    clean["licence_number"] = _text(fields["licence_number"], "licence_number", 50, errors)
    if not clean["licence_number"]:
        errors.append(FieldError("licence_number", "required"))
    clean["licence_state"] = _text(fields["licence_state"], "licence_state", 2, errors).upper()
    if clean["licence_state"] not in STATES:
        errors.append(FieldError("licence_state", "a US state or territory code, e.g. CA"))
    clean["licence_expiry"] = _expiry(fields["licence_expiry"], "licence_expiry", errors, True)
    clean["nccaom_number"] = _text(fields["nccaom_number"], "nccaom_number", 50, errors)
    clean["nccaom_expiry"] = _expiry(fields["nccaom_expiry"], "nccaom_expiry", errors, False)
    if clean["nccaom_number"] and clean["nccaom_expiry"] is None:
        errors.append(FieldError("nccaom_expiry", "the NCCAOM certification's expiry date"))
    clean["npi"] = _text(fields["npi"], "npi", 10, errors).replace(" ", "")
    problem = npi_problem(clean["npi"]) if clean["npi"] else None
    if problem:
        errors.append(FieldError("npi", problem))
    _require(errors)
    changes = {
        k: [str(current[k] or ""), str(v or "")] for k, v in clean.items() if current[k] != v
    }
    if not changes:
        return profile
    PractitionerProfile.objects.filter(pk=profile.pk).update(**{k: clean[k] for k in changes})
    profile.refresh_from_db()
    audit(actor, "acuplan.credentials.changed", profile, None, changes=changes)
    return profile


def _expiry(value: Any, field: str, errors: list[FieldError], required: bool) -> dt.date | None:
    if value in (None, ""):
        if required:
            errors.append(FieldError(field, "required, as YYYY-MM-DD"))
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors.append(FieldError(field, "a date, YYYY-MM-DD"))
        return None
