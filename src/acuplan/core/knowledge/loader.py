"""Load, validate and cross-check the knowledge base.

Default-deny: an unknown key, table, point code, finding, code system or source id is an
error that names the file and the entry. All problems are collected and raised together as
one :class:`KnowledgeError`, so a reviewer sees everything wrong in one run.
"""

from __future__ import annotations

import csv
import hashlib
import io
import tomllib
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from acuplan.core.errors import KnowledgeError
from acuplan.core.knowledge import models as km
from acuplan.core.knowledge.crosscheck import cross_check
from acuplan.core.knowledge.knowledge import Knowledge

M = TypeVar("M", bound=BaseModel)

#: One file of point detail per channel, plus the extra points (EX) acuplan uses.
POINT_FILES = (
    "LU",
    "LI",
    "ST",
    "SP",
    "HT",
    "SI",
    "BL",
    "KI",
    "PC",
    "TE",
    "GB",
    "LR",
    "GV",
    "CV",
    "EX",
)

#: file -> {table name -> model}; nothing else may appear in a file.
LAYOUT: dict[str, dict[str, type[BaseModel]]] = {
    "sources.toml": {"source": km.Source},
    "evidence.toml": {"study": km.Study},
    "meridians.toml": {"meridian": km.MeridianInfo},
    "zones.toml": {"zone": km.ZoneInfo},
    **{f"points/{ch}.toml": {"point": km.PointDetail} for ch in POINT_FILES},
    "patterns.toml": {"pattern": km.Pattern},
    "codes.toml": {"code": km.Code, "retired": km.RetiredCode, "rule": km.CodeRule},
    "rules/red_flags.toml": {"rule": km.RedFlagRule},
    "rules/referrals.toml": {"rule": km.ReferralRule},
    "rules/safety.toml": {"rule": km.SafetyRule},
    "rules/pain_types.toml": {"rule": km.PainTypeRule},
    "rules/derived.toml": {"rule": km.DerivedRule},
    "rules/course.toml": {"rule": km.CourseRule},
    "vocabulary.toml": {"term": km.Term},
    "prescriptions.toml": {"selection": km.Selection},
    "rules/medications.toml": {"drug_class": km.DrugClass},
    "instruments.toml": {"instrument": km.Instrument},
    "guidelines.toml": {"guideline": km.Guideline, "payer": km.PayerRule},
    "education.toml": {"topic": km.EducationTopic, "faq": km.FaqEntry},
}
REGISTRY_FILE = "points_who2008.csv"
REGISTRY_HEADER = ["code", "pinyin", "hanzi", "english", "meridian"]
EXTRA_POINT_FIELDS = ("pinyin", "hanzi", "english")


def data_root() -> Traversable:
    """The packaged data folder."""
    return resources.files("acuplan.core.knowledge") / "data"


@cache
def default_knowledge() -> Knowledge:
    """The packaged knowledge base, loaded once per process."""
    return load_knowledge(data_root())


def load_knowledge(root: Traversable | Path) -> Knowledge:
    """Load every file under ``root``; raise :class:`KnowledgeError` listing every problem."""
    problems: list[str] = []
    raw: dict[str, bytes] = {}
    for name in [*LAYOUT, REGISTRY_FILE]:
        try:
            raw[name] = _child(root, name).read_bytes()
        except FileNotFoundError:
            problems.append(f"{name}: file is missing")
    if problems:
        raise KnowledgeError(problems)
    tables = {name: _parse_toml(name, raw[name], problems) for name in LAYOUT}
    registry = _parse_registry(raw[REGISTRY_FILE], problems)
    kb = _build(tables, registry, problems, _version(raw))
    if problems:
        raise KnowledgeError(problems)
    return kb


def _child(root: Traversable | Path, name: str) -> Traversable | Path:
    node = root
    for part in name.split("/"):
        node = node / part
    return node


def _version(raw: Mapping[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name in sorted(raw):
        digest.update(name.encode() + b"\0" + raw[name] + b"\0")
    return "kb-" + digest.hexdigest()[:16]


def _parse_toml(name: str, data: bytes, problems: list[str]) -> dict[str, list[BaseModel]]:
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        problems.append(f"{name}: not valid TOML: {exc}")
        return {}
    allowed: dict[str, type[BaseModel]] = {**LAYOUT[name], "source": km.Source}
    out: dict[str, list[BaseModel]] = {}
    for table, entries in doc.items():
        if table not in allowed:
            problems.append(f"{name}: unknown table [[{table}]] (allowed: {', '.join(allowed)})")
            continue
        if not isinstance(entries, list):
            problems.append(f"{name}: [{table}] must be an array of tables [[{table}]]")
            continue
        validated = [
            _validate(name, table, i, e, allowed[table], problems) for i, e in enumerate(entries)
        ]
        out[table] = [m for m in validated if m is not None]
    return out


def _validate(
    name: str, table: str, index: int, entry: Any, model: type[M], problems: list[str]
) -> M | None:
    label = _entry_label(table, index, entry)
    try:
        return model.model_validate(entry)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            where = ".".join(str(p) for p in err["loc"]) or "(entry)"
            what = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
            problems.append(f"{name}: {label}: {where}: {what}")
        return None


def _entry_label(table: str, index: int, entry: Any) -> str:
    if isinstance(entry, dict):
        for key in ("id", "code", "question"):
            if key in entry:
                return f"{table} {entry[key]!r}"
    return f"{table} #{index + 1}"


def _parse_registry(data: bytes, problems: list[str]) -> list[km.RegistryPoint]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(f"{REGISTRY_FILE}: not UTF-8: {exc}")
        return []
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or rows[0] != REGISTRY_HEADER:
        problems.append(f"{REGISTRY_FILE}: header must be exactly {','.join(REGISTRY_HEADER)}")
        return []
    out: list[km.RegistryPoint] = []
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(REGISTRY_HEADER):
            problems.append(f"{REGISTRY_FILE}: line {line}: expected 5 fields, got {len(row)}")
            continue
        entry = dict(zip(REGISTRY_HEADER, row, strict=True))
        point = _validate(REGISTRY_FILE, f"line {line}", 0, entry, km.RegistryPoint, problems)
        if point is not None:
            if not point.code.startswith(point.meridian):
                problems.append(
                    f"{REGISTRY_FILE}: point {point.code!r}: meridian {point.meridian} "
                    "does not match the code"
                )
            out.append(point)
    return out


def _items(tables: Mapping[str, Mapping[str, list[BaseModel]]], name: str, table: str) -> list[Any]:
    return list(tables.get(name, {}).get(table, []))


def _index(
    items: Iterable[M], key: Callable[[M], str], where: str, problems: list[str]
) -> dict[str, M]:
    out: dict[str, M] = {}
    for item in items:
        k = key(item)
        if k in out:
            problems.append(f"{where}: duplicate entry {k!r}")
        out[k] = item
    return out


def _build(
    tables: Mapping[str, Mapping[str, list[BaseModel]]],
    registry: list[km.RegistryPoint],
    problems: list[str],
    version: str,
) -> Knowledge:
    t = tables

    def idx(name: str, table: str, key: str = "id") -> dict[str, Any]:
        return _index(_items(t, name, table), lambda x: str(getattr(x, key)), name, problems)

    zones: dict[str, km.ZoneInfo] = idx("zones.toml", "zone")
    kb = Knowledge(
        version=version,
        sources=_index(
            [s for name in LAYOUT for s in _items(t, name, "source")],
            lambda s: s.id,
            "sources",
            problems,
        ),
        studies=idx("evidence.toml", "study"),
        meridians=idx("meridians.toml", "meridian", "code"),
        zones=zones,
        points=_merge_points(
            registry,
            _index(
                [d for ch in POINT_FILES for d in _items(t, f"points/{ch}.toml", "point")],
                lambda d: str(d.code),
                "points",
                problems,
            ),
            zones,
            problems,
        ),
        patterns=idx("patterns.toml", "pattern"),
        codes=_index(
            _items(t, "codes.toml", "code"),
            lambda c: f"{c.system}|{c.code}",
            "codes.toml",
            problems,
        ),
        retired_codes=_items(t, "codes.toml", "retired"),
        code_rules=_items(t, "codes.toml", "rule"),
        red_flag_rules=_items(t, "rules/red_flags.toml", "rule"),
        referral_rules=_items(t, "rules/referrals.toml", "rule"),
        safety_rules=_items(t, "rules/safety.toml", "rule"),
        pain_type_rules=_items(t, "rules/pain_types.toml", "rule"),
        derived_rules=_items(t, "rules/derived.toml", "rule"),
        course_rules=_items(t, "rules/course.toml", "rule"),
        terms=idx("vocabulary.toml", "term"),
        selections=_items(t, "prescriptions.toml", "selection"),
        drug_classes=idx("rules/medications.toml", "drug_class"),
        instruments=idx("instruments.toml", "instrument"),
        guidelines=idx("guidelines.toml", "guideline"),
        payers=idx("guidelines.toml", "payer"),
        education=idx("education.toml", "topic"),
        faq=_items(t, "education.toml", "faq"),
    )
    problems.extend(cross_check(kb))
    return kb


def _merge_points(
    registry: list[km.RegistryPoint],
    details: Mapping[str, km.PointDetail],
    zones: Mapping[str, km.ZoneInfo],
    problems: list[str],
) -> dict[str, km.Point]:
    points = _index(registry, lambda p: p.code, REGISTRY_FILE, problems)
    merged = {code: km.Point(**p.model_dump()) for code, p in points.items()}
    for code, d in details.items():
        base = merged.get(code)
        if base is None:
            missing = [f for f in EXTRA_POINT_FIELDS if not getattr(d, f)]
            if not (code.startswith("EX-") or code == "ASHI"):
                problems.append(f"points: point {code!r}: not a WHO 2008 point code")
                continue
            if missing:
                problems.append(
                    f"points: point {code!r}: an extra point needs {', '.join(missing)}"
                )
                continue
            base = km.Point(
                code=code,
                pinyin=str(d.pinyin),
                hanzi=str(d.hanzi),
                english=str(d.english),
                meridian="EX",
            )
        elif any(getattr(d, f) for f in EXTRA_POINT_FIELDS):
            problems.append(
                f"points: point {code!r}: names come from {REGISTRY_FILE}; remove them here"
            )
        if d.depth_min_cun > d.depth_max_cun:
            problems.append(f"points: point {code!r}: depth_min_cun > depth_max_cun")
        if (d.depth_max_cun == 0) != d.needling_forbidden:
            problems.append(
                f"points: point {code!r}: a depth of 0 marks a point that is never needled "
                "(needling_forbidden = true), and only such a point"
            )
        merged[code] = base.model_copy(update={"detail": inherit_zones(d, zones, problems)})
    return merged


def inherit_zones(
    d: km.PointDetail, zones: Mapping[str, km.ZoneInfo], problems: list[str] | None = None
) -> km.PointDetail:
    """The point with its zones' cautions added (its own wording wins for a kind it already
    has). With ``problems``, a point deeper than a zone's cap, or not flagged in a zone that
    blocks pregnancy, is a problem: the data must say it, not the loader."""
    if d.site == "painful_region":
        return d  # no fixed site: the engine gives it the zones of the painful regions
    where = f"points: point {d.code!r}"
    cautions = list(d.cautions)
    for zone_id in d.zones:
        zone = zones.get(zone_id)
        if zone is None:
            continue
        have = {c.kind for c in cautions}
        cautions += [c for c in zone.cautions if c.kind not in have]
        if problems is None:
            continue
        if zone.depth_max_cun is not None and d.depth_max_cun > zone.depth_max_cun:
            problems.append(
                f"{where}: depth_max_cun {d.depth_max_cun:g} is deeper than the cap of zone "
                f"{zone.id!r} ({zone.depth_max_cun:g} cun)"
            )
        if zone.pregnancy == "contraindicated" and not d.pregnancy_contraindicated:
            problems.append(
                f"{where}: zone {zone.id!r} blocks needling in pregnancy; "
                "set pregnancy_contraindicated = true"
            )
    return d.model_copy(update={"cautions": tuple(cautions)})
