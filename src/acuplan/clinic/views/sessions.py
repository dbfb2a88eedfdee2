"""Charting a treatment session (pre-filled from the last session or the approved plan)
and reading one back."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from acuplan.clinic import access, pages_support, safety_gate, services
from acuplan.clinic.forms import (
    AdverseEventRowForm,
    NeedleSetRowForm,
    PointRowForm,
    Rows,
    SessionForm,
    make_rows,
)
from acuplan.clinic.models import Patient, Plan, Session
from acuplan.clinic.views.base import AuthedRequest, actor, clinic_page, posted
from acuplan.core.errors import Conflict, InvalidInput, NotPermitted

PREFILL_NOTE = {
    "last_session": "Pre-filled from the last session. Check every row before saving.",
    "plan": "Pre-filled from the approved plan, with its overrides; depths are the plan's "
    "maximum. Check every row before saving.",
    "none": "There is no approved plan and no earlier session to start from.",
}
CONFIRM = "confirm__"


@clinic_page
def session_new(request: AuthedRequest, pk: int) -> HttpResponse:
    patient = access.get_patient_for(request.user, pk, clinical=True)
    today = timezone.localdate()
    gate = safety_gate.treatment_gate(patient)
    if gate.blocked:
        # The page says why before anything is typed; services.record_session decides.
        services.record_read(
            actor=actor(request), record=patient, patient=patient, what="session_form"
        )
        blocked = {"patient": patient, "gate": gate}
        return render(request, "clinic/session_blocked.html", blocked, status=409)
    prefill = pages_support.session_prefill(patient, today)
    data = posted(request)
    form = SessionForm(data, initial=prefill.initial)
    points = make_rows("points", PointRowForm, data=data, initial=prefill.points, blank=6)
    events = make_rows("adverse_events", AdverseEventRowForm, data=data, blank=3)
    sets = make_rows("sets", NeedleSetRowForm, data=data, initial=prefill.sets, blank=2)
    refused, refused_status, pending = "", 403, {}
    confirmations = _posted_confirmations(data)
    rows = (points, events, sets)
    if data is not None and all([form.is_valid(), *(r.is_valid() for r in rows)]):
        pending = _pending(gate, form, points, confirmations)
        try:
            session = _record(request, patient, prefill.plan, form, rows, confirmations)
        except (NotPermitted, Conflict) as exc:  # an expired licence: keep what was typed
            refused, refused_status = str(exc), 409 if isinstance(exc, Conflict) else 403
        else:
            if session is not None:
                messages.success(request, f"Session of {session.date:%d %b %Y} recorded.")
                return redirect("patient_chart", pk=patient.pk)
    errors = (
        form.error_summary() + points.errors() + sets.errors() + events.errors() if data else []
    )
    # The form shows the last session's points: reading it is a read of the chart.
    services.record_read(actor=actor(request), record=patient, patient=patient, what="session_form")
    context: dict[str, Any] = {
        "patient": patient,
        "form": form,
        "points": points,
        "events": events,
        "sets": sets,
        "plan": prefill.plan,
        "prefill_note": PREFILL_NOTE[prefill.source],
        "refused": refused,
        "licence_warning": pages_support.licence_problem(request.user, today) or "",
        "errors": errors,
        "pending": [
            {"name": f"{CONFIRM}{t}", "target": t, "message": m, "value": confirmations.get(t, "")}
            for t, m in pending.items()
        ],
    }
    status = refused_status if refused else 400 if errors else 200
    return render(request, "clinic/session_form.html", context, status=status)


def _posted_confirmations(data: Any) -> dict[str, str]:
    if data is None:
        return {}
    return {
        k.removeprefix(CONFIRM): str(v)
        for k, v in data.items()
        if k.startswith(CONFIRM) and str(v).strip()
    }


def _pending(
    gate: safety_gate.Gate, form: SessionForm, points: Rows, confirmations: dict[str, str]
) -> dict[str, str]:
    """What still needs a reason, to ask for it next to the form (the service decides)."""
    if gate.plan is None:
        return {}
    rows = [f.row() for _, f in points.filled()]
    kwargs = form.service_kwargs()
    check = safety_gate.check_session(
        safety_gate.plan_safety(gate.plan, [str(r["code"]).upper() for r in rows]),
        method=kwargs["method"],
        moxibustion=kwargs["moxibustion"],
        points=[{"code": str(r["code"]).upper(), "depth_cun": r["depth_cun"]} for r in rows],
        confirmations={},
    )
    return check.pending


def _record(
    request: AuthedRequest,
    patient: Patient,
    plan: Plan | None,
    form: SessionForm,
    rows: tuple[Rows, Rows, Rows],
    confirmations: dict[str, str],
) -> Session | None:
    """The session, or None when the service named bad fields (now on the form's inputs).

    Blank rows are not sent; an error on the service's n-th point (or set) goes to the row
    it came from."""
    points, events, sets = rows
    sent_points, sent_events, sent_sets = points.filled(), events.filled(), sets.filled()
    try:
        return services.record_session(
            actor=actor(request),
            patient=patient,
            plan=plan,
            points=[f.row() for _, f in sent_points],
            adverse_events=[f.row() for _, f in sent_events],
            sets=[f.row() for _, f in sent_sets],
            confirmations=confirmations,
            **form.service_kwargs(),
        )
    except InvalidInput as exc:
        rest = points.add_service_errors(exc.errors, [i for i, _ in sent_points])
        rest = events.add_service_errors(rest, [i for i, _ in sent_events])
        rest = sets.add_service_errors(rest, [i for i, _ in sent_sets])
        form.add_service_errors(rest)
        return None


@clinic_page
def session_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    session = access.get_session_for(request.user, pk)
    services.record_read(
        actor=actor(request), record=session, patient=session.patient, what="session"
    )
    from acuplan.billing.coding import code_session  # billing reads the clinic's records
    from acuplan.core.billing.rules import default_rules

    coding = code_session(session)
    rules = default_rules().rules
    context = {
        "session": session,
        "patient": session.patient,
        "points": session.points.all(),
        "events": session.adverse_events.all(),
        "sets": session.sets.all(),
        "coding": coding,
        "coding_rules": [(rules[r].summary, r) for r in coding.coding.rules if r in rules],
    }
    return render(request, "clinic/session_detail.html", context)
