"""CPT coding of acupuncture from the needle sets of a session: 97810/97811/97813/97814 and
an E/M code with modifier 25, each line explained. Pure: the rules and what earlier sessions
of the same day already billed are arguments.

How time becomes units (``billing.toml``, rules ``cpt.*``):

- only face-to-face minutes count; retention without contact counts for nothing;
- the minutes of the day form one time line, cut into 15-minute increments; the day's
  units are those the total minutes allow (under 8 minutes none; 8-22 one; 23-37 two ...);
- the first unit of the day is the initial code, every later one an additional code, and
  each additional unit needs needles inserted again: a day never has more units than sets;
- an increment is coded with electrical stimulation when any set with it falls in it.

Invariants (tests/core/billing hold them as properties): the units of a day never exceed what
its face-to-face minutes allow, nor the number of sets; a day has at most one initial code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from acuplan.core.billing.rules import BillingRules, CodeKind, Stimulation


@dataclass(frozen=True, slots=True)
class NeedleSet:
    """One insertion of needles. ``face_to_face_minutes`` None: not recorded (counts 0)."""

    stimulation: Stimulation
    face_to_face_minutes: int | None
    retention_minutes: int = 0


@dataclass(frozen=True, slots=True)
class DaySoFar:
    """What the earlier sessions of the same day counted (all zero for the first one)."""

    minutes: int = 0
    units: int = 0
    insertions: int = 0

    @property
    def initial_billed(self) -> bool:
        return self.units > 0


@dataclass(frozen=True, slots=True)
class Line:
    cpt: str
    units: int
    modifiers: tuple[str, ...] = ()
    kind: CodeKind | None = None
    """initial | additional for an acupuncture code; None for the E/M code."""


@dataclass(frozen=True)
class Coding:
    lines: tuple[Line, ...]
    explanation: tuple[str, ...]
    face_to_face_minutes: int
    units: int
    """Acupuncture units of this session."""
    day: DaySoFar
    """The day as it stands after this session (pass it to the next session that day)."""
    rules_version: str
    rules: tuple[str, ...] = field(default=())
    """Ids of the rules (``cpt.*``) that shaped the result."""


def units_allowed(minutes: int, rules: BillingRules) -> int:
    """Units that ``minutes`` of face-to-face contact allow: 0 under the minimum, then one
    more at every ``minimum`` past a whole increment (8 -> 1, 22 -> 1, 23 -> 2)."""
    unit, minimum = rules.timing.unit_minutes, rules.timing.minimum_unit_minutes
    return 0 if minutes < minimum else (minutes - minimum) // unit + 1


@dataclass(frozen=True, slots=True)
class _Segment:
    start: int
    end: int
    number: int
    stimulation: Stimulation


def code_sets(
    sets: list[NeedleSet],
    *,
    evaluation: str | None,
    rules: BillingRules,
    day: DaySoFar | None = None,
) -> Coding:
    """Code one session. ``evaluation``: the E/M code of a separately identifiable
    evaluation (None: none was recorded). ``day``: what earlier sessions that day counted."""
    before = day or DaySoFar()
    why: list[str] = []
    used: list[str] = ["cpt.face_to_face_only"]
    segments = _segments(sets, before.minutes, why)
    minutes = sum(s.end - s.start for s in segments)
    after_minutes = before.minutes + minutes
    by_time = units_allowed(after_minutes, rules) - before.units
    insertions = before.insertions + len(segments)
    by_sets = insertions - before.units
    new_units = max(0, min(by_time, by_sets))
    units = [
        _unit(k, segments, after_minutes, rules)
        for k in range(before.units, before.units + new_units)
    ]
    why += _time_story(minutes, before, after_minutes, new_units, by_time, by_sets, rules, used)
    why += [text for _, text in units]
    lines = _group([line for line, _ in units])
    if any(rules.codes[x.cpt].stimulation == "electro" for x in lines):
        used.append("cpt.electro_in_increment")
    if any(x.kind == "additional" for x in lines):
        used.append("cpt.additional_needs_reinsertion")
    if before.initial_billed and units:
        used.append("cpt.one_initial_per_day")
        why.append(
            "A second initial code the same day is refused: an earlier session today already "
            "billed the initial 15 minutes, so this session's units are additional codes."
        )
    lines += _evaluation(evaluation, bool(lines), rules, why, used)
    return Coding(
        lines=tuple(lines),
        explanation=tuple(why),
        face_to_face_minutes=minutes,
        units=new_units,
        day=DaySoFar(after_minutes, before.units + new_units, insertions),
        rules_version=rules.version,
        rules=tuple(dict.fromkeys(used)),
    )


def _segments(sets: list[NeedleSet], offset: int, why: list[str]) -> list[_Segment]:
    """The sets with face-to-face time, laid on the day's time line from ``offset``."""
    if not sets:
        why.append("No needle sets were recorded: there is no acupuncture code to bill.")
    out = []
    for n, s in enumerate(sets, start=1):
        if s.face_to_face_minutes is None:
            why.append(
                f"Set {n}: face-to-face minutes were not recorded, so it counts for no time."
            )
            continue
        if s.face_to_face_minutes <= 0:
            kept = f"{s.retention_minutes} minutes of retention and " if s.retention_minutes else ""
            why.append(
                f"Set {n} ({s.stimulation}): {kept}no face-to-face minutes: needles retained "
                "without one-on-one contact count for nothing."
            )
            continue
        if s.retention_minutes:
            why.append(
                f"Set {n} ({s.stimulation}): {s.face_to_face_minutes} minutes face to face; its "
                f"{s.retention_minutes} minutes of retention without contact do not count."
            )
        out.append(_Segment(offset, offset + s.face_to_face_minutes, n, s.stimulation))
        offset += s.face_to_face_minutes
    return out


def _time_story(
    minutes: int,
    before: DaySoFar,
    total: int,
    new_units: int,
    by_time: int,
    by_sets: int,
    rules: BillingRules,
    used: list[str],
) -> list[str]:
    unit, minimum = rules.timing.unit_minutes, rules.timing.minimum_unit_minutes
    out = []
    earlier = f" ({before.minutes} earlier today, {total} in all)" if before.minutes else ""
    if minutes or before.minutes:
        out.append(f"Face-to-face minutes: {minutes}{earlier}.")
    if minutes and total < minimum:
        out.append(
            f"{total} minutes of face-to-face contact: a unit needs at least {minimum} "
            "minutes, so nothing is billable."
        )
    if by_time > by_sets and by_sets >= 0 and new_units == by_sets:
        used.append("cpt.additional_needs_reinsertion")
        out.append(
            f"The minutes would allow {by_time} unit(s) here, but each additional {unit} "
            "minutes needs needles inserted again (a new set): "
            f"{by_sets} billed, one per set."
        )
    leftover = total - unit * (before.units + new_units)
    if new_units and 0 < leftover < minimum and total >= minimum:
        out.append(
            f"The last {leftover} minute(s) are fewer than the {minimum} a further unit needs."
        )
    return out


def _unit(k: int, segments: list[_Segment], total: int, rules: BillingRules) -> tuple[Line, str]:
    unit = rules.timing.unit_minutes
    low, high = k * unit, min((k + 1) * unit, total)
    inside = [s for s in segments if s.start < high and s.end > low]
    electro = any(s.stimulation == "electro" for s in inside)
    kind: CodeKind = "initial" if k == 0 else "additional"
    code = rules.code_for(kind, "electro" if electro else "manual")
    sets = ", ".join(str(s.number) for s in inside) or "earlier today"
    what = "the initial 15 minutes" if kind == "initial" else "an additional 15 minutes"
    stim = "with electrical stimulation" if electro else "without electrical stimulation"
    text = (
        f"Unit {k + 1} (minutes {low}-{high} of the day, set {sets}): {what}, {stim}: {code.code}."
    )
    return Line(code.code, 1, (), kind), text


def _group(lines: list[Line]) -> list[Line]:
    """One line per code, in the order codes first appear (the initial code first)."""
    out: dict[str, Line] = {}
    for line in lines:
        held = out.get(line.cpt)
        out[line.cpt] = line if held is None else Line(line.cpt, held.units + 1, (), line.kind)
    return list(out.values())


def _evaluation(
    code: str | None, with_acupuncture: bool, rules: BillingRules, why: list[str], used: list[str]
) -> list[Line]:
    if code is None:
        why.append(
            "No separately identifiable evaluation was recorded: no E/M code (the brief "
            "assessment of every visit is part of the acupuncture code)."
        )
        return []
    used.append("cpt.em_modifier_25")
    if code not in rules.evaluation.codes:
        raise ValueError(f"{code!r} is not an E/M code acuplan bills")
    if not with_acupuncture:
        why.append(f"A separate evaluation was recorded and no acupuncture is billed: {code}.")
        return [Line(code, 1)]
    modifier = rules.evaluation.modifier
    why.append(
        f"A separately identifiable evaluation was recorded: {code} with modifier {modifier}, "
        "beside the acupuncture codes."
    )
    return [Line(code, 1, (modifier,))]
