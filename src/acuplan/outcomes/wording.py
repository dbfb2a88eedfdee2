"""Patient-facing words for the questionnaires: plain language, own paraphrases of the
instruments (items come from instruments.toml; ODI sections are titles only, as its wording
may need a licence)."""

from __future__ import annotations

from acuplan.core.intake import RedFlag, vocabulary

PATIENT_RED_FLAGS = {
    "saddle_anaesthesia": "Numbness around your bottom, genitals or inner thighs",
    "urinary_retention": "You cannot pass urine, or cannot feel when you need to",
    "urinary_incontinence": "New leaking of urine",
    "faecal_incontinence": "New loss of bowel control",
    "bilateral_leg_neuro": "Numbness, tingling or weakness in both legs",
    "progressive_weakness": "Leg weakness that is getting worse",
    "foot_drop": "Your toes catch or your foot slaps when you walk",
    "fever": "Fever, or feeling hot and unwell, with the back pain",
    "unexplained_weight_loss": "Losing weight without trying",
}
"""The red flags a patient can report from home; each one means "seek care now"."""


def red_flag_label(word: str) -> str:
    return PATIENT_RED_FLAGS.get(word) or word.replace("_", " ").capitalize()


ALL_RED_FLAGS = [(w, red_flag_label(w)) for w in vocabulary(RedFlag)]
KIND_LABELS = {"intake": "Intake", "session": "Session", "follow_up": "Follow-up"}
DECISION_LABELS = {
    "retriage": "Re-triage now",
    "booster": "Offer a booster series",
    "continue_then_taper": "Continue, then taper",
    "extend_initial_phase": "Extend the initial phase once",
    "stop_and_refer": "Stop and refer back to the physician",
    "continue": "Continue the course",
}
PEG_ITEMS = (
    "Your average pain in the past week",
    "How much pain got in the way of enjoying life in the past week",
    "How much pain got in the way of your general activity in the past week",
)
PEG_ANCHORS = (
    ("no pain", "pain as bad as you can imagine"),
    ("not at all", "completely"),
    ("not at all", "completely"),
)
ODI_ANCHORS = ("no problem", "worst possible")
BOTHER_LABELS = {
    "not_at_all": "Not at all",
    "slightly": "Slightly",
    "moderately": "Moderately",
    "very_much": "Very much",
    "extremely": "Extremely",
}
