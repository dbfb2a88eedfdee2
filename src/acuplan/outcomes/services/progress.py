"""Progress reviews: ``core.outcomes.progress.decide_progress`` on the patient's responses,
stored with every input and the rule that fired; a practitioner then confirms the decision
or overrides it with a reason.

Baseline and current, per instrument: the first response that gave the instrument and the
latest one that gave it (when that is a later response). Comparing per instrument keeps a
quick pain-only session check from hiding the function score of the last follow-up; the
instruments are never mixed (an RMDQ is never compared with an ODI).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.db import transaction
from django.utils import timezone

from acuplan.clinic.models import Patient, Plan
from acuplan.clinic.services import Actor, require_practitioner
from acuplan.core.errors import Conflict, FieldError, InvalidInput
from acuplan.core.knowledge import default_knowledge
from acuplan.core.outcomes.measures import TRACKED
from acuplan.core.outcomes.progress import DECISIONS, decide_progress
from acuplan.outcomes.models import OutcomeResponse, ProgressReview, ReviewStatus
from acuplan.outcomes.services.baseline import baseline_response
from acuplan.outcomes.services.common import (
    approved_plan,
    audit,
    course_sessions,
    require_clinical,
)

RESPONDER = "continue_then_taper"
EXTENDED = "extend_initial_phase"


@transaction.atomic
def review_progress(*, actor: Actor, patient: Patient) -> ProgressReview:
    """Decide progress now. Conflict without an approved plan, without a later response to
    compare with the baseline, or while an earlier review awaits the practitioner."""
    require_clinical(actor)
    Patient.objects.select_for_update().filter(pk=patient.pk).first()  # one review at a time
    open_review = patient.progress_reviews.filter(status=ReviewStatus.PROPOSED).first()
    if open_review is not None:
        raise Conflict("confirm or override the open progress review before starting another")
    base = baseline_response(patient)
    responses = list(patient.outcome_responses.order_by("answered_on", "id"))
    if base is not None:  # progress runs from the baseline on, never from before it
        responses = [r for r in responses if (r.answered_on, r.pk) >= (base.answered_on, base.pk)]
    if base is None or len(responses) < 2:
        raise Conflict("a progress review needs a baseline and at least one later response")
    kb = default_knowledge()
    plan = approved_plan(patient)
    if plan is None:
        # Without a course there is no "full course" to judge, and 0 of 0 sessions would
        # read as complete: a non-response would wrongly become "stop and refer".
        raise Conflict("progress is judged against an approved plan's course: approve one first")
    baseline, current = _pairs(responses)
    course = _course_state(patient, plan)
    new_flags = _new_red_flags(patient, plan, responses)
    decision = decide_progress(
        kb,
        baseline={k: v["score"] for k, v in baseline.items()},
        current={k: v["score"] for k, v in current.items()},
        new_red_flags=new_flags,
        **course,
    )
    inputs: dict[str, Any] = {
        **decision.inputs,
        "baseline": baseline,
        "current": current,
        "changes": [asdict(c) for c in decision.changes],
        "plan": plan.pk,
    }
    review = ProgressReview.objects.create(
        patient=patient,
        plan=plan,
        baseline=responses[0],
        current=responses[-1],
        decision=decision.decision,
        rule=decision.rule,
        text=decision.text,
        inputs=inputs,
        sources=decision.sources,
        knowledge_version=kb.version,
        created_by=actor.user,
    )
    audit(
        actor,
        "acuplan.progress.reviewed",
        review,
        patient,
        decision=decision.decision,
        rule=decision.rule,
    )
    return review


def _pairs(
    responses: list[OutcomeResponse],
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    baseline: dict[str, dict[str, Any]] = {}
    current: dict[str, dict[str, Any]] = {}
    for r in responses:
        for k in TRACKED:
            if r.scores.get(k, {}).get("total") is None:  # not given, or not scorable
                continue
            entry = {
                "score": r.scores[k]["total"],
                "version": r.scores[k]["version"],
                "on": r.answered_on.isoformat(),
                "response": r.pk,
            }
            if k not in baseline:
                baseline[k] = entry
            elif entry["version"] == baseline[k]["version"]:  # never across versions
                current[k] = entry
    return {k: v for k, v in baseline.items() if k in current}, current


def _course_state(patient: Patient, plan: Plan) -> dict[str, Any]:
    """sessions_done / sessions_planned / extended_already / discharged for decide_progress.

    An extension repeats the initial phase once (the plan's first phase), so the planned
    count grows by that phase's sessions. "Discharged" means the planned course is done
    after a confirmed responder decision: pain coming back then calls for a booster."""
    course = plan.data.get("course") or {}
    settled = list(
        ProgressReview.objects.filter(plan=plan)
        .exclude(status=ReviewStatus.PROPOSED)
        .values_list("final_decision", flat=True)
    )
    extended = EXTENDED in settled
    phases = course.get("phases") or [{}]
    planned = int(course.get("sessions_planned", 0))
    planned += int(phases[0].get("sessions", 0)) if extended else 0
    done = course_sessions(patient, plan).count()
    return {
        "sessions_done": done,
        "sessions_planned": planned,
        "extended_already": extended,
        "discharged": done >= planned > 0 and RESPONDER in settled,
    }


def _new_red_flags(patient: Patient, plan: Plan, responses: list[OutcomeResponse]) -> list[str]:
    """Red flags reported since the last settled review that the plan's intake did not list."""
    known = set(plan.intake.data.get("red_flags") or [])
    last = (
        patient.progress_reviews.exclude(status=ReviewStatus.PROPOSED)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    recent = [r for r in responses if last is None or r.recorded_at > last]
    return sorted({f for r in recent for f in r.red_flags} - known)


@transaction.atomic
def settle_review(
    *, actor: Actor, review: ProgressReview, decision: str | None = None, reason: str = ""
) -> ProgressReview:
    """Confirm the proposed decision (``decision`` None or the same), or override it with
    another decision and a reason (required). Conflict if the review is already settled."""
    require_practitioner(actor, timezone.localdate())
    review = ProgressReview.objects.select_for_update().get(pk=review.pk)
    if review.is_settled:
        raise Conflict(f"this review was already {review.status}")
    chosen = decision or review.decision
    reason = reason.strip()
    errors: list[FieldError] = []
    if chosen not in DECISIONS:
        errors.append(FieldError("decision", "must be one of " + ", ".join(DECISIONS)))
    overridden = chosen != review.decision
    if overridden and not reason:
        errors.append(FieldError("reason", "an override needs a reason"))
    if len(reason) > 2000:
        errors.append(FieldError("reason", "at most 2000 characters"))
    if errors:
        raise InvalidInput(errors)
    review.status = ReviewStatus.OVERRIDDEN if overridden else ReviewStatus.CONFIRMED
    review.final_decision, review.reason = chosen, reason
    review.settled_by, review.settled_at = actor.user, timezone.now()
    review.save(update_fields=["status", "final_decision", "reason", "settled_by", "settled_at"])
    audit(
        actor,
        f"acuplan.progress.{review.status}",
        review,
        review.patient,
        proposed=review.decision,
        final=chosen,
    )
    return review
