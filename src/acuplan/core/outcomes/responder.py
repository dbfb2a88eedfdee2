"""Is a change in an outcome measure clinically important? Thresholds (MCIDs) come from
instruments.toml: NRS 2 points or 30%, RMDQ 5 or 30%, ODI 10 or 30% (Ostelo 2008; Farrar
2001), PEG 1 point (Reed). Lower scores are better on every instrument acuplan tracks."""

from __future__ import annotations

from dataclasses import dataclass

from acuplan.core.knowledge import models as km

PARTIAL_RELATIVE = 0.10
"""GERAC offered extra sessions to partial responders, 10-50% better (Haake 2007)."""


@dataclass(frozen=True, slots=True)
class Change:
    instrument: str
    baseline: float
    current: float
    improvement: float
    """baseline - current: positive is better."""
    relative: float | None
    """improvement / baseline; None when the baseline is 0 (relative change undefined)."""
    responder: bool
    partial: bool
    worsened: bool
    rule: str


def assess_change(instrument: km.Instrument, baseline: float, current: float) -> Change:
    """Compare a follow-up score with the baseline on one instrument."""
    improvement = round(baseline - current, 4)
    relative = round(improvement / baseline, 4) if baseline > 0 else None
    pts, pct = instrument.mcid_points, instrument.mcid_percent
    by_points = pts is not None and improvement >= pts
    by_percent = pct is not None and relative is not None and relative >= pct / 100
    responder = by_points or by_percent
    worsened = pts is not None and -improvement >= pts
    partial = not responder and relative is not None and relative >= PARTIAL_RELATIVE
    parts = []
    if pts is not None:
        parts.append(f">= {pts:g} points")
    if pct is not None:
        parts.append(
            f">= {pct:g}% of baseline" + (" (undefined: baseline 0)" if relative is None else "")
        )
    rule = f"{instrument.id}: responder if improvement " + " or ".join(parts)
    return Change(
        instrument.id, baseline, current, improvement, relative, responder, partial, worsened, rule
    )
