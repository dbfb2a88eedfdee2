"""A plan: the review page (triage first), approval, overrides and the patient handout."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from acuplan.clinic import access, safety_gate, services
from acuplan.clinic.forms import OverrideForm, ReferralMadeForm
from acuplan.clinic.models import Plan, PlanStatus
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
from acuplan.core.planning.handout import patient_handout

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
    context = {
        "plan": plan,
        "patient": plan.patient,
        "data": effective_plan_data(plan),
        "evidence_ids": {e["id"] for e in plan.data.get("evidence", [])},
        "decision_text": default_knowledge().term(f"decision.{plan.triage_decision}"),
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
    handout = render_plain_markdown(patient_handout(default_knowledge(), effective_plan_data(plan)))
    context = {"plan": plan, "patient": plan.patient, "handout": handout}
    return render(request, "clinic/plan_handout.html", context)
