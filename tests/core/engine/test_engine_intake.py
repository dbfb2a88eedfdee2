"""Intake validation (default-deny, every bad field named) and the minimal valid intake."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from acuplan.core.errors import InvalidIntake
from acuplan.core.intake import parse_intake
from acuplan.core.knowledge import default_knowledge
from acuplan.core.plan import assess_and_plan, plan_json

KB = default_knowledge()
AS_OF = date(2026, 11, 21)
MINIMAL: dict[str, Any] = {
    "schema_version": "1",
    "patient": {"age_years": 40},
    "pain": {"regions": ["lower_back"], "duration_weeks": 3},
}


def intake(**changes: Any) -> dict[str, Any]:
    """The minimal intake with ``section__field=value`` changes (``None`` deletes)."""
    data = copy.deepcopy(MINIMAL)
    for key, value in changes.items():
        *parents, leaf = key.split("__")
        node = data
        for part in parents:
            node = node.setdefault(part, {})
        if value is None:
            node.pop(leaf, None)
        else:
            node[leaf] = value
    return data


def errors(data: object) -> dict[str, str]:
    """``{field path: message}`` of the InvalidIntake that ``data`` must raise."""
    with pytest.raises(InvalidIntake) as caught:
        parse_intake(data)
    assert caught.value.errors, "InvalidIntake without any field error"
    return {e.field: e.message for e in caught.value.errors}


def test_it_names_every_bad_field_at_once() -> None:
    got = errors(
        intake(
            patient__age_years=130,
            pain__duration_weeks=-1,
            pain__intensity_nrs=11,
            preferences={"max_sessions_per_week": 4},
        )
    )
    assert set(got) == {
        "patient.age_years",
        "pain.duration_weeks",
        "pain.intensity_nrs",
        "preferences.max_sessions_per_week",
    }


@pytest.mark.parametrize(
    ("data", "field"),
    [
        pytest.param(intake(favourite_colour="blue"), "favourite_colour", id="top-level"),
        pytest.param(intake(patient__shoe_size=42), "patient.shoe_size", id="nested"),
        pytest.param(intake(tcm={"tongue_colour": "red"}), "tcm.tongue_colour", id="near-miss"),
        pytest.param(
            intake(questionnaires={"odi_v3": [0] * 10}), "questionnaires.odi_v3", id="instrument"
        ),
    ],
)
def test_it_rejects_an_unknown_field_by_its_path(data: dict[str, Any], field: str) -> None:
    got = errors(data)
    assert field in got
    assert "unknown field" in got[field]


@pytest.mark.parametrize(
    ("data", "field", "word"),
    [
        pytest.param(intake(pain__qualities=["dull", "itchy"]), "pain.qualities.1", "itchy"),
        pytest.param(intake(red_flags=["headache"]), "red_flags.0", "headache"),
        pytest.param(intake(pain__regions=["lower_back", "hip"]), "pain.regions.1", "hip"),
        pytest.param(intake(tcm={"pulse": ["deep", "fast"]}), "tcm.pulse.1", "fast"),
        pytest.param(intake(medical={"conditions": ["asthma"]}), "medical.conditions.0", "asthma"),
        pytest.param(intake(patient__sex="M"), "patient.sex", "M"),
        pytest.param(intake(jurisdiction="FR"), "jurisdiction", "FR"),
        pytest.param(
            intake(preferences={"techniques": ["cupping"]}), "preferences.techniques.0", "cupping"
        ),
        pytest.param(intake(schema_version="2"), "schema_version", "2"),
    ],
)
def test_it_rejects_an_unknown_vocabulary_word_by_its_path(
    data: dict[str, Any], field: str, word: str
) -> None:
    got = errors(data)
    assert field in got, got
    assert word in got[field], "the message should quote the rejected word"


@pytest.mark.parametrize(
    ("data", "missing"),
    [
        pytest.param({}, {"schema_version", "patient", "pain"}, id="empty"),
        pytest.param(intake(schema_version=None), {"schema_version"}, id="schema_version"),
        pytest.param(intake(patient__age_years=None), {"patient.age_years"}, id="age"),
        pytest.param(intake(pain__regions=None), {"pain.regions"}, id="regions"),
        pytest.param(
            intake(pain__duration_weeks=None), {"pain.duration_weeks"}, id="duration_weeks"
        ),
    ],
)
def test_it_names_each_missing_required_field(data: dict[str, Any], missing: set[str]) -> None:
    got = errors(data)
    assert missing <= set(got), got
    assert all("required" in got[f] for f in missing)


@pytest.mark.parametrize("regions", [["neck"], ["leg", "buttock"], ["neck", "leg"]])
def test_it_rejects_regions_without_a_back_region_naming_pain_regions(regions: list[str]) -> None:
    # Was a bug: the error named "pain", so a form could not attach it to the regions input.
    got = errors(intake(pain__regions=regions))
    assert set(got) == {"pain.regions"}
    assert "lower_back" in got["pain.regions"]


def test_it_rejects_an_empty_regions_list() -> None:
    assert "pain.regions" in errors(intake(pain__regions=[]))


@pytest.mark.parametrize("length", [0, 9, 11])
def test_it_rejects_an_odi_of_the_wrong_length(length: int) -> None:
    got = errors(intake(questionnaires={"odi": [1] * length}))
    assert "questionnaires.odi" in got
    assert str(length) in got["questionnaires.odi"]


@pytest.mark.parametrize("value", [6, -1])
def test_it_rejects_an_odi_section_out_of_range_by_its_index(value: int) -> None:
    got = errors(intake(questionnaires={"odi": [1, 1, 1, value, 1, 1, 1, 1, 1, 1]}))
    assert set(got) == {"questionnaires.odi.3"}


@pytest.mark.parametrize("item_9", ["agree", "very", "Extremely", "somewhat"])
def test_it_rejects_a_start_back_item_9_outside_its_scale(item_9: str) -> None:
    got = errors(intake(questionnaires={"start_back": ["agree"] * 8 + [item_9]}))
    assert set(got) == {"questionnaires.start_back.8"}
    assert "extremely" in got["questionnaires.start_back.8"], "the message lists the scale"


def test_it_rejects_a_bothersomeness_word_in_items_1_to_8() -> None:
    got = errors(intake(questionnaires={"start_back": ["extremely"] + ["agree"] * 8}))
    assert "questionnaires.start_back.0" in got


def test_it_rejects_a_start_back_with_too_few_answers() -> None:
    got = errors(intake(questionnaires={"start_back": ["agree"] * 8}))
    assert any(f.startswith("questionnaires.start_back") for f in got), got


@pytest.mark.parametrize("root", [[], "intake", None, 42, [MINIMAL]])
def test_it_rejects_a_root_that_is_not_an_object(root: object) -> None:
    assert set(errors(root)) == {"(root)"}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        pytest.param(intake(patient__age_years="40"), "patient.age_years", id="age-string"),
        pytest.param(intake(patient__age_years=40.5), "patient.age_years", id="age-fraction"),
        pytest.param(intake(patient__pregnant="yes"), "patient.pregnant", id="pregnant-string"),
        pytest.param(intake(pain__intensity_nrs=True), "pain.intensity_nrs", id="nrs-bool"),
        pytest.param(
            intake(questionnaires={"rmdq": [1] * 24}), "questionnaires.rmdq.0", id="rmdq-ints"
        ),
        pytest.param(intake(pain__duration_weeks=float("inf")), "pain.duration_weeks", id="inf"),
        pytest.param(intake(preferences={"currency": "usd"}), "preferences.currency", id="ccy"),
        pytest.param(intake(preferences={"fee_per_session": 0}), "preferences.fee_per_session"),
        pytest.param(intake(preferences={"techniques": []}), "preferences.techniques"),
        pytest.param(intake(medical={"medications": [""]}), "medical.medications.0"),
    ],
)
def test_it_does_not_coerce_wrong_types(data: dict[str, Any], field: str) -> None:
    assert field in errors(data)


def test_it_rejects_pregnancy_weeks_for_a_patient_who_is_not_pregnant() -> None:
    got = errors(intake(patient__pregnant=False, patient__pregnancy_weeks=12))
    assert any("pregnan" in f + msg for f, msg in got.items()), got


def test_it_reports_errors_in_the_exception_text() -> None:
    with pytest.raises(InvalidIntake, match=r"pain\.intensity_nrs"):
        parse_intake(intake(pain__intensity_nrs=11))


# --- the minimal valid intake ------------------------------------------------------------------


def test_it_plans_the_minimal_intake_and_says_what_it_could_not_judge() -> None:
    plan = plan_json(assess_and_plan(parse_intake(MINIMAL), knowledge=KB, as_of=AS_OF))
    assert plan["triage"]["decision"] == "proceed"
    assert plan["prescription"] is not None
    assert plan["prescription"]["points"]
    assert plan["course"] is not None
    unknown = " ".join(plan["unknowns"])
    for field in (
        "patient.pregnant",  # sex unknown, age 40: pregnancy not ruled out
        "pain.intensity_nrs",
        "pain.midline",
        "medical.needle_phobia",
        "preferences.fee_per_session",
        "preferences.payer",
        "questionnaires",
    ):
        assert field in unknown, f"unknowns do not mention {field}: {plan['unknowns']}"
    assert plan["pattern_judgement"]["sufficient"] is False, "no TCM findings: no pattern"
    assert plan["scores"] == {}


def test_it_does_not_list_what_the_intake_answered() -> None:
    full = intake(
        patient__sex="female",
        patient__pregnant=False,
        pain__intensity_nrs=5,
        pain__midline=False,
        medical={"needle_phobia": False},
        preferences={"fee_per_session": 80, "payer": "self_pay"},
        questionnaires={"peg": [5, 5, 5]},
    )
    plan = plan_json(assess_and_plan(parse_intake(full), knowledge=KB, as_of=AS_OF))
    assert plan["unknowns"] == []


def test_it_does_not_ask_about_pregnancy_for_a_man() -> None:
    man = intake(patient__sex="male")
    plan = plan_json(assess_and_plan(parse_intake(man), knowledge=KB, as_of=AS_OF))
    assert not [u for u in plan["unknowns"] if u.startswith("patient.pregnant")]


def test_it_uses_the_contract_defaults() -> None:
    parsed = parse_intake(MINIMAL)
    assert parsed.jurisdiction == "US"
    assert parsed.preferences.max_sessions_per_week == 2
    assert parsed.preferences.currency == "USD"
    assert set(parsed.preferences.techniques) == {"manual", "electro", "acupressure"}
    assert parsed.red_flags == ()


def test_it_gives_each_error_its_kind_and_parameters() -> None:
    bad = {
        "schema_version": "1",
        "patient": {"age_years": 130},
        "pain": {"regions": ["lower_back"], "duration_weeks": 2, "onset": "slowly"},
    }
    with pytest.raises(InvalidIntake) as caught:
        parse_intake(bad)
    by_field = {e.field: e for e in caught.value.errors}
    assert by_field["patient.age_years"].kind == "less_than_equal"
    assert by_field["patient.age_years"].context == {"le": 120}
    assert by_field["pain.onset"].kind == "literal_error"
