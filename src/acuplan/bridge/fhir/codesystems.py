"""acuplan's own code systems, shipped in every export so a reader can look a code up."""

from __future__ import annotations

from typing import Any

from acuplan.bridge.fhir import systems

SCORE_CONCEPTS = [
    ("rmdq-total", "RMDQ-24 total (0-24, higher is more disability)"),
    ("start-back-total", "STarT Back total score (0-9)"),
    ("start-back-psychosocial", "STarT Back psychosocial subscale (0-5)"),
    ("start-back-risk", "STarT Back risk group (low, medium, high)"),
    ("odi-total", "Oswestry Disability Index (percent, higher is more disability)"),
    ("peg-score", "PEG mean of three items (0-10)"),
    ("peg-pain", "PEG item 1: average pain"),
    ("peg-enjoyment", "PEG item 2: interference with enjoyment of life"),
    ("peg-activity", "PEG item 3: interference with general activity"),
    ("nrs-average", "Average back pain, 0-10 numeric rating"),
]
STIMULATION_CONCEPTS = [
    ("manual", "Manual acupuncture"),
    ("electro", "Electroacupuncture (current between paired needles)"),
    ("acupressure", "Acupressure (no needles)"),
    ("moxibustion", "Moxibustion added"),
    ("even", "Even manipulation"),
    ("tonifying", "Tonifying manipulation"),
    ("reducing", "Reducing manipulation"),
]
ANSWER_CONCEPTS = [
    ("agree", "Agree"),
    ("disagree", "Disagree"),
    ("not_at_all", "Not at all"),
    ("slightly", "Slightly"),
    ("moderately", "Moderately"),
    ("very_much", "Very much"),
    ("extremely", "Extremely"),
]


def _code_system(
    cs_id: str, url: str, title: str, description: str, concepts: list[tuple[str, str]]
) -> dict[str, Any]:
    return {
        "resourceType": "CodeSystem",
        "id": cs_id,
        "url": url,
        "name": "".join(w.capitalize() for w in cs_id.split("-")),
        "title": title,
        "status": "active",
        "publisher": "acuplan",
        "description": description,
        "caseSensitive": True,
        "content": "complete",
        "count": len(concepts),
        "concept": [{"code": c, "display": d} for c, d in concepts],
    }


def code_systems() -> list[dict[str, Any]]:
    return [
        _code_system(
            "acuplan-outcome-scores",
            systems.SCORES,
            "acuplan outcome scores",
            "Scores of back-pain instruments that have no LOINC code (RMDQ, STarT Back), "
            "and the parts of the PEG. Defined by acuplan; see docs/FHIR.md.",
            SCORE_CONCEPTS,
        ),
        _code_system(
            "acuplan-stimulation",
            systems.STIMULATION,
            "acuplan stimulation",
            "How a session stimulated the points: method, and manipulation at a point.",
            STIMULATION_CONCEPTS,
        ),
        _code_system(
            "acuplan-questionnaire-answers",
            systems.ANSWERS,
            "acuplan questionnaire answers",
            "Answer words of the STarT Back items, as the intake contract spells them.",
            ANSWER_CONCEPTS,
        ),
    ]
