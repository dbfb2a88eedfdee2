"""The start page: what is urgent, today's sessions, and for clinicians the work waiting for
them. Reading it is audited with the ids of the patients it shows."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from acuplan.audit.log import record_list_read
from acuplan.bridge.access import pending_referrals
from acuplan.clinic import queries
from acuplan.clinic.views.base import AuthedRequest, actor, clinic_page
from acuplan.core.knowledge import default_knowledge


@clinic_page
def dashboard(request: AuthedRequest) -> HttpResponse:
    user, today = request.user, timezone.localdate()
    sessions = list(queries.todays_sessions(user, today))
    upcoming = queries.upcoming_visits(user, timezone.now())
    boosters = queries.open_booster_offers(user)
    context: dict[str, object] = {
        "today": today,
        "sessions": sessions,
        "upcoming": upcoming,
        "boosters": boosters,
        "failed_sends": queries.failed_sends(user),
    }
    shown = [s.patient_id for s in sessions] + [a.patient_id for a in upcoming]
    shown += [o.patient_id for o in boosters]
    if user.is_clinical:  # front desk sees the day's sessions only
        kb = default_knowledge()
        urgent = list(queries.urgent_triage(user)[: queries.URGENT_LIMIT])
        for patient in urgent:
            patient.decision_text = kb.term(f"decision.{patient.latest_decision}")  # type: ignore[attr-defined]
        reported = queries.reported_red_flags(user)
        due = queries.page_of(queries.due_for_reassessment(user), 0, queries.LIST_LIMIT + 1)
        awaiting = queries.page_of(queries.awaiting_approval(user), 0, queries.LIST_LIMIT + 1)
        context.update(
            urgent=urgent,
            reported=reported,
            due=due[: queries.LIST_LIMIT],
            due_more=len(due) > queries.LIST_LIMIT,
            awaiting=awaiting[: queries.LIST_LIMIT],
            awaiting_more=len(awaiting) > queries.LIST_LIMIT,
            limit=queries.LIST_LIMIT,
        )
        due, awaiting = due[: queries.LIST_LIMIT], awaiting[: queries.LIST_LIMIT]
        incoming = list(pending_referrals(user)[: queries.URGENT_LIMIT])
        context["incoming"] = incoming
        shown += [r.patient_id for r in incoming]
        shown += [p.pk for p in urgent] + [r.patient.pk for r in reported]
        shown += [p.patient_id for p in due] + [p.patient_id for p in awaiting]
    context["credentials"] = queries.credential_warnings(user, today)
    record_list_read(
        user, "acuplan.dashboard.read", list(dict.fromkeys(shown)), ip=actor(request).ip
    )
    return render(request, "clinic/dashboard.html", context)


@clinic_page
def dashboard_list(request: AuthedRequest, which: str) -> HttpResponse:
    """Every patient of one dashboard list ("due" or "awaiting"), a page at a time."""
    from django.core.paginator import Paginator
    from django.http import Http404

    from acuplan.clinic import access

    access.require_clinical(request.user)
    lists = {
        "due": ("Due for reassessment", queries.due_for_reassessment),
        "awaiting": ("Plans awaiting approval", queries.awaiting_approval),
    }
    if which not in lists:
        raise Http404("no such list")
    title, query = lists[which]
    plans = query(request.user)
    page = Paginator(plans.values_list("pk", flat=True), queries.LIST_LIMIT).get_page(
        request.GET.get("page")
    )
    start = (page.number - 1) * queries.LIST_LIMIT
    rows = queries.page_of(plans, start, start + queries.LIST_LIMIT)
    record_list_read(
        request.user,
        "acuplan.dashboard.read",
        [p.patient_id for p in rows],
        ip=actor(request).ip,
        page=page.number,
    )
    context = {"title": title, "which": which, "page": page, "rows": rows}
    return render(request, "clinic/dashboard_list.html", context)
