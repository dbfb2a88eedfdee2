"""Medicare's visit rules (NCD 30.3.3, CR 11755): 13-20 need improvement and carry KX; a
21st visit in a year is refused; a year is any 365 days."""

from __future__ import annotations

import datetime as dt

import pytest

from acuplan.core.billing import default_rules
from acuplan.core.billing.medicare import check_visit, visit_number

START = dt.date(2026, 1, 5)


def days(n: int) -> list[dt.date]:
    return [START + dt.timedelta(days=3 * i) for i in range(n)]


@pytest.mark.parametrize(
    ("before", "improving", "allowed", "modifiers", "says"),
    [
        (0, False, True, (), "Visit 1"),
        (11, False, True, (), "Visit 12"),
        (12, False, False, (), "only for a patient who is improving"),
        (12, True, True, ("KX",), "KX"),
        (19, True, True, ("KX",), "Visit 20"),
        (20, True, False, (), "at most 20"),
    ],
)
def test_it_applies_the_visit_limits(
    before: int, improving: bool, allowed: bool, modifiers: tuple[str, ...], says: str
) -> None:
    earlier = days(before)
    day = (earlier[-1] if earlier else START) + dt.timedelta(days=3)
    check = check_visit(day, earlier, improvement_documented=improving, rules=default_rules())
    assert (check.allowed, check.modifiers) == (allowed, modifiers)
    assert says in check.reason
    assert check.number == before + 1


def test_it_counts_visits_in_the_365_days_to_the_visit_and_one_a_day() -> None:
    earlier = [*days(20), days(20)[-1]]  # two sessions on the last day are one visit
    assert visit_number(earlier[-1] + dt.timedelta(days=1), earlier) == 21
    a_year_on = earlier[0] + dt.timedelta(days=365)
    assert visit_number(a_year_on, earlier) == 20  # the first visit has left the window
