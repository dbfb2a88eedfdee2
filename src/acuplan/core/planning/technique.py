"""Choose the technique within the patient's preferences and the safety filter."""

from __future__ import annotations

from dataclasses import dataclass, field

from acuplan.core.assessment.safety import SafetyFilter
from acuplan.core.settings import EngineSettings


@dataclass(frozen=True, slots=True)
class ForbiddenTechnique:
    method: str
    rules: list[str]


@dataclass(frozen=True, slots=True)
class Technique:
    method: str
    retention_minutes: int | None
    moxibustion: bool
    bleeding_techniques: bool
    rationale: str
    forbidden: list[ForbiddenTechnique] = field(default_factory=list)
    needs_discussion: bool = False


def choose_technique(
    accepted: tuple[str, ...],
    findings: frozenset[str],
    safety: SafetyFilter,
    pattern_moxibustion: str | None,
    pattern_bleeding: bool,
    settings: EngineSettings,
) -> Technique:
    """Electro when accepted, allowed and useful (radicular or chronic pain); otherwise manual;
    acupressure when needling is forbidden or not accepted."""
    allowed = [t for t in accepted if t not in safety.forbidden_techniques]
    forbidden = [
        ForbiddenTechnique(t, [r.rule for r in refs])
        for t, refs in safety.forbidden_techniques.items()
    ]
    useful_electro = bool({"pain_type.radicular", "duration.chronic"} & findings)
    needs_discussion = False
    if "electro" in allowed and (useful_electro or "manual" not in allowed):
        method, why = (
            "electro",
            "electroacupuncture is accepted and commonly added for "
            "chronic or radicular pain (paired electrodes on the same side, never across "
            "the chest)",
        )
    elif "manual" in allowed:
        method, why = "manual", "manual needling is accepted and not restricted"
    elif "acupressure" in allowed:
        method, why = (
            "acupressure",
            "needling is not accepted or not allowed; acupressure on the same points",
        )
    else:
        method, why = (
            "acupressure",
            "no technique the patient accepts is allowed; acupressure "
            "is the only safe option and must be discussed with the patient",
        )
        needs_discussion = True
    moxa = pattern_moxibustion == "indicated" and not safety.no_moxibustion
    bleeding = pattern_bleeding and not safety.no_bleeding and method != "acupressure"
    retention = None if method == "acupressure" else settings.retention_minutes
    return Technique(method, retention, moxa, bleeding, why, forbidden, needs_discussion)
