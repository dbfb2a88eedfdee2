"""The loaded, validated knowledge base: an immutable bundle the engine reads."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from acuplan.core.knowledge import models as km


def split_ref(ref: str) -> tuple[str, str]:
    """``"who2008@p. 26"`` -> ``("who2008", "p. 26")``; a bare id has no locator."""
    source_id, _, at = ref.partition("@")
    return source_id.strip(), at.strip()


def source_id_of(ref: str) -> str:
    return split_ref(ref)[0]


@dataclass(frozen=True)
class Knowledge:
    """Everything acuplan knows, with ``version`` a content hash of the data files."""

    version: str
    sources: dict[str, km.Source]
    studies: dict[str, km.Study]
    meridians: dict[str, km.MeridianInfo]
    zones: dict[str, km.ZoneInfo]
    points: dict[str, km.Point]
    patterns: dict[str, km.Pattern]
    codes: dict[str, km.Code]
    retired_codes: list[km.RetiredCode]
    code_rules: list[km.CodeRule]
    red_flag_rules: list[km.RedFlagRule]
    referral_rules: list[km.ReferralRule]
    safety_rules: list[km.SafetyRule]
    pain_type_rules: list[km.PainTypeRule]
    derived_rules: list[km.DerivedRule]
    course_rules: list[km.CourseRule]
    terms: dict[str, km.Term]
    selections: list[km.Selection]
    drug_classes: dict[str, km.DrugClass]
    instruments: dict[str, km.Instrument]
    guidelines: dict[str, km.Guideline]
    payers: dict[str, km.PayerRule]
    education: dict[str, km.EducationTopic]
    faq: list[km.FaqEntry] = field(default_factory=list)

    def has_source(self, ref: str) -> bool:
        source_id = source_id_of(ref)
        return source_id in self.sources or source_id in self.studies

    def kind_of(self, ref: str) -> str:
        """The kind of a source reference; a study is an article (KeyError if unknown)."""
        source_id = source_id_of(ref)
        return "article" if source_id in self.studies else self.sources[source_id].kind

    def is_primary(self, ref: str) -> bool:
        """A guideline, standard, textbook, or an article with a PMID or DOI."""
        source_id = source_id_of(ref)
        if source_id in self.studies:
            return self.studies[source_id].is_primary
        return source_id in self.sources and self.sources[source_id].is_primary

    def is_internal(self, ref: str) -> bool:
        source = self.sources.get(source_id_of(ref))
        return source is not None and source.kind == "internal"

    def public_refs(self, refs: Iterable[str]) -> list[str]:
        """``refs`` without the internal ones, which are never shown to a user."""
        return [r for r in refs if not self.is_internal(r)]

    def citation(self, ref: str) -> str:
        """The citation text of a source or study reference (``id`` or ``id@locator``, the
        locator being the section or page read), KeyError if unknown."""
        source_id, at = split_ref(ref)
        text = (
            self.studies[source_id].citation
            if source_id in self.studies
            else self.sources[source_id].citation
        )
        return f"{text}, {at}" if at else text

    def prescribable(self, code: str) -> km.PointDetail:
        """The clinical detail of a point the planner may prescribe (KeyError otherwise)."""
        detail = self.points[code].detail
        if detail is None:
            raise KeyError(code)
        return detail

    def term(self, term_id: str, *, patient: bool = False) -> str:
        """The clinician's label (or the patient's words) for a vocabulary id; KeyError if
        the vocabulary lacks it."""
        t = self.terms[term_id]
        return (t.patient or t.clinician) if patient else t.clinician

    def label(self, term_id: str, *, patient: bool = False) -> str:
        """Like :meth:`term`, but never fails: without a term, the id's last word in plain
        words (``quality.aching`` -> ``Aching``), so that a page never shows an id."""
        if term_id in self.terms:
            return self.term(term_id, patient=patient)
        word = term_id.rpartition(".")[2].replace("_", " ")
        return word[:1].upper() + word[1:]

    def question(self, field_path: str) -> str | None:
        """The question to ask the patient for an intake field that was not given
        (``pain.midline`` -> "Is the pain along the spine itself, or beside it?")."""
        term = self.terms.get(f"field.{field_path}")
        return term.question if term else None

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
            "zones": len(self.zones),
            "patterns": len(self.patterns),
            "codes": len(self.codes),
            "red-flag rules": len(self.red_flag_rules),
            "referral rules": len(self.referral_rules),
            "safety rules": len(self.safety_rules),
            "pain-type rules": len(self.pain_type_rules),
            "derived-finding rules": len(self.derived_rules),
            "course rules": len(self.course_rules),
            "vocabulary terms": len(self.terms),
            "prescription selections": len(self.selections),
            "drug classes": len(self.drug_classes),
            "instruments": len(self.instruments),
            "guidelines": len(self.guidelines),
            "studies": len(self.studies),
            "sources": len(self.sources),
            "education topics": len(self.education),
        }
