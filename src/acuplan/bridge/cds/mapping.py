"""The EHR's prefetched FHIR data -> an intake of the contract. Which code means which
finding is data (``core/knowledge/data/interop/code_map.toml``); this module only walks
the resources. What it could not use is listed in ``notes`` and shown on the cards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from acuplan.bridge.fhir import systems
from acuplan.core.knowledge.interop import CodeMapping, Interop

INACTIVE_CONDITIONS = {"inactive", "remission", "resolved"}
REFUTED = {"refuted", "entered-in-error"}
ACTIVE_MEDICATIONS = {"active", "on-hold", "intended", "draft", "unknown"}


@dataclass
class Mapped:
    intake: dict[str, Any]
    back_pain: bool
    duration_known: bool
    notes: list[str] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)
    """The codes that fired, "system code (display)", for the cards' detail."""


def resources_of(value: object) -> Iterator[dict[str, Any]]:
    """The resources of a prefetch value: a Bundle's entries, a list, or one resource."""
    if isinstance(value, dict) and value.get("resourceType") == "Bundle":
        for entry in value.get("entry") or []:
            if isinstance(entry, dict) and isinstance(entry.get("resource"), dict):
                yield entry["resource"]
    elif isinstance(value, list):
        yield from (r for r in value if isinstance(r, dict))
    elif isinstance(value, dict) and value.get("resourceType"):
        yield value


def codings(concept: object) -> Iterator[tuple[str, str, str]]:
    """(interop system name, code, display) of a CodeableConcept's codings."""
    if not isinstance(concept, dict):
        return
    for coding in concept.get("coding") or []:
        if not isinstance(coding, dict):
            continue
        system = systems.INTEROP_SYSTEMS.get(str(coding.get("system", "")))
        if system and coding.get("code"):
            yield system, str(coding["code"]), str(coding.get("display") or "")


def _date(value: object) -> dt.date | None:
    text = str(value or "")[:10]
    for fmt, size in (("%Y-%m-%d", 10), ("%Y-%m", 7), ("%Y", 4)):
        try:
            return dt.datetime.strptime(text[:size], fmt).date()
        except ValueError:
            continue
    return None


def _status(resource: dict[str, Any], key: str) -> str:
    concept = resource.get(key)
    if isinstance(concept, dict):
        for coding in concept.get("coding") or []:
            if isinstance(coding, dict) and coding.get("code"):
                return str(coding["code"])
    return ""


class _Builder:
    def __init__(self, interop: Interop, today: dt.date) -> None:
        self.interop, self.today = interop, today
        self.red_flags: set[str] = set()
        self.conditions: set[str] = set()
        self.medications: list[str] = []
        self.regions: set[str] = set()
        self.leg = False
        self.onsets: list[dt.date] = []
        self.pregnant = False
        self.pregnancy_weeks: int | None = None
        self.nrs: tuple[dt.date, int] | None = None
        self.payer: str | None = None
        self.unknown = 0
        self.matched: list[str] = []

    def concept(self, concept: object, onset: dt.date | None = None) -> bool:
        """Apply every mapped coding of a concept; True when one was mapped."""
        hit = False
        for system, code, _ in codings(concept):
            row = self.interop.lookup(system, code)
            if row is None:
                continue
            hit = True
            self.matched.append(f"{system} {code} ({row.display})")
            self.apply(row, onset)
        return hit

    def apply(self, row: CodeMapping, onset: dt.date | None) -> None:
        if row.kind == "back_pain" and row.value:
            self.regions.add(row.value)
            self.leg = self.leg or row.leg
            if onset is not None:
                self.onsets.append(onset)
        elif row.kind == "red_flag" and row.value:
            self.red_flags.add(row.value)
        elif row.kind == "condition" and row.value:
            self.conditions.add(row.value)
        elif row.kind == "pregnancy":
            self.pregnant = True
        elif row.kind == "medication" and row.value:
            self.medications.append(row.value)


def _conditions(b: _Builder, resources: Iterable[dict[str, Any]]) -> None:
    for r in resources:
        if r.get("resourceType") != "Condition":
            continue
        if _status(r, "clinicalStatus") in INACTIVE_CONDITIONS:
            continue
        if _status(r, "verificationStatus") in REFUTED:
            continue
        onset = _date(r.get("onsetDateTime")) or _date((r.get("onsetPeriod") or {}).get("start"))
        onset = onset or _date(r.get("recordedDate"))
        if not b.concept(r.get("code"), onset):
            b.unknown += 1


def _medications(b: _Builder, resources: Iterable[dict[str, Any]]) -> None:
    for r in resources:
        if r.get("resourceType") not in {"MedicationRequest", "MedicationStatement"}:
            continue
        if str(r.get("status", "active")) not in ACTIVE_MEDICATIONS:
            continue
        concept = r.get("medicationCodeableConcept")
        mapped = b.concept(concept)
        # The names too: the engine recognises brands and generics in free text.
        if isinstance(concept, dict):
            names = [str(concept.get("text") or "")]
            names += [
                str(c.get("display") or "")
                for c in concept.get("coding") or []
                if isinstance(c, dict)
            ]
            b.medications += [n[:200] for n in names if n.strip()]
            if not mapped and not any(n.strip() for n in names):
                b.unknown += 1


def _observations(b: _Builder, resources: Iterable[dict[str, Any]]) -> None:
    for r in resources:
        if r.get("resourceType") != "Observation" or r.get("status") in REFUTED:
            continue
        day = _date(r.get("effectiveDateTime")) or b.today
        for system, code, _ in codings(r.get("code")):
            row = b.interop.lookup(system, code)
            if row is None or row.kind != "observation":
                continue
            value = (r.get("valueQuantity") or {}).get("value", r.get("valueInteger"))
            if row.value == "intensity_nrs" and isinstance(value, int | float):
                if 0 <= value <= 10 and (b.nrs is None or day >= b.nrs[0]):
                    b.nrs = (day, round(value))
            elif row.value == "gestational_age_weeks" and isinstance(value, int | float):
                if 0 <= value <= 45:
                    b.pregnant, b.pregnancy_weeks = True, int(value)
            elif row.value == "pregnancy_status":
                before = b.pregnant
                b.concept(r.get("valueCodeableConcept"))
                if b.pregnant and not before:
                    b.matched.append(f"LOINC {code} (pregnancy status)")


def _payer(b: _Builder, resources: Iterable[dict[str, Any]]) -> None:
    for r in resources:
        if r.get("resourceType") != "Coverage" or r.get("status") not in (None, "active"):
            continue
        words = [str((r.get("type") or {}).get("text") or "")]
        words += [str(p.get("display") or "") for p in r.get("payor") or [] if isinstance(p, dict)]
        words += [
            str(c.get("display") or "")
            for c in (r.get("type") or {}).get("coding") or []
            if isinstance(c, dict)
        ]
        for word in words:
            row = b.interop.lookup("acuplan payer word", word.strip().lower().split(" ")[0])
            if row is not None and row.kind == "payer":
                b.payer = row.value


def _age(patient: dict[str, Any], today: dt.date) -> int | None:
    born = _date(patient.get("birthDate"))
    if born is None or born > today:
        return None
    years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return min(max(years, 0), 120)


def map_prefetch(
    interop: Interop,
    prefetch: dict[str, Any],
    today: dt.date,
    *,
    extra_conditions: Iterable[dict[str, Any]] = (),
) -> Mapped | None:
    """The intake for the prefetched data (None when the patient has no usable birth date:
    the engine needs an age). ``extra_conditions``: concepts from the order itself (a
    ServiceRequest's reasonCode), treated as conditions."""
    b = _Builder(interop, today)
    patient = next(resources_of(prefetch.get("patient")), {})
    age = _age(patient, today)
    if age is None:
        return None
    _conditions(b, resources_of(prefetch.get("conditions")))
    for concept in extra_conditions:
        b.concept(concept, None)
    _medications(b, resources_of(prefetch.get("medications")))
    _medications(b, resources_of(prefetch.get("medicationStatements")))
    _observations(b, resources_of(prefetch.get("observations")))
    _payer(b, resources_of(prefetch.get("coverage")))
    return _intake(b, patient, age, today)


def _intake(b: _Builder, patient: dict[str, Any], age: int, today: dt.date) -> Mapped:
    notes = []
    back_pain = bool(b.regions & {"lower_back", "upper_back"})
    regions = sorted(b.regions & {"lower_back", "upper_back"}) or ["lower_back"]
    duration_known = bool(b.onsets)
    weeks = round((today - min(b.onsets)).days / 7, 1) if b.onsets else 0
    if not duration_known:
        notes.append("No onset date for back pain was sent: duration taken as unknown (0 weeks).")
    if b.unknown:
        notes.append(f"{b.unknown} condition or medication code(s) are not in acuplan's table.")
    pain: dict[str, Any] = {
        "regions": regions + (["leg"] if b.leg else []),
        "duration_weeks": weeks,
    }
    if b.leg:
        pain["leg_pain"] = "below_knee"
    if b.nrs is not None:
        pain["intensity_nrs"] = b.nrs[1]
    sex = str(patient.get("gender") or "unknown")
    person: dict[str, Any] = {
        "age_years": age,
        "sex": sex if sex in {"female", "male", "other", "unknown"} else "unknown",
    }
    if b.pregnant:
        person["pregnant"] = True
        if b.pregnancy_weeks is not None:
            person["pregnancy_weeks"] = b.pregnancy_weeks
    intake: dict[str, Any] = {
        "schema_version": "1",
        "jurisdiction": "US",
        "patient": person,
        "pain": pain,
        "red_flags": sorted(b.red_flags),
        "medical": {
            "medications": list(dict.fromkeys(b.medications))[:50],
            "conditions": sorted(b.conditions),
        },
    }
    if b.payer:
        intake["preferences"] = {"payer": b.payer}
    return Mapped(intake, back_pain, duration_known, notes, list(dict.fromkeys(b.matched)))
