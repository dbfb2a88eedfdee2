"""The billing rules as data (``data/billing.toml``): typed, default-deny, loaded once.

Every fact carries its sources and status; the loader refuses an unknown key, a source id
that is not declared, two codes of the same kind and stimulation, or a Medicare window that
does not add up, naming the entry. :class:`KnowledgeError` lists every problem at once.
"""

from __future__ import annotations

import hashlib
import tomllib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from acuplan.core.errors import KnowledgeError
from acuplan.core.knowledge.models import Source, Status

FILE = "billing.toml"
Text = Annotated[str, Field(min_length=1)]
Stimulation = Literal["manual", "electro"]
CodeKind = Literal["initial", "additional"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Sourced(_Model):
    sources: Annotated[tuple[Text, ...], Field(min_length=1)]
    status: Status


class Timing(_Sourced):
    unit_minutes: Annotated[int, Field(ge=1)]
    minimum_unit_minutes: Annotated[int, Field(ge=1)]
    counts: Literal["face_to_face"]
    summary: Text


class Rule(_Sourced):
    id: Annotated[str, Field(pattern=r"^cpt\.[a-z0-9_]+$")]
    summary: Text


class CptCode(_Sourced):
    code: Annotated[str, Field(pattern=r"^\d{5}$")]
    kind: CodeKind
    stimulation: Stimulation
    summary: Text
    """A paraphrase: the AMA's descriptor text is copyright."""


class Evaluation(_Sourced):
    modifier: Text
    codes: Annotated[tuple[Annotated[str, Field(pattern=r"^99\d{3}$")], ...], Field(min_length=1)]
    default_code: Text
    summary: Text


class Medicare(_Sourced):
    payer: Literal["medicare"]
    improvement_from_visit: Annotated[int, Field(ge=2)]
    modifier_from_visit: Annotated[int, Field(ge=2)]
    modifier_to_visit: Annotated[int, Field(ge=2)]
    modifier: Text
    max_visits_per_year: Annotated[int, Field(ge=1)]
    summary: Text


class MedicareBilling(_Sourced):
    warning: Text


class Claim(_Sourced):
    place_of_service: Annotated[str, Field(pattern=r"^\d{2}$")]
    place_of_service_name: Text
    taxonomy: Annotated[str, Field(pattern=r"^[0-9A-Z]{9}X$")]
    taxonomy_name: Text
    max_diagnoses: Annotated[int, Field(ge=1, le=26)]
    max_pointers_per_line: Annotated[int, Field(ge=1)]
    summary: Text


class BillingRules(_Model):
    """Everything ``billing.toml`` holds; ``version`` is a hash of the file."""

    version: str
    sources: dict[str, Source]
    timing: Timing
    rules: dict[str, Rule]
    codes: dict[str, CptCode]
    evaluation: Evaluation
    medicare: Medicare
    medicare_billing: MedicareBilling
    claim: Claim

    def code_for(self, kind: CodeKind, stimulation: Stimulation) -> CptCode:
        return next(
            c for c in self.codes.values() if (c.kind, c.stimulation) == (kind, stimulation)
        )

    @property
    def initial_codes(self) -> frozenset[str]:
        return frozenset(c.code for c in self.codes.values() if c.kind == "initial")

    def citation(self, source_id: str) -> str:
        return self.sources[source_id].citation


class _File(_Model):
    source: tuple[Source, ...]
    timing: dict[str, Any]
    rule: tuple[dict[str, Any], ...]
    code: tuple[dict[str, Any], ...]
    evaluation: dict[str, Any]
    medicare: dict[str, Any]
    medicare_billing: dict[str, Any]
    claim: dict[str, Any]


def data_path() -> Path:
    return Path(str(resources.files("acuplan.core.billing") / "data" / FILE))


@cache
def default_rules() -> BillingRules:
    """The packaged billing rules, loaded once per process."""
    return load_rules(data_path().read_bytes())


def load_rules(raw: bytes) -> BillingRules:
    """Parse and check ``billing.toml``; KnowledgeError lists every problem."""
    try:
        doc = _File.model_validate(tomllib.loads(raw.decode("utf-8")))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise KnowledgeError([f"{FILE}: not valid TOML: {exc}"]) from None
    except ValidationError as exc:
        raise KnowledgeError(_problems("(file)", exc)) from None
    problems: list[str] = []
    data: dict[str, Any] = {
        "version": "billing-" + hashlib.sha256(raw).hexdigest()[:16],
        "sources": {s.id: s for s in doc.source},
        "timing": doc.timing,
        "rules": {r.get("id", f"#{i}"): r for i, r in enumerate(doc.rule)},
        "codes": {c.get("code", f"#{i}"): c for i, c in enumerate(doc.code)},
        "evaluation": doc.evaluation,
        "medicare": doc.medicare,
        "medicare_billing": doc.medicare_billing,
        "claim": doc.claim,
    }
    try:
        rules = BillingRules.model_validate(data)
    except ValidationError as exc:
        raise KnowledgeError(_problems("", exc)) from None
    problems += _cross_check(rules, len(doc.source), len(doc.rule), len(doc.code))
    if problems:
        raise KnowledgeError(problems)
    return rules


def _problems(where: str, exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"]) or where
        what = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
        out.append(f"{FILE}: {loc}: {what}")
    return out


def _cross_check(rules: BillingRules, n_sources: int, n_rules: int, n_codes: int) -> list[str]:
    problems = []
    if len(rules.sources) != n_sources:
        problems.append(f"{FILE}: duplicate source id")
    if len(rules.rules) != n_rules or len(rules.codes) != n_codes:
        problems.append(f"{FILE}: duplicate rule id or code")
    facts: list[tuple[str, tuple[str, ...]]] = [
        ("timing", rules.timing.sources),
        ("evaluation", rules.evaluation.sources),
        ("medicare", rules.medicare.sources),
        ("medicare_billing", rules.medicare_billing.sources),
        ("claim", rules.claim.sources),
        *((f"rule {k!r}", r.sources) for k, r in rules.rules.items()),
        *((f"code {k!r}", c.sources) for k, c in rules.codes.items()),
    ]
    problems += [
        f"{FILE}: {where}: unknown source {s!r}"
        for where, ids in facts
        for s in ids
        if s not in rules.sources
    ]
    pairs = [(c.kind, c.stimulation) for c in rules.codes.values()]
    wanted = {(k, s) for k in ("initial", "additional") for s in ("manual", "electro")}
    if sorted(pairs) != sorted(wanted):
        problems.append(f"{FILE}: need exactly one code per kind and stimulation, got {pairs}")
    if rules.evaluation.default_code not in rules.evaluation.codes:
        problems.append(f"{FILE}: evaluation: default_code is not one of the codes")
    m = rules.medicare
    if not m.modifier_from_visit <= m.modifier_to_visit <= m.max_visits_per_year:
        problems.append(f"{FILE}: medicare: modifier visits must lie within the yearly maximum")
    return problems
