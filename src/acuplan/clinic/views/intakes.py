"""The intake form (contract version 1) and a stored intake's read-only view."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from acuplan.clinic import access, pages_support, safety_gate, services
from acuplan.clinic.forms import IntakeForm
from acuplan.clinic.intake_summary import summarise
from acuplan.clinic.models import Patient
from acuplan.clinic.views.base import AuthedRequest, actor, clinic_page, form_page, posted
from acuplan.core.errors import InvalidInput
from acuplan.core.intake import parse_intake
from acuplan.core.knowledge import default_knowledge


@clinic_page
def intake_new(request: AuthedRequest, pk: int) -> HttpResponse:
    """The intake in steps; store it and its draft plan, then go to the plan.

    ``go`` names what the clinician asked for: a step (show it; nothing is judged yet),
    ``review`` (judge every answer and show a summary, saving nothing) or ``save`` (the
    default, so that a plain submission saves). Contract errors are checked even when some
    inputs failed to parse, so the clinician sees every problem at once; nothing is stored
    while any remains."""
    patient = access.get_patient_for(request.user, pk, clinical=True)
    go = str(request.POST.get("go") or SAVE) if request.method == "POST" else None
    form = IntakeForm(
        posted(request),
        patient=patient,
        today=timezone.localdate(),
        flags_to_clear=_flags_to_clear(patient),
        quiet=go not in {None, REVIEW, SAVE},
    )
    ids = form.step_ids()
    step = go if go in ids else ids[0]
    data: dict[str, Any] = {}
    if go in {REVIEW, SAVE}:
        step = REVIEW
        form.is_valid()
        data = form.intake_data()
        try:
            parse_intake(data)  # pure validation, to report contract errors with form errors
            if not form.errors and go == SAVE:
                plan = pages_support.record_intake_and_plan(
                    actor=actor(request),
                    patient=patient,
                    data=data,
                    confirmed_removals=form.confirmed_removals(),
                )
                return redirect("plan_review", pk=plan.pk)
        except InvalidInput as exc:
            form.add_service_errors(e for e in exc.errors if not _shadowed(form, e.field))
    return form_page(
        request,
        "clinic/intake_form.html",
        _step_context(form, patient, step, data),
        invalid=step == REVIEW and bool(form.errors),
    )


REVIEW, SAVE = IntakeForm.REVIEW, "save"


def _step_context(
    form: IntakeForm, patient: Patient, step: str, data: dict[str, Any]
) -> dict[str, Any]:
    steps = form.steps()
    ids = [s.id for s in steps]
    errors = {s.id for s in steps if s.has_errors} if form.is_bound and not form.quiet else set()
    shown = errors if step == REVIEW else {step}
    at = ids.index(step) if step in ids else len(ids)
    by_id = {s.id: s for s in steps}
    return {
        "patient": patient,
        "form": form,
        "steps": steps,
        "step": step,
        "step_number": at + 1,
        "shown": shown,
        "error_steps": errors,
        "previous_step": by_id[ids[at - 1]] if at > 0 else None,
        "next_step": by_id[ids[at + 1]] if at + 1 < len(ids) else None,
        "summary": (
            {sec.step: sec for sec in summarise(default_knowledge(), data)}
            if step == REVIEW
            else {}
        ),
    }


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
        "sections": summarise(default_knowledge(), intake.data),
    }
    return render(request, "clinic/intake_detail.html", context)
