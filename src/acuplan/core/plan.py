"""The main job: ``assess_and_plan(intake, *, knowledge, as_of, settings) -> Plan``.

Pure: no clock, no environment, no I/O. A plan is reproducible from (intake, knowledge
version, engine version).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import TypeAdapter

from acuplan import __version__
from acuplan.core.assessment.classify import (
    Classification,
    add_derived,
    add_pain_types,
    classify,
)
from acuplan.core.assessment.patterns import Differentiation, PatternResult, differentiate
from acuplan.core.assessment.safety import (
    Precaution,
    SafetyFilter,
    add_point_rules,
    evaluate_safety,
)
from acuplan.core.assessment.scoring import Scores, score_questionnaires
from acuplan.core.assessment.triage import Triage, triage
from acuplan.core.findings import intake_findings, pattern_finding
from acuplan.core.intake import Intake, check_clearances
from acuplan.core.knowledge import Knowledge
from acuplan.core.knowledge import models as km
from acuplan.core.knowledge.zones import regional_points
from acuplan.core.medications import recognise
from acuplan.core.planning.course import Course, plan_course
from acuplan.core.planning.evidence import EvidenceItem, collect_evidence
from acuplan.core.planning.prescription import (
    ExcludedPoint,
    PointSet,
    PrescribedPoint,
    apply_safety,
    candidate_points,
)
from acuplan.core.planning.technique import Technique, choose_technique
from acuplan.core.planning.unknowns import NotJudged, not_judged, unknowns
from acuplan.core.settings import DEFAULT_SETTINGS, EngineSettings

ENGINE_VERSION = f"acuplan-engine-{__version__}"


@dataclass(frozen=True, slots=True)
class Prescription:
    points: list[PrescribedPoint]
    excluded_points: list[ExcludedPoint]
    technique: Technique
    precautions: list[Precaution]


@dataclass(frozen=True, slots=True)
class PatternJudgement:
    sufficient: bool
    note: str


@dataclass(frozen=True, slots=True)
class Versions:
    engine: str
    knowledge: str


@dataclass(frozen=True, slots=True)
class Plan:
    schema_version: str
    as_of: dt.date
    triage: Triage
    classification: Classification
    scores: Scores
    patterns: list[PatternResult]
    pattern_judgement: PatternJudgement
    prescription: Prescription | None
    course: Course | None
    evidence: list[EvidenceItem]
    unknowns: list[str]
    medications_recognised: dict[str, list[str]]
    versions: Versions
    findings: list[str] = field(default_factory=list)
    not_judged: list[NotJudged] = field(default_factory=list)
    """The ``unknowns`` again, each with its stable key (the intake field's path), so that a
    page can ask the question the vocabulary gives for it."""


PLAN_ADAPTER: TypeAdapter[Plan] = TypeAdapter(Plan)


def assess_and_plan(
    intake: Intake,
    *,
    knowledge: Knowledge,
    as_of: dt.date,
    settings: EngineSettings = DEFAULT_SETTINGS,
) -> Plan:
    """Assess a validated intake and plan the course. Raises :class:`InvalidIntake` only for a
    clearance dated after ``as_of``; never raises otherwise."""
    kb = knowledge
    check_clearances(intake, as_of)
    meds = recognise(kb, intake.medical.medications)
    scores = score_questionnaires(kb, intake)
    base = add_derived(kb, intake_findings(intake, meds) | score_findings(scores))
    base, pain_type_rules = add_pain_types(kb, base)
    diff = differentiate(kb, base, settings)
    leading = diff.leading
    findings = base | {pattern_finding(leading.id)} if leading else base
    details = regional_points(kb, intake.pain.regions)
    safety = evaluate_safety(kb, findings, details)
    tri = triage(kb, findings, safety.rules, intake.medical.cleared_red_flags)
    prescription = course = None
    if not tri.blocks_treatment:
        prescription = _prescribe(kb, intake, findings, diff, safety, details, settings)
        course = plan_course(kb, intake, findings, settings)
    plan = Plan(
        schema_version="1",
        as_of=as_of,
        triage=tri,
        classification=classify(kb, intake, findings, pain_type_rules),
        scores=scores,
        patterns=diff.patterns,
        pattern_judgement=PatternJudgement(diff.sufficient, diff.note),
        prescription=prescription,
        course=course,
        evidence=[],
        unknowns=unknowns(intake),
        not_judged=not_judged(intake),
        medications_recognised=meds,
        versions=Versions(ENGINE_VERSION, kb.version),
        findings=sorted(findings),
    )
    return replace(plan, evidence=collect_evidence(kb, plan))


def score_findings(scores: Scores) -> frozenset[str]:
    """Findings from the scored questionnaires (``start_back.high`` ...)."""
    sb = scores.get("start_back")
    return frozenset({f"start_back.{sb.band}"} if sb is not None and sb.band else set())


def _prescribe(
    kb: Knowledge,
    intake: Intake,
    findings: frozenset[str],
    diff: Differentiation,
    safety: SafetyFilter,
    details: dict[str, km.PointDetail],
    settings: EngineSettings,
) -> Prescription:
    leading = diff.leading
    pattern = kb.patterns[leading.id] if leading else None
    technique = choose_technique(
        intake.preferences.techniques,
        findings,
        safety,
        pattern.moxibustion if pattern else None,
        pattern.bleeding_technique if pattern else False,
        settings,
    )
    candidates = candidate_points(
        kb, findings, intake.pain.leg_side, leading, tuple(intake.pain.regions)
    )

    def filtered() -> PointSet:
        return apply_safety(
            kb,
            candidates,
            safety,
            moxibustion=technique.moxibustion,
            bleeding=technique.bleeding_techniques,
            method=technique.method,
            details=details,
        )

    # Precautions that follow the point: the rules whose when_points picks a point that is
    # really prescribed (after exclusions and the point limit). They only cap and warn, so
    # the second pass keeps the same points.
    add_point_rules(kb, safety, findings, [p.code for p in filtered().points], details)
    points = filtered()
    technique = replace(
        technique,
        moxibustion=any(p.moxibustion for p in points.points),
        bleeding_techniques=any(p.bleeding for p in points.points),
    )
    precautions = [p for p in safety.precautions if p.applies_to(technique.method)]
    return Prescription(points.points, points.excluded, technique, precautions)


def plan_json(plan: Plan) -> dict[str, Any]:
    """The plan as JSON-ready data (the contract's shape)."""
    data: dict[str, Any] = PLAN_ADAPTER.dump_python(plan, mode="json")
    return data


def plan_schema() -> dict[str, Any]:
    return PLAN_ADAPTER.json_schema()
