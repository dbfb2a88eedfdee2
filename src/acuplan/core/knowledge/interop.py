"""The interoperability tables: how codes an EHR sends (SNOMED CT, ICD-10-CM, RxNorm,
LOINC) map to intake findings, and which triage reasons become which CDS Hooks card
(``data/interop/code_map.toml``). Framework-free, validated on load like the rest of the
knowledge base: an unknown key, kind, vocabulary word or source id is a KnowledgeError that
names the file and the entry."""

from __future__ import annotations

import functools
import hashlib
import tomllib
import typing
from dataclasses import dataclass
from importlib import resources
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from acuplan.core import intake as contract
from acuplan.core.errors import KnowledgeError

FILE = "interop/code_map.toml"
TERMS_FILE = "interop/physician_terms.toml"
Text = Annotated[str, Field(min_length=1)]
System = Literal["SNOMED CT", "ICD-10-CM", "RxNorm", "LOINC", "acuplan payer word"]
Kind = Literal[
    "back_pain", "red_flag", "condition", "pregnancy", "medication", "observation", "payer"
]
M = typing.TypeVar("M", bound=BaseModel)
OBSERVATION_FIELDS = ("intensity_nrs", "pregnancy_status", "gestational_age_weeks")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InteropSource(_Model):
    id: Text
    kind: Literal["internal", "standard", "web", "repository"]
    citation: Text
    url: str | None = None


class CodeMapping(_Model):
    system: System
    code: Text
    display: Text
    kind: Kind
    value: str | None = None
    leg: bool = False
    sources: Annotated[tuple[Text, ...], Field(min_length=1)]
    status: Literal["V2", "V", "WEAK", "UNVERIFIED", "CONFLICT"]


class CardRule(_Model):
    reason: Text
    indicator: Literal["info", "warning", "critical"]
    summary: Annotated[str, Field(min_length=1, max_length=140)]


class FindingTerm(_Model):
    id: Text
    medical: Text


class PatternTerm(_Model):
    id: Text
    plain: Text
    sources: Annotated[tuple[Text, ...], Field(min_length=1)]
    status: Literal["V2", "V", "WEAK", "UNVERIFIED", "CONFLICT"]


class _TermsFile(_Model):
    source: tuple[InteropSource, ...] = ()
    finding: tuple[FindingTerm, ...] = ()
    pattern: tuple[PatternTerm, ...] = ()


class _File(_Model):
    source: tuple[InteropSource, ...] = ()
    code: tuple[CodeMapping, ...] = ()
    card: tuple[CardRule, ...] = ()


@dataclass(frozen=True)
class Interop:
    version: str
    sources: dict[str, InteropSource]
    codes: dict[tuple[str, str], CodeMapping]
    """(system, code) -> mapping."""
    cards: dict[str, CardRule]
    findings: dict[str, str]
    """Finding token -> its medical wording."""
    patterns: dict[str, PatternTerm]

    def lookup(self, system: str, code: str) -> CodeMapping | None:
        return self.codes.get((system, code))

    def medical(self, finding: str) -> str:
        """A finding in medical words (its own words when the table lacks it)."""
        known = self.findings.get(finding)
        if known:
            return known
        return finding.split(".", 1)[-1].replace("_", " ")


def _words(literal: object) -> set[str]:
    return {str(a) for a in typing.get_args(literal)}


ALLOWED_VALUES: dict[str, set[str] | None] = {
    "back_pain": _words(contract.Region),
    "red_flag": _words(contract.RedFlag),
    "condition": _words(contract.Condition),
    "pregnancy": None,
    "medication": set(),  # any generic name
    "observation": set(OBSERVATION_FIELDS),
    "payer": _words(contract.Payer),
}


def _check(entry: CodeMapping, sources: dict[str, InteropSource]) -> str | None:
    allowed = ALLOWED_VALUES[entry.kind]
    if allowed is None and entry.value is not None:
        return f"kind {entry.kind} takes no value"
    if allowed is not None and not entry.value:
        return f"kind {entry.kind} needs a value"
    if allowed and entry.value not in allowed:
        return f"value {entry.value!r} is not one of {sorted(allowed)}"
    unknown = [s for s in entry.sources if s not in sources]
    return f"unknown source ids {unknown}" if unknown else None


def _parse(model: type[M], text: str, name: str) -> M:
    try:
        return model.model_validate(tomllib.loads(text))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise KnowledgeError([f"{name}: {exc}"]) from None


def parse_interop(text: str, terms_text: str = "") -> Interop:
    """KnowledgeError naming the file and the entry for anything unknown or malformed."""
    name = FILE
    data = _parse(_File, text, FILE)
    terms = _parse(_TermsFile, terms_text, TERMS_FILE)
    term_sources = {s.id for s in terms.source}
    for p in terms.pattern:
        if unknown := [s for s in p.sources if s not in term_sources]:
            raise KnowledgeError([f"{TERMS_FILE}: pattern {p.id}: unknown source ids {unknown}"])
    sources = {s.id: s for s in data.source}
    codes: dict[tuple[str, str], CodeMapping] = {}
    for entry in data.code:
        key = (entry.system, entry.code)
        problem = "duplicate code" if key in codes else _check(entry, sources)
        if problem:
            raise KnowledgeError([f"{name}: code {entry.system} {entry.code}: {problem}"])
        codes[key] = entry
    version = hashlib.sha256((text + terms_text).encode()).hexdigest()[:12]
    return Interop(
        version,
        sources,
        codes,
        {c.reason: c for c in data.card},
        {f.id: f.medical for f in terms.finding},
        {p.id: p for p in terms.pattern},
    )


@functools.cache
def default_interop() -> Interop:
    root = resources.files("acuplan.core.knowledge") / "data"
    return parse_interop(
        (root / FILE).read_text(encoding="utf-8"),
        (root / TERMS_FILE).read_text(encoding="utf-8"),
    )
