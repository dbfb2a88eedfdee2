"""The intake form: every field of intake contract version 1, asked as a clinician asks
them, in steps (history, red flags, medicines and conditions, TCM findings, preferences,
questionnaires) with a summary of the answers before saving; turned into the contract
JSON; contract errors come back to the matching inputs, in words.

The steps are one form: the page shows one step and carries the other answers as hidden
inputs, so it works without JavaScript; moving between steps never validates, reviewing or
saving validates everything and shows every error at once. Labels come from the
vocabulary (``field.<path>`` and the words of each list)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms
from django.forms.utils import ErrorDict

from acuplan.clinic.forms.base import (
    RED_FLAG_LABELS,
    ClinicForm,
    TriStateField,
    blank,
    int_field,
    lines,
    number,
)
from acuplan.clinic.models import Intake, Patient
from acuplan.core.errors import FieldError
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

KB = default_knowledge()


def label(path: str) -> str:
    """An intake field's label, from the vocabulary (``field.pain.midline``)."""
    return KB.label(f"field.{path}")


def words(literal: Any, prefix: str) -> list[tuple[str, str]]:
    """A vocabulary list's choices, each labelled from the vocabulary (``region.lower_back``
    -> "Lower back"; a word without a term is shown capitalised, never with underscores)."""
    return [(w, KB.label(f"{prefix}.{w}")) for w in vocabulary(literal)]


def pick_one(literal: Any, prefix: str, path: str, **kw: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label(path), choices=blank(words(literal, prefix)), required=False, **kw
    )


def pick_many(literal: Any, prefix: str, path: str, **kw: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=kw.pop("label", None) or label(path),
        choices=words(literal, prefix),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "options"}),
        **kw,
    )


@dataclass(frozen=True)
class Group:
    """A part of a step, as a clinician asks it: a heading and its fields. A ``collapsed``
    group holds questions that may not apply (pregnancy for a male patient, the leg when
    there is no leg pain): the page shows it closed, and the clinician can open it."""

    id: str
    title: str
    fields: list[forms.BoundField]
    intro: str = ""
    subgroups: tuple[Group, ...] = ()
    collapsed: bool = False

    def all_fields(self) -> list[forms.BoundField]:
        return [*self.fields, *(f for g in self.subgroups for f in g.all_fields())]


@dataclass(frozen=True)
class Step:
    """One screen of the intake: its groups, and whether any of its answers is wrong."""

    id: str
    title: str
    groups: list[Group]

    def all_fields(self) -> list[forms.BoundField]:
        return [f for g in self.groups for f in g.all_fields()]

    @property
    def has_errors(self) -> bool:
        return any(f.errors for f in self.all_fields())


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
    flags = [("", "(none)"), *RED_FLAG_LABELS.items()]
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
        choices=words(Bothersome, "bothersome"),
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
        label("patient.age_years"),
        0,
        120,
        help_text="Worked out from the date of birth; correct if needed.",
    )
    patient__sex = forms.ChoiceField(
        label=label("patient.sex"), choices=words(Sex, "sex"), required=False
    )
    patient__pregnant = TriStateField(label("patient.pregnant"))
    patient__pregnancy_weeks = int_field(label("patient.pregnancy_weeks"), 0, 45)
    pain__regions = pick_many(Region, "region", "pain.regions")
    pain__duration_weeks = number(
        label("pain.duration_weeks").removesuffix(")") + ", required)",
        help_text="Under 6 is acute, 6 to 12 subacute, 12 or more chronic.",
    )
    pain__onset = pick_one(Onset, "onset", "pain.onset")
    pain__intensity_nrs = int_field(
        label("pain.intensity_nrs"), 0, 10, help_text="0 none, 10 worst imaginable."
    )
    pain__leg_pain = pick_one(LegPain, "leg_pain", "pain.leg_pain")
    pain__leg_side = pick_one(LegSide, "leg_side", "pain.leg_side")
    pain__leg_path = pick_one(LegPath, "leg_path", "pain.leg_path")
    pain__leg_neuro = pick_many(LegNeuro, "leg_neuro", "pain.leg_neuro")
    pain__midline = TriStateField(label("pain.midline"))
    pain__qualities = pick_many(Quality, "quality", "pain.qualities")
    pain__worse_with = pick_many(WorseWith, "worse_with", "pain.worse_with")
    pain__better_with = pick_many(BetterWith, "better_with", "pain.better_with")
    pain__morning_stiffness_minutes = int_field(label("pain.morning_stiffness_minutes"), 0)
    red_flags = pick_many(
        RedFlag, "red_flag", "red_flags", label="Tick every one the patient reports"
    )
    tcm__tongue_body = pick_one(TongueBody, "tongue_body", "tcm.tongue_body")
    tcm__tongue_coat = pick_one(TongueCoat, "tongue_coat", "tcm.tongue_coat")
    tcm__tongue_features = pick_many(TongueFeature, "tongue_feature", "tcm.tongue_features")
    tcm__pulse = pick_many(Pulse, "pulse", "tcm.pulse")
    tcm__signs = pick_many(Sign, "sign", "tcm.signs")
    medical__medications = forms.CharField(
        label=label("medical.medications"),
        required=False,
        help_text="One a line, as the patient says it (for example: Eliquis 5 mg).",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    medical__conditions = pick_many(Condition, "condition", "medical.conditions")
    medical__needle_phobia = TriStateField(label("medical.needle_phobia"))
    preferences__techniques = pick_many(Technique, "method", "preferences.techniques")
    preferences__max_sessions_per_week = forms.IntegerField(
        label=label("preferences.max_sessions_per_week"),
        required=False,
        initial=2,
        widget=forms.Select(choices=[(n, str(n)) for n in (1, 2, 3)]),
    )
    preferences__fee_per_session = number(label("preferences.fee_per_session"))
    preferences__currency = forms.CharField(
        label=label("preferences.currency"),
        max_length=3,
        required=False,
        help_text="ISO 4217 code, such as USD or EUR.",
        widget=forms.TextInput(attrs={"class": "short", "autocapitalize": "characters"}),
    )
    preferences__payer = pick_one(Payer, "payer", "preferences.payer")
    jurisdiction = forms.ChoiceField(
        label=label("jurisdiction"), choices=words(Jurisdiction, "jurisdiction"), required=False
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
        quiet: bool = False,
        **kwargs: Any,
    ) -> None:
        #: Quiet: moving between steps shows the answers as given, without judging them.
        self.quiet = quiet
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

    # --- steps ---------------------------------------------------------------------

    STEPS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("history", "History"),
        ("red-flags", "Red flags"),
        ("medical", "Medicines and conditions"),
        ("tcm", "TCM findings"),
        ("preferences", "Preferences and cost"),
        ("questionnaires", "Questionnaires"),
    )
    REVIEW = "review"
    QUESTIONNAIRES = (
        ("start_back", "questionnaires__start_back__", "Answer all nine, or leave them blank."),
        ("rmdq", "rmdq_completed questionnaires__rmdq", ""),
        ("odi", "questionnaires__odi__", "Each section 0 (no problem) to 5 (worst); leave a "
         "section the patient skipped blank."),
        ("peg", "questionnaires__peg__", "Each 0 to 10. Answer all three, or leave them blank."),
    )  # fmt: skip

    def step_ids(self) -> list[str]:
        """The steps in the order they are asked: after a blocked plan, the red flags (and
        their clearances) come first."""
        ids = [sid for sid, _ in self.STEPS]
        if self.flags_to_clear:
            ids.remove("red-flags")
            ids.insert(0, "red-flags")
        return ids

    def steps(self) -> list[Step]:
        titles = dict(self.STEPS)
        build = {
            "history": self._history,
            "red-flags": self._red_flags,
            "medical": self._medical,
            "tcm": lambda: [self._group("tcm", "TCM findings", "tcm__")],
            "preferences": self._preferences,
            "questionnaires": self._questionnaires_groups,
        }
        return [Step(sid, titles[sid], build[sid]()) for sid in self.step_ids()]

    def _fields(self, names: str) -> list[forms.BoundField]:
        return [self[n] for n in names.split()]

    def _group(self, gid: str, title: str, prefix: str, intro: str = "") -> Group:
        return Group(gid, title, [self[n] for n in self.fields if n.startswith(prefix)], intro)

    def value(self, name: str) -> Any:
        """What the input holds now (the posted answer, or the initial value)."""
        return self[name].value()

    def is_male(self) -> bool:
        return bool(self.value("patient__sex") == "male")

    def _answered(self, *names: str) -> bool:
        return any(self.value(n) not in (None, "", [], ()) for n in names)

    def _history(self) -> list[Group]:
        pregnancy = ("patient__pregnant", "patient__pregnancy_weeks")
        leg = ("pain__leg_side", "pain__leg_path", "pain__leg_neuro")
        regions = self.value("pain__regions") or []
        leg_applies = self.value("pain__leg_pain") in {"above_knee", "below_knee"} or (
            "leg" in regions
        )
        return [
            Group("patient", "The patient", self._fields("patient__age_years patient__sex")),
            Group(
                "pregnancy",
                "Pregnancy",
                self._fields(" ".join(pregnancy)),
                "not asked of a male patient by default: open to record a pregnancy"
                if self.is_male()
                else "",
                collapsed=self.is_male()
                and self.value("patient__pregnant") not in (True, "yes")
                and not self._answered("patient__pregnancy_weeks"),
            ),
            Group(
                "pain",
                "The pain",
                self._fields(
                    "pain__regions pain__duration_weeks pain__onset pain__intensity_nrs "
                    "pain__midline pain__leg_pain pain__qualities pain__worse_with "
                    "pain__better_with pain__morning_stiffness_minutes"
                ),
            ),
            Group(
                "leg",
                "The leg pain",
                self._fields(" ".join(leg)),
                "only when the pain goes into the leg",
                collapsed=not leg_applies and not self._answered(*leg),
            ),
        ]

    def _red_flags(self) -> list[Group]:
        clearances = [self[n] for n in self.fields if n.startswith(CLEARANCE_PREFIX)]
        intro = (
            "Only for a red flag that a physician has assessed and ruled out since it was "
            "raised: the flag stays on the record, marked cleared, and no longer stops "
            "treatment."
        )
        if self.flags_to_clear:
            named = ", ".join(RED_FLAG_LABELS.get(f, f).lower() for f in self.flags_to_clear)
            intro = (
                f"The last plan stopped treatment ({named}). If a physician has assessed the "
                "patient and ruled these out, enter who cleared each and when. " + intro
            )
        given = self._answered(*(f.name for f in clearances))
        cleared = Group(
            "clearances",
            "Red flags ruled out by a physician",
            clearances,
            intro,
            collapsed=not self.flags_to_clear and not given,
        )
        flags = Group(
            "flags",
            "Red flags",
            self._fields("red_flags"),
            "Ask about each. Leave unticked what the patient does not report.",
        )
        return [cleared, flags] if self.flags_to_clear else [flags, cleared]

    def _medical(self) -> list[Group]:
        names = ["medical__medications", "medical__conditions", "medical__needle_phobia"]
        if self.fields["confirm_stopped"].choices:  # type: ignore[attr-defined]
            names.insert(1, "confirm_stopped")
        return [Group("medical", "Medicines and conditions", [self[n] for n in names])]

    def _preferences(self) -> list[Group]:
        return [
            Group(
                "preferences",
                "Preferences and cost",
                self._fields(
                    "preferences__techniques preferences__max_sessions_per_week "
                    "preferences__fee_per_session preferences__currency preferences__payer "
                    "jurisdiction"
                ),
            )
        ]

    def _questionnaires_groups(self) -> list[Group]:
        instruments = default_knowledge().instruments
        out = []
        for instrument, names, intro in self.QUESTIONNAIRES:
            if names.endswith("__"):
                bound = [self[n] for n in self.fields if n.startswith(names)]
            else:
                bound = self._fields(names)
            title = instruments[instrument].name
            out.append(Group(instrument.replace("_", "-"), title, bound, intro))
        return out

    def step_of(self, name: str) -> str | None:
        """The step an input is asked in."""
        for step in self.steps():
            if any(f.name == name for f in step.all_fields()):
                return step.id
        return None

    # --- errors -------------------------------------------------------------------------

    #: Errors the contract reports on a whole object, and the input that causes them.
    OBJECT_ERRORS: ClassVar[dict[str, str]] = {
        "patient": "patient__pregnancy_weeks",
        "pain": "pain__regions",
    }
    #: The contract's own rules, in words, by where they apply and their kind.
    WORDS_AT: ClassVar[dict[tuple[str, str], str]] = {
        ("pain.regions", "value_error"): "include the lower back or the upper back: acuplan "
        "plans care for back pain",
        ("patient", "value_error"): "weeks of pregnancy are given, but Pregnant is No: "
        "correct one of them",
        ("medical.cleared_red_flags", "value_error"): "each red flag can be ruled out only once",
        ("preferences.currency", "string_pattern_mismatch"): "must be a three-letter code "
        "such as USD",
    }

    def full_clean(self) -> None:
        if self.quiet:  # moving between steps: nothing is judged yet
            self._errors = ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()

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

    def error_words(self, fe: FieldError) -> str:
        words_at = self.WORDS_AT.get((fe.field, fe.kind))
        return words_at or super().error_words(fe)

    def path_words(self, path: str) -> str:
        head = path.split(".")[0]
        return label(path) if f"field.{path}" in KB.terms else label(head)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for prefix, count in (("questionnaires__start_back__", 9), ("questionnaires__peg__", 3)):
            names = [f"{prefix}{i}" for i in range(count)]
            answered = [n for n in names if data.get(n) not in (None, "")]
            if answered and len(answered) < count:
                for name in names:
                    if name not in answered and name not in self.errors:
                        self.add_error(name, f"not answered: answer all {count} or none")
        self._check_leg(data)
        return data

    def _check_leg(self, data: dict[str, Any]) -> None:
        """A question that cannot apply is refused here too, not only hidden: details of the
        leg pain when the patient has none."""
        if data.get("pain__leg_pain") != "none":
            return
        for name in ("pain__leg_side", "pain__leg_path", "pain__leg_neuro"):
            if data.get(name) and name not in self.errors:
                self.add_error(
                    name,
                    f"the patient has no leg pain ({self.fields['pain__leg_pain'].label}: "
                    "no leg pain): clear this answer, or record the leg pain",
                )

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
