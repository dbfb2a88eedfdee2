"""The superbill of one session or of a period: what a patient hands an insurer to claim the
money back. One read model for the printable page, the JSON of the API and the CSV of claim
lines. It holds codes, dates and money, never the clinical notes.

What it states: the clinic (name, address, tax id); the rendering practitioner(s) with NPI,
taxonomy 171100000X, licence number and state; the patient and the dates of service; place
of service 11; the ICD-10-CM codes of the plans followed, lettered A-L (at most 12); one line
per CPT code and day with units, modifiers, fee and diagnosis pointers; payments and the
balance; and warnings (Medicare's billing route, a missing fee or NPI, an expired licence).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from acuplan.accounts.models import PractitionerProfile, User
from acuplan.billing.account import SessionMoney, patient_account, session_money
from acuplan.billing.coding import SessionCoding, code_sessions
from acuplan.billing.models import Payment
from acuplan.clinic.models import Patient, Plan, Session
from acuplan.core.billing import default_rules
from acuplan.core.billing.claim import (
    ClaimLine,
    ClaimRefused,
    Diagnosis,
    check_claim_lines,
    letter_diagnoses,
    pointers,
)
from acuplan.core.errors import Conflict

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Rendering:
    user_id: int
    name: str
    npi: str
    licence_number: str
    licence_state: str
    licence_expiry: dt.date | None
    taxonomy: str


@dataclass(frozen=True)
class Credit:
    date: dt.date
    description: str
    amount: Decimal
    kind: str = "payment"
    """payment (a reversal is a negative one) | prepaid (a session's share of a package) |
    adjustment (the fee less that share: the package's discount)."""


@dataclass
class Superbill:
    patient: Patient
    start: dt.date
    end: dt.date
    sessions: list[Session]
    diagnoses: list[Diagnosis]
    lines: list[ClaimLine]
    line_practitioner: dict[int, int]
    """session id -> rendering practitioner's user id."""
    rendering: list[Rendering]
    credits: list[Credit]
    account_balance: Decimal
    warnings: list[str] = field(default_factory=list)
    codings: dict[int, SessionCoding] = field(default_factory=dict)
    medicare: bool = False

    @property
    def clinic(self) -> object:
        return self.patient.clinic

    @property
    def dates_of_service(self) -> list[dt.date]:
        return sorted({s.date for s in self.sessions})

    @property
    def total_charges(self) -> Decimal:
        return sum((line.charge for line in self.lines), ZERO)

    @property
    def total_paid(self) -> Decimal:
        """Payments in the period and the prepaid shares of its sessions."""
        return sum((c.amount for c in self.credits if c.kind != "adjustment"), ZERO)

    @property
    def total_adjustments(self) -> Decimal:
        return sum((c.amount for c in self.credits if c.kind == "adjustment"), ZERO)

    @property
    def balance(self) -> Decimal:
        """Of these services: charges less what was paid and adjusted in the period."""
        return self.total_charges - self.total_paid - self.total_adjustments

    def rendering_for(self, session_id: int | None) -> Rendering | None:
        user_id = self.line_practitioner.get(session_id or 0)
        return next((r for r in self.rendering if r.user_id == user_id), None)


def session_superbill(session: Session) -> Superbill:
    """The superbill of a session's day: CPT codes are billed per day (one initial code a
    day), so a second session that day is billed with the first."""
    return build_superbill(session.patient, session.date, session.date)


def build_superbill(patient: Patient, start: dt.date, end: dt.date) -> Superbill:
    """The superbill of ``patient``'s sessions from ``start`` to ``end``. Conflict when the
    lines break a coding rule (a second initial code on a day)."""
    rules = default_rules()
    sessions = _sessions(patient, start, end)
    codings = code_sessions(sessions)
    plans = [codings[s.pk].plan for s in sessions]
    diagnoses, dropped = letter_diagnoses(_icd10(plans), rules)
    points_to = pointers(diagnoses, rules)
    money = session_money(patient.clinic, sessions, codings)
    lines = [line for s in sessions for line in _lines(s, money[s.pk], points_to)]
    try:
        check_claim_lines(lines, rules)
    except ClaimRefused as exc:
        raise Conflict(f"the superbill is refused: {exc}") from None
    account = patient_account(patient)
    bill = Superbill(
        patient=patient,
        start=start,
        end=end,
        sessions=sessions,
        diagnoses=diagnoses,
        lines=lines,
        line_practitioner={s.pk: s.practitioner_id for s in sessions},
        rendering=_rendering(sessions),
        credits=_credits(patient, start, end, sessions, account.covered, money),
        account_balance=account.balance,
        codings=codings,
        medicare=any(c.payer == rules.medicare.payer for c in codings.values()),
    )
    bill.warnings = _warnings(bill, plans, dropped, money)
    return bill


def _sessions(patient: Patient, start: dt.date, end: dt.date) -> list[Session]:
    return list(
        Session.objects.filter(patient=patient, date__gte=start, date__lte=end)
        .select_related("practitioner", "plan__intake")
        .order_by("date", "id")
    )


def _icd10(plans: list[Plan | None]) -> list[tuple[str, str]]:
    """The plans' ICD-10-CM codes, in the order the plans were followed."""
    out = []
    for plan in plans:
        codes = ((plan.data if plan else {}).get("classification") or {}).get("codes") or []
        out += [(c["code"], c.get("display", "")) for c in codes if c.get("system") == "ICD-10-CM"]
    return out


def _lines(session: Session, money: SessionMoney, points_to: tuple[str, ...]) -> list[ClaimLine]:
    return [
        ClaimLine(session.date, x.cpt, x.units, x.modifiers, fee, points_to, session.pk)
        for x, fee in money.lines
    ]


def _rendering(sessions: list[Session]) -> list[Rendering]:
    taxonomy = default_rules().claim.taxonomy
    users: dict[int, User] = {s.practitioner_id: s.practitioner for s in sessions}
    profiles = {p.user_id: p for p in PractitionerProfile.objects.filter(user_id__in=users)}
    out = []
    for user_id, user in users.items():
        p = profiles.get(user_id)
        out.append(
            Rendering(
                user_id,
                user.display_name,
                p.npi if p else "",
                p.licence_number if p else "",
                p.licence_state if p else "",
                p.licence_expiry if p else None,
                taxonomy,
            )
        )
    return out


def _credits(
    patient: Patient,
    start: dt.date,
    end: dt.date,
    sessions: list[Session],
    covered: dict[int, int],
    money: dict[int, SessionMoney],
) -> list[Credit]:
    """Payments received in the period; for a session a package covers, its share of the
    package's price and the adjustment from the fee to that share (the package discount)."""
    out = [
        Credit(
            p.received_on,
            (f"Reversal of payment #{p.reverses_id}" if p.is_reversal else p.get_method_display())
            + (f" ({p.reference})" if p.reference else ""),
            p.amount,
        )
        for p in Payment.objects.filter(
            patient=patient, received_on__gte=start, received_on__lte=end, package__isnull=True
        )
    ]
    from acuplan.billing.models import Package

    packages = {p.pk: p for p in Package.objects.filter(pk__in=set(covered.values()))}
    for s in sessions:
        package = packages.get(covered.get(s.pk, 0))
        if package is None:
            continue
        share = (package.price / package.sessions).quantize(Decimal("0.01"))
        out.append(Credit(s.date, f"Prepaid (package #{package.pk})", share, "prepaid"))
        adjustment = money[s.pk].charge - share
        if adjustment:
            what = f"Package #{package.pk} price adjustment"
            out.append(Credit(s.date, what, adjustment, "adjustment"))
    return sorted(out, key=lambda c: c.date)


def _warnings(
    bill: Superbill, plans: list[Plan | None], dropped: list[str], money: dict[int, SessionMoney]
) -> list[str]:
    rules = default_rules()
    out = []
    if bill.medicare:
        out.append(rules.medicare_billing.warning)
    for plan in {p.pk: p for p in plans if p}.values():
        if (plan.data.get("course") or {}).get("payer_eligible") is False:
            out.append(
                "The plan's course notes say Medicare does not cover this presentation "
                "(NCD 30.3.3): check before claiming."
            )
            break
    if dropped:
        out.append(f"Only 12 diagnoses fit a claim: {', '.join(dropped)} left out.")
    if not bill.diagnoses:
        out.append("No ICD-10-CM code: the sessions follow no plan with a classification.")
    missing = sorted({code for m in money.values() for code in m.missing_fees})
    if missing:
        out.append(
            f"No fee is set for {', '.join(missing)}: a clinic admin sets it on the Billing "
            "settings page; charged 0.00 here."
        )
    for r in bill.rendering:
        if not r.npi:
            out.append(f"{r.name} has no NPI on file: most payers refuse a claim without it.")
        if r.licence_expiry and any(d > r.licence_expiry for d in bill.dates_of_service):
            out.append(f"{r.name}'s licence expired on {r.licence_expiry.isoformat()}.")
    blocked = [c.visit.reason for c in bill.codings.values() if c.visit and not c.visit.allowed]
    out += [f"Medicare will not cover a visit: {why}" for why in dict.fromkeys(blocked)]
    if not bill.lines:
        out.append("Nothing billable: no CPT line came from these sessions' needle sets.")
    return out
