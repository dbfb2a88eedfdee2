"""Forms for outcome answers (staff and patient), progress decisions, scheduling and the
clinic's questionnaire choice. Forms only collect; the services validate and name every bad
field, and ``add_service_errors`` puts each next to its input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils import timezone

from acuplan.clinic.models import Session
from acuplan.core.errors import FieldError
from acuplan.core.knowledge import default_knowledge
from acuplan.core.outcomes.measures import COUNTS
from acuplan.outcomes import wording
from acuplan.outcomes.models import FunctionInstrument, ResponseKind

GROUPS = ("peg", "odi", "start_back")
"""Answers given as numbered items (``peg_0`` ...) and sent to the service as one list."""


def _scale(label: str, low: int, high: int, *, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=[(str(i), str(i)) for i in range(low, high + 1)],
        widget=forms.RadioSelect(attrs={"class": "scale-input"}),
        required=False,
        help_text=help_text,
    )


class AnswersForm(forms.Form):
    """The questions of one response. ``measures``: which to ask ("pain_nrs", "peg",
    "rmdq" or "odi", "start_back", the counts of ``COUNTS``, "red_flags")."""

    def __init__(
        self, data: Any = None, *, measures: Sequence[str], patient_facing: bool = False
    ) -> None:
        super().__init__(data)
        self.measures = list(measures)
        self.patient_facing = patient_facing
        items = default_knowledge().instruments
        if "pain_nrs" in measures:
            self.fields["pain_nrs"] = _scale(
                "Your average back pain in the past week",
                0,
                10,
                help_text="0 = no pain, 10 = the worst pain you can imagine",
            )
        if "peg" in measures:
            for i, (text, (low, high)) in enumerate(
                zip(wording.PEG_ITEMS, wording.PEG_ANCHORS, strict=True)
            ):
                self.fields[f"peg_{i}"] = _scale(text, 0, 10, help_text=f"0 = {low}, 10 = {high}")
        if "rmdq" in measures:
            self.fields["rmdq"] = forms.MultipleChoiceField(
                label="Tick each statement that describes you today because of your back",
                choices=[(str(i), t) for i, t in enumerate(items["rmdq"].items)],
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
            if patient_facing:
                # No tick cannot tell "none applies" from "not answered": ask.
                self.fields["rmdq_none"] = forms.BooleanField(
                    label="None of these statements describes me today",
                    required=False,
                )
        if "odi" in measures:
            lo, hi = wording.ODI_ANCHORS
            for i, title in enumerate(items["odi"].items):
                self.fields[f"odi_{i}"] = _scale(
                    title, 0, 5, help_text=f"0 = {lo}, 5 = {hi}; leave blank if it does not apply"
                )
        if "start_back" in measures:
            for i, text in enumerate(items["start_back"].items):
                self.fields[f"start_back_{i}"] = forms.ChoiceField(
                    label=text,
                    choices=[("", "Not answered")]
                    + (
                        [("agree", "Agree"), ("disagree", "Disagree")]
                        if i < 8
                        else list(wording.BOTHER_LABELS.items())
                    ),
                    required=False,
                )
        self._counts(measures)
        if "red_flags" in measures:
            self.fields["red_flags"] = forms.MultipleChoiceField(
                label="Since your last visit, have you had any of these?",
                choices=list(wording.PATIENT_RED_FLAGS.items())
                if patient_facing
                else wording.ALL_RED_FLAGS,
                widget=forms.CheckboxSelectMultiple,
                required=False,
                help_text="Tick any that apply; leave all blank if none.",
            )

    def _counts(self, measures: Sequence[str]) -> None:
        if "sleep_nights_disturbed" in measures:
            self.fields["sleep_nights_disturbed"] = _scale(
                "On how many nights in the past week did back pain disturb your sleep?", 0, 7
            )
        if "sleep_quality" in measures:
            self.fields["sleep_quality"] = _scale(
                "How well did you sleep in the past week?",
                0,
                10,
                help_text="0 = very badly, 10 = very well",
            )
        for name, label in (
            ("analgesic_doses_week", "Painkiller doses taken in the past week"),
            ("workdays_missed", "Workdays missed because of your back since your last visit"),
        ):
            if name in measures:
                low, high, _ = COUNTS[name]
                # A plain text field: the service checks the range and names the field, so
                # the patient sees every problem at once.
                self.fields[name] = forms.CharField(
                    label=label,
                    required=False,
                    max_length=6,
                    widget=forms.NumberInput(
                        attrs={"inputmode": "numeric", "class": "short", "min": low, "max": high}
                    ),
                    help_text="Enter 0 if none.",
                )

    def groups(self) -> dict[str, list[forms.BoundField]]:
        """Item fields by group, for templates (``peg``, ``odi``, ``start_back``)."""
        return {g: [self[n] for n in self.fields if n.startswith(g + "_")] for g in GROUPS}

    def service_data(self) -> dict[str, object]:
        c = self.cleaned_data
        data: dict[str, object] = {}
        for name in ("pain_nrs", *COUNTS):
            if name in self.fields and c.get(name) not in (None, ""):
                data[name] = c[name]
        for group in GROUPS:
            names = [n for n in self.fields if n.startswith(group + "_")]
            values = [c.get(n) or None for n in names]
            if any(v is not None for v in values):
                data[group] = values
        if "rmdq" in self.fields and self._function_given():
            ticked = set(c.get("rmdq") or [])
            data["rmdq"] = [str(i) in ticked for i in range(24)]
        if c.get("red_flags"):
            data["red_flags"] = list(c["red_flags"])
        return data

    def _function_given(self) -> bool:
        """A statement ticked, or "none of these" ticked: a blank list is not an answer (an
        empty form must never become a score of 0)."""
        c = self.cleaned_data
        return bool(c.get("rmdq") or c.get("rmdq_none"))

    def add_service_errors(self, errors: Iterable[FieldError]) -> None:
        for e in errors:
            self.add_error(self._field_for(e.field), e.message)

    def _field_for(self, path: str) -> str | None:
        head, _, index = path.partition(".")
        if head in GROUPS:
            name = f"{head}_{index or 0}"
            return name if name in self.fields else None
        return head if head in self.fields else None


if TYPE_CHECKING:
    _SessionField = forms.ModelChoiceField[Session]
else:  # ModelChoiceField is generic for the type checker only
    _SessionField = forms.ModelChoiceField


class SessionChoiceField(_SessionField):
    def label_from_instance(self, obj: Session) -> str:
        return f"{obj.date.isoformat()} ({obj.method})"


class OutcomeForm(AnswersForm):
    """What a clinician records: the answers, plus when, what kind, and which session."""

    kind = forms.ChoiceField(choices=ResponseKind.choices, initial=ResponseKind.SESSION)
    answered_on = forms.DateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    session = SessionChoiceField(
        queryset=Session.objects.none(),
        required=False,
        help_text="For a session response: the session it was taken at.",
    )
    function_given = forms.BooleanField(
        required=False, label="The patient answered the function questionnaire today"
    )

    def __init__(self, data: Any = None, *, patient_sessions: Any, function: str) -> None:
        measures = ["pain_nrs", "peg", function, "start_back", *COUNTS, "red_flags"]
        super().__init__(data, measures=measures)
        cast(SessionChoiceField, self.fields["session"]).queryset = patient_sessions
        self.order_fields(["kind", "answered_on", "session"])

    def _function_given(self) -> bool:
        """Ticked as answered, or any statement ticked (a score of 0 needs the tick)."""
        c = self.cleaned_data
        return bool(c.get("function_given") or c.get("rmdq"))


class SettleForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision", choices=list(wording.DECISION_LABELS.items()), required=False
    )
    reason = forms.CharField(
        label="Reason (required to override)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class ScheduleForm(forms.Form):
    start = forms.DateField(label="First visit on", widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.TimeField(
        label="Time", initial=dt.time(9, 0), widget=forms.TimeInput(attrs={"type": "time"})
    )
    duration_minutes = forms.IntegerField(
        label="Minutes per visit",
        initial=45,  # the service checks the range
    )


class InstrumentForm(forms.Form):
    function_instrument = forms.ChoiceField(
        label="Function questionnaire",
        choices=FunctionInstrument.choices,
        widget=forms.RadioSelect,
    )
