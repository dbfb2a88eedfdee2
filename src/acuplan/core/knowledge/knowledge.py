"""The loaded, validated knowledge base: an immutable bundle the engine reads."""

from __future__ import annotations

from dataclasses import dataclass, field

from acuplan.core.knowledge import models as km


@dataclass(frozen=True)
class Knowledge:
    """Everything acuplan knows, with ``version`` a content hash of the data files."""

    version: str
    sources: dict[str, km.Source]
    studies: dict[str, km.Study]
    meridians: dict[str, km.MeridianInfo]
    points: dict[str, km.Point]
    patterns: dict[str, km.Pattern]
    codes: dict[str, km.Code]
    retired_codes: list[km.RetiredCode]
    code_rules: list[km.CodeRule]
    red_flag_rules: list[km.RedFlagRule]
    referral_rules: list[km.ReferralRule]
    safety_rules: list[km.SafetyRule]
    pain_type_rules: list[km.PainTypeRule]
    selections: list[km.Selection]
    drug_classes: dict[str, km.DrugClass]
    instruments: dict[str, km.Instrument]
    guidelines: dict[str, km.Guideline]
    payers: dict[str, km.PayerRule]
    education: dict[str, km.EducationTopic]
    faq: list[km.FaqEntry] = field(default_factory=list)

    def has_source(self, source_id: str) -> bool:
        return source_id in self.sources or source_id in self.studies

    def citation(self, source_id: str) -> str:
        """The citation text of a source or study id (KeyError if unknown)."""
        if source_id in self.studies:
            return self.studies[source_id].citation
        return self.sources[source_id].citation

    def prescribable(self, code: str) -> km.PointDetail:
        """The clinical detail of a point the planner may prescribe (KeyError otherwise)."""
        detail = self.points[code].detail
        if detail is None:
            raise KeyError(code)
        return detail

    def code(self, key: str) -> km.CodeRef:
        """A ``SYSTEM|CODE`` key as a code reference."""
        c = self.codes[key]
        return km.CodeRef(system=c.system, code=c.code, display=c.display)

    def counts(self) -> dict[str, int]:
        """Entry counts, for ``acuplan kb check``."""
        return {
            "points (WHO 2008)": sum(1 for p in self.points.values() if p.meridian != "EX"),
            "extra points": sum(1 for p in self.points.values() if p.meridian == "EX"),
            "points with clinical detail": sum(1 for p in self.points.values() if p.detail),
            "meridians": len(self.meridians),
            "patterns": len(self.patterns),
            "codes": len(self.codes),
            "red-flag rules": len(self.red_flag_rules),
            "referral rules": len(self.referral_rules),
            "safety rules": len(self.safety_rules),
            "pain-type rules": len(self.pain_type_rules),
            "prescription selections": len(self.selections),
            "drug classes": len(self.drug_classes),
            "instruments": len(self.instruments),
            "guidelines": len(self.guidelines),
            "studies": len(self.studies),
            "sources": len(self.sources),
            "education topics": len(self.education),
        }
