"""Observation (one per score) and QuestionnaireResponse (one per instrument answered),
from outcome responses and from the questionnaires of each intake."""

from __future__ import annotations

import datetime as dt
from typing import Any

from acuplan.bridge.fhir import systems
from acuplan.bridge.fhir.questionnaires import questionnaire_url
from acuplan.core.knowledge import Knowledge

#: What each instrument's score is coded as: LOINC where it exists (from instruments.toml's
#: ``loinc``), else acuplan's outcome-scores code system.
OWN_CODES = {"rmdq": "rmdq-total", "start_back": "start-back-total", "odi": "odi-total"}
OWN_CODES |= {"nrs": "nrs-average", "peg": "peg-score"}
PEG_PARTS = ("peg-pain", "peg-enjoyment", "peg-activity")
ANSWER_KEYS = {"nrs": "pain_nrs", "peg": "peg", "rmdq": "rmdq", "odi": "odi"}
ANSWER_KEYS["start_back"] = "start_back"


def score_code(kb: Knowledge, instrument: str) -> dict[str, Any]:
    """The LOINC code where instruments.toml has one (the NRS 72514-3; the PEG panel
    91148-7; the ODI panel), with acuplan's own code beside it; acuplan's alone otherwise."""
    meta = kb.instruments[instrument]
    codings = [{"system": systems.LOINC, "code": meta.loinc[0]}] if meta.loinc else []
    codings.append({"system": systems.SCORES, "code": OWN_CODES[instrument]})
    return {"coding": codings, "text": meta.name}


def _quantity(value: float) -> dict[str, Any]:
    return {"value": value, "unit": "score", "system": systems.UCUM, "code": "{score}"}


def observation(
    kb: Knowledge,
    *,
    obs_id: str,
    patient_ref: dict[str, Any],
    instrument: str,
    score: dict[str, Any],
    day: dt.date,
    derived_from: str | None = None,
    part_of: str | None = None,
) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": obs_id,
        "status": "final",
        "category": [{"coding": [{"system": systems.OBSERVATION_CATEGORY, "code": "survey"}]}],
        "code": score_code(kb, instrument),
        "subject": patient_ref,
        "effectiveDateTime": day.isoformat(),
    }
    if score.get("scorable", True) and score.get("total") is not None:
        resource["valueQuantity"] = _quantity(float(score["total"]))
    else:
        resource["dataAbsentReason"] = {"text": score.get("reason") or "not scorable"}
    if score.get("band"):
        resource["interpretation"] = [{"text": str(score["band"])}]
    resource["component"] = _components(instrument, score) or None
    if not resource["component"]:
        del resource["component"]
    if derived_from:
        resource["derivedFrom"] = [{"reference": derived_from}]
    if part_of:
        resource["partOf"] = [{"reference": part_of}]
    return resource


def _components(instrument: str, score: dict[str, Any]) -> list[dict[str, Any]]:
    detail = score.get("detail") or {}
    if instrument == "peg":
        keys = ("pain", "enjoyment", "general_activity")
        return [
            {
                "code": {"coding": [{"system": systems.SCORES, "code": code}]},
                "valueQuantity": _quantity(float(detail[key])),
            }
            for code, key in zip(PEG_PARTS, keys, strict=True)
            if detail.get(key) is not None
        ]
    if instrument == "start_back" and score.get("scorable", True):
        return [
            {
                "code": {"coding": [{"system": systems.SCORES, "code": "start-back-psychosocial"}]},
                "valueQuantity": _quantity(float(score.get("psychosocial", 0))),
            },
            {
                "code": {"coding": [{"system": systems.SCORES, "code": "start-back-risk"}]},
                "valueCodeableConcept": {"text": str(score.get("risk", ""))},
            },
        ]
    return []


def _answer(instrument: str, value: object) -> list[dict[str, Any]]:
    if value is None:
        return []
    if instrument == "rmdq":
        return [{"valueBoolean": bool(value)}]
    if instrument == "start_back":
        return [{"valueCoding": {"system": systems.ANSWERS, "code": str(value)}}]
    return [{"valueInteger": int(value)}]  # type: ignore[call-overload]


def questionnaire_response(
    kb: Knowledge,
    *,
    qr_id: str,
    patient_ref: dict[str, Any],
    instrument: str,
    answers: object,
    day: dt.date,
) -> dict[str, Any]:
    values = answers if isinstance(answers, list) else [answers]
    items = []
    for i, value in enumerate(values):
        item: dict[str, Any] = {"linkId": str(i + 1)}
        answer = _answer(instrument, value)
        if answer:
            item["answer"] = answer
        items.append(item)
    return {
        "resourceType": "QuestionnaireResponse",
        "id": qr_id,
        "questionnaire": f"{questionnaire_url(instrument)}|{kb.instruments[instrument].version}",
        "status": "completed",
        "subject": patient_ref,
        "authored": day.isoformat(),
        "item": items,
    }


def answered(answers: dict[str, Any]) -> dict[str, object]:
    """Instrument -> its answers, for the instruments answered in ``answers`` (an outcome
    response's answers, or an intake's questionnaires with its pain rating)."""
    return {name: answers[key] for name, key in ANSWER_KEYS.items() if answers.get(key) is not None}
