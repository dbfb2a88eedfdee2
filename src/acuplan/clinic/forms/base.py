"""What every page form shares: vocabulary labels, field builders, the yes / no / unknown
field, and ``ClinicForm``, which puts a service's FieldErrors next to their inputs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django import forms

from acuplan.core.errors import FieldError
from acuplan.core.intake import vocabulary

WORD_LABELS = {
    "lower_back": "Lower back",
    "upper_back": "Upper back (thoracic)",
    "above_knee": "Down to above the knee",
    "below_knee": "Below the knee",
    "posterior": "Back of the leg",
    "lateral": "Side of the leg",
    "anterior": "Front of the leg",
    "thin_white": "Thin white",
    "hot_palms_soles": "Hot palms and soles",
    "sore_weak_knees": "Sore, weak knees",
    "frequent_pale_urination": "Frequent, pale urination",
    "dark_scanty_urine": "Dark, scanty urine",
    "implanted_defibrillator": "Implanted defibrillator (ICD)",
    "valvular_heart_disease": "Heart valve disease",
    "skin_lesion_at_site": "Skin lesion or infection at a needling site",
    "recent_spinal_surgery": "Recent spinal surgery",
    "electro": "Electroacupuncture",
    "manual": "Manual needling",
    "acupressure": "Acupressure (no needles)",
    "self_pay": "Self-pay",
    "private_insurance": "Private insurance",
    "medicare": "Medicare",
    "as_found": "As found (tender point)",
    "US": "United States",
    "UK": "United Kingdom",
    "DE": "Germany",
    "AU": "Australia",
    "CA": "Canada",
}
RED_FLAG_LABELS = {
    "saddle_anaesthesia": "Numbness around the back passage, genitals or inner thighs (saddle)",
    "urinary_retention": "Cannot pass urine, or has lost the feeling of needing to",
    "urinary_incontinence": "New leaking of urine",
    "faecal_incontinence": "New loss of bowel control",
    "new_sexual_dysfunction": "New problems with sexual function",
    "bilateral_leg_neuro": "Numbness, tingling or weakness in both legs",
    "progressive_weakness": "Leg weakness that is getting worse",
    "foot_drop": "Foot drop (toes catch or the foot slaps when walking)",
    "history_of_cancer": "Has had cancer",
    "unexplained_weight_loss": "Has lost weight without trying",
    "constant_night_pain": "Constant pain at night, not eased by rest or changing position",
    "fever": "Fever, or feels hot and unwell",
    "iv_drug_use": "Injects drugs",
    "immunosuppression": "Weakened immune system (HIV, chemotherapy, transplant drugs)",
    "recent_infection": "Recent infection (for example urinary or skin)",
    "significant_trauma": "Significant injury, such as a fall from a height or a road accident",
    "prolonged_corticosteroids": "Has taken steroid tablets for a long time",
    "osteoporosis": "Osteoporosis (thin bones)",
    "thoracic_non_mechanical": "Mid or upper back pain that does not change with movement",
    "chest_or_abdominal_pain": "Chest or belly pain as well as the back pain",
}
TRI_STATE = [("", "Not asked / unknown"), ("yes", "Yes"), ("no", "No")]
STIMULATION = ["even", "tonifying", "reducing"]
WAVEFORMS = ["continuous", "dense_disperse", "intermittent"]


def label_for(word: str) -> str:
    return WORD_LABELS.get(word) or word.replace("_", " ").capitalize()


def choices(literal: Any, labels: dict[str, str] | None = None) -> list[tuple[str, str]]:
    words = vocabulary(literal)
    return [(w, (labels or {}).get(w) or label_for(w)) for w in words]


def blank(options: list[tuple[str, str]], text: str = "Not recorded") -> list[tuple[str, str]]:
    return [("", text), *options]


def select(literal: Any, label: str, **kw: Any) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=blank(choices(literal)), required=False, **kw)


def checkboxes(literal: Any, label: str, **kw: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=choices(literal, kw.pop("labels", None)),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "options"}),
        **kw,
    )


def int_field(
    label: str, low: int | None = None, high: int | None = None, **kw: Any
) -> forms.Field:
    attrs: dict[str, Any] = {"inputmode": "numeric", "class": "short"}
    if low is not None:
        attrs["min"] = low
    if high is not None:
        attrs["max"] = high
    return forms.IntegerField(
        label=label, required=False, widget=forms.NumberInput(attrs=attrs), **kw
    )


def number(label: str, **kw: Any) -> forms.Field:
    attrs = {"step": "any", "min": 0, "class": "short"}
    return forms.FloatField(
        label=label, required=False, widget=forms.NumberInput(attrs=attrs), **kw
    )


#: The contract's validator speaks in data types; a clinician reads these instead.
PLAIN_MESSAGES = (
    (re.compile(r"^Tuple should have at least 1 item.*"), "choose at least one"),
    (re.compile(r"^required field is missing$"), "required"),
    (re.compile(r"^Input should be greater than or equal to (\S+)$"), r"must be \1 or more"),
    (re.compile(r"^Input should be less than or equal to (\S+)$"), r"must be \1 or less"),
    (re.compile(r"^Input should be greater than (\S+)$"), r"must be more than \1"),
    (re.compile(r"^Input should be a valid integer.*"), "must be a whole number"),
    (re.compile(r"^Input should be a (valid|finite) number.*"), "must be a number"),
    (
        re.compile(r"^String should match pattern '\^\[A-Z\]\{3\}\$'$"),
        "must be a three-letter code such as USD",
    ),
)


def plain_message(message: str) -> str:
    for pattern, plain in PLAIN_MESSAGES:
        if pattern.match(message):
            return pattern.sub(plain, message)
    return message


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class TriStateField(forms.ChoiceField):
    """Yes / no / not asked, cleaned to True / False / None."""

    def __init__(self, label: str, unknown: str = TRI_STATE[0][1], **kwargs: Any) -> None:
        options = [("", unknown), *TRI_STATE[1:]]
        super().__init__(label=label, choices=options, required=False, **kwargs)

    def clean(self, value: Any) -> bool | None:
        return {"yes": True, "no": False}.get(super().clean(value))


class ClinicForm(forms.Form):
    """A form whose rules live in a service: ``add_service_errors`` puts each FieldError
    next to its input (or at the top when no input matches)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def field_for(self, path: str) -> str | None:
        name = path.replace(".", "__")
        return name if name in self.fields else None

    def add_service_errors(self, errors: Iterable[FieldError]) -> None:
        for fe in errors:
            name = self.field_for(fe.field)
            text = plain_message(fe.message)
            message = text if name else f"{fe.field}: {text}"
            self.add_error(name, message)

    def is_blank(self) -> bool:
        """True when no input holds anything (used by row forms)."""
        return not any(v not in (None, "", [], False) for v in self.cleaned_data.values())

    def row(self) -> dict[str, Any]:
        """What a row form sends to its service."""
        return dict(self.cleaned_data)

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(anchor id, label, message) for every error, in page order."""
        out = [("", "", str(e)) for e in self.non_field_errors()]
        for name in self.fields:
            bound = self[name]
            out += [(bound.auto_id or "", str(bound.label), str(e)) for e in bound.errors]
        return out
