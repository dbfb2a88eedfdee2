"""The patient's account: sessions, prepaid packages, payments and reversals, the balance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from acuplan.core.billing.ledger import (
    PackageFacts,
    PaymentFacts,
    SessionCharge,
    build_account,
)

D = dt.date(2026, 2, 2)


def day(n: int) -> dt.date:
    return D + dt.timedelta(days=n)


def test_it_charges_sessions_and_credits_payments() -> None:
    account = build_account(
        [SessionCharge(1, day(0), Decimal("95.00")), SessionCharge(2, day(7), Decimal("95.00"))],
        [],
        [PaymentFacts(1, day(0), Decimal("95.00"))],
    )
    assert account.charges == Decimal("190.00")
    assert account.balance == Decimal("95.00")
    assert [e.kind for e in account.entries] == ["session", "payment", "session"]


def test_it_covers_sessions_from_the_oldest_package_bought_before_them() -> None:
    sessions = [SessionCharge(i, day(i), Decimal("95.00")) for i in range(1, 5)]
    packages = [
        PackageFacts(10, day(2), 2, Decimal("160.00")),
        PackageFacts(11, day(0), 1, Decimal("85.00"), voided=True),
    ]
    account = build_account(sessions, packages, [PaymentFacts(5, day(2), Decimal("160.00"))])
    assert account.covered == {2: 10, 3: 10}
    assert account.places_left == {10: 0}
    # sessions 1 and 4 at 95, the package at 160, paid 160
    assert account.balance == Decimal("190.00")


def test_it_undoes_a_payment_with_its_reversal() -> None:
    account = build_account(
        [],
        [],
        [PaymentFacts(1, day(0), Decimal("50.00")), PaymentFacts(2, day(1), Decimal("-50.00"))],
    )
    assert account.balance == Decimal("0.00")
    assert [e.kind for e in account.entries] == ["payment", "reversal"]
