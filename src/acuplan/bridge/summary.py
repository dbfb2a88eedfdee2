"""The physician summary, as data: diagnosis codes, the TCM reading in plain medical terms,
sessions given, outcomes against their MCIDs, adverse events, medications with the
precautions taken, and the next step. Loaded with a bounded number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from acuplan.accounts.models import User
from acuplan.bridge.letters import Writer, writer_for
from acuplan.clinic.models import AdverseEvent, Patient, Plan, Session
from acuplan.clinic.safety_gate import latest_plan
from acuplan.core.knowledge import default_knowledge
from acuplan.core.knowledge.interop import default_interop
from acuplan.core.outcomes.responder import assess_change
from acuplan.outcomes.models import OutcomeResponse, ProgressReview
from acuplan.outcomes.services import baseline_response


@dataclass(frozen=True)
class OutcomeLine:
    instrument: str
    baseline: float
    baseline_day: dt.date
    current: float
    current_day: dt.date
    improvement: float
    relative_percent: float | None
    mcid: str
    responder: bool
    partial: bool
    worsened: bool


@dataclass(frozen=True)
class SessionLine:
    session: Session
    points: int
    stricta: str


def stricta_detail(session: Session) -> str:
    """Points (depth, de qi, manipulation), needles, retention and electrical settings."""
    points = []
    for p in session.points.all():
        bits = [p.code, p.side.replace("_", " ")]
        bits += [f"{p.depth_cun} cun"] if p.depth_cun is not None else []
        bits += ["de qi"] if p.de_qi else []
        bits += [p.stimulation] if p.stimulation else []
        points.append(" ".join(bits))
    parts = ["; ".join(points)]
    needles = " ".join(x for x in (session.needle_type, session.needle_size) if x)
    if session.needle_count is not None:
        needles = f"{needles} x{session.needle_count}".strip()
    parts += [needles] if needles else []
    parts += [f"{session.retention_minutes} min"] if session.retention_minutes is not None else []
    if session.electro:
        parts.append("electro " + ", ".join(f"{k} {v}" for k, v in session.electro.items()))
    parts += ["moxibustion"] if session.moxibustion else []
    return " · ".join(p for p in parts if p)


@dataclass(frozen=True)
class Summary:
    patient: Patient
    plan: Plan | None
    day: dt.date
    codes: list[dict[str, Any]]
    tcm: list[str]
    sessions: list[SessionLine]
    decision: str
    outcomes: list[OutcomeLine]
    adverse_events: list[tuple[Session, AdverseEvent]]
    medications: list[str]
    precautions: list[str]
    next_step: str
    writer: Writer
    stricta: bool


def _tcm(plan: Plan) -> list[str]:
    kb, words = default_knowledge(), default_interop()
    out = []
    for p in plan.data.get("patterns", [])[:2]:
        if p.get("score", 0) <= 0 or p["id"] not in kb.patterns:
            continue
        term = words.patterns.get(p["id"])
        name = kb.patterns[p["id"]].name
        plain = f": {term.plain}" if term else ""
        out.append(f"{name} (traditional pattern, score {p['score']:g}){plain}.")
    return out


def _outcomes(patient: Patient) -> list[OutcomeLine]:
    kb = default_knowledge()
    base = baseline_response(patient)
    latest = OutcomeResponse.objects.filter(patient=patient).order_by("-answered_on", "-pk").first()
    if base is None or latest is None or latest.pk == base.pk:
        return []
    lines = []
    for name, before in base.scores.items():
        after = latest.scores.get(name)
        if not after or before.get("total") is None or after.get("total") is None:
            continue
        if name not in kb.instruments or name == "start_back":
            continue
        meta = kb.instruments[name]
        change = assess_change(meta, float(before["total"]), float(after["total"]))
        mcid = " or ".join(
            x
            for x in (
                f"{meta.mcid_points:g} point{'' if meta.mcid_points == 1 else 's'}"
                if meta.mcid_points is not None
                else "",
                f"{meta.mcid_percent:g}%" if meta.mcid_percent is not None else "",
            )
            if x
        )
        lines.append(
            OutcomeLine(
                meta.name,
                change.baseline,
                base.answered_on,
                change.current,
                latest.answered_on,
                change.improvement,
                round(change.relative * 100, 1) if change.relative is not None else None,
                mcid,
                change.responder,
                change.partial,
                change.worsened,
            )
        )
    return lines


def _next_step(patient: Patient, plan: Plan | None) -> str:
    kb = default_knowledge()
    review = ProgressReview.objects.filter(patient=patient).order_by("-created_at", "-pk").first()
    if review is not None:
        decision = (review.final_decision or review.decision).replace("_", " ")
        return f"Progress review of {review.created_at:%d %B %Y}: {decision}. {review.text}"
    if plan is None:
        return "No assessment yet."
    if plan.data.get("course") is None:
        return kb.term(f"decision.{plan.triage_decision}")
    course = plan.data["course"]
    return (
        f"Continue the planned course of {course['sessions_planned']} sessions; reassess "
        f"after {course['reassess_after_sessions']} sessions against the baseline."
    )


def build_summary(patient: Patient, user: User, day: dt.date, *, stricta: bool) -> Summary:
    plan = latest_plan(patient)
    sessions = list(
        patient.sessions.order_by("date", "pk").prefetch_related("points", "adverse_events")
    )
    intake = patient.intakes.order_by("-version").first()
    medications = list((intake.data.get("medical") or {}).get("medications", [])) if intake else []
    rx = plan.data.get("prescription") if plan else None
    precautions = [p["text"] for p in (rx or {}).get("precautions", [])]
    if plan is not None and plan.data.get("medications_recognised"):
        for cls, names in plan.data["medications_recognised"].items():
            precautions.insert(0, f"{', '.join(names)} recognised as {cls.replace('_', ' ')}.")
    return Summary(
        patient=patient,
        plan=plan,
        day=day,
        codes=list(plan.data["classification"]["codes"]) if plan else [],
        tcm=_tcm(plan) if plan else [],
        sessions=[SessionLine(x, len(x.points.all()), stricta_detail(x)) for x in sessions],
        decision=default_knowledge().term(f"decision.{plan.triage_decision}") if plan else "",
        outcomes=_outcomes(patient),
        adverse_events=[(s, e) for s in sessions for e in s.adverse_events.all()],
        medications=medications,
        precautions=precautions,
        next_step=_next_step(patient, plan),
        writer=writer_for(user),
        stricta=stricta,
    )
