"""Claim lines as a biller sees them: dated CPT lines with units, modifiers, fee and diagnosis
pointers, and the diagnoses lettered A-L. Pure.

``check_claim_lines`` is the last guard before a superbill is shown: a day with a second
initial code (or an add-on code without its initial code) is refused, whatever produced it.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from acuplan.core.billing.rules import BillingRules


@dataclass(frozen=True, slots=True)
class Diagnosis:
    letter: str
    code: str
    display: str


@dataclass(frozen=True, slots=True)
class ClaimLine:
    date: dt.date
    cpt: str
    units: int
    modifiers: tuple[str, ...]
    fee: Decimal
    """Per unit, from the clinic's fee schedule."""
    pointers: tuple[str, ...]
    """Letters of the diagnoses this line treats, the primary first (at most 4)."""
    session_id: int | None = None

    @property
    def charge(self) -> Decimal:
        return self.fee * self.units


class ClaimRefused(ValueError):
    """The lines break a coding rule; ``problems`` says which, one line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def letter_diagnoses(
    codes: Iterable[tuple[str, str]], rules: BillingRules
) -> tuple[list[Diagnosis], list[str]]:
    """ICD-10-CM (code, display) pairs in order of importance -> lettered A-L, duplicates
    dropped; the second list names the codes left out beyond the maximum (12)."""
    seen: dict[str, str] = {}
    for code, display in codes:
        seen.setdefault(code, display)
    limit = rules.claim.max_diagnoses
    kept = list(seen.items())[:limit]
    dropped = list(seen)[limit:]
    letters = string.ascii_uppercase
    return [Diagnosis(letters[i], c, d) for i, (c, d) in enumerate(kept)], dropped


def pointers(diagnoses: Sequence[Diagnosis], rules: BillingRules) -> tuple[str, ...]:
    """The letters a service line points to: the first diagnoses, at most 4."""
    return tuple(d.letter for d in diagnoses[: rules.claim.max_pointers_per_line])


def check_claim_lines(lines: Sequence[ClaimLine], rules: BillingRules) -> None:
    """Raise ClaimRefused when a day bills more than one initial acupuncture unit, or an
    additional code without the initial one."""
    initial = rules.initial_codes
    additional = {c.code for c in rules.codes.values() if c.kind == "additional"}
    problems = []
    for day in sorted({line.date for line in lines}):
        that_day = [line for line in lines if line.date == day]
        initial_units = sum(line.units for line in that_day if line.cpt in initial)
        if initial_units > 1:
            problems.append(
                f"{day.isoformat()}: {initial_units} initial acupuncture units; only one "
                "initial code (97810 or 97813) is billed a day: the second is refused"
            )
        if initial_units == 0 and any(line.cpt in additional for line in that_day):
            problems.append(f"{day.isoformat()}: an additional code without the initial code")
    if problems:
        raise ClaimRefused(problems)
