"""Plan the course: a tapering schedule, payer limits, guideline positions and the cost."""

from __future__ import annotations

import math
from dataclasses import dataclass

from acuplan.core.assessment.rules import firing
from acuplan.core.findings import describe
from acuplan.core.intake import Intake
from acuplan.core.knowledge import Knowledge
from acuplan.core.knowledge import models as km
from acuplan.core.settings import EngineSettings


@dataclass(frozen=True, slots=True)
class Phase:
    name: str
    sessions_per_week: float
    weeks: int
    sessions: int


@dataclass(frozen=True, slots=True)
class Cost:
    per_session: float
    total: float
    currency: str
    sessions: int


@dataclass(frozen=True, slots=True)
class GuidelineNote:
    id: str
    body: str
    year: int
    position: str
    summary: str
    applies_to_jurisdiction: bool
    status: str


@dataclass(frozen=True, slots=True)
class Booster:
    sessions: int
    sessions_per_week: int
    trigger: str


@dataclass(frozen=True, slots=True)
class Course:
    sessions_planned: int
    phases: list[Phase]
    reassess_after_sessions: int
    booster: Booster
    cost: Cost
    payer_notes: list[str]
    payer_eligible: bool | None
    guidelines: list[GuidelineNote]
    rule: str | None = None
    """The course rule that shaped this course (None: the clinic's default course)."""
    rationale: str = ""


def plan_course(
    kb: Knowledge, intake: Intake, findings: frozenset[str], settings: EngineSettings
) -> Course:
    """1-2 sessions a week (never above the patient's maximum) until reassessment, then every
    other week, then monthly: about 10 sessions, as the large trials used. The first course
    rule that fires (rules/course.toml) shapes a course for this patient instead."""
    per_week = min(2, intake.preferences.max_sessions_per_week)
    shaped = next(iter(firing(kb.course_rules, findings)), None)
    initial, taper, maintenance, reassess = (
        (
            shaped.initial_sessions,
            shaped.taper_sessions,
            shaped.maintenance_sessions,
            shaped.reassess_after_sessions,
        )
        if shaped
        else (
            settings.initial_sessions,
            settings.taper_sessions,
            settings.maintenance_sessions,
            settings.initial_sessions,
        )
    )
    phases = [Phase("initial", per_week, math.ceil(initial / per_week), initial)]
    if taper:
        phases.append(Phase("every_other_week", 0.5, 2 * taper, taper))
    if maintenance:
        phases.append(Phase("monthly", 0.25, 4 * maintenance, maintenance))
    total = sum(p.sessions for p in phases)
    fee = intake.preferences.fee_per_session or settings.default_fee_per_session
    per_session = round(fee, 2)  # the total is built from the rounded fee a patient is quoted
    cost = Cost(per_session, round(per_session * total, 2), intake.preferences.currency, total)
    eligible, notes = _payer_notes(kb, intake, findings, total)
    booster = Booster(
        settings.booster_sessions,
        1,
        "pain or function returns to within the MCID of the baseline after discharge",
    )
    return Course(
        total,
        phases,
        min(reassess, total),
        booster,
        cost,
        notes,
        eligible,
        _guidelines(kb, intake.jurisdiction),
        shaped.id if shaped else None,
        f"{shaped.title}: {shaped.text}" if shaped else "",
    )


def _payer_notes(
    kb: Knowledge, intake: Intake, findings: frozenset[str], total: int
) -> tuple[bool | None, list[str]]:
    if intake.preferences.payer != "medicare":
        payer = (intake.preferences.payer or "not given").replace("_", " ")
        return None, [
            f"Payer: {payer}. Insurance often does not pay for acupuncture; "
            "check the patient's cover before the first session."
        ]
    rule = kb.payers["medicare"]
    return _medicare(rule, kb.guidelines[rule.guideline], intake, findings, total)


def _medicare(
    rule: km.PayerRule,
    guideline: km.Guideline,
    intake: Intake,
    findings: frozenset[str],
    total: int,
) -> tuple[bool, list[str]]:
    # The guideline by its title, its id beside it: a reader never meets a bare id.
    named = f"{guideline.title.split(':')[0]}, {rule.guideline}"
    reasons = []
    if intake.pain.duration_weeks < rule.min_duration_weeks:
        weeks = intake.pain.duration_weeks
        reasons.append(
            f"pain for {weeks:g} week{'' if weeks == 1 else 's'} "
            f"(< {rule.min_duration_weeks:g} weeks: not chronic)"
        )
    if "region.lower_back" not in findings:
        reasons.append("the pain is not low back pain")
    excluded = [f for f in rule.excluded_when_any if f in findings]
    reasons += [f"{describe(f)} ({f})" for f in excluded]
    if reasons:
        return False, [
            "Medicare does not cover acupuncture for this presentation: "
            + "; ".join(reasons)
            + f" ({named}). The patient may choose to pay privately after written notice."
        ]
    notes = [
        f"Medicare ({named}): covers chronic low back pain; up to "
        f"{rule.initial_visits} visits in {rule.initial_window_days} days, "
        f"{rule.additional_visits_if_improving} more only with documented improvement, at most "
        f"{rule.max_visits_per_year} a year.",
        f"This course plans {total} sessions"
        + (
            " (within the first block)."
            if total <= rule.initial_visits
            else f"; sessions beyond {rule.initial_visits} need documented improvement."
        ),
    ]
    return True, notes


def _guidelines(kb: Knowledge, jurisdiction: str) -> list[GuidelineNote]:
    """Every guideline, those of the patient's jurisdiction first: guidelines disagree and
    acuplan shows them side by side rather than one verdict."""
    notes = [
        GuidelineNote(
            g.id, g.body, g.year, g.position, g.summary, jurisdiction in g.jurisdictions, g.status
        )
        for g in kb.guidelines.values()
    ]
    return sorted(notes, key=lambda n: (not n.applies_to_jurisdiction, -n.year))
