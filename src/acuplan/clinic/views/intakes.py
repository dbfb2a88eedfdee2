"""The intake form (contract version 1) and a stored intake's read-only view."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from acuplan.clinic import access, pages_support, safety_gate, services
from acuplan.clinic.forms import IntakeForm
from acuplan.clinic.models import Patient
from acuplan.clinic.views.base import AuthedRequest, actor, clinic_page, form_page, posted
from acuplan.core.errors import InvalidInput
from acuplan.core.intake import parse_intake


@clinic_page
def intake_new(request: AuthedRequest, pk: int) -> HttpResponse:
    """Build the contract JSON, store the intake and its draft plan, go to the plan.

    Contract errors are checked even when some inputs failed to parse, so the clinician
    sees every problem at once; nothing is stored while any remains."""
    patient = access.get_patient_for(request.user, pk, clinical=True)
    form = IntakeForm(
        posted(request),
        patient=patient,
        today=timezone.localdate(),
        flags_to_clear=_flags_to_clear(patient),
    )
    if request.method == "POST":
        form.is_valid()
        data = form.intake_data()
        try:
            parse_intake(data)  # pure validation, to report contract errors with form errors
            if not form.errors:
                plan = pages_support.record_intake_and_plan(
                    actor=actor(request),
                    patient=patient,
                    data=data,
                    confirmed_removals=form.confirmed_removals(),
                )
                return redirect("plan_review", pk=plan.pk)
        except InvalidInput as exc:
            form.add_service_errors(e for e in exc.errors if not _shadowed(form, e.field))
    context = {"patient": patient, "form": form, "groups": form.groups()}
    return form_page(request, "clinic/intake_form.html", context, invalid=form.is_bound)


def _flags_to_clear(patient: Patient) -> tuple[str, ...]:
    """The red flags that stopped the latest plan (the form asks whether they are cleared)."""
    gate = safety_gate.treatment_gate(patient)
    if gate.plan is None or gate.plan.triage_decision not in safety_gate.BLOCKING:
        return tuple(gate.reported_flags)
    flags = [
        t.removeprefix("red_flag.")
        for r in gate.plan.data["triage"]["reasons"]
        if not r.get("cleared")
        for t in r.get("findings", [])
        if t.startswith("red_flag.")
    ]
    if not flags and "leg_neuro_both_sides" in gate.plan.data.get("findings", []):
        flags = ["bilateral_leg_neuro"]
    return tuple(dict.fromkeys(flags))


def _shadowed(form: IntakeForm, path: str) -> bool:
    """A contract error on an input that already failed to parse repeats that error."""
    name = form.field_for(path)
    return name is not None and name in form.errors


@clinic_page
def intake_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    intake = access.get_intake_for(request.user, pk)
    plans = intake.plans.only("pk", "status", "triage_decision", "created_at")
    services.record_read(actor=actor(request), record=intake, patient=intake.patient, what="intake")
    context = {
        "intake": intake,
        "patient": intake.patient,
        "plans": plans,
        "sections": intake_sections(intake.data),
    }
    return render(request, "clinic/intake_detail.html", context)


SECTION_TITLES = {
    "jurisdiction": "Jurisdiction",
    "patient": "Patient",
    "pain": "Pain",
    "red_flags": "Red flags",
    "tcm": "TCM findings",
    "medical": "Medications and conditions",
    "preferences": "Preferences",
    "questionnaires": "Questionnaires (answers as given)",
}


def intake_sections(data: dict[str, Any]) -> list[tuple[str, list[tuple[str, str]]]]:
    """A stored intake as (section title, [(label, value)]) for a read-only page."""
    out = []
    for key, title in SECTION_TITLES.items():
        value = data.get(key)
        if isinstance(value, dict):
            rows = [(_words(k).capitalize(), _show(v)) for k, v in value.items()]
        else:
            rows = [(title, _show(value))]
        out.append((title, rows))
    return out


def _words(value: object) -> str:
    return str(value).replace("_", " ")


def _show(value: object) -> str:
    if value is None:
        return "not answered"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value) if value else "none reported"
    if isinstance(value, float):
        return f"{value:g}"
    return _words(value)
