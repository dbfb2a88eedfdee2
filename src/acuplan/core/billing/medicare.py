"""Medicare's visit rules for acupuncture (NCD 30.3.3, CR 11755), on a visit about to be
given or billed. Pure: the earlier visit days and whether improvement is documented are
arguments.

- visits 1-12 need nothing more;
- visits 13-20 need a documented improvement (a responder decision) and carry the KX
  modifier on every acupuncture line;
- a 21st visit in a year is refused. "A year" is any 365 days ending on the visit day (the
  strictest reading, as ``core.outcomes.schedule`` uses).

A visit is a treatment day: two sessions on one day are one visit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from acuplan.core.billing.rules import BillingRules

YEAR_DAYS = 365


@dataclass(frozen=True, slots=True)
class VisitCheck:
    number: int
    """This visit's number within the 365 days that end on its day."""
    allowed: bool
    modifiers: tuple[str, ...]
    """Added to each acupuncture line (KX for visits 13-20)."""
    reason: str


def visit_number(day: dt.date, earlier: Iterable[dt.date]) -> int:
    """1 + the distinct treatment days in the 364 days before ``day`` (the day itself once)."""
    start = day - dt.timedelta(days=YEAR_DAYS - 1)
    return 1 + len({d for d in earlier if start <= d < day})


def check_visit(
    day: dt.date, earlier: Iterable[dt.date], *, improvement_documented: bool, rules: BillingRules
) -> VisitCheck:
    """Whether Medicare covers a visit on ``day`` after the ``earlier`` treatment days."""
    m = rules.medicare
    n = visit_number(day, earlier)
    if n > m.max_visits_per_year:
        return VisitCheck(
            n,
            False,
            (),
            f"Medicare covers at most {m.max_visits_per_year} acupuncture visits a year; this "
            f"would be visit {n} in the 365 days to {day.isoformat()}.",
        )
    if n >= m.improvement_from_visit and not improvement_documented:
        return VisitCheck(
            n,
            False,
            (),
            f"Visit {n}: Medicare covers visits {m.improvement_from_visit}-"
            f"{m.max_visits_per_year} only for a patient who is improving; record a progress "
            "review whose decision is that the patient responds (continue, then taper) first.",
        )
    modifiers = (m.modifier,) if m.modifier_from_visit <= n <= m.modifier_to_visit else ()
    reason = f"Visit {n} of at most {m.max_visits_per_year} a year" + (
        f"; improvement is documented, so each acupuncture line carries {m.modifier}."
        if modifiers
        else "."
    )
    return VisitCheck(n, True, modifiers, reason)
