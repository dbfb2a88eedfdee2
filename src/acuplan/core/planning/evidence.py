"""The evidence list: every source behind the plan's statements, once, with its citation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from acuplan.core.knowledge import Knowledge
from acuplan.core.knowledge.index import index_of
from acuplan.core.knowledge.knowledge import split_ref

if TYPE_CHECKING:
    from acuplan.core.plan import Plan

#: Studies behind the course and the expected benefit, cited in every plan with a course.
COURSE_STUDIES = ("vickers2018", "haake2007", "cherkin2009")


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    id: str
    citation: str
    status: str | None
    pmid: str | None = None
    doi: str | None = None
    url: str | None = None
    finding: str | None = None


def collect_evidence(kb: Knowledge, plan: Plan) -> list[EvidenceItem]:
    ids: dict[str, None] = {}  # an insertion-ordered set

    def add(more: Iterable[str]) -> None:
        ids.update(dict.fromkeys(more))

    rules = index_of(kb).rules
    for reason in plan.triage.reasons:
        if reason.code in rules:  # a clearance is a reason without a rule
            add(rules[reason.code].sources)
    add(s for rid in plan.classification.rules for s in rules[rid].sources)
    for c in plan.classification.codes:
        add(kb.codes[f"{c.system}|{c.code}"].sources)
    for p in plan.patterns[:1]:
        add(p.sources)
    if plan.prescription is not None:
        for pt in plan.prescription.points:
            add(pt.sources)
        for ex in plan.prescription.excluded_points:
            add(s for r in ex.reasons for s in rules[r.rule].sources if r.rule in rules)
    if plan.course is not None:
        add(s for s in COURSE_STUDIES if s in kb.studies)
        for g in plan.course.guidelines:
            add(kb.guidelines[g.id].sources)
    for score in plan.scores.values():
        add(kb.instruments[score.instrument].sources)
    return [item for s in ids if (item := _item(kb, s)) is not None]


_ITEMS: dict[tuple[str, str], EvidenceItem | None] = {}


def _item(kb: Knowledge, source_id: str) -> EvidenceItem | None:
    key = (kb.version, source_id)
    if key not in _ITEMS:
        _ITEMS[key] = _make_item(kb, source_id) if kb.has_source(source_id) else None
    return _ITEMS[key]


def _make_item(kb: Knowledge, ref: str) -> EvidenceItem:
    source_id, _ = split_ref(ref)
    if source_id in kb.studies:
        st = kb.studies[source_id]
        return EvidenceItem(st.id, st.citation, st.status, st.pmid, st.doi, None, st.finding)
    src = kb.sources[source_id]
    return EvidenceItem(ref, kb.citation(ref), None, src.pmid, src.doi, src.url)
