"""Questionnaire definitions for the instruments acuplan ships (NRS, PEG, RMDQ, ODI, STarT
Back), built from the knowledge base: its item texts are acuplan's paraphrases, never the
copyrighted wording, and each definition carries the instrument's licence note."""

from __future__ import annotations

from typing import Any

from acuplan.bridge.fhir import systems
from acuplan.core.knowledge import Knowledge
from acuplan.core.knowledge import models as km

INSTRUMENTS = ("nrs", "peg", "rmdq", "odi", "start_back")
PARAPHRASE_NOTE = (
    "Item texts are acuplan's own paraphrases for identifying each item; they are not the "
    "instrument's official wording. Licence: "
)
START_BACK_LAST = ("not_at_all", "slightly", "moderately", "very_much", "extremely")


def questionnaire_id(instrument: str) -> str:
    return f"acuplan-{instrument.replace('_', '-')}"


def questionnaire_url(instrument: str) -> str:
    return f"{systems.QUESTIONNAIRE}:{instrument}"


def _item(instrument: str, i: int, text: str) -> dict[str, Any]:
    link = str(i + 1)
    if instrument == "rmdq":
        return {"linkId": link, "text": text, "type": "boolean", "required": True}
    if instrument == "start_back":
        words = ("agree", "disagree") if i < 8 else START_BACK_LAST
        return {
            "linkId": link,
            "text": text,
            "type": "choice",
            "required": True,
            "answerOption": [
                {"valueCoding": {"system": systems.ANSWERS, "code": w}} for w in words
            ],
        }
    high = 5 if instrument == "odi" else 10
    return {
        "linkId": link,
        "text": f"{text} ({0}-{high})",
        "type": "integer",
        "required": instrument != "odi",  # ODI sections may be left out (scored without them)
    }


def questionnaire(instrument: km.Instrument) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": questionnaire_id(instrument.id),
        "url": questionnaire_url(instrument.id),
        "version": instrument.version,
        "name": "Acuplan" + "".join(p.capitalize() for p in instrument.id.split("_")),
        "title": instrument.name,
        "status": "active",
        "subjectType": ["Patient"],
        "publisher": "acuplan",
        "description": f"{instrument.answer_scale} Scoring: {instrument.scoring}",
        "copyright": PARAPHRASE_NOTE + instrument.licence,
        "item": [_item(instrument.id, i, t) for i, t in enumerate(instrument.items)],
    }
    if instrument.loinc:
        resource["code"] = [{"system": systems.LOINC, "code": instrument.loinc[0]}]
    return resource


def questionnaires(kb: Knowledge) -> list[dict[str, Any]]:
    return [questionnaire(kb.instruments[name]) for name in INSTRUMENTS]
