"""Recognise drug classes (anticoagulant, antiplatelet, corticosteroid) in free-text
medication lists by generic or brand name, matched as whole words, case-insensitively."""

from __future__ import annotations

import re
from collections.abc import Iterable

from acuplan.core.knowledge import Knowledge

_PATTERNS: dict[str, list[tuple[str, re.Pattern[str]]]] = {}


def _patterns(kb: Knowledge) -> list[tuple[str, re.Pattern[str]]]:
    cached = _PATTERNS.get(kb.version)
    if cached is None:
        cached = [
            (dc.id, re.compile(r"\b(" + "|".join(re.escape(n) for n in dc.names) + r")\b", re.I))
            for dc in kb.drug_classes.values()
        ]
        _PATTERNS[kb.version] = cached
    return cached


def recognise(kb: Knowledge, medications: Iterable[str]) -> dict[str, list[str]]:
    """``{drug class: [the medication entries that matched]}``."""
    found: dict[str, list[str]] = {}
    for entry in medications:
        for class_id, pattern in _patterns(kb):
            if pattern.search(entry):
                found.setdefault(class_id, []).append(entry)
    return found
