"""What the plan page shows, in clinical words: the stored plan JSON (with the effective
prescription) read into rows a template can print without ever showing a bare rule id,
field path or code key. Ids stay beside their words (``id`` fields), never instead.

The first screen is what a clinician acts on (triage with its reasons, precautions, the
prescription, technique, course and cost); the details follow in their own sections.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from acuplan.core.knowledge import Knowledge


@dataclass(frozen=True)
class Reason:
    title: str
    text: str
    id: str
    source: str
    cleared: dict[str, Any] | None


@dataclass(frozen=True)
class PointRow:
    code: str
    name: str
    side: str
    depth: str
    angle: str
    why: str
    role: str
    rationale: str
    cautions: list[tuple[str, str]]
    refs: list[tuple[int, str]]
    """(evidence number, source id) for each source in the plan's evidence list."""
    safety_override: dict[str, Any] | None = None


@dataclass(frozen=True)
class Line:
    """A sentence with the rule id it comes from, shown beside it."""

    text: str
    id: str = ""
    flagged: bool = False


@dataclass(frozen=True)
class Question:
    key: str
    question: str
    consequence: str


@dataclass(frozen=True)
class PatternView:
    name: str
    score: float
    principle: str
    findings_for: list[tuple[str, float]]
    findings_against: list[tuple[str, float]]
    pivot: str
    codes: list[str]
    review: str
    status: str
    refs: list[tuple[int, str]]


@dataclass
class PlanPage:
    reasons: list[Reason] = field(default_factory=list)
    referrals: list[Line] = field(default_factory=list)
    precautions: list[Line] = field(default_factory=list)
    points: list[PointRow] = field(default_factory=list)
    excluded: list[tuple[str, list[Line]]] = field(default_factory=list)
    technique: str = ""
    technique_notes: list[Line] = field(default_factory=list)
    course: str = ""
    cost: str = ""
    payer_notes: list[str] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    patterns: list[PatternView] = field(default_factory=list)
    codes: list[tuple[str, str, str, str]] = field(default_factory=list)
    evidence_numbers: dict[str, int] = field(default_factory=dict)


def plan_page(kb: Knowledge, data: dict[str, Any]) -> PlanPage:
    """The page's rows for a plan's data (``effective_plan_data``)."""
    page = PlanPage(evidence_numbers={e["id"]: i for i, e in enumerate(data["evidence"], 1)})
    titles = rule_titles(kb)
    t = data["triage"]
    page.reasons = [_reason(r, titles) for r in t["reasons"]]
    page.referrals = [
        Line(
            f"Refer to {r['to']}: {kb.label('urgency.' + r['urgency'])}. {r['reason']}.", r["code"]
        )
        for r in t["referrals"]
    ]
    page.questions = _questions(kb, data)
    page.patterns = [_pattern(kb, p, page.evidence_numbers) for p in data["patterns"]]
    page.codes = [
        (c["system"], c["code"], c["display"], c["status"]) for c in data["classification"]["codes"]
    ]
    rx = data.get("prescription")
    if rx is not None:
        _prescription(kb, rx, page, titles)
    course = data.get("course")
    if course is not None:
        _course(kb, course, page)
    return page


def rule_titles(kb: Knowledge) -> dict[str, str]:
    """Every rule id with its title (red flags, referrals, safety, course, ...)."""
    rules = [
        *kb.red_flag_rules,
        *kb.referral_rules,
        *kb.safety_rules,
        *kb.derived_rules,
        *kb.course_rules,
        *kb.pain_type_rules,
    ]
    return {r.id: r.title for r in rules}


def _reason(r: dict[str, Any], titles: dict[str, str]) -> Reason:
    title = titles.get(r["code"]) or r["text"].split(":")[0]
    text = r["text"].removeprefix(f"{title}:").strip()
    return Reason(title, text, r["code"], r.get("source", ""), r.get("cleared"))


def _refs(sources: list[str], numbers: dict[str, int]) -> list[tuple[int, str]]:
    refs = {
        numbers[s.split("@")[0]]: s.split("@")[0] for s in sources if s.split("@")[0] in numbers
    }
    return sorted(refs.items())


def _prescription(
    kb: Knowledge, rx: dict[str, Any], page: PlanPage, titles: dict[str, str]
) -> None:
    numbers = page.evidence_numbers
    pressure = rx["technique"]["method"] == "acupressure"
    for p in rx["points"]:
        needled = p["depth_max_cun"] is not None and not pressure
        depth = f"{p['depth_max_cun']:g}" if needled else ("pressure" if pressure else "–")
        page.points.append(
            PointRow(
                code=p["code"],
                name=p["name"],
                side=kb.label(f"side.{p['side']}"),
                depth=depth,
                angle=kb.label(f"angle.{p['angle']}") if p.get("angle") and needled else "–",
                why=p["rationale"].split(":")[0].strip(),
                role=kb.label(f"role.{p['role']}"),
                rationale=p["rationale"],
                cautions=[(kb.label(f"caution.{c['kind']}"), c["text"]) for c in p["cautions"]],
                refs=_refs(p["sources"], numbers),
                safety_override=p.get("safety_override"),
            )
        )
    page.excluded = [
        (e["code"], [Line(r["text"], r["rule"]) for r in e["reasons"]])
        for e in rx["excluded_points"]
    ]
    page.precautions = [
        Line(p["text"], p.get("rule") or p["code"], flagged=False) for p in rx["precautions"]
    ]
    page.technique, page.technique_notes = _technique(kb, rx["technique"], titles)


def _technique(kb: Knowledge, tq: dict[str, Any], titles: dict[str, str]) -> tuple[str, list[Line]]:
    pressure = tq["method"] == "acupressure"
    parts = [kb.label(f"method.{tq['method']}")]
    if tq.get("retention_minutes") and not pressure:
        parts.append(f"needles retained {tq['retention_minutes']} minutes")
    parts.append("moxibustion" if tq["moxibustion"] else "no moxibustion")
    if not pressure:
        parts.append(
            "bleeding techniques" if tq["bleeding_techniques"] else "no bleeding techniques"
        )
    why = tq["rationale"][:1].upper() + tq["rationale"][1:] + "."
    if tq.get("method_override"):
        why = f"The plan chose otherwise: {why}"
    notes = [Line(why)]
    for f in tq.get("forbidden") or []:
        named = ", ".join(titles.get(r, r) for r in f["rules"])
        method = kb.label(f"method.{f['method']}")
        notes.append(Line(f"Not to be used: {method.lower()} ({named}).", ", ".join(f["rules"])))
    if tq.get("needs_discussion"):
        notes.append(Line("Discuss the technique with the patient before treating."))
    change = tq.get("method_override")
    if change:
        rules = change.get("overrides_rules") or []
        named = ", ".join(titles.get(r, r) for r in rules)
        text = f"Changed by override: {change['reason']}"
        if rules:
            text += f". Safety override of: {named}"
        notes.append(Line(text + ".", ", ".join(rules), flagged=bool(rules)))
    return "; ".join(parts) + ".", notes


def _course(kb: Knowledge, course: dict[str, Any], page: PlanPage) -> None:
    phases = [
        f"{_per_week(ph['sessions_per_week'])} for {_count(ph['weeks'], 'week')}"
        for ph in course["phases"]
        if ph["sessions"]
    ]
    page.course = (
        f"{course['sessions_planned']} sessions: "
        + "; then ".join(phases)
        + f". Reassess after session {course['reassess_after_sessions']}."
    )
    cost = course["cost"]
    page.cost = (
        f"{cost['per_session']:,.2f} {cost['currency']} a session, "
        f"{cost['total']:,.2f} {cost['currency']} for the course."
    )
    page.payer_notes = list(course["payer_notes"])


def _per_week(n: float) -> str:
    if n >= 1:
        return f"{n:g} a week"
    return "every other week" if n >= 0.5 else "monthly"


def _count(n: float, unit: str) -> str:
    return f"{n:g} {unit}" + ("" if n == 1 else "s")


def _questions(kb: Knowledge, data: dict[str, Any]) -> list[Question]:
    """What the engine could not judge, as questions to ask the patient. Plans made before
    ``not_judged`` existed read their keys from the ``unknowns`` texts."""
    items = data.get("not_judged")
    if items is None:
        items = []
        for u in data.get("unknowns", []):
            key, _, rest = u.partition(": ")
            items.append({"key": key, "text": rest.partition("; ")[2] or rest})
    out = []
    for u in items:
        label = kb.label(f"field.{u['key']}")
        question = kb.question(u["key"]) or f"{label}: not recorded."
        out.append(Question(u["key"], question, u["text"] + "."))
    return out


def _pattern(kb: Knowledge, p: dict[str, Any], numbers: dict[str, int]) -> PatternView:
    pivot = ""
    if p.get("pivot"):
        against = next(
            (x.name for x in kb.patterns.values() if x.id == p["pivot"]["against"]),
            p["pivot"]["against"].replace("_", " "),
        )
        pivot = (
            f"{p['pivot']['text']} would most change this ranking (towards {against}, "
            f"by {p['pivot']['shift']:g})."
        )
    codes = []
    for key in p["codes"]:
        try:
            ref = kb.code(key)
        except KeyError:
            codes.append(key.replace("|", " "))
        else:
            codes.append(f"{ref.system} {ref.code} {ref.display}")
    return PatternView(
        name=p["name"],
        score=p["score"],
        principle=p.get("principle") or "",
        findings_for=[(f["text"], f["weight"]) for f in p["findings_for"]],
        findings_against=[(f["text"], f["weight"]) for f in p["findings_against"]],
        pivot=pivot,
        codes=codes,
        review="approved" if p["review"] == "approved" else "needs review",
        status=p["status"],
        refs=_refs(p["sources"], numbers),
    )
