"""docs/knowledge.md, generated from the data: every rule with its sources and status, every zone,
the points' statuses and the source list, for a clinician to review without reading TOML or
Python (``acuplan kb docs``). Internal sources are never named, and nothing links outside the
repository: the addresses of the copies read are in ``acuplan kb export --json``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from acuplan.core.findings import describe
from acuplan.core.knowledge import models as km
from acuplan.core.knowledge.crosscheck import RULE_FILES, rule_lists
from acuplan.core.knowledge.knowledge import Knowledge, split_ref

STATUSES = ("V2", "V", "WEAK", "UNVERIFIED", "CONFLICT")
SECTIONS = {
    "red_flag": "Red flags (stop the plan)",
    "referral": "Referrals (treatment may go ahead)",
    "safety": "Safety rules (contraindications and cautions)",
    "pain_type": "Pain types",
    "derived": "Derived findings",
    "course": "Course rules",
    "selection": "Prescription selections",
}
"""Section titles, by the kind of rule (crosscheck.RULE_FILES)."""
KIND_ORDER = ("guideline", "standard", "textbook", "article", "web", "repository")
NO_SOURCE = "no published source checked (acuplan's own default)"

INTRO = """\
# The knowledge base: rules, zones and sources

Generated from the data files in `src/acuplan/core/knowledge/data/` by `acuplan kb docs`; a
test fails when this file is out of date. Do not edit it by hand: change the data and
regenerate it.

Every rule, zone and point cites its sources as `id@section`, the section or page that was
read. Sources are primary (guideline, standard, textbook, or an article with a PMID or DOI) or
secondary (web page, repository); a secondary source only ever stands beside a primary one.
The loader refuses a rule, point, zone, pattern or drug class whose status is not UNVERIFIED
unless it cites a primary source with the section read.

Status tags:

- **V2**: two independent primary copies agree.
- **V**: one primary copy was read.
- **WEAK**: a primary source was only partly seen, or only a regional or secondary document.
- **UNVERIFIED**: no primary copy was read; the rule is acuplan's own conservative default.
- **CONFLICT**: the sources disagree; the rule's note says how, and which reading acuplan takes.

The addresses of the copies read, and everything here in machine-readable form, are in
`acuplan kb export --json`.
"""


def render_knowledge_docs(kb: Knowledge) -> str:
    out = [INTRO, _summary(kb)]
    for name, rules in rule_lists(kb):
        out.append(f"## {SECTIONS[RULE_FILES[name]]}\n")
        out += [_rule(kb, r) for r in rules]
    out.append(_code_rules(kb))
    out.append(_zones(kb))
    out.append(_points(kb))
    out.append(_patterns(kb))
    out.append(_sources(kb))
    return "\n".join(out).rstrip() + "\n"


def _count_row(label: str, statuses: Iterable[str]) -> str:
    c = Counter(statuses)
    total = sum(c.values())
    return f"| {label} | {total} | " + " | ".join(str(c.get(s, 0)) for s in STATUSES) + " |"


def _summary(kb: Knowledge) -> str:
    rows = ["## Status at a glance\n", "| Facts | Total | " + " | ".join(STATUSES) + " |"]
    rows.append("|---|---:|" + "---:|" * len(STATUSES))
    every: list[str] = []
    for name, rules in rule_lists(kb):
        rows.append(_count_row(SECTIONS[RULE_FILES[name]], (r.status for r in rules)))
        every += [r.status for r in rules]
    rows.append(_count_row("**All rules**", every))
    rows.append(_count_row("Zones", (z.status for z in kb.zones.values())))
    detailed = [p.detail.status for p in kb.points.values() if p.detail]
    rows.append(_count_row("Points", detailed))
    rows.append(_count_row("Patterns", (p.status for p in kb.patterns.values())))
    rows.append(_count_row("Codes", (c.status for c in kb.codes.values())))
    return "\n".join(rows) + "\n"


def _refs(kb: Knowledge, refs: Iterable[str]) -> list[str]:
    lines = []
    for ref in kb.public_refs(refs):
        source_id, at = split_ref(ref)
        kind = kb.kind_of(ref)
        citation = kb.citation(source_id)
        where = f", read: {at}" if at else ""
        lines.append(f"  - `{source_id}` ({kind}{where}): {citation}")
    return lines or [f"  - {NO_SOURCE}"]


def _word(kb: Knowledge, token: str) -> str:
    """A finding in words; a composite finding by its rule's title."""
    derived = next((r for r in kb.derived_rules if r.finding == token), None)
    if derived is not None:
        return derived.title.lower()
    return describe(token)


def _conditions(kb: Knowledge, r: km.Rule | km.CodeRule) -> list[str]:
    out = []
    if r.when_all:
        out.append("all of " + "; ".join(_word(kb, t) for t in r.when_all))
    if r.when_any:
        min_any = getattr(r, "min_any", 1)
        need = f"at least {min_any} of " if min_any > 1 else "any of "
        out.append(need + "; ".join(_word(kb, t) for t in r.when_any))
    if r.when_none:
        out.append("none of " + "; ".join(_word(kb, t) for t in r.when_none))
    points = getattr(r, "when_points", None)
    if points is not None:
        picked = [*points.points, *points.zones, *(f"{k} caution" for k in points.caution_kinds)]
        out.append("a prescribed point with " + ", ".join(picked))
    return out


def _outcome(r: km.Rule) -> str:
    if isinstance(r, km.RedFlagRule):
        return f"{r.decision.replace('_', ' ')}; refer to {r.refer_to} ({r.urgency})"
    if isinstance(r, km.ReferralRule):
        return f"refer to {r.refer_to} ({r.urgency})"
    if isinstance(r, km.SafetyRule):
        return f"severity {r.severity}; effects: " + ", ".join(
            e.kind.replace("_", " ") for e in r.effects
        )
    if isinstance(r, km.PainTypeRule):
        return f"pain type: {r.pain_type.replace('_', ' ')}"
    if isinstance(r, km.DerivedRule):
        return f"adds the finding `{r.finding}`"
    if isinstance(r, km.CourseRule):
        return (
            f"{r.initial_sessions} initial, {r.taper_sessions} tapering and "
            f"{r.maintenance_sessions} monthly sessions; review after {r.reassess_after_sessions}"
        )
    if isinstance(r, km.Selection):
        return f"{r.role} points {', '.join(r.points)} ({r.side.replace('_', ' ')})"
    return ""


def _rule(kb: Knowledge, r: km.Rule) -> str:
    lines = [f"### `{r.id}`: {r.title}", "", f"**{r.status}**: {r.text}", ""]
    lines.append(f"- Fires on: {', and '.join(_conditions(kb, r))}.")
    lines.append(f"- Does: {_outcome(r)}.")
    lines.append("- Sources:")
    lines += _refs(kb, r.sources)
    if r.source_note:
        lines.append(f"- Note: {r.source_note}")
    return "\n".join(lines) + "\n"


def _code_rules(kb: Knowledge) -> str:
    lines = ["## Classification codes\n", "| Rule | Codes | Fires on |", "|---|---|---|"]
    for r in kb.code_rules:
        codes = _code_list(kb, r)
        lines.append(f"| `{r.id}` | {codes} | {'; '.join(_conditions(kb, r))} |")
    lines += ["", "Code sources:", ""]
    seen: dict[str, None] = {}
    for c in kb.codes.values():
        seen.update(dict.fromkeys(kb.public_refs(c.sources)))
    lines += [line.removeprefix("  ") for line in _refs(kb, seen)]
    notes = [c for c in kb.codes.values() if c.note]
    if notes:
        lines += ["", "Code notes:", ""]
        lines += [f"- {c.system} {c.code} ({c.display}): {c.note}" for c in notes]
    return "\n".join(lines) + "\n"


def _code_list(kb: Knowledge, r: km.CodeRule) -> str:
    found = [kb.codes[k] for k in r.codes]
    if r.pick == "gestation_weeks":
        statuses = sorted({c.status for c in found})
        first, last = found[0], found[-1]
        return (
            f"one by weeks of gestation: {first.system} {first.code}, {found[1].code} to "
            f"{found[-2].code}, {last.code} ({', '.join(statuses)})"
        )
    text = ", ".join(f"{c.system} {c.code} ({c.status})" for c in found)
    return f"one by {r.pick}: {text}" if r.pick != "all" else text


def _zones(kb: Knowledge) -> str:
    lines = [
        "## Anatomical zones\n",
        "Every point belongs to one or more zones and inherits each zone's cautions, depth cap "
        "and pregnancy block (the loader refuses a point deeper than its zone's cap, or "
        "unflagged in a zone that blocks pregnancy).",
        "",
    ]
    for z in kb.zones.values():
        cap = f"{z.depth_max_cun:g} cun" if z.depth_max_cun else "none"
        lines += [f"### `{z.id}`: {z.title}", "", f"**{z.status}**: {z.description}", ""]
        lines.append(f"- Local to: {', '.join(z.regions) or 'no painful region'}.")
        lines.append(f"- Depth cap: {cap}. Pregnancy: {z.pregnancy.replace('_', ' ')}.")
        lines += [f"- Caution ({c.kind}): {c.text}" for c in z.cautions]
        lines.append("- Sources:")
        lines += _refs(kb, z.sources)
        if z.source_note:
            lines.append(f"- Note: {z.source_note}")
        lines.append("")
    return "\n".join(lines)


def _points(kb: Knowledge) -> str:
    detailed = [p for p in kb.points.values() if p.detail is not None]
    unverified = [p.code for p in detailed if p.detail and p.detail.status == "UNVERIFIED"]
    return "\n".join(
        [
            "## Points\n",
            f"{len(detailed)} points carry clinical detail: every one of the "
            f"{sum(1 for p in kb.points.values() if p.meridian != 'EX')} WHO 2008 points and the "
            "extra points acuplan uses. Each has the WHO 2008 location in acuplan's words "
            "(with its page), the angle and direction, the depth range and its cap (the "
            "conservative figure of Chinese Acupuncture and Moxibustion, 1999), its zones, "
            "cautions by anatomy, the pregnancy flag, moxibustion, sources and a status. "
            "`acuplan points CODE` shows them in full.",
            "",
            "UNVERIFIED points (the TARA curation lacks or garbles the textbook's needling text "
            "or the WHO location for them, or no primary source describes them): "
            + ", ".join(unverified)
            + ".",
            "",
        ]
    )


def _patterns(kb: Knowledge) -> str:
    lines = ["## Patterns\n"]
    for p in kb.patterns.values():
        lines += [f"### `{p.id}`: {p.name} ({p.chinese})", ""]
        lines.append(f"**{p.status}**, review: {p.review.replace('_', ' ')}. {p.principle}")
        lines.append("")
        lines.append("- Sources:")
        lines += _refs(kb, p.sources)
        lines.append("")
    return "\n".join(lines)


def _sources(kb: Knowledge) -> str:
    lines = ["## Sources\n"]
    public = [s for s in kb.sources.values() if s.kind != "internal"]
    for kind in KIND_ORDER:
        group = [s for s in public if s.kind == kind]
        if not group:
            continue
        lines += [
            f"### {kind.capitalize()} ({'primary' if kind in km.PRIMARY_KINDS else 'secondary'})",
            "",
        ]
        for s in sorted(group, key=lambda s: s.id):
            ids = [f"{k.upper()} {getattr(s, k)}" for k in ("pmid", "doi", "isbn") if getattr(s, k)]
            line = f"- `{s.id}`: {s.citation}." + (f" {'; '.join(ids)}." if ids else "")
            if s.note:
                line += f" *{s.note}*"
            lines.append(line)
        lines.append("")
    lines += ["### Studies (articles)", ""]
    for st in kb.studies.values():
        ids = [f"{k.upper()} {getattr(st, k)}" for k in ("pmid", "doi") if getattr(st, k)]
        line = f"- `{st.id}` ({st.status}): {st.citation}." + (f" {'; '.join(ids)}." if ids else "")
        line += f" {st.finding}"
        if st.note:
            line += f" *{st.note}*"
        lines.append(line)
    return "\n".join(lines) + "\n"
