"""Point look-up and the public JSON shape of a point."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from acuplan.core.knowledge import models as km
from acuplan.core.knowledge.knowledge import Knowledge


def find_points(
    kb: Knowledge,
    *,
    codes: Sequence[str] = (),
    meridian: str | None = None,
    search: str | None = None,
) -> list[km.Point]:
    """Points by code (in the order given), by channel, or by a word found in the code, pinyin,
    English name or a back-pain indication. Raises LookupError naming unknown codes/channels."""
    if codes:
        wanted = [c.upper() if c.upper() != "ASHI" else "ASHI" for c in codes]
        unknown = [c for c in wanted if c not in kb.points]
        if unknown:
            raise LookupError(f"unknown point code(s): {', '.join(unknown)}")
        points = [kb.points[c] for c in wanted]
    else:
        points = list(kb.points.values())
    if meridian is not None:
        m = meridian.upper()
        if m not in kb.meridians:
            raise LookupError(f"unknown meridian {meridian!r} (known: {', '.join(kb.meridians)})")
        points = [p for p in points if p.meridian == m]
    if search:
        points = [p for p in points if _matches(p, search.casefold())]
    return points


def _matches(p: km.Point, word: str) -> bool:
    hay = [p.code, p.pinyin, p.english, p.hanzi]
    if p.detail is not None:
        hay += list(p.detail.indications)
    return any(word in h.casefold() for h in hay)


def point_json(p: km.Point, kb: Knowledge | None = None) -> dict[str, Any]:
    """A point as plain JSON: registry names plus clinical detail (null where it has none).
    With ``kb``, internal sources are left out of ``sources``."""
    d = p.detail
    sources = list(d.sources) if d else ["who2008"]
    if kb is not None:
        sources = kb.public_refs(sources)
    return {
        "code": p.code,
        "pinyin": p.pinyin,
        "hanzi": p.hanzi,
        "english": p.english,
        "meridian": p.meridian,
        "location": d.location if d else None,
        "location_note": d.location_note if d else None,
        "who_page": d.who_page if d else None,
        "site": d.site if d else None,
        "angle": d.angle if d else None,
        "direction": d.direction if d else None,
        "needling": d.needling if d else None,
        "needling_forbidden": d.needling_forbidden if d else None,
        "depth_min_cun": d.depth_min_cun if d else None,
        "depth_max_cun": d.depth_max_cun if d else None,
        "zones": list(d.zones) if d else [],
        "cautions": [c.model_dump() for c in d.cautions] if d else [],
        "pregnancy_contraindicated": d.pregnancy_contraindicated if d else None,
        "moxibustion": d.moxibustion if d else None,
        "moxibustion_note": d.moxibustion_note if d else None,
        "bleeding_technique": d.bleeding_technique if d else None,
        "indications": list(d.indications) if d else [],
        "category": d.category if d else None,
        "snomed_body_structure": d.snomed_body_structure if d else None,
        "sources": sources,
        "status": d.status if d else "UNVERIFIED",
    }
