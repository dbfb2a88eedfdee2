"""The evidence list: the sources this plan's statements rest on, once each, with the sections
read, primary sources first.

What counts: the rules that fired (red flags, referrals, safety, pain types, derived findings,
the course rule, the selections that chose points), the points prescribed and the rules that
capped or excluded points, the codes and the leading pattern, the questionnaires scored, the
payer rule applied, and the guidelines shown with the course. Guidelines of other jurisdictions
come after the patient's own and are marked as such; then the secondary sources (web pages,
repositories). Internal sources are never listed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from acuplan.core.knowledge import Knowledge
from acuplan.core.knowledge.index import index_of
from acuplan.core.knowledge.knowledge import split_ref

if TYPE_CHECKING:
    from acuplan.core.plan import Plan

#: Trials whose courses set the clinic's default course length (about 10 sessions); cited when
#: no course rule shaped the course.
DEFAULT_COURSE_STUDIES = ("haake2007", "cherkin2009")


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    id: str
    """The source or study id (without a locator)."""
    kind: str
    """guideline, standard, textbook or article (primary), web or repository."""
    primary: bool
    citation: str
    locators: list[str] = field(default_factory=list)
    """The sections or pages the plan's statements rest on (empty: the source as a whole)."""
    status: str | None = None
    """A study's verification status (None for other sources)."""
    pmid: str | None = None
    doi: str | None = None
    isbn: str | None = None
    url: str | None = None
    finding: str | None = None
    other_jurisdiction: list[str] | None = None
    """For a guideline of another jurisdiction than the patient's: its jurisdictions."""


def collect_evidence(kb: Knowledge, plan: Plan) -> list[EvidenceItem]:
    own: list[str] = []  # refs, in the order the plan's statements use them
    other: dict[str, list[str]] = {}  # refs of guidelines of other jurisdictions

    def add(refs: Iterable[str]) -> None:
        own.extend(refs)

    rules = index_of(kb).rules
    for rid in _fired_rules(kb, plan):
        if rid in rules:
            add(rules[rid].sources)
    if plan.prescription is not None:
        for pt in plan.prescription.points:
            add(pt.sources)
    for c in plan.classification.codes:
        add(kb.codes[f"{c.system}|{c.code}"].sources)
    for p in plan.patterns[:1]:
        add(p.sources)
    for score in plan.scores.values():
        add(kb.instruments[score.instrument].sources)
    if plan.course is not None:
        if plan.course.rule is None:
            add(s for s in DEFAULT_COURSE_STUDIES if s in kb.studies)
        if plan.course.payer_eligible is not None:
            rule = kb.payers["medicare"]
            add(rule.sources)
        for g in plan.course.guidelines:
            guideline = kb.guidelines[g.id]
            if g.applies_to_jurisdiction:
                add(guideline.sources)
            else:
                for ref in guideline.sources:
                    other.setdefault(ref, []).extend(guideline.jurisdictions)
    return _items(kb, own, other)


def _fired_rules(kb: Knowledge, plan: Plan) -> list[str]:
    """Every rule behind a statement of the plan, in the plan's order."""
    ids: list[str] = [r.code for r in plan.triage.reasons]
    ids += [r.code for r in plan.triage.referrals]
    ids += plan.classification.rules
    # A composite finding counts only where a rule that fired used it.
    used = {f for r in plan.triage.reasons for f in r.findings}
    used |= {t for rid in plan.classification.rules for t in _tokens(kb, rid)}
    ids += [r.id for r in kb.derived_rules if r.finding in used and r.finding in plan.findings]
    rx = plan.prescription
    if rx is not None:
        for pt in rx.points:
            ids += pt.rules
        ids += [r.rule for ex in rx.excluded_points for r in ex.reasons]
        ids += [p.rule for p in rx.precautions]
    if plan.course is not None and plan.course.rule is not None:
        ids.append(plan.course.rule)
    return list(dict.fromkeys(ids))


def _tokens(kb: Knowledge, rule_id: str) -> tuple[str, ...]:
    rule = index_of(kb).rules.get(rule_id)
    return (*rule.when_all, *rule.when_any) if rule is not None else ()


def _items(kb: Knowledge, own: list[str], other: dict[str, list[str]]) -> list[EvidenceItem]:
    locators: dict[str, list[str]] = {}
    order: list[str] = []
    for ref in [*own, *(r for r in other if r not in own)]:
        if not kb.has_source(ref) or kb.is_internal(ref):
            continue
        source_id, at = split_ref(ref)
        if source_id not in locators:
            locators[source_id] = []
            order.append(source_id)
        if at and at not in locators[source_id]:
            locators[source_id].append(at)
    own_ids = {split_ref(r)[0] for r in own}
    items = [
        _item(kb, sid, locators[sid], None if sid in own_ids else _jurisdictions(other, sid))
        for sid in order
    ]
    primary_own = [i for i in items if i.primary and i.other_jurisdiction is None]
    primary_other = [i for i in items if i.primary and i.other_jurisdiction is not None]
    secondary = [i for i in items if not i.primary]
    return primary_own + primary_other + secondary


def _jurisdictions(other: dict[str, list[str]], source_id: str) -> list[str]:
    found = [j for ref, js in other.items() if split_ref(ref)[0] == source_id for j in js]
    return list(dict.fromkeys(found))


def _item(
    kb: Knowledge, source_id: str, locators: list[str], other_jurisdiction: list[str] | None
) -> EvidenceItem:
    if source_id in kb.studies:
        st = kb.studies[source_id]
        return EvidenceItem(
            st.id,
            "article",
            st.is_primary,
            st.citation,
            locators,
            st.status,
            st.pmid,
            st.doi,
            None,
            st.url,
            st.finding,
            other_jurisdiction,
        )
    src = kb.sources[source_id]
    return EvidenceItem(
        src.id,
        src.kind,
        src.is_primary,
        src.citation,
        locators,
        None,
        src.pmid,
        src.doi,
        src.isbn,
        src.url,
        None,
        other_jurisdiction,
    )
