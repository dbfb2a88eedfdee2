"""What every instrument score carries: value, band, and the MCID later decisions use."""

from __future__ import annotations

from dataclasses import dataclass, field

from acuplan.core.knowledge import models as km


@dataclass(frozen=True, slots=True)
class Mcid:
    """Minimal clinically important improvement: ``points`` or ``percent`` of baseline."""

    points: float | None
    percent: float | None
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class InstrumentScore:
    """One instrument's result. ``scorable`` false (too many items unanswered for the
    instrument's own rule) means ``total`` is None and ``reason`` says why: never a number."""

    instrument: str
    version: str
    total: float | None
    range_min: float
    range_max: float
    band: str | None = None
    mcid: Mcid | None = None
    detail: dict[str, float | int | str | None] = field(default_factory=dict)
    loinc: tuple[str, ...] = ()
    scorable: bool = True
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class StartBackScore(InstrumentScore):
    """STarT Back: the contract puts ``psychosocial`` and ``risk`` beside ``total``."""

    psychosocial: int = 0
    risk: str = "low"


def band_for(instrument: km.Instrument, value: float) -> str | None:
    """The band whose [min, max] holds ``value`` (bands are inclusive at both ends)."""
    for b in instrument.bands:
        if b.min <= value <= b.max:
            return b.label
    return None


def mcid_for(instrument: km.Instrument) -> Mcid | None:
    if instrument.mcid_points is None and instrument.mcid_percent is None:
        return None
    return Mcid(instrument.mcid_points, instrument.mcid_percent, instrument.mcid_sources)


def make_score(
    instrument: km.Instrument,
    total: float,
    *,
    band_value: float | None = None,
    band: str | None = None,
    detail: dict[str, float | int | str | None] | None = None,
) -> InstrumentScore:
    """Assemble a score with the instrument's range, band, MCID and LOINC codes."""
    return InstrumentScore(
        instrument=instrument.id,
        version=instrument.version,
        total=total,
        range_min=instrument.range_min,
        range_max=instrument.range_max,
        band=band
        if band is not None
        else band_for(instrument, total if band_value is None else band_value),
        mcid=mcid_for(instrument),
        detail=detail or {},
        loinc=instrument.loinc,
    )


def unscorable(
    instrument: km.Instrument, reason: str, detail: dict[str, float | int | str | None]
) -> InstrumentScore:
    """A response the instrument's missing-item rule does not allow to be scored."""
    return InstrumentScore(
        instrument=instrument.id,
        version=instrument.version,
        total=None,
        range_min=instrument.range_min,
        range_max=instrument.range_max,
        mcid=mcid_for(instrument),
        detail=detail,
        loinc=instrument.loinc,
        scorable=False,
        reason=reason,
    )
