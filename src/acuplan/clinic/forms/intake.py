"""The intake form: every field of intake contract version 1, grouped as a clinician asks
them, turned into the contract JSON; contract errors come back to the matching inputs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms

from acuplan.clinic.forms.base import (
    RED_FLAG_LABELS,
    ClinicForm,
    TriStateField,
    checkboxes,
    choices,
    int_field,
    lines,
    number,
    select,
)
from acuplan.clinic.models import Intake, Patient
from acuplan.core.intake import (
    BetterWith,
    Bothersome,
    Condition,
    Jurisdiction,
    LegNeuro,
    LegPain,
    LegPath,
    LegSide,
    Onset,
    Payer,
    Pulse,
    Quality,
    RedFlag,
    Region,
    Sex,
    Sign,
    Technique,
    TongueBody,
    TongueCoat,
    TongueFeature,
    WorseWith,
    vocabulary,
)
from acuplan.core.knowledge import default_knowledge


@dataclass(frozen=True)
class Group:
    """A part of the intake form as a clinician asks it: a heading and its fields."""

    id: str
    title: str
    fields: list[forms.BoundField]
    intro: str = ""
    subgroups: tuple[Group, ...] = ()


#: What a reassessment intake carries over from the last one (highlighted as such).
CARRIED = (
    "red_flags",
    "patient__sex",
    "patient__pregnant",
    "patient__pregnancy_weeks",
    "medical__medications",
    "medical__conditions",
    "medical__needle_phobia",
    "tcm__tongue_body",
    "tcm__tongue_coat",
    "tcm__tongue_features",
    "tcm__pulse",
    "tcm__signs",
)


def carried_over(last: Intake, today: dt.date) -> dict[str, Any]:
    """The last intake's medicines, conditions, pregnancy and TCM findings as initial values
    of a new intake; the pregnancy week count moves on by the weeks since."""
    data = last.data
    out: dict[str, Any] = {}
    for name in CARRIED:
        section, _, key = name.partition("__")
        value = (data.get(section) or {}).get(key) if key else data.get(section)
        if value in (None, [], ""):
            continue
        if name == "medical__medications":
            value = "\n".join(value)
        if name == "patient__pregnancy_weeks":
            value = min(45, int(value) + (today - last.recorded_at.date()).days // 7)
        out[name] = value
    return out


CLEARANCE_ROWS = 3
CLEARANCE_PREFIX = "medical__cleared_red_flags__"


def _clearance_fields() -> dict[str, forms.Field]:
    """Red flags a physician has ruled out: flag, who, when, note (one row a flag)."""
    fields: dict[str, forms.Field] = {}
    flags = [("", "(none)"), *[(f, RED_FLAG_LABELS.get(f, f)) for f in vocabulary(RedFlag)]]
    for i in range(CLEARANCE_ROWS):
        row = f"{CLEARANCE_PREFIX}{i}__"
        fields[f"{row}flag"] = forms.ChoiceField(
            label=f"Cleared red flag {i + 1}", choices=flags, required=False
        )
        fields[f"{row}cleared_by"] = forms.CharField(
            label="Ruled out by (name and role)", max_length=200, required=False
        )
        fields[f"{row}cleared_on"] = forms.DateField(
            label="On (date)", required=False, widget=forms.DateInput(attrs={"type": "date"})
        )
        fields[f"{row}note"] = forms.CharField(label="Note", max_length=1000, required=False)
    return fields


def _start_back_fields() -> dict[str, forms.Field]:
    items = default_knowledge().instruments["start_back"].items
    agree = [("agree", "Agree"), ("disagree", "Disagree")]
    fields: dict[str, forms.Field] = {}
    for i, text in enumerate(items[:8]):
        fields[f"questionnaires__start_back__{i}"] = forms.ChoiceField(
            label=f"{i + 1}. {text}",
            choices=agree,
            required=False,
            widget=forms.RadioSelect(attrs={"class": "inline"}),
        )
    fields["questionnaires__start_back__8"] = forms.ChoiceField(
        label=f"9. {items[8]}",
        choices=choices(Bothersome),
        required=False,
        widget=forms.RadioSelect(attrs={"class": "inline"}),
    )
    return fields


def _odi_fields() -> dict[str, forms.Field]:
    items = default_knowledge().instruments["odi"].items
    scale = [("", "Not answered"), *[(str(n), str(n)) for n in range(6)]]
    return {
        f"questionnaires__odi__{i}": forms.IntegerField(
            label=f"{i + 1}. {text}",
            required=False,
            widget=forms.Select(choices=scale),
        )
        for i, text in enumerate(items)
    }


def _peg_fields() -> dict[str, forms.Field]:
    items = default_knowledge().instruments["peg"].items
    return {
        f"questionnaires__peg__{i}": int_field(f"{i + 1}. {text}", 0, 10)
        for i, text in enumerate(items)
    }


def _rmdq_fields() -> dict[str, forms.Field]:
    items = default_knowledge().instruments["rmdq"].items
    return {
        "rmdq_completed": forms.BooleanField(
            label="The patient completed the RMDQ (tick even when no statement applies)",
            required=False,
        ),
        "questionnaires__rmdq": forms.MultipleChoiceField(
            label="Statements that apply today",
            choices=[(str(i), f"{i + 1}. {t}") for i, t in enumerate(items)],
            required=False,
            widget=forms.CheckboxSelectMultiple(attrs={"class": "options wide"}),
        ),
    }


class IntakeForm(ClinicForm):
    """Every field of intake contract version 1, named by its contract path ("." -> "__")."""

    patient__age_years = int_field(
        "Age (years)", 0, 120, help_text="Worked out from the date of birth; correct if needed."
    )
    patient__sex = forms.ChoiceField(label="Sex", choices=choices(Sex), required=False)
    patient__pregnant = TriStateField("Pregnant")
    patient__pregnancy_weeks = int_field("Weeks of pregnancy", 0, 45)
    pain__regions = checkboxes(Region, "Where is the pain?")
    pain__duration_weeks = number(
        "How long has this episode lasted? (weeks, required)",
        help_text="Under 6 is acute, 6 to 12 subacute, 12 or more chronic.",
    )
    pain__onset = select(Onset, "How did it start?")
    pain__intensity_nrs = int_field(
        "Average pain over the last week (0 to 10)", 0, 10, help_text="0 none, 10 worst imaginable."
    )
    pain__leg_pain = select(LegPain, "Pain into the leg")
    pain__leg_side = select(LegSide, "Which leg")
    pain__leg_path = select(LegPath, "Where the leg pain runs")
    pain__leg_neuro = checkboxes(LegNeuro, "Leg symptoms")
    pain__midline = TriStateField("Pain along the spine itself (midline)")
    pain__qualities = checkboxes(Quality, "What is the pain like?")
    pain__worse_with = checkboxes(WorseWith, "Worse with")
    pain__better_with = checkboxes(BetterWith, "Better with")
    pain__morning_stiffness_minutes = int_field("Morning stiffness (minutes)", 0)
    red_flags = checkboxes(RedFlag, "Tick every one the patient reports", labels=RED_FLAG_LABELS)
    tcm__tongue_body = select(TongueBody, "Tongue body")
    tcm__tongue_coat = select(TongueCoat, "Tongue coat")
    tcm__tongue_features = checkboxes(TongueFeature, "Tongue features")
    tcm__pulse = checkboxes(Pulse, "Pulse")
    tcm__signs = checkboxes(Sign, "Other signs")
    medical__medications = forms.CharField(
        label="Medications",
        required=False,
        help_text="One a line, as the patient says it (for example: Eliquis 5 mg).",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    medical__conditions = checkboxes(Condition, "Conditions")
    medical__needle_phobia = TriStateField("Fear of needles")
    preferences__techniques = checkboxes(Technique, "Treatments the patient accepts")
    preferences__max_sessions_per_week = forms.IntegerField(
        label="Most sessions a week",
        required=False,
        initial=2,
        widget=forms.Select(choices=[(n, str(n)) for n in (1, 2, 3)]),
    )
    preferences__fee_per_session = number("Fee a session")
    preferences__currency = forms.CharField(
        label="Currency",
        max_length=3,
        required=False,
        help_text="ISO 4217 code, such as USD or EUR.",
        widget=forms.TextInput(attrs={"class": "short", "autocapitalize": "characters"}),
    )
    preferences__payer = select(Payer, "Who pays")
    jurisdiction = forms.ChoiceField(
        label="Jurisdiction", choices=choices(Jurisdiction), required=False
    )

    confirm_stopped = forms.MultipleChoiceField(
        label="Confirm a blood thinner has been stopped",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The last intake recorded a blood thinner that is not on this one. Tick only "
        "when the patient has stopped it; otherwise add it back to the medications.",
    )

    def __init__(
        self,
        *args: Any,
        patient: Patient,
        today: dt.date,
        flags_to_clear: tuple[str, ...] = (),
        **kwargs: Any,
    ) -> None:
        self.last = patient.intakes.order_by("-version").first()
        self.flags_to_clear = flags_to_clear
        self.carried: set[str] = set()
        kwargs.setdefault("initial", self.initial_for(patient, today))
        if self.last is not None and "initial" in kwargs:
            carried = carried_over(self.last, today)
            self.carried = set(carried)
            kwargs["initial"] = {**kwargs["initial"], **carried}
        if "initial" in kwargs:  # a blocked patient's flags, ready to be entered as cleared
            rows = {
                f"{CLEARANCE_PREFIX}{i}__flag": flag
                for i, flag in enumerate(flags_to_clear[:CLEARANCE_ROWS])
            }
            kwargs["initial"] = {**kwargs["initial"], **rows}
        super().__init__(*args, **kwargs)
        if self.last is not None:
            self.fields["confirm_stopped"].choices = [  # type: ignore[attr-defined]
                (c, f"{c.capitalize()}: {', '.join(e)} (on intake {self.last.version})")
                for c, e in self.removed_on_last().items()
            ]
            note = (
                f"Carried over from intake {self.last.version} of "
                f"{self.last.recorded_at:%Y-%m-%d}: check it with the patient."
            )
            for name in self.carried:
                field = self.fields[name]
                field.help_text = f"{note} {field.help_text}".strip()
                field.widget.attrs["class"] = (
                    field.widget.attrs.get("class", "") + " carried"
                ).strip()
        for extra in (
            _clearance_fields(),
            _start_back_fields(),
            _rmdq_fields(),
            _odi_fields(),
            _peg_fields(),
        ):
            self.fields.update(extra)

    def removed_on_last(self) -> dict[str, list[str]]:
        """Blood thinners of the last intake that this form's medications no longer list
        (all of them while the form is unbound)."""
        if self.last is None:
            return {}
        from acuplan.clinic.services import removed_classes

        now = lines(self.data.get("medical__medications", "")) if self.is_bound else []
        return removed_classes(self.last, now) if self.is_bound else {}

    def confirmed_removals(self) -> tuple[str, ...]:
        return tuple(self.cleaned_data.get("confirm_stopped") or ())

    @staticmethod
    def initial_for(patient: Patient, today: dt.date) -> dict[str, Any]:
        born = patient.date_of_birth
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        clinic = patient.clinic
        jurisdiction = (
            clinic.jurisdiction if clinic.jurisdiction in vocabulary(Jurisdiction) else "US"
        )
        return {
            "patient__age_years": age,
            "patient__sex": patient.sex,
            "preferences__techniques": list(vocabulary(Technique)),
            "preferences__max_sessions_per_week": 2,
            "preferences__fee_per_session": clinic.default_fee,
            "preferences__currency": clinic.currency,
            "jurisdiction": jurisdiction,
        }

    # --- layout -------------------------------------------------------------------------

    LAYOUT = (
        ("history", "History", ""),
        (
            "red-flags",
            "Red flags",
            "Ask about each. Leave unticked what the patient does not report.",
        ),
        ("tcm", "TCM findings", ""),
        ("medical", "Medications and conditions", ""),
        ("preferences", "Preferences and cost", ""),
    )
    GROUP_FIELDS: ClassVar[dict[str, str]] = {
        "history": "patient__age_years patient__sex patient__pregnant patient__pregnancy_weeks "
        "pain__regions pain__duration_weeks pain__onset pain__intensity_nrs pain__leg_pain "
        "pain__leg_side pain__leg_path pain__leg_neuro pain__midline pain__qualities "
        "pain__worse_with pain__better_with pain__morning_stiffness_minutes",
        "red-flags": "red_flags",
        "tcm": "tcm__tongue_body tcm__tongue_coat tcm__tongue_features tcm__pulse tcm__signs",
        "medical": "medical__medications confirm_stopped medical__conditions "
        "medical__needle_phobia",
        "preferences": "preferences__techniques preferences__max_sessions_per_week "
        "preferences__fee_per_session preferences__currency preferences__payer jurisdiction",
    }
    QUESTIONNAIRES = (
        ("start_back", "questionnaires__start_back__", "Answer all nine, or leave them blank."),
        ("rmdq", "rmdq_completed questionnaires__rmdq", ""),
        ("odi", "questionnaires__odi__", "Each section 0 (no problem) to 5 (worst); leave a "
         "section the patient skipped blank."),
        ("peg", "questionnaires__peg__", "Each 0 to 10. Answer all three, or leave them blank."),
    )  # fmt: skip

    def groups(self) -> list[Group]:
        """The form's sections in the order a clinician asks them."""
        out = [
            Group(gid, title, [self[n] for n in self.GROUP_FIELDS[gid].split()], intro)
            for gid, title, intro in self.LAYOUT
        ]
        instruments = default_knowledge().instruments
        subgroups = []
        for instrument, names, intro in self.QUESTIONNAIRES:
            if names.endswith("__"):
                bound = [self[n] for n in self.fields if n.startswith(names)]
            else:
                bound = [self[n] for n in names.split()]
            title = instruments[instrument].name
            subgroups.append(Group(instrument.replace("_", "-"), title, bound, intro))
        out.append(Group("questionnaires", "Questionnaires", [], "", tuple(subgroups)))
        clearances = [self[n] for n in self.fields if n.startswith(CLEARANCE_PREFIX)]
        intro = (
            "Only for a red flag that a physician has assessed and ruled out since it was "
            "raised: the flag stays on the record, marked cleared, and no longer stops "
            "treatment."
        )
        if self.flags_to_clear:
            words = ", ".join(f.replace("_", " ") for f in self.flags_to_clear)
            intro = (
                f"The last plan stopped treatment ({words}). If a physician has assessed the "
                "patient and ruled these out, enter who cleared each and when. " + intro
            )
        group = Group("clearances", "Red flags ruled out by a physician", clearances, intro)
        out.insert(0 if self.flags_to_clear else 2, group)
        for g in out:
            g.fields[:] = [
                f
                for f in g.fields
                if f.name != "confirm_stopped" or f.field.choices  # type: ignore[attr-defined]
            ]
        return out

    # --- errors -------------------------------------------------------------------------

    #: Errors the contract reports on a whole object, and the input that causes them.
    OBJECT_ERRORS: ClassVar[dict[str, str]] = {
        "patient": "patient__pregnancy_weeks",
        "pain": "pain__regions",
    }

    def field_for(self, path: str) -> str | None:
        if path in self.OBJECT_ERRORS:
            return self.OBJECT_ERRORS[path]
        parts = path.split(".")
        while parts:  # "pain.regions.0" belongs to the "pain__regions" checkboxes
            name = "__".join(parts)
            if name in self.fields:
                return name
            parts.pop()
        return None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for prefix, count in (("questionnaires__start_back__", 9), ("questionnaires__peg__", 3)):
            names = [f"{prefix}{i}" for i in range(count)]
            answered = [n for n in names if data.get(n) not in (None, "")]
            if answered and len(answered) < count:
                for name in names:
                    if name not in answered and name not in self.errors:
                        self.add_error(name, f"not answered: answer all {count} or none")
        return data

    # --- the contract JSON --------------------------------------------------------------

    def intake_data(self) -> dict[str, Any]:
        """The contract JSON built from the inputs that cleaned. Lists are always sent
        (empty means none reported); blank optional scalars are left out (unknown)."""
        d = self.cleaned_data
        data: dict[str, Any] = {"schema_version": "1"}
        for section in ("patient", "pain", "tcm", "medical", "preferences"):
            data[section] = self._section(section)
        if d.get("jurisdiction"):
            data["jurisdiction"] = d["jurisdiction"]
        data["red_flags"] = list(d.get("red_flags") or [])
        data["medical"]["medications"] = lines(d.get("medical__medications") or "")
        data["medical"]["cleared_red_flags"] = self._clearances()
        currency = data["preferences"].get("currency")
        if currency:
            data["preferences"]["currency"] = str(currency).strip().upper()
        data["questionnaires"] = self._questionnaires()
        return data

    def _clearances(self) -> list[dict[str, Any]]:
        d = self.cleaned_data
        out = []
        for i in range(CLEARANCE_ROWS):
            row = f"{CLEARANCE_PREFIX}{i}__"
            values = {k: d.get(f"{row}{k}") for k in ("flag", "cleared_by", "cleared_on", "note")}
            if not any(values.values()):
                continue
            item = {k: v for k, v in values.items() if v not in (None, "")}
            if isinstance(item.get("cleared_on"), dt.date):
                item["cleared_on"] = item["cleared_on"].isoformat()
            out.append(item)
        return out

    def _section(self, section: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        prefix = f"{section}__"
        for name, field in self.fields.items():
            if name.startswith(CLEARANCE_PREFIX):
                continue
            if not name.startswith(prefix) or name not in self.cleaned_data:
                continue
            value = self.cleaned_data[name]
            if isinstance(field, forms.MultipleChoiceField):
                out[name.removeprefix(prefix)] = list(value or [])
            elif value not in (None, ""):
                out[name.removeprefix(prefix)] = value
        return out

    def _questionnaires(self) -> dict[str, Any]:
        d = self.cleaned_data
        out: dict[str, Any] = {}
        for name, count in (("start_back", 9), ("odi", 10), ("peg", 3)):
            values = [d.get(f"questionnaires__{name}__{i}") for i in range(count)]
            values = [None if v == "" else v for v in values]
            if any(v is not None for v in values):
                out[name] = values
        ticked = {int(i) for i in d.get("questionnaires__rmdq") or []}
        if ticked or d.get("rmdq_completed"):
            out["rmdq"] = [i in ticked for i in range(24)]
        return out
