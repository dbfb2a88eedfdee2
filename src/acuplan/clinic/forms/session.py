"""Charting a session: the session's fields, and numbered rows (points, adverse events)
that work without JavaScript."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms
from django.http import QueryDict

from acuplan.clinic.forms.base import (
    STIMULATION,
    WAVEFORMS,
    ClinicForm,
    TriStateField,
    blank,
    choices,
    int_field,
    label_for,
    lines,
    number,
)
from acuplan.clinic.services import MAX_SET_MINUTES, SEVERITIES, SIDES
from acuplan.core.billing import default_rules
from acuplan.core.errors import FieldError
from acuplan.core.intake import Technique

SEVERITY_ORDER = ["mild", "moderate", "serious"]


def _side_choices() -> list[tuple[str, str]]:
    order = ["bilateral", "left", "right", "midline", "as_found"]
    return blank([(s, label_for(s)) for s in order if s in SIDES], "Usual for the point")


class SessionForm(ClinicForm):
    date = forms.DateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    method = forms.ChoiceField(label="Method", choices=choices(Technique))
    retention_minutes = int_field("Needle retention (minutes)", 0, 120)
    needle_type = forms.CharField(
        label="Needle type",
        max_length=100,
        required=False,
        help_text="For example: sterile single-use stainless steel, guide tube.",
    )
    needle_size = forms.CharField(
        label="Needle size",
        max_length=40,
        required=False,
        help_text="Gauge x length, e.g. 0.25 x 40 mm.",
    )
    needle_count = int_field("Number of needles", 0)
    electro_frequency_hz = number("Frequency (Hz)")
    electro_waveform = forms.ChoiceField(
        label="Waveform", choices=blank([(w, label_for(w)) for w in WAVEFORMS]), required=False
    )
    electro_intensity = forms.CharField(
        label="Intensity",
        max_length=40,
        required=False,
        help_text="For example: to tolerance, 2 mA.",
    )
    electro_minutes = int_field("Stimulation (minutes)", 0, 120)
    moxibustion = forms.BooleanField(label="Moxibustion used", required=False)
    cotreatments = forms.CharField(
        label="Co-treatments",
        required=False,
        help_text="One a line: cupping, heat lamp, exercise advice ...",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    pain_nrs = int_field("Pain today (0 to 10)", 0, 10)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    evaluation = forms.ChoiceField(
        label="Separate evaluation (E/M code)",
        required=False,
        help_text="Only for an evaluation beyond the routine check of every visit; it is "
        "billed with modifier 25.",
    )
    evaluation_note = forms.CharField(
        label="What the separate evaluation covered",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        codes = default_rules().evaluation.codes
        self.fields["evaluation"].choices = blank(  # type: ignore[attr-defined]
            [(c, c) for c in codes], "None (a routine visit)"
        )

    ELECTRO: ClassVar[dict[str, str]] = {
        "electro_frequency_hz": "frequency_hz",
        "electro_waveform": "waveform",
        "electro_intensity": "intensity",
        "electro_minutes": "minutes",
    }

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        electro = {
            key: d[name] for name, key in self.ELECTRO.items() if d.get(name) not in (None, "")
        }
        return {
            "date": d["date"],
            "method": d["method"],
            "retention_minutes": d.get("retention_minutes"),
            "needle_type": d.get("needle_type") or "",
            "needle_size": d.get("needle_size") or "",
            "needle_count": d.get("needle_count"),
            "electro": electro,
            "moxibustion": bool(d.get("moxibustion")),
            "cotreatments": lines(d.get("cotreatments") or ""),
            "notes": d.get("notes") or "",
            "pain_nrs": d.get("pain_nrs"),
            "evaluation": d.get("evaluation") or "",
            "evaluation_note": d.get("evaluation_note") or "",
        }


class NeedleSetRowForm(ClinicForm):
    """One insertion of needles: what the CPT coding counts."""

    stimulation = forms.ChoiceField(
        label="Stimulation",
        choices=blank([("manual", "Manual"), ("electro", "Electrical")], "No set"),
        required=False,
    )
    face_to_face_minutes = int_field("Face-to-face minutes", 0, MAX_SET_MINUTES)
    retention_minutes = int_field("Retention without contact (minutes)", 0, MAX_SET_MINUTES)

    def row(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "stimulation": d.get("stimulation") or "",
            "face_to_face_minutes": d.get("face_to_face_minutes"),
            "retention_minutes": d.get("retention_minutes") or 0,
        }


class PointRowForm(ClinicForm):
    code = forms.CharField(
        label="Point",
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"class": "code"}),
    )
    side = forms.ChoiceField(label="Side", choices=_side_choices(), required=False)
    depth_cun = forms.DecimalField(
        label="Depth (cun)",
        required=False,
        max_digits=3,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.1", "min": 0, "class": "short"}),
    )
    de_qi = TriStateField("De qi", unknown="Not recorded")
    stimulation = forms.ChoiceField(
        label="Stimulation",
        choices=blank([(s, label_for(s)) for s in STIMULATION]),
        required=False,
    )

    def row(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "code": d.get("code") or "",
            "side": d.get("side") or "",
            "depth_cun": d.get("depth_cun"),
            "de_qi": d.get("de_qi"),
            "stimulation": d.get("stimulation") or "",
        }


class AdverseEventRowForm(ClinicForm):
    kind = forms.CharField(
        label="Event",
        max_length=40,
        required=False,
        help_text="Bleeding, haematoma, pain, fainting ...",
    )
    severity = forms.ChoiceField(
        label="Severity",
        choices=blank([(s, s.capitalize()) for s in SEVERITY_ORDER if s in SEVERITIES], "Choose"),
        required=False,
    )
    description = forms.CharField(label="What happened", max_length=500, required=False)

    def row(self) -> dict[str, Any]:
        return {k: self.cleaned_data.get(k) or "" for k in ("kind", "severity", "description")}


@dataclass
class Rows:
    """Numbered row forms (points or adverse events) without JavaScript: the page holds a
    fixed number of rows (pre-filled ones, then a few blank ones), posted back as
    ``<prefix>-<i>-<field>`` with a ``<prefix>-rows`` count. Blank rows are skipped."""

    prefix: str
    forms: list[ClinicForm]

    def __iter__(self) -> Iterator[ClinicForm]:
        return iter(self.forms)

    @property
    def count(self) -> int:
        return len(self.forms)

    def filled(self) -> list[tuple[int, ClinicForm]]:
        """(row index, form) of the rows that hold anything."""
        return [(i, f) for i, f in enumerate(self.forms) if not f.is_blank()]

    def is_valid(self) -> bool:
        return all(f.is_valid() for f in self.forms)

    def add_service_errors(self, errors: Iterable[FieldError], sent: list[int]) -> list[FieldError]:
        """Attach ``<prefix>.<n>.<field>`` errors to row ``sent[n]``; return the rest."""
        rest = []
        for fe in errors:
            parts = fe.field.split(".")
            if parts[0] == self.prefix and len(parts) >= 3 and parts[1].isdigit():
                n = int(parts[1])
                if n < len(sent):
                    form = self.forms[sent[n]]
                    name = parts[2] if parts[2] in form.fields else None
                    form.add_error(name, fe.message)
                    continue
            rest.append(fe)
        return rest

    def errors(self) -> list[tuple[str, str, str]]:
        out = []
        for i, form in enumerate(self.forms):
            out += [
                (anchor, f"{self.prefix.replace('_', ' ')} row {i + 1}: {label}", msg)
                for anchor, label, msg in form.error_summary()
            ]
        return out


MAX_ROWS = 60


def make_rows(
    prefix: str,
    form_class: type[ClinicForm],
    *,
    data: QueryDict | None = None,
    initial: list[dict[str, Any]] | None = None,
    blank: int = 3,
) -> Rows:
    """Rows bound to ``data`` (as many as its ``<prefix>-rows`` says) or, unbound, the
    ``initial`` rows followed by ``blank`` empty ones."""
    if data is not None:
        try:
            count = int(data.get(f"{prefix}-rows", "0"))
        except ValueError:
            count = 0
        count = max(1, min(count, MAX_ROWS))
        return Rows(prefix, [form_class(data, prefix=f"{prefix}-{i}") for i in range(count)])
    rows = [form_class(prefix=f"{prefix}-{i}", initial=row) for i, row in enumerate(initial or [])]
    rows += [form_class(prefix=f"{prefix}-{len(rows) + i}") for i in range(blank)]
    return Rows(prefix, rows[:MAX_ROWS])
