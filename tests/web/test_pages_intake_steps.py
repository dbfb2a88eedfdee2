"""The intake asks as a clinician asks: in steps, with a summary before saving, questions
that cannot apply hidden (and refused on the server), labels from the vocabulary, and every
error at once, in words. It is one form, so it works without JavaScript."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from django.urls import reverse

from acuplan.clinic import services
from acuplan.clinic.models import Intake, Patient, Plan
from acuplan.core.knowledge import default_knowledge
from tests.page_words import ids_without_words, visible_text
from tests.web.conftest import Cast, example, login
from tests.web.test_pages_flow import intake_post

STEPS = ["history", "red-flags", "medical", "tcm", "preferences", "questionnaires"]


def _url(patient: Patient) -> str:
    return reverse("intake_new", kwargs={"pk": patient.pk})


def _male(cast: Cast) -> Patient:
    return services.create_patient(
        actor=services.Actor(cast.owner),
        data={
            "first_name": "Wei",
            "last_name": "Chen",
            "date_of_birth": "1974-03-09",
            "sex": "male",
        },
    )


def _shown(html: str) -> set[str]:
    """The names of the inputs the page shows (not the answers it carries hidden)."""
    return {
        m.group(1)
        for m in re.finditer(
            r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*name="([^"]+)"', html
        )
    }


def test_it_opens_on_the_history_step_and_lists_the_others(
    client: Client, cast: Cast, patient: Patient
) -> None:
    login(client, cast.owner)
    html = client.get(_url(patient)).content.decode()
    assert "Step 1 of 7: History" in html
    for n, title in enumerate(
        ["History", "Red flags", "Medicines and conditions", "TCM findings"], start=1
    ):
        assert f"{n}. {title}</button>" in html
    assert "7. Review and save" in html
    shown = _shown(html)
    assert "pain__regions" in shown
    assert "red_flags" not in shown
    assert "questionnaires__odi__0" not in shown
    assert "Save intake and draft the plan" not in html  # saving comes after the summary
    assert "Next: Red flags" in html


def test_it_keeps_the_answers_between_steps_without_judging_them(
    client: Client, cast: Cast, patient: Patient
) -> None:
    login(client, cast.owner)
    answers = intake_post(example("chronic-cold-damp"))
    answers.update({"pain__intensity_nrs": "11", "go": "red-flags"})
    step = client.post(_url(patient), answers)
    html = step.content.decode()
    assert step.status_code == 200
    assert "Step 2 of 7: Red flags" in html
    assert 'id="error-summary"' not in html
    assert '<input type="hidden" name="pain__intensity_nrs" value="11"' in html
    back = client.post(_url(patient), {**answers, "go": "history"}).content.decode()
    assert 'name="pain__intensity_nrs" value="11"' in back
    assert "Error:" not in visible_text(back)
    assert not Intake.objects.exists()


def test_it_summarises_the_answers_in_words_before_saving(
    client: Client, cast: Cast, patient: Patient
) -> None:
    login(client, cast.owner)
    answers = intake_post(example("chronic-cold-damp"))
    answers["red_flags"] = ["iv_drug_use"]
    review = client.post(_url(patient), {**answers, "go": "review"})
    text = visible_text(review.content.decode())
    assert review.status_code == 200
    assert "Review the answers" in text
    for words in ("Lower back", "30 weeks", "6 out of 10", "Injects drugs", "ibuprofen"):
        assert words in text, words
    assert "Change" in text
    assert "Save intake and draft the plan" in text
    assert not Intake.objects.exists()
    saved = client.post(_url(patient), {**answers, "go": "save"})
    assert saved.status_code == 302
    assert saved["Location"] == reverse("plan_review", kwargs={"pk": Plan.objects.get().pk})


def test_it_shows_every_error_at_once_in_words(
    client: Client, cast: Cast, patient: Patient
) -> None:
    login(client, cast.owner)
    answers = intake_post(example("chronic-cold-damp"))
    answers.update(
        {
            "pain__regions": [],
            "pain__intensity_nrs": "11",
            "patient__age_years": "forty",
            "preferences__currency": "dollars",
            "preferences__techniques": [],
            "questionnaires__peg__1": "",
            "go": "review",
        }
    )
    response = client.post(_url(patient), answers)
    html = response.content.decode()
    assert response.status_code == 400
    assert "6 problems to fix; nothing was saved" in html
    text = visible_text(html)
    for words in (
        "Where is the pain? – choose at least one",
        "Average pain over the last week (0 to 10) – must be 10 or less",
        "Age (years) – Enter a whole number.",
        "Currency – Ensure this value has at most 3 characters",
        "Treatments the patient accepts – choose at least one",
        "not answered: answer all 3 or none",
    ):
        assert words in text, words
    assert ids_without_words(html) == []
    # the steps with problems are shown to be corrected; the others are summarised
    shown = _shown(html)
    assert {"pain__regions", "preferences__techniques", "questionnaires__peg__1"} <= shown
    assert "tcm__pulse" not in shown
    assert re.search(r'class="secondary has-errors"[^>]*>1\. History', html)
    assert not re.search(r'class="secondary has-errors"[^>]*>4\. TCM findings', html)
    assert not Intake.objects.exists()


def test_it_words_the_contract_s_own_rules(client: Client, cast: Cast, patient: Patient) -> None:
    login(client, cast.owner)
    answers = intake_post(example("chronic-cold-damp"))
    answers.update({"pain__regions": ["leg"], "go": "review"})
    text = visible_text(client.post(_url(patient), answers).content.decode())
    assert "include the lower back or the upper back" in text
    assert "lower_back" not in text
    answers.update(
        {
            "pain__regions": ["lower_back"],
            "patient__pregnant": "no",
            "patient__pregnancy_weeks": "9",
        }
    )
    text = visible_text(client.post(_url(patient), answers).content.decode())
    assert "weeks of pregnancy are given, but Pregnant is No" in text


def test_it_hides_the_pregnancy_questions_for_a_male_patient_but_lets_them_be_asked(
    client: Client, cast: Cast, patient: Patient
) -> None:
    login(client, cast.owner)
    male = _male(cast)
    html = client.get(_url(male)).content.decode()
    pregnancy = html[html.index("Pregnancy") - 200 : html.index('name="patient__pregnancy_weeks"')]
    assert '<details class="group">' in pregnancy  # closed: one click shows it
    female = client.get(_url(patient)).content.decode()
    assert "not asked of a male patient" not in female
    # The contract accepts a pregnancy for a male patient on purpose (a trans man can be
    # pregnant): recorded, but the summary asks to check it.
    answers = {**intake_post(example("chronic-cold-damp")), "patient__sex": "male"}
    answers.update({"patient__pregnant": "yes", "go": "review"})
    text = visible_text(client.post(_url(male), answers).content.decode())
    assert "The patient is recorded as male: check that this is right." in text
    assert client.post(_url(male), {**answers, "go": "save"}).status_code == 302


def test_it_refuses_leg_details_when_there_is_no_leg_pain(
    client: Client, cast: Cast, patient: Patient
) -> None:
    login(client, cast.owner)
    html = client.get(_url(patient)).content.decode()
    leg = html[html.index("The leg pain") - 200 : html.index('name="pain__leg_side"')]
    assert '<details class="group">' in leg
    answers = intake_post(example("chronic-cold-damp"))  # leg_pain: none
    answers.update({"pain__leg_side": "left", "go": "save"})
    response = client.post(_url(patient), answers)
    text = visible_text(response.content.decode())
    assert response.status_code == 400
    assert "Which leg – the patient has no leg pain" in text
    assert not Intake.objects.exists()


def test_it_labels_every_question_and_choice_from_the_vocabulary(
    client: Client, cast: Cast, patient: Patient
) -> None:
    kb = default_knowledge()
    login(client, cast.owner)
    html = "".join(client.post(_url(patient), {"go": s}).content.decode() for s in STEPS)
    text = visible_text(html)
    for mechanical in ("Intensity nrs", "Iv drug use", "Lower_back", "Self_pay"):
        assert mechanical not in text, mechanical
    assert kb.label("red_flag.iv_drug_use") in text
    assert kb.label("field.pain.intensity_nrs") in text
    assert kb.label("condition.implanted_defibrillator") in text
    labels = re.findall(r'<label for="id_[a-z_]+_\d+">([^<]+)</label>', html)
    labels += re.findall(r"<label[^>]*>\s*<input[^>]*>\s*([^<]+)</label>", html)
    assert labels
    assert not [label for label in labels if "_" in label]
    assert ids_without_words(html) == []


def test_it_shows_a_stored_intake_in_words(client: Client, cast: Cast, patient: Patient) -> None:
    data: dict[str, Any] = example("chronic-cold-damp")
    data["red_flags"] = ["iv_drug_use"]
    intake = services.record_intake(actor=services.Actor(cast.owner), patient=patient, data=data)
    login(client, cast.owner)
    html = client.get(reverse("intake_detail", kwargs={"pk": intake.pk})).content.decode()
    text = visible_text(html)
    assert "Injects drugs" in text
    assert "Average pain over the last week (0 to 10)" in text
    assert "Intensity nrs" not in text
    assert "iv drug use" not in text.lower()
    assert ids_without_words(html) == []
