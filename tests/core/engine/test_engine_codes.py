"""Codes follow the patient's jurisdiction: ICD-10-CM in the US, ICD-10-GM in Germany, the WHO
ICD-10 elsewhere; ICD-11 and SNOMED CT for all; pregnancy codes when pregnant."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from acuplan.core.errors import KnowledgeError
from acuplan.core.intake import parse_intake
from acuplan.core.knowledge import default_knowledge
from acuplan.core.knowledge.loader import data_root, load_knowledge
from acuplan.core.plan import assess_and_plan, plan_json

KB = default_knowledge()
AS_OF = date(2026, 11, 21)


def codes(jurisdiction: str = "US", **parts: Any) -> dict[str, dict[str, Any]]:
    data: dict[str, Any] = {
        "schema_version": "1",
        "jurisdiction": jurisdiction,
        "patient": {"age_years": 34, "sex": "female", "pregnant": False},
        "pain": {"regions": ["lower_back"], "duration_weeks": 20, "onset": "gradual"},
    }
    for key, value in parts.items():
        data[key] = {**data[key], **value} if isinstance(data.get(key), dict) else value
    plan = plan_json(assess_and_plan(parse_intake(data), knowledge=KB, as_of=AS_OF))
    return {f"{c['system']}|{c['code']}": c for c in plan["classification"]["codes"]}


def systems(got: dict[str, Any]) -> set[str]:
    return {key.partition("|")[0] for key in got}


def test_it_codes_us_low_back_pain_in_icd_10_cm_only() -> None:
    got = codes("US")
    assert "ICD-10-CM|M54.50" in got
    assert systems(got) == {"ICD-10-CM", "ICD-11", "SNOMED CT"}


@pytest.mark.parametrize("jurisdiction", ["UK", "AU", "CA", "other"])
def test_it_codes_low_back_pain_in_the_who_icd_10_outside_the_us_and_germany(
    jurisdiction: str,
) -> None:
    got = codes(jurisdiction)
    assert "ICD-10|M54.5" in got  # valid in the WHO edition, retired only in ICD-10-CM
    assert systems(got) == {"ICD-10", "ICD-11", "SNOMED CT"}


def test_it_codes_german_low_back_pain_in_icd_10_gm() -> None:
    got = codes("DE")
    assert "ICD-10-GM|M54.5" in got
    assert systems(got) == {"ICD-10-GM", "ICD-11", "SNOMED CT"}


def test_it_codes_sciatica_without_laterality_in_the_who_edition() -> None:
    leg = {"regions": ["lower_back", "leg"], "leg_pain": "below_knee", "leg_side": "left"}
    assert "ICD-10|M54.4" in codes("UK", pain=leg)
    assert "ICD-10-CM|M54.42" in codes("US", pain=leg)


def test_it_gives_neck_and_thoracic_pain_their_icd_11_codes_marked_unverified() -> None:
    got = codes("UK", pain={"regions": ["lower_back", "upper_back", "neck"]})
    assert got["ICD-11|ME84.0"]["status"] == "UNVERIFIED"
    assert got["ICD-11|ME84.1"]["status"] == "UNVERIFIED"
    assert {"ICD-10|M54.2", "ICD-10|M54.6"} <= set(got)


@pytest.mark.parametrize(
    ("weeks", "trimester_code", "weeks_code"),
    [
        (6, "O26.891", "Z3A.01"),
        (10, "O26.891", "Z3A.10"),
        (13, "O26.891", "Z3A.13"),
        (14, "O26.892", "Z3A.14"),
        (27, "O26.892", "Z3A.27"),
        (28, "O26.893", "Z3A.28"),
        (42, "O26.893", "Z3A.42"),
        (44, "O26.893", "Z3A.49"),
    ],
)
def test_it_codes_back_pain_in_pregnancy_by_trimester_and_weeks_in_the_us(
    weeks: int, trimester_code: str, weeks_code: str
) -> None:
    got = codes("US", patient={"pregnant": True, "pregnancy_weeks": weeks})
    pregnancy = {k for k in got if k.startswith(("ICD-10-CM|O26", "ICD-10-CM|Z3A"))}
    assert pregnancy == {f"ICD-10-CM|{trimester_code}", f"ICD-10-CM|{weeks_code}"}
    assert "ICD-10-CM|M54.50" in got  # the back pain itself is still coded


def test_it_uses_the_unspecified_trimester_and_no_weeks_code_without_a_week_count() -> None:
    got = codes("US", patient={"pregnant": True})
    assert "ICD-10-CM|O26.899" in got
    assert not [k for k in got if "|Z3A." in k]


def test_it_adds_no_pregnancy_code_when_not_pregnant() -> None:
    got = codes("US")
    assert not [k for k in got if "|O26" in k or "|Z3A." in k]


def test_it_adds_the_who_pregnancy_code_in_the_uk() -> None:
    got = codes("UK", patient={"pregnant": True, "pregnancy_weeks": 20})
    assert got["ICD-10|O26.8"]["status"] == "UNVERIFIED"
    assert not [k for k in got if k.startswith("ICD-10-CM|")]


def test_it_refuses_m54_5_only_in_icd_10_cm(tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(Path(str(data_root())), data)
    path = data / "codes.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('codes = ["ICD-10-GM|M54.5"]', 'codes = ["ICD-10-CM|M54.5"]', 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError) as exc:
        load_knowledge(data)
    assert (
        "codes.toml: rule 'icd10gm.low_back_pain': code 'ICD-10-CM|M54.5' is retired"
        in exc.value.problems
    )
    # The WHO edition's M54.5 loads (the packaged data use it).
    assert "ICD-10|M54.5" in KB.codes
