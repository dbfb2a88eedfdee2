"""Claim lines: diagnoses lettered A-L (at most 12), pointers (at most 4), and the guard that
refuses a second initial code on a day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from acuplan.core.billing import default_rules
from acuplan.core.billing.claim import (
    ClaimLine,
    ClaimRefused,
    check_claim_lines,
    letter_diagnoses,
    pointers,
)

DAY = dt.date(2026, 3, 2)


def line(cpt: str, units: int = 1, day: dt.date = DAY) -> ClaimLine:
    return ClaimLine(day, cpt, units, (), Decimal("90.00"), ("A",))


def test_it_letters_at_most_twelve_diagnoses_and_points_to_four() -> None:
    codes = [(f"M54.{i}", f"code {i}") for i in range(14)] + [("M54.0", "again")]
    diagnoses, dropped = letter_diagnoses(codes, default_rules())
    assert [d.letter for d in diagnoses] == list("ABCDEFGHIJKL")
    assert dropped == ["M54.12", "M54.13"]
    assert pointers(diagnoses, default_rules()) == ("A", "B", "C", "D")
    assert pointers(diagnoses[:2], default_rules()) == ("A", "B")


def test_it_accepts_a_day_with_one_initial_code() -> None:
    check_claim_lines(
        [line("97810"), line("97814", 2), line("97813", day=DAY.replace(day=3))], default_rules()
    )


@pytest.mark.parametrize(
    ("lines", "problem"),
    [
        ([line("97810"), line("97813")], "the second is refused"),
        ([line("97810", 2)], "2 initial acupuncture units"),
        ([line("97811")], "without the initial code"),
    ],
)
def test_it_refuses_a_second_initial_code_on_a_day(lines: list[ClaimLine], problem: str) -> None:
    with pytest.raises(ClaimRefused) as exc:
        check_claim_lines(lines, default_rules())
    assert problem in str(exc.value)


def test_it_charges_fee_times_units() -> None:
    assert line("97811", 3).charge == Decimal("270.00")
