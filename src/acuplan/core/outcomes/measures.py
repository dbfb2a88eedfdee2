"""Outcome measures between visits: validate one response and score it with the engine's own
scoring functions (``core.assessment.scores``), so a follow-up score is computed exactly as
the intake's was.

A response may hold: pain NRS, PEG (3 items), RMDQ (24 yes/no) or ODI (10 sections, each
0-5 or unanswered), STarT Back (9 items, intake only), sleep (nights a week disturbed by
pain 0-7; sleep quality 0-10, higher is better), analgesic doses a week, workdays missed
since the last visit, and red flags (the intake's vocabulary). Every bad field is named in
one :class:`InvalidInput`; nothing is scored from a partly valid response.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from acuplan.core.assessment.scores import InstrumentScore, score
from acuplan.core.errors import FieldError, InvalidInput
from acuplan.core.intake import AgreeDisagree, Bothersome, RedFlag, vocabulary
from acuplan.core.knowledge import Knowledge
from acuplan.core.knowledge import models as km

FUNCTION_INSTRUMENTS = ("rmdq", "odi")
TRACKED = ("nrs", "peg", "rmdq", "odi")
"""Instruments with an MCID that progress decisions compare (STarT Back is a screening tool
with no MCID: it is scored and stored, never compared)."""
RED_FLAGS = vocabulary(RedFlag)
AGREE = vocabulary(AgreeDisagree)
BOTHER = vocabulary(Bothersome)
COUNTS = {
    # field: (low, high, what the number means)
    "sleep_nights_disturbed": (0, 7, "nights a week"),
    "sleep_quality": (0, 10, "0 very poor to 10 very good"),
    "analgesic_doses_week": (0, 200, "doses a week"),
    "workdays_missed": (0, 366, "days since the last visit"),
}
FIELDS = frozenset({"pain_nrs", "peg", "rmdq", "odi", "start_back", "red_flags", *COUNTS})


@dataclass(frozen=True, slots=True)
class Measures:
    answers: dict[str, Any]
    """The validated answers, JSON-ready."""
    scores: dict[str, InstrumentScore] = field(default_factory=dict)

    @property
    def versions(self) -> dict[str, str]:
        return {k: s.version for k, s in self.scores.items()}

    @property
    def function_instrument(self) -> str:
        return next((k for k in FUNCTION_INSTRUMENTS if k in self.scores), "")

    def total(self, instrument: str) -> float | None:
        score = self.scores.get(instrument)
        return score.total if score else None

    def scores_json(self) -> dict[str, dict[str, Any]]:
        """The scores as JSON values (tuples become lists), as the plan stores its own."""
        data: dict[str, dict[str, Any]] = json.loads(
            json.dumps({k: asdict(s) for k, s in self.scores.items()})
        )
        return data


def score_answers(
    kb: Knowledge,
    data: Mapping[str, object],
    *,
    allowed: frozenset[str] = FIELDS,
    intake: bool = False,
) -> Measures:
    """Validate and score one response. ``allowed`` limits the fields (a questionnaire link
    asks only what is due); STarT Back is accepted only when ``intake`` is true.

    Raises InvalidInput naming every bad field (dotted: ``peg.2``, ``odi.7``)."""
    errors: list[FieldError] = [
        FieldError(k, "unknown field" if k not in FIELDS else "not asked for here")
        for k in data
        if k not in allowed or k not in FIELDS
    ]
    answers: dict[str, Any] = {}
    nrs = _int(data.get("pain_nrs"), "pain_nrs", 0, 10, errors)
    if nrs is not None:
        answers["pain_nrs"] = nrs
    for name, (low, high, _) in COUNTS.items():
        value = _int(data.get(name), name, low, high, errors)
        if value is not None:
            answers[name] = value
    _items(data, answers, errors, intake=intake)
    flags = _red_flags(data.get("red_flags"), errors)
    if flags:
        answers["red_flags"] = flags
    if not errors and not answers:  # red flags alone are an answer the clinic must see
        errors.append(FieldError("(root)", "answer at least one question"))
    if errors:
        raise InvalidInput(errors)
    return Measures(answers, _score(kb, answers))


ANSWER_FIELDS = {"nrs": "pain_nrs", "peg": "peg", "rmdq": "rmdq", "odi": "odi"}
ANSWER_FIELDS["start_back"] = "start_back"


def _score(kb: Knowledge, answers: dict[str, Any]) -> dict[str, InstrumentScore]:
    return {
        name: score(kb, name, answers[field])
        for name, field in ANSWER_FIELDS.items()
        if field in answers
    }


def _items(
    data: Mapping[str, object], answers: dict[str, Any], errors: list[FieldError], *, intake: bool
) -> None:
    peg = _int_list(data.get("peg"), "peg", 3, 0, 10, errors, complete=True)
    if peg is not None:
        answers["peg"] = peg
    rmdq, odi = data.get("rmdq"), data.get("odi")
    if rmdq not in (None, "") and odi not in (None, ""):
        errors.append(FieldError("odi", "give the RMDQ or the ODI, not both"))
    if rmdq not in (None, ""):
        if not isinstance(rmdq, Sequence) or isinstance(rmdq, str) or len(rmdq) != 24:
            errors.append(FieldError("rmdq", "must be 24 yes/no answers"))
        elif bad := [i for i, a in enumerate(rmdq) if not isinstance(a, bool)]:
            errors += [FieldError(f"rmdq.{i}", "must be yes or no") for i in bad]
        else:
            answers["rmdq"] = list(rmdq)
    sections = _int_list(odi, "odi", 10, 0, 5, errors, complete=False)
    if sections is not None:
        if all(s is None for s in sections):
            errors.append(FieldError("odi", "answer at least one section"))
        else:
            answers["odi"] = sections
    start_back = data.get("start_back")
    if start_back not in (None, ""):
        if not intake:
            errors.append(FieldError("start_back", "STarT Back is asked at intake only"))
        elif clean := _start_back(start_back, errors):
            answers["start_back"] = clean


def _int(value: object, name: str, low: int, high: int, errors: list[FieldError]) -> int | None:
    """An int (or a string of digits, as forms send) within [low, high]; None if blank."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        errors.append(FieldError(name, f"must be a whole number from {low} to {high}"))
        return None
    if not low <= value <= high:
        errors.append(FieldError(name, f"must be from {low} to {high}"))
        return None
    return value


def _int_list(
    value: object,
    name: str,
    length: int,
    low: int,
    high: int,
    errors: list[FieldError],
    *,
    complete: bool,
) -> list[int | None] | None:
    if value is None or value == "":
        return None
    if not isinstance(value, Sequence) or isinstance(value, str) or len(value) != length:
        errors.append(FieldError(name, f"must be a list of {length} answers"))
        return None
    before = len(errors)
    items = [_int(v, f"{name}.{i}", low, high, errors) for i, v in enumerate(value)]
    if len(errors) > before:
        return None
    if complete and all(i is None for i in items):
        return None  # a complete-only list left blank was not given
    if complete and any(i is None for i in items):
        # PEG: the sources give no rule for a missing item, so only complete sets are scored.
        errors += [
            FieldError(f"{name}.{i}", "answer every item (or none)")
            for i, v in enumerate(items)
            if v is None
        ]
        return None
    return items


def _start_back(value: object, errors: list[FieldError]) -> list[str] | None:
    if not isinstance(value, Sequence) or isinstance(value, str) or len(value) != 9:
        errors.append(FieldError("start_back", "must be a list of 9 answers"))
        return None
    bad = [
        FieldError(f"start_back.{i}", f"must be one of {', '.join(AGREE if i < 8 else BOTHER)}")
        for i, v in enumerate(value)
        if v not in (AGREE if i < 8 else BOTHER)
    ]
    errors += bad
    return None if bad else [str(v) for v in value]


def _red_flags(value: object, errors: list[FieldError]) -> list[str]:
    if value is None or value == "":
        return []
    if not isinstance(value, Sequence) or isinstance(value, str):
        errors.append(FieldError("red_flags", "must be a list"))
        return []
    unknown = [str(v) for v in value if v not in RED_FLAGS]
    if unknown:
        errors.append(FieldError("red_flags", f"unknown red flag(s): {', '.join(unknown)}"))
        return []
    return sorted(set(map(str, value)))


def improvement_needed(instrument: km.Instrument, baseline: float) -> float | None:
    """The smallest fall from ``baseline`` that counts as clinically important on this
    instrument (the lower of the MCID in points and the MCID percent of the baseline), as
    ``responder.assess_change`` judges it; None when the instrument has no MCID. With a
    baseline of 0 only the points rule can apply (and no fall is possible)."""
    options = []
    if instrument.mcid_points is not None:
        options.append(instrument.mcid_points)
    if instrument.mcid_percent is not None and baseline > 0:
        options.append(round(baseline * instrument.mcid_percent / 100, 4))
    return min(options) if options else None
