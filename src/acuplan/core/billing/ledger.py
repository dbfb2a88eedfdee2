"""A patient's account: what the sessions and packages cost, what was paid, the balance.
Pure: the facts are arguments; nothing is stored here.

- A session is charged its coded lines at the clinic's fees, unless a prepaid package
  covers it: each session takes a place in the oldest package bought on or before its day
  that has places left (a voided package covers nothing).
- A package is charged its price on the day it was bought.
- A payment is a credit; its reversal is a credit of the opposite sign. Nothing is edited.

The balance is charges minus credits: positive, the patient owes; negative, in credit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class SessionCharge:
    session_id: int
    date: dt.date
    amount: Decimal


@dataclass(frozen=True, slots=True)
class PackageFacts:
    package_id: int
    purchased_on: dt.date
    sessions: int
    price: Decimal
    voided: bool = False


@dataclass(frozen=True, slots=True)
class PaymentFacts:
    payment_id: int
    received_on: dt.date
    amount: Decimal
    """Positive for a payment, negative for a reversal."""
    description: str = ""


@dataclass(frozen=True, slots=True)
class Entry:
    date: dt.date
    kind: str
    """session | package | payment | reversal"""
    ref: int
    description: str
    charge: Decimal = ZERO
    credit: Decimal = ZERO


@dataclass(frozen=True)
class Account:
    entries: list[Entry]
    covered: dict[int, int] = field(default_factory=dict)
    """session id -> the package that covers it."""
    places_left: dict[int, int] = field(default_factory=dict)
    """package id -> sessions still prepaid."""

    @property
    def charges(self) -> Decimal:
        return sum((e.charge for e in self.entries), ZERO)

    @property
    def credits(self) -> Decimal:
        return sum((e.credit for e in self.entries), ZERO)

    @property
    def balance(self) -> Decimal:
        return self.charges - self.credits


def build_account(
    sessions: Sequence[SessionCharge],
    packages: Sequence[PackageFacts],
    payments: Sequence[PaymentFacts],
) -> Account:
    """The account, its entries in date order (charges before credits on a day)."""
    live = sorted(
        (p for p in packages if not p.voided), key=lambda p: (p.purchased_on, p.package_id)
    )
    left = {p.package_id: p.sessions for p in live}
    covered: dict[int, int] = {}
    entries: list[Entry] = []
    for s in sorted(sessions, key=lambda s: (s.date, s.session_id)):
        package = next(
            (p for p in live if p.purchased_on <= s.date and left[p.package_id] > 0), None
        )
        if package is None:
            entries.append(Entry(s.date, "session", s.session_id, "Session", charge=s.amount))
            continue
        left[package.package_id] -= 1
        covered[s.session_id] = package.package_id
        entries.append(
            Entry(
                s.date, "session", s.session_id, f"Session (prepaid, package #{package.package_id})"
            )
        )
    entries += [
        Entry(
            p.purchased_on,
            "package",
            p.package_id,
            f"Package of {p.sessions} sessions",
            charge=p.price,
        )
        for p in live
    ]
    entries += [
        Entry(
            p.received_on,
            "payment" if p.amount >= 0 else "reversal",
            p.payment_id,
            p.description or ("Payment" if p.amount >= 0 else "Reversal"),
            credit=p.amount,
        )
        for p in payments
    ]
    order = {"session": 0, "package": 0, "payment": 1, "reversal": 1}
    entries.sort(key=lambda e: (e.date, order[e.kind], e.ref))
    return Account(entries, covered, left)
