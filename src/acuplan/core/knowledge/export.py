"""The whole validated knowledge base as one JSON document, for clinical review and outside
checks (``acuplan kb export --json``). Internal sources are left out everywhere."""

from __future__ import annotations

from typing import Any

from acuplan.core.knowledge import models as km
from acuplan.core.knowledge.crosscheck import RULE_FILES, rule_lists
from acuplan.core.knowledge.knowledge import Knowledge
from acuplan.core.knowledge.points import point_json

#: Weakest first: a code rule is as strong as its weakest code.
STATUS_ORDER = ("UNVERIFIED", "CONFLICT", "WEAK", "V", "V2")
SOURCE_KEYS = ("sources", "mcid_sources", "max_missing_sources")


def export_knowledge(kb: Knowledge) -> dict[str, Any]:
    """Points as ``acuplan points --json`` gives them; every rule of every kind as
    ``{id, kind, title, status, sources, ...}``; the public sources; studies, zones, patterns,
    codes, drug classes, instruments and guidelines."""
    return {
        "version": kb.version,
        "counts": kb.counts(),
        "points": [point_json(p, kb) for p in kb.points.values()],
        "patterns": [_public(kb, p) for p in kb.patterns.values()],
        "rules": export_rules(kb),
        "sources": [_source(s) for s in kb.sources.values() if s.kind != "internal"],
        "studies": [_public(kb, s) for s in kb.studies.values()],
        "zones": [_public(kb, z) for z in kb.zones.values()],
        "codes": [_public(kb, c) for c in kb.codes.values()],
        "drug_classes": [_public(kb, d) for d in kb.drug_classes.values()],
        "instruments": [_public(kb, i) for i in kb.instruments.values()],
        "guidelines": [_public(kb, g) for g in kb.guidelines.values()],
    }


def export_rules(kb: Knowledge) -> list[dict[str, Any]]:
    """Every rule: red flags, referrals, safety, pain types, derived findings, course rules,
    prescription selections and code rules (whose status is that of their weakest code)."""
    out: list[dict[str, Any]] = []
    for name, rules in rule_lists(kb):
        out += [_rule(kb, RULE_FILES[name], r) for r in rules]
    out += [_code_rule(kb, r) for r in kb.code_rules]
    return out


def _rule(kb: Knowledge, kind: str, r: km.Rule) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": r.id,
        "kind": kind,
        "title": r.title,
        "status": r.status,
        "sources": kb.public_refs(r.sources),
        "text": r.text,
        "when_all": list(r.when_all),
        "when_any": list(r.when_any),
        "when_none": list(r.when_none),
    }
    if r.min_any > 1:
        item["min_any"] = r.min_any
    if r.source_note:
        item["source_note"] = r.source_note
    return item


def _code_rule(kb: Knowledge, r: km.CodeRule) -> dict[str, Any]:
    codes = [kb.codes[key] for key in r.codes]
    sources = list(dict.fromkeys(s for c in codes for s in kb.public_refs(c.sources)))
    return {
        "id": r.id,
        "kind": "code",
        "title": "Codes: " + ", ".join(f"{c.system} {c.code}" for c in codes),
        "status": min((c.status for c in codes), key=STATUS_ORDER.index),
        "sources": sources,
        "when_all": list(r.when_all),
        "when_any": list(r.when_any),
        "when_none": list(r.when_none),
        "pick": r.pick,
    }


def _source(s: km.Source) -> dict[str, Any]:
    item: dict[str, Any] = {"id": s.id, "kind": s.kind, "citation": s.citation}
    for key in ("pmid", "doi", "isbn", "url", "note"):
        value = getattr(s, key)
        if value:
            item[key] = value
    return item


def _public(kb: Knowledge, model: km.Model) -> dict[str, Any]:
    data: dict[str, Any] = model.model_dump(mode="json")
    for key in SOURCE_KEYS:
        if key in data:
            data[key] = kb.public_refs(data[key])
    return data
