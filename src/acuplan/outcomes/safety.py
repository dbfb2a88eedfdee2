"""The clinic's adverse-event rates beside the published figures.

Rates per 1,000 sessions and per 100 patients treated, by severity, from
``clinic.AdverseEvent`` (one query for events, one for sessions and patients). The
published figures and their citations come from the knowledge base (evidence.toml):
Witt 2009, about 8.6% of patients with any event and 2.2% with one needing treatment;
Bäumler 2021, about 1 serious event per 10,000 patients.
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class SafetyReport:
    sessions: int
    patients: int
    rates: list[Rate]
    treated: Rate
    any_event: Rate
    published: list[Published]


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


def published() -> list[Published]:
    kb = default_knowledge()
    witt, baumler = kb.studies["witt2009"], kb.studies["baumler2021"]
    return [
        Published(
            "witt2009",
            "About 8.6% of patients had at least one adverse event",
            witt.citation,
            witt.doi,
            "Any adverse event, % of patients",
        ),
        Published(
            "witt2009",
            "About 2.2% of patients had an event that needed treatment",
            witt.citation,
            witt.doi,
            "Moderate (needed treatment) and serious, % of patients",
        ),
        Published(
            "baumler2021",
            "About 1 serious adverse event per 10,000 patients (0.01%)",
            baumler.citation,
            baumler.doi,
            "Serious, % of patients",
        ),
    ]
