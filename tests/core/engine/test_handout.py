"""The patient handout is this patient's plan in plain words: what will be done in lay terms,
how many visits and how spaced, the cost with the patient's own payer note only, what to do
at home, when to get help, and the clinic, practitioner and next visit it is given with."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from tests.readability import reading_age

from acuplan.core.intake import parse_intake
from acuplan.core.knowledge import default_knowledge
from acuplan.core.plan import assess_and_plan, plan_json
from acuplan.core.planning.handout import HandoutContext, patient_handout

KB = default_knowledge()
AS_OF = date(2026, 11, 21)
ABOUT = HandoutContext(
    patient_name="Wei Chen",
    date="21 November 2026",
    clinic_name="Riverside Acupuncture",
    clinic_phone="(555) 010-0200",
    practitioner="Min Lee",
    next_visit="Tuesday 24 November 2026 at 9:00",
    payer="self_pay",
)


def plan(jurisdiction: str = "US", **parts: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "schema_version": "1",
        "jurisdiction": jurisdiction,
        "patient": {"age_years": 45, "sex": "male"},
        "pain": {"regions": ["lower_back"], "duration_weeks": 30, "onset": "gradual"},
        "medical": {"needle_phobia": False},
        "preferences": {"techniques": ["manual"]},
    }
    for key, value in parts.items():
        data[key] = {**data[key], **value} if isinstance(data.get(key), dict) else value
    return plan_json(assess_and_plan(parse_intake(data), knowledge=KB, as_of=AS_OF))


def test_it_names_the_patient_the_clinic_its_phone_the_practitioner_and_the_next_visit() -> None:
    text = patient_handout(KB, plan(), ABOUT)
    for want in (
        "Wei Chen",
        "Riverside Acupuncture",
        "(555) 010-0200",
        "Min Lee",
        "Tuesday 24 November 2026 at 9:00",
    ):
        assert want in text, want


def test_it_says_how_to_book_when_no_visit_is_booked() -> None:
    about = HandoutContext(clinic_name="Riverside Acupuncture", clinic_phone="(555) 010-0200")
    text = patient_handout(KB, plan(), about)
    assert "not booked yet. Call us on (555) 010-0200" in text


@pytest.mark.parametrize(
    ("techniques", "words"),
    [
        (["electro"], "thin needles and a mild electrical pulse"),
        (["manual"], "acupuncture with thin needles"),
        (["acupressure"], "firm finger pressure on the points, with no needles"),
    ],
)
def test_it_says_what_will_be_done_in_lay_terms(techniques: list[str], words: str) -> None:
    text = patient_handout(KB, plan(preferences={"techniques": techniques}), ABOUT)
    assert words in text
    assert "electro " not in text.lower()
    assert "sessions of" not in text


def test_it_says_how_many_visits_and_how_they_are_spaced() -> None:
    p = plan()
    text = patient_handout(KB, p, ABOUT)
    course = p["course"]
    assert f"About **{course['sessions_planned']} visits**: 2 visits a week for" in text
    assert "then every other week for" in text
    assert f"At visit {course['reassess_after_sessions']} we will check" in text


def test_it_gives_the_cost_in_the_patient_s_currency() -> None:
    text = patient_handout(KB, plan(preferences={"fee_per_session": 80, "currency": "EUR"}))
    assert "Each visit costs about **€80**" in text


def test_it_tells_a_us_patient_nothing_of_german_insurance() -> None:
    text = patient_handout(KB, plan("US"), ABOUT).lower()
    assert "german" not in text
    assert "statutory" not in text
    assert "nhs" not in text


def test_it_gives_a_german_patient_the_statutory_insurance_note() -> None:
    text = patient_handout(KB, plan("DE", preferences={"currency": "EUR"}), ABOUT)
    assert "Statutory health insurance pays" in text
    assert "Medicare" not in text


def test_it_gives_medicare_s_rules_to_a_medicare_patient() -> None:
    covered = patient_handout(KB, plan(preferences={"payer": "medicare"}))
    assert "It pays for up to 12 visits in 90 days" in covered
    acute = patient_handout(KB, plan(preferences={"payer": "medicare"}, pain={"duration_weeks": 3}))
    assert "Medicare will probably not pay" in acute


def test_it_says_what_to_do_at_home_and_when_to_get_help() -> None:
    text = patient_handout(KB, plan(), ABOUT)
    assert "## What you can do at home" in text
    assert "Keep moving" in text
    assert "## When to get help straight away" in text
    assert "emergency department" in text


def test_it_leaves_visits_and_cost_out_when_a_doctor_must_see_the_patient_first() -> None:
    p = plan(red_flags=["saddle_anaesthesia", "urinary_retention"])
    text = patient_handout(KB, p, ABOUT)
    assert "Go to an emergency department now" in text
    assert "numbness around your bottom, genitals or inner thighs" in text
    assert "costs" not in text
    assert "next visit:" not in text


def test_it_reads_at_a_reading_age_of_about_eleven() -> None:
    for parts in ({}, {"preferences": {"techniques": ["electro"]}}, {"red_flags": ["fever"]}):
        text = patient_handout(KB, plan(**parts), ABOUT)
        assert reading_age(text) <= 11, (parts, reading_age(text))


def test_it_never_shows_an_id_or_a_vocabulary_word() -> None:
    for parts in ({}, {"preferences": {"payer": "medicare"}}, {"red_flags": ["iv_drug_use"]}):
        text = patient_handout(KB, plan(**parts), ABOUT)
        assert not re.findall(r"\b[a-z]+_[a-z_]+\b|\b[a-z]+\.[a-z_]+\b", text), text
