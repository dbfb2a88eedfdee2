"""An intake's answers in words, section by section: the intake form's review step (before
saving) and the stored intake's page read the same summary of the contract JSON. Labels and
words come from the vocabulary; nothing shows a field path or a vocabulary word."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from acuplan.core.knowledge import Knowledge

#: (step, section title, [(path, list-word prefix or kind)]) in the order a clinician asks.
LAYOUT: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "history",
        "History",
        (
            ("patient.age_years", "years"),
            ("patient.sex", "sex"),
            ("patient.pregnant", "yes_no"),
            ("patient.pregnancy_weeks", "weeks"),
            ("pain.regions", "region"),
            ("pain.duration_weeks", "weeks"),
            ("pain.onset", "onset"),
            ("pain.intensity_nrs", "out_of_10"),
            ("pain.midline", "yes_no"),
            ("pain.leg_pain", "leg_pain"),
            ("pain.leg_side", "leg_side"),
            ("pain.leg_path", "leg_path"),
            ("pain.leg_neuro", "leg_neuro"),
            ("pain.qualities", "quality"),
            ("pain.worse_with", "worse_with"),
            ("pain.better_with", "better_with"),
            ("pain.morning_stiffness_minutes", "minutes"),
        ),
    ),
    ("red-flags", "Red flags", (("red_flags", "red_flag"), ("medical.cleared_red_flags", ""))),
    (
        "medical",
        "Medicines and conditions",
        (
            ("medical.medications", "text"),
            ("medical.conditions", "condition"),
            ("medical.needle_phobia", "yes_no"),
        ),
    ),
    (
        "tcm",
        "TCM findings",
        (
            ("tcm.tongue_body", "tongue_body"),
            ("tcm.tongue_coat", "tongue_coat"),
            ("tcm.tongue_features", "tongue_feature"),
            ("tcm.pulse", "pulse"),
            ("tcm.signs", "sign"),
        ),
    ),
    (
        "preferences",
        "Preferences and cost",
        (
            ("preferences.techniques", "method"),
            ("preferences.max_sessions_per_week", "number"),
            ("preferences.fee_per_session", "fee"),
            ("preferences.payer", "payer"),
            ("jurisdiction", "jurisdiction"),
        ),
    ),
    ("questionnaires", "Questionnaires", ()),
)
NOT_ASKED = "not asked"
NONE_REPORTED = "none reported"
#: What the contract assumes when a field is left out (a missing list means none reported).
DEFAULTS: dict[str, Any] = {
    "jurisdiction": "US",
    "preferences.techniques": ["manual", "electro", "acupressure"],
    "preferences.max_sessions_per_week": 2,
    "preferences.currency": "USD",
}
LISTS = frozenset(
    {
        "pain.regions",
        "pain.leg_neuro",
        "pain.qualities",
        "pain.worse_with",
        "pain.better_with",
        "red_flags",
        "medical.medications",
        "medical.conditions",
        "tcm.tongue_features",
        "tcm.pulse",
        "tcm.signs",
    }
)


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    note: str = ""


@dataclass(frozen=True)
class Section:
    step: str
    title: str
    rows: list[Row] = field(default_factory=list)


def summarise(kb: Knowledge, data: dict[str, Any]) -> list[Section]:
    """Every section of ``data`` (contract JSON, complete or partial) in words."""
    out = []
    for step, title, fields in LAYOUT:
        rows: list[Row | None] = [_row(kb, data, path, kind) for path, kind in fields]
        if step == "questionnaires":
            rows = list(_questionnaires(kb, data.get("questionnaires") or {}))
        out.append(Section(step, title, [r for r in rows if r is not None]))
    return out


def _get(data: dict[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if value is None:
        value = DEFAULTS.get(path, [] if path in LISTS else None)
    return value


def _row(kb: Knowledge, data: dict[str, Any], path: str, kind: str) -> Row | None:
    value = _get(data, path)
    name = kb.label(f"field.{path}")
    male = _get(data, "patient.sex") == "male"
    if path.startswith("patient.pregnan") and male and value is None:
        return None  # not asked of a male patient
    if path == "medical.cleared_red_flags":
        return _clearances(kb, value) if value else None
    leg_detail = path.startswith("pain.leg_") and path != "pain.leg_pain"
    if leg_detail and value in (None, []) and not _has_leg(data):
        return None
    note = ""
    if path == "patient.pregnant" and value and male:
        note = "The patient is recorded as male: check that this is right."
    text = _words(kb, value, kind)
    if kind == "fee" and value is not None:
        text = f"{float(value):,.2f} {_get(data, 'preferences.currency') or ''}".strip()
    return Row(name, text, note)


def _has_leg(data: dict[str, Any]) -> bool:
    return _get(data, "pain.leg_pain") not in (None, "none") or "leg" in (
        _get(data, "pain.regions") or []
    )


def _words(kb: Knowledge, value: Any, kind: str) -> str:
    if value is None or value == "":
        return NOT_ASKED
    if isinstance(value, list | tuple):
        if kind == "text":
            return "; ".join(value) if value else NONE_REPORTED
        return ", ".join(kb.label(f"{kind}.{v}") for v in value) if value else NONE_REPORTED
    units = {
        "years": "{:g} years",
        "weeks": "{:g} weeks",
        "out_of_10": "{:g} out of 10",
        "minutes": "{:g} minutes",
        "number": "{:g}",
    }
    if kind == "yes_no":
        return "yes" if value else "no"
    if kind in units:
        text = units[kind].format(float(value))
        return (
            text.replace("1 weeks", "1 week").replace("1 years", "1 year") if value == 1 else text
        )
    return kb.label(f"{kind}.{value}")


def _clearances(kb: Knowledge, items: list[dict[str, Any]]) -> Row:
    text = "; ".join(
        f"{kb.label('red_flag.' + c['flag'])}: ruled out by {c.get('cleared_by', '?')} on "
        f"{c.get('cleared_on', '?')}" + (f" ({c['note']})" if c.get("note") else "")
        for c in items
        if c.get("flag")
    )
    return Row(kb.label("field.medical.cleared_red_flags"), text or NONE_REPORTED)


def _questionnaires(kb: Knowledge, q: dict[str, Any]) -> list[Row]:
    rows = []
    for instrument, count in (("start_back", 9), ("rmdq", 24), ("odi", 10), ("peg", 3)):
        name = kb.instruments[instrument].name
        answers = q.get(instrument)
        if answers is None:
            rows.append(Row(name, "not given"))
        elif instrument == "rmdq":
            ticked = sum(1 for a in answers if a)
            rows.append(Row(name, f"{ticked} of {count} statements apply"))
        else:
            given = sum(1 for a in answers if a is not None)
            rows.append(Row(name, f"{given} of {count} answered"))
    return rows
