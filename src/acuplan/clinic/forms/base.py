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


def _red_flag_labels() -> dict[str, str]:
    from acuplan.core.intake import RedFlag
    from acuplan.core.knowledge import default_knowledge

    kb = default_knowledge()
    return {flag: kb.label(f"red_flag.{flag}") for flag in vocabulary(RedFlag)}


#: The clinician's words for each red flag (from the vocabulary).
RED_FLAG_LABELS = _red_flag_labels()
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


#: Validation errors in words, by the kind of error the validator names (pydantic's error
#: types) and its parameters; ``plain_message`` falls back to PLAIN_MESSAGES for errors
#: that carry no kind.
WORDS_BY_KIND = {
    "missing": "required",
    "too_short": "choose at least one",
    "greater_than_equal": "must be {ge} or more",
    "less_than_equal": "must be {le} or less",
    "greater_than": "must be more than {gt}",
    "less_than": "must be less than {lt}",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "finite_number": "must be a number",
    "bool_type": "must be yes or no",
    "bool_parsing": "must be yes or no",
    "literal_error": "is not one of the choices offered",
    "string_too_long": "must be at most {max_length} characters",
    "string_too_short": "is required",
    "date_type": "must be a date",
    "date_parsing": "must be a date, as YYYY-MM-DD",
    "date_from_datetime_parsing": "must be a date, as YYYY-MM-DD",
    "extra_forbidden": "is not a field of the intake",
}

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


def plain_message(message: str, kind: str = "", context: dict[str, Any] | None = None) -> str:
    """An error in words: by its kind where the validator named one, else by its text."""
    if kind in WORDS_BY_KIND:
        numbers = {k: f"{v:g}" if isinstance(v, float) else v for k, v in (context or {}).items()}
        try:
            return WORDS_BY_KIND[kind].format(**numbers)
        except (KeyError, IndexError):
            pass
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
            text = self.error_words(fe)
            message = text if name else f"{self.path_words(fe.field)}: {text}"
            self.add_error(name, message)

    def error_words(self, fe: FieldError) -> str:
        """A service's or the contract's error in words (by its kind where it has one)."""
        return plain_message(fe.message, fe.kind, fe.context)

    def path_words(self, path: str) -> str:
        """The name of a field that has no input on this form (the path by default)."""
        return path

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
