"""The clinic's adverse-event rates beside the published figures.

Rates per 1,000 sessions and per 100 patients treated, by severity, from
``clinic.AdverseEvent`` (one query for events, one for sessions and patients). The
published figures and their citations come from the knowledge base (evidence.toml):
Witt 2009, about 8.6% of patients with any event and 2.2% with one needing treatment;
Bäumler 2021, about 1 serious event per 10,000 patients.

A rate is flagged as far above a published figure when even the low end of its 95%
confidence interval (Wilson's, which behaves with a handful of patients) lies above the
figure: one patient in one with an event is flagged against 8.6%, one in five is not yet.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import Count, Q

from acuplan.clinic.models import AdverseEvent, Session
from acuplan.core.knowledge import default_knowledge

SEVERITIES = tuple(AdverseEvent.Severity)
TREATED_SEVERITIES = ("moderate", "serious")
"""Witt 2009 counted events "needing treatment"; acuplan's moderate means needed treatment,
and a serious event needs it too."""


@dataclass(frozen=True)
class Rate:
    severity: str
    label: str
    events: int
    patients: int
    """Patients with at least one event of this severity."""
    per_1000_sessions: float | None
    percent_of_patients: float | None


@dataclass(frozen=True)
class Published:
    study: str
    figure: str
    citation: str
    doi: str | None
    compare_with: str
    """Which of our rows it compares with, in words."""
    percent: float = 0.0
    """The published share of patients, in percent."""
    rate: str = ""
    """The key of the clinic's rate it compares with (``any``, ``treated``, ``serious``)."""
    short: str = ""
    """The study as a reader names it ("Witt 2009")."""


@dataclass(frozen=True)
class Flag:
    """A clinic rate far above a published figure, in words."""

    rate: Rate
    published: Published
    treated: int
    """The patients the clinic treated (the rate's denominator)."""
    low: float
    high: float
    """The clinic's 95% confidence interval, in percent of patients."""

    @property
    def text(self) -> str:
        r, p = self.rate, self.published
        return (
            f"{r.label}: {r.percent_of_patients:g}% of patients ({r.patients} of "
            f"{self.treated}), against about {p.percent:g}% in {p.short}. Even allowing for "
            f"chance (95% confidence interval {self.low:.1f}% to {self.high:.1f}%), this is "
            "higher than published: review how needling is done and how events are recorded."
        )


@dataclass(frozen=True)
class SafetyReport:
    sessions: int
    patients: int
    rates: list[Rate]
    treated: Rate
    any_event: Rate
    published: list[Published]

    @property
    def flags(self) -> list[Flag]:
        """Every clinic rate whose 95% interval lies wholly above its published figure."""
        by_key = {r.severity: r for r in [*self.rates, self.treated, self.any_event]}
        out = []
        for p in self.published:
            rate = by_key[p.rate]
            if not self.patients:
                continue
            low, high = wilson_interval(rate.patients, self.patients)
            if low > p.percent:
                out.append(Flag(rate, p, self.patients, low, high))
        return out


def wilson_interval(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval of ``k`` of ``n``, in percent."""
    p = k / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    scale = 1 + z * z / n
    return 100 * (centre - spread) / scale, 100 * (centre + spread) / scale


def safety_report(clinic_id: int) -> SafetyReport:
    sessions = Session.objects.filter(patient__clinic_id=clinic_id).aggregate(
        sessions=Count("id"), patients=Count("patient", distinct=True)
    )
    n_sessions, n_patients = sessions["sessions"], sessions["patients"]
    events = AdverseEvent.objects.filter(session__patient__clinic_id=clinic_id)
    aggregates: dict[str, Count] = {}
    groups = {s.value: Q(severity=s.value) for s in SEVERITIES}
    groups["treated"] = Q(severity__in=TREATED_SEVERITIES)
    groups["any"] = Q()
    for key, only in groups.items():
        aggregates[f"{key}_events"] = Count("id", filter=only)
        aggregates[f"{key}_patients"] = Count("session__patient", filter=only, distinct=True)
    counts = events.aggregate(**aggregates)

    def rate(key: str, label: str) -> Rate:
        n, p = counts[f"{key}_events"], counts[f"{key}_patients"]
        return Rate(
            key,
            label,
            n,
            p,
            round(1000 * n / n_sessions, 2) if n_sessions else None,
            round(100 * p / n_patients, 2) if n_patients else None,
        )

    rates = [rate(s.value, str(s.label)) for s in SEVERITIES]
    return SafetyReport(
        n_sessions,
        n_patients,
        rates,
        rate("treated", "Needed treatment (moderate or serious)"),
        rate("any", "Any adverse event"),
        published(),
    )


#: The published shares of patients with an event, as the knowledge base's studies report
#: them (a test checks each against the study's finding there).
WITT_ANY, WITT_TREATED, BAUMLER_SERIOUS = 8.6, 2.2, 0.01


def published() -> list[Published]:
    kb = default_knowledge()
    witt, baumler = kb.studies["witt2009"], kb.studies["baumler2021"]
    return [
        Published(
            "witt2009",
            f"About {WITT_ANY:g}% of patients had at least one adverse event",
            witt.citation,
            witt.doi,
            "Any adverse event, % of patients",
            WITT_ANY,
            "any",
            "Witt 2009",
        ),
        Published(
            "witt2009",
            f"About {WITT_TREATED:g}% of patients had an event that needed treatment",
            witt.citation,
            witt.doi,
            "Moderate (needed treatment) and serious, % of patients",
            WITT_TREATED,
            "treated",
            "Witt 2009",
        ),
        Published(
            "baumler2021",
            f"About 1 serious adverse event per 10,000 patients ({BAUMLER_SERIOUS:g}%)",
            baumler.citation,
            baumler.doi,
            "Serious, % of patients",
            BAUMLER_SERIOUS,
            "serious",
            "Bäumler 2021",
        ),
    ]
