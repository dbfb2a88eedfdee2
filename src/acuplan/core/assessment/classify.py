"""Classify the back pain: duration, pain types, regions, side, and codes."""

from __future__ import annotations

from dataclasses import dataclass

from acuplan.core.assessment.rules import fires, grow
from acuplan.core.findings import duration_category
from acuplan.core.intake import Intake
from acuplan.core.knowledge import Knowledge
from acuplan.core.knowledge import models as km


@dataclass(frozen=True, slots=True)
class CodeOut:
    system: str
    code: str
    display: str
    status: str
    rule: str


@dataclass(frozen=True, slots=True)
class Classification:
    duration_category: str
    duration_weeks: float
    pain_types: list[str]
    regions: list[str]
    leg_side: str | None
    codes: list[CodeOut]
    rules: list[str]


def picked_codes(rule: km.CodeRule, pregnancy_weeks: int | None) -> list[str]:
    """The codes a rule that fired assigns (``CodeRule.pick``): all of them; the one for the
    ICD-10-CM trimester (first under 14 weeks, second 14 to under 28, third from 28; the
    unspecified one when the week count is not known); or the Z3A code for the completed weeks
    of gestation (under 8: Z3A.01, 8-42: Z3A.08-Z3A.42, over 42: Z3A.49; none when unknown)."""
    if rule.pick == "all":
        return list(rule.codes)
    if rule.pick == "trimester":
        if pregnancy_weeks is None:
            return [rule.codes[3]]
        return [rule.codes[0 if pregnancy_weeks < 14 else 1 if pregnancy_weeks < 28 else 2]]
    if pregnancy_weeks is None:
        return []
    w = pregnancy_weeks
    suffix = "01" if w < 8 else "49" if w > 42 else f"{w:02d}"
    return [key for key in rule.codes if key.endswith(f"|Z3A.{suffix}")]


def add_pain_types(kb: Knowledge, findings: frozenset[str]) -> tuple[frozenset[str], list[str]]:
    """Evaluate pain-type rules in order; returns the grown findings and the rule ids fired."""
    return grow(kb.pain_type_rules, findings, lambda r: f"pain_type.{r.pain_type}")


def add_derived(kb: Knowledge, findings: frozenset[str]) -> frozenset[str]:
    """Add the composite findings of rules/derived.toml (in file order)."""
    return grow(kb.derived_rules, findings, lambda r: r.finding)[0]


def classify(
    kb: Knowledge, intake: Intake, findings: frozenset[str], pain_type_rules: list[str]
) -> Classification:
    weeks = intake.patient.pregnancy_weeks
    codes = [
        CodeOut(c.system, c.code, c.display, c.status, rule.id)
        for rule in kb.code_rules
        if fires(rule, findings)
        for c in (kb.codes[key] for key in picked_codes(rule, weeks))
    ]
    pain_types = [
        f.removeprefix("pain_type.") for f in sorted(findings) if f.startswith("pain_type.")
    ]
    return Classification(
        duration_category=duration_category(intake.pain.duration_weeks),
        duration_weeks=intake.pain.duration_weeks,
        pain_types=pain_types,
        regions=list(intake.pain.regions),
        leg_side=intake.pain.leg_side,
        codes=codes,
        rules=pain_type_rules,
    )
