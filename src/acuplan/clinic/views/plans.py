"""A plan: the review page (triage first), approval, overrides and the patient handout."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format

from acuplan.clinic import access, safety_gate, services
from acuplan.clinic.forms import OverrideForm, ReferralMadeForm
from acuplan.clinic.models import Plan, PlanStatus
from acuplan.clinic.plan_page import plan_page
from acuplan.clinic.prescription import effective_plan_data
from acuplan.clinic.templatetags.clinic_extras import render_plain_markdown
from acuplan.clinic.views.base import (
    AuthedRequest,
    actor,
    clinic_page,
    post_only,
    posted,
)
from acuplan.core.errors import Conflict, InvalidInput
from acuplan.core.knowledge import default_knowledge
from acuplan.core.planning.handout import HandoutContext, patient_handout

BLOCKING = safety_gate.BLOCKING


def safety_rule_choices(plan: Plan) -> list[tuple[str, str]]:
    """The safety rules that fired for this plan's findings (what an override may name)."""
    if not plan.is_treatable:
        return []
    rules = safety_gate.plan_safety(plan).filter.rules
    return [(r.id, f"{r.title} ({r.id})") for r in rules]


def _review(
    request: AuthedRequest,
    plan: Plan,
    override_form: OverrideForm | None = None,
    referral_form: ReferralMadeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    services.record_read(actor=actor(request), record=plan, patient=plan.patient, what="plan")
    overrides = plan.overrides.select_related("by").order_by("at")
    rules = safety_rule_choices(plan)
    data = effective_plan_data(plan)
    kb = default_knowledge()
    context = {
        "plan": plan,
        "patient": plan.patient,
        "data": data,
        "page": plan_page(kb, data),
        "decision_text": kb.term(f"decision.{plan.triage_decision}"),
        "blocking": plan.triage_decision in BLOCKING,
        "can_approve": plan.status == PlanStatus.DRAFT and plan.is_treatable,
        "can_override": plan.status != PlanStatus.SUPERSEDED and plan.is_treatable,
        "overrides": overrides,
        "override_form": override_form or OverrideForm(rules=rules),
        "referral_form": referral_form or ReferralMadeForm(),
        "referrals_made": plan.referrals_made.select_related("made_by"),
    }
    return render(request, "clinic/plan_review.html", context, status=status)


@clinic_page
def plan_review(request: AuthedRequest, pk: int) -> HttpResponse:
    return _review(request, access.get_plan_for(request.user, pk))


@clinic_page
@post_only
def plan_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = access.get_plan_for(request.user, pk)
    services.approve_plan(actor=actor(request), plan=plan)
    messages.success(request, "Plan approved. Earlier approved plans are superseded.")
    return redirect("plan_review", pk=plan.pk)


@clinic_page
@post_only
def plan_override(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = access.get_plan_for(request.user, pk)
    form = OverrideForm(posted(request), rules=safety_rule_choices(plan))
    if form.is_valid():
        try:
            services.override_plan(
                actor=actor(request),
                plan=plan,
                kind=form.cleaned_data["kind"],
                target=form.cleaned_data["target"],
                reason=form.cleaned_data["reason"],
                overrides_rules=tuple(form.cleaned_data["overrides_rules"]),
            )
        except InvalidInput as exc:
            form.add_service_errors(exc.errors)
        except Conflict as exc:  # the same override twice
            form.add_error("target", str(exc))
        else:
            messages.success(request, "Override recorded.")
            return redirect("plan_review", pk=plan.pk)
    return _review(request, plan, override_form=form, status=400)


@clinic_page
@post_only
def plan_referral_made(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = access.get_plan_for(request.user, pk)
    form = ReferralMadeForm(posted(request))
    if form.is_valid():
        services.record_referral_made(
            actor=actor(request), plan=plan, note=form.cleaned_data["note"]
        )
        messages.success(request, "Referral recorded as made.")
        return redirect("plan_review", pk=plan.pk)
    return _review(request, plan, referral_form=form, status=400)


@clinic_page
def plan_handout(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = access.get_plan_for(request.user, pk)
    services.record_read(actor=actor(request), record=plan, patient=plan.patient, what="handout")
    about = handout_context(plan)
    text = patient_handout(default_knowledge(), effective_plan_data(plan), about)
    context = {"plan": plan, "patient": plan.patient, "handout": render_plain_markdown(text)}
    return render(request, "clinic/plan_handout.html", context)


def handout_context(plan: Plan) -> HandoutContext:
    """What the handout needs that the plan does not hold: the clinic, its phone, the
    practitioner and the patient's next booked visit (in the clinic's time zone)."""
    from acuplan.outcomes.models import Appointment

    patient = plan.patient
    practitioner = patient.practitioner or plan.approved_by or plan.created_by
    upcoming = (
        Appointment.objects.filter(
            patient=patient,
            status=Appointment.Status.SCHEDULED,
            starts_at__gte=timezone.now(),
        )
        .order_by("starts_at", "pk")
        .first()
    )
    next_visit = ""
    if upcoming is not None:
        at = timezone.localtime(upcoming.starts_at)
        next_visit = f"{date_format(at, 'l j F Y')} at {date_format(at, 'G:i')}"
    return HandoutContext(
        patient_name=patient.full_name,
        date=date_format(timezone.localtime(plan.created_at), "j F Y"),
        clinic_name=patient.clinic.name,
        clinic_phone=patient.clinic.phone,
        practitioner=practitioner.display_name if practitioner else "",
        next_visit=next_visit,
        payer=(plan.intake.data.get("preferences") or {}).get("payer") or "",
    )
