"""A patient's outcomes: the chart, recording a response, progress reviews and links."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Subquery
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from acuplan.clinic.models import Session
from acuplan.clinic.services import record_read
from acuplan.clinic.views.base import (
    AuthedRequest,
    actor,
    clinic_page,
    form_page,
    post_only,
    posted,
)
from acuplan.core.errors import InvalidInput
from acuplan.core.knowledge import default_knowledge
from acuplan.outcomes import access, services, wording
from acuplan.outcomes.chart import FUNCTION_LABELS, PAGE_SIZE, ResponseCursor, load_outcomes
from acuplan.outcomes.forms import OutcomeForm, SettleForm
from acuplan.outcomes.plot import render_svg


@clinic_page
def outcomes_chart(request: AuthedRequest, pk: int) -> HttpResponse:
    patient = access.get_patient_for(request.user, pk, clinical=True)
    chart = load_outcomes(patient, before=ResponseCursor.parse(request.GET.get("before")))
    context = {
        "patient": patient,
        "chart": chart,
        "page_size": PAGE_SIZE,
        "plot": render_svg(chart),
        "function_label": FUNCTION_LABELS[chart.function_instrument],
        "red_flag_labels": [wording.red_flag_label(f) for f in chart.new_red_flags],
        "decision_labels": wording.DECISION_LABELS,
        "kind_labels": wording.KIND_LABELS,
        "now": timezone.now(),
    }
    record_read(actor=actor(request), record=patient, patient=patient, what="outcomes")
    return render(request, "outcomes/chart.html", context)


@clinic_page
def outcome_new(request: AuthedRequest, pk: int) -> HttpResponse:
    patient = access.get_patient_for(request.user, pk, clinical=True)
    function = services.function_instrument_for(patient.clinic_id)
    latest = patient.sessions.order_by("-date", "-id").values("pk")[:50]
    sessions = Session.objects.filter(pk__in=Subquery(latest)).order_by("-date", "-id")
    form = OutcomeForm(posted(request), patient_sessions=sessions, function=function)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_outcome(
                actor=actor(request),
                patient=patient,
                kind=form.cleaned_data["kind"],
                answered_on=form.cleaned_data["answered_on"],
                session=form.cleaned_data["session"],
                data=form.service_data(),
            )
        except InvalidInput as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, "Outcome recorded.")
            return redirect("outcomes:chart", pk=patient.pk)
    context = {"patient": patient, "form": form, "function": function}
    return form_page(request, "outcomes/outcome_form.html", context, invalid=form.is_bound)


@clinic_page
@post_only
def from_intake(request: AuthedRequest, pk: int) -> HttpResponse:
    patient = access.get_patient_for(request.user, pk, clinical=True)
    services.record_intake_baseline(actor=actor(request), patient=patient)
    messages.success(request, "The intake's answers were recorded as the baseline.")
    return redirect("outcomes:chart", pk=patient.pk)


@clinic_page
@post_only
def review_new(request: AuthedRequest, pk: int) -> HttpResponse:
    patient = access.get_patient_for(request.user, pk, clinical=True)
    review = services.review_progress(actor=actor(request), patient=patient)
    return redirect("outcomes:review", pk=review.pk)


@clinic_page
def review_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    review = access.get_review_for(request.user, pk)
    form = SettleForm(posted(request), initial={"decision": review.decision})
    if request.method == "POST" and form.is_valid():
        try:
            services.settle_review(
                actor=actor(request),
                review=review,
                decision=form.cleaned_data["decision"] or None,
                reason=form.cleaned_data["reason"],
            )
        except InvalidInput as exc:
            for e in exc.errors:
                form.add_error(e.field if e.field in form.fields else None, e.message)
        else:
            messages.success(request, "Progress decision recorded.")
            return redirect("outcomes:chart", pk=review.patient_id)
    kb = default_knowledge()
    context = {
        "review": review,
        "patient": review.patient,
        "form": form,
        "decision_labels": wording.DECISION_LABELS,
        "citations": [(s, kb.citation(s)) for s in review.sources if kb.has_source(s)],
    }
    record_read(actor=actor(request), record=review, patient=review.patient, what="progress")
    return form_page(request, "outcomes/review.html", context, invalid=form.is_bound)


@clinic_page
@post_only
def link_send(request: AuthedRequest, pk: int) -> HttpResponse:
    """Front desk may send a link (it carries no clinical content)."""
    patient = access.get_patient_for(request.user, pk)

    def url_for(token: str) -> str:
        return request.build_absolute_uri(reverse("outcomes:questionnaire", args=[token]))

    try:
        link = services.send_questionnaire_link(
            actor=actor(request), patient=patient, url_for=url_for
        )
    except InvalidInput as exc:
        messages.error(request, "Not sent: " + "; ".join(e.message for e in exc.errors) + ".")
    else:
        expires = timezone.localtime(link.expires_at).strftime("%Y-%m-%d")
        messages.success(
            request, f"Questionnaire link sent to {link.sent_to} (valid until {expires})."
        )
    if not request.user.is_clinical:
        return redirect("patient_details", pk=patient.pk)
    return redirect("outcomes:chart", pk=patient.pk)


@clinic_page
@post_only
def flags_seen(request: AuthedRequest, pk: int) -> HttpResponse:
    """A clinician has seen the red flags a patient reported: off the urgent panel."""
    response = access.get_response_for(request.user, pk)
    services.acknowledge_red_flags(actor=actor(request), response=response)
    messages.success(request, f"Red flags reported by {response.patient} marked as seen.")
    return redirect("dashboard")


@clinic_page
@post_only
def baseline_set(request: AuthedRequest, pk: int) -> HttpResponse:
    """Choose the response progress is measured from (a reason is required; audited)."""
    patient = access.get_patient_for(request.user, pk, clinical=True)
    data = request.POST
    raw = str(data.get("response", ""))
    response = patient.outcome_responses.filter(pk=int(raw)).first() if raw.isdigit() else None
    if response is None:
        messages.error(request, "Not changed: choose one of this patient's responses.")
        return redirect("outcomes:chart", pk=patient.pk)
    try:
        services.set_baseline(
            actor=actor(request),
            patient=patient,
            response=response,
            reason=str(data.get("reason", "")),
        )
    except InvalidInput as exc:
        messages.error(request, "Not changed: " + "; ".join(e.message for e in exc.errors) + ".")
    else:
        messages.success(request, f"Progress is now measured from {response.answered_on:%Y-%m-%d}.")
    return redirect("outcomes:chart", pk=patient.pk)
