"""Cross-reference checks: every id, point, finding and code a file names must exist."""

from __future__ import annotations

from collections.abc import Iterable

from acuplan.core.findings import INTAKE_FINDINGS, pattern_finding
from acuplan.core.knowledge import models as km
from acuplan.core.knowledge.knowledge import Knowledge, split_ref


def known_findings(kb: Knowledge) -> frozenset[str]:
    """Every token a rule may name: intake findings, one per pattern, and the composite
    findings that rules/derived.toml adds."""
    derived = {r.finding for r in kb.derived_rules}
    return INTAKE_FINDINGS | {pattern_finding(p) for p in kb.patterns} | derived


def cross_check(kb: Knowledge) -> list[str]:
    """Return one problem line per dangling reference (empty when all resolve)."""
    findings = known_findings(kb)
    out: list[str] = []
    out += _check_sources(kb)
    out += _check_primary(kb)
    out += _check_meridian_counts(kb)
    for p in kb.patterns.values():
        where = f"patterns.toml: pattern {p.id!r}"
        out += _unknown(where, "finding", [*p.supports, *p.opposes], findings)
        out += _unknown(where, "point", [x.code for x in p.points], _prescribable(kb))
        out += [
            f"{where}: point {x.code}: a local point needs a region, a distal one none"
            for x in p.points
            if (x.role == "local") != (x.region is not None)
        ]
        out += [
            f"{where}: point {x.code} is not local to {x.region} (its zones: "
            f"{', '.join(kb.points[x.code].detail.zones)})"  # type: ignore[union-attr]
            for x in p.points
            if x.region is not None
            and x.code in _prescribable(kb)
            and x.region not in _zone_regions(kb, x.code)
        ]
        out += _unknown(where, "code", p.codes, kb.codes)
    for rule in kb.code_rules:
        where = f"codes.toml: rule {rule.id!r}"
        out += _unknown(where, "finding", _rule_tokens(rule), findings)
        out += _unknown(where, "code", rule.codes, kb.codes)
        retired = {f"{r.system}|{r.code}" for r in kb.retired_codes}
        out += [f"{where}: code {c!r} is retired" for c in rule.codes if c in retired]
        out += _check_pick(where, rule)
    for name, rules in rule_lists(kb):
        seen: set[str] = set()
        for r in rules:
            where = f"{name}: rule {r.id!r}"
            if r.id in seen:
                out.append(f"{where}: duplicate rule id")
            seen.add(r.id)
            out += _unknown(where, "finding", _rule_tokens(r), findings)
            if not (r.when_all or r.when_any or getattr(r, "when_points", None)):
                out.append(f"{where}: a rule needs when_all, when_any or when_points")
            if r.min_any > max(1, len(r.when_any)):
                out.append(f"{where}: min_any is larger than when_any")
    out += _check_derived(kb)
    flags = {f.removeprefix("red_flag.") for f in INTAKE_FINDINGS if f.startswith("red_flag.")}
    for name, clearable in (
        ("rules/red_flags.toml", kb.red_flag_rules),
        ("rules/referrals.toml", kb.referral_rules),
    ):
        for cr in clearable:
            out += _unknown(f"{name}: rule {cr.id!r}", "red flag", cr.clearable_by, flags)
    for sel in kb.selections:
        out += _unknown(
            f"prescriptions.toml: selection {sel.id!r}", "point", sel.points, _prescribable(kb)
        )
    for safety_rule in kb.safety_rules:
        for i, effect in enumerate(safety_rule.effects, start=1):
            where = f"rules/safety.toml: rule {safety_rule.id!r}: effect {i}"
            out += _check_effect(where, effect, kb)
        if safety_rule.when_points is not None:
            out += [
                f"rules/safety.toml: rule {safety_rule.id!r}: a when_points rule may only cap "
                f"depth or add a precaution, not {e.kind}"
                for e in safety_rule.effects
                if e.kind not in {"cap_depth", "precaution"}
            ]
            out += _unknown(
                f"rules/safety.toml: rule {safety_rule.id!r}: when_points",
                "point",
                safety_rule.when_points.points,
                _prescribable(kb),
            )
    for payer in kb.payers.values():
        out += _unknown(
            f"guidelines.toml: payer {payer.id!r}", "finding", payer.excluded_when_any, findings
        )
        out += _unknown(
            f"guidelines.toml: payer {payer.id!r}", "guideline", [payer.guideline], kb.guidelines
        )
    for inst in kb.instruments.values():
        out += _unknown(
            f"instruments.toml: instrument {inst.id!r}",
            "source",
            inst.mcid_sources,
            {**kb.sources, **kb.studies},
        )
    return out


def _check_pick(where: str, rule: km.CodeRule) -> list[str]:
    if rule.pick == "trimester" and len(rule.codes) != 4:
        return [f"{where}: pick 'trimester' needs 4 codes (first, second, third, unspecified)"]
    if rule.pick == "gestation_weeks":
        return [
            f"{where}: pick 'gestation_weeks' takes ICD-10-CM Z3A codes only, not {c!r}"
            for c in rule.codes
            if not c.startswith("ICD-10-CM|Z3A.")
        ]
    return []


def _check_derived(kb: Knowledge) -> list[str]:
    out: list[str] = []
    for r in kb.derived_rules:
        where = f"rules/derived.toml: rule {r.id!r}"
        if r.finding in INTAKE_FINDINGS:
            out.append(f"{where}: finding {r.finding!r} is already an intake finding")
    return out


def _zone_regions(kb: Knowledge, code: str) -> set[str]:
    detail = kb.points[code].detail
    zones = detail.zones if detail is not None else ()
    return {r for z in zones if z in kb.zones for r in kb.zones[z].regions}


def _prescribable(kb: Knowledge) -> set[str]:
    return {code for code, p in kb.points.items() if p.detail is not None}


def _rule_tokens(rule: km.Rule | km.CodeRule) -> list[str]:
    return [*rule.when_all, *rule.when_any, *rule.when_none]


def _unknown(where: str, what: str, names: Iterable[str], known: Iterable[str]) -> list[str]:
    known_set = set(known)
    return [f"{where}: unknown {what} {n!r}" for n in names if n not in known_set]


_EFFECT_FIELDS: dict[str, set[str]] = {
    "exclude_points": {"points", "pregnancy_contraindicated", "zones", "caution_kinds"},
    "cap_depth": {"points", "zones", "caution_kinds", "depth_max_cun", "angle"},
    "forbid_technique": {"technique"},
    "forbid_moxibustion": {"points", "pregnancy_contraindicated", "zones", "caution_kinds"},
    "forbid_bleeding": set(),
    "limit_points": {"max_points"},
    "precaution": {"code", "text", "methods"},
}
_REQUIRED: dict[str, set[str]] = {
    "cap_depth": {"depth_max_cun"},
    "forbid_technique": {"technique"},
    "limit_points": {"max_points"},
    "precaution": {"code", "text"},
}
_SELECTORS = {"points", "pregnancy_contraindicated", "zones", "caution_kinds"}


def _check_effect(where: str, effect: km.Effect, kb: Knowledge) -> list[str]:
    given = {f for f in effect.model_fields_set if f != "kind"}
    out = [
        f"{where}: {effect.kind} does not take {f!r}"
        for f in sorted(given - _EFFECT_FIELDS[effect.kind])
    ]
    out += [
        f"{where}: {effect.kind} needs {f!r}"
        for f in sorted(_REQUIRED.get(effect.kind, set()) - given)
    ]
    if effect.kind in {"exclude_points", "cap_depth"} and not given & _SELECTORS:
        out.append(f"{where}: {effect.kind} needs a point selector")
    out += _unknown(where, "point", effect.points, _prescribable(kb))
    return out


def _check_sources(kb: Knowledge) -> list[str]:
    out: list[str] = []
    sourced: list[tuple[str, Iterable[str]]] = []
    sourced += [
        (f"points: point {c!r}", p.detail.sources) for c, p in kb.points.items() if p.detail
    ]
    sourced += [(f"patterns.toml: pattern {k!r}", v.sources) for k, v in kb.patterns.items()]
    sourced += [(f"codes.toml: code {k!r}", v.sources) for k, v in kb.codes.items()]
    sourced += [(f"meridians.toml: meridian {k!r}", v.sources) for k, v in kb.meridians.items()]
    sourced += [(f"evidence.toml: study {k!r}", v.sources) for k, v in kb.studies.items()]
    for name, rules in rule_lists(kb):
        sourced += [(f"{name}: rule {r.id!r}", r.sources) for r in rules]
    sourced += [
        (f"rules/medications.toml: drug_class {k!r}", v.sources) for k, v in kb.drug_classes.items()
    ]
    sourced += [
        (f"instruments.toml: instrument {k!r}", v.sources) for k, v in kb.instruments.items()
    ]
    sourced += [(f"guidelines.toml: guideline {k!r}", v.sources) for k, v in kb.guidelines.items()]
    sourced += [(f"guidelines.toml: payer {k!r}", v.sources) for k, v in kb.payers.items()]
    sourced += [(f"education.toml: topic {k!r}", v.sources) for k, v in kb.education.items()]
    sourced += [(f"education.toml: faq {f.question!r}", f.sources) for f in kb.faq]
    for where, ids in sourced:
        out += [f"{where}: unknown source {s!r}" for s in ids if not kb.has_source(s)]
    return out


RULE_FILES: dict[str, str] = {
    "rules/red_flags.toml": "red_flag",
    "rules/referrals.toml": "referral",
    "rules/safety.toml": "safety",
    "rules/pain_types.toml": "pain_type",
    "rules/derived.toml": "derived",
    "rules/course.toml": "course",
    "prescriptions.toml": "selection",
}
"""Every rule file, with the kind of rule it holds (the export's and the docs' word)."""


def rule_lists(kb: Knowledge) -> list[tuple[str, list[km.Rule]]]:
    """Every rule file with its rules (selections are the rules of prescriptions.toml)."""
    lists: list[list[km.Rule]] = [
        list(kb.red_flag_rules),
        list(kb.referral_rules),
        list(kb.safety_rules),
        list(kb.pain_type_rules),
        list(kb.derived_rules),
        list(kb.course_rules),
        list(kb.selections),
    ]
    return list(zip(RULE_FILES, lists, strict=True))


def _facts_needing_primary(kb: Knowledge) -> list[tuple[str, km.Sourced]]:
    facts: list[tuple[str, km.Sourced]] = []
    for name, rules in rule_lists(kb):
        facts += [(f"{name}: rule {r.id!r}", r) for r in rules]
    facts += [
        (f"points/{p.meridian}.toml: point {c!r}", p.detail)
        for c, p in kb.points.items()
        if p.detail is not None
    ]
    facts += [(f"zones.toml: zone {k!r}", z) for k, z in kb.zones.items()]
    facts += [(f"patterns.toml: pattern {k!r}", v) for k, v in kb.patterns.items()]
    facts += [(f"rules/medications.toml: drug_class {k!r}", v) for k, v in kb.drug_classes.items()]
    return facts


def _check_primary(kb: Knowledge) -> list[str]:
    """A rule, point, zone, pattern or drug class stands on a primary source (a guideline,
    standard, textbook or article) cited with the section or page read (``id@locator``),
    unless its status says UNVERIFIED; a web page or repository never stands alone."""
    out: list[str] = []
    for where, fact in _facts_needing_primary(kb):
        refs = [s for s in fact.sources if kb.has_source(s)]
        primary = [s for s in refs if kb.is_primary(s)]
        read = [s for s in primary if split_ref(s)[1]]
        if fact.status != "UNVERIFIED" and not read:
            out.append(
                f"{where}: status {fact.status} needs a primary source cited with the section "
                "or page read (id@locator); without one the status is UNVERIFIED"
            )
        secondary = [s for s in refs if kb.kind_of(s) in {"web", "repository"}]
        if secondary and not primary:
            out.append(
                f"{where}: {', '.join(secondary)} may only stand beside a primary source, "
                "never alone"
            )
    return out


def _check_meridian_counts(kb: Knowledge) -> list[str]:
    out: list[str] = []
    for code, info in kb.meridians.items():
        n = sum(1 for p in kb.points.values() if p.meridian == code)
        if code != "EX" and n != info.point_count:
            out.append(
                f"meridians.toml: meridian {code!r}: point_count {info.point_count} but "
                f"{n} points in the registry"
            )
    return out
