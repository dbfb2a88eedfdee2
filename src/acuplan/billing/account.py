"""A patient's account from the records: each session's coded lines at the clinic's fees,
the packages sold and the payments received (``acuplan.core.billing.ledger`` does the sums)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from acuplan.accounts.models import Clinic
from acuplan.billing.coding import SessionCoding, code_sessions
from acuplan.billing.fees import fee_for
from acuplan.billing.models import Package, Payment
from acuplan.clinic.models import Patient, Session
from acuplan.core.billing import Line
from acuplan.core.billing.ledger import (
    Account,
    PackageFacts,
    PaymentFacts,
    SessionCharge,
    build_account,
)

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class SessionMoney:
    lines: list[tuple[Line, Decimal]]
    """Each coded line with its fee per unit."""
    missing_fees: list[str] = field(default_factory=list)

    @property
    def charge(self) -> Decimal:
        return sum((fee * line.units for line, fee in self.lines), ZERO)


def session_money(
    clinic: Clinic, sessions: Iterable[Session], codings: dict[int, SessionCoding]
) -> dict[int, SessionMoney]:
    out = {}
    for s in sessions:
        priced, missing = [], []
        for line in codings[s.pk].lines:
            fee = fee_for(clinic, line.cpt)
            if fee is None:
                missing.append(line.cpt)
            priced.append((line, fee or ZERO))
        out[s.pk] = SessionMoney(priced, missing)
    return out


def patient_account(patient: Patient) -> Account:
    sessions = list(patient.sessions.order_by("date", "id"))
    money = session_money(patient.clinic, sessions, code_sessions(sessions))
    charges = [SessionCharge(s.pk, s.date, money[s.pk].charge) for s in sessions]
    packages = [
        PackageFacts(p.pk, p.purchased_on, p.sessions, p.price, hasattr(p, "void"))
        for p in Package.objects.filter(patient=patient).select_related("void")
    ]
    payments = [
        PaymentFacts(p.pk, p.received_on, p.amount, _describe(p))
        for p in Payment.objects.filter(patient=patient)
    ]
    return build_account(charges, packages, payments)


def _describe(payment: Payment) -> str:
    if payment.is_reversal:
        return f"Reversal of payment #{payment.reverses_id}: {payment.note}"
    what = f"Payment ({payment.get_method_display()})"
    if payment.package_id:
        what += f" for package #{payment.package_id}"
    return what + (f", {payment.reference}" if payment.reference else "")
