"""The start page: what is urgent, today's sessions, and for clinicians the work waiting for
them."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from acuplan.clinic import queries
from acuplan.clinic.views.base import AuthedRequest, clinic_page
from acuplan.core.knowledge import default_knowledge


@clinic_page
def dashboard(request: AuthedRequest) -> HttpResponse:
    user, today = request.user, timezone.localdate()
    context: dict[str, object] = {
        "today": today,
        "sessions": queries.todays_sessions(user, today),
    }
    if user.is_clinical:  # front desk sees the day's sessions only
        kb = default_knowledge()
        urgent = list(queries.urgent_triage(user)[: queries.URGENT_LIMIT])
        for patient in urgent:
            patient.decision_text = kb.term(f"decision.{patient.latest_decision}")  # type: ignore[attr-defined]
        context["urgent"] = urgent
        context["reported"] = queries.reported_red_flags(user)
        context["due"] = queries.due_for_reassessment(user)
        context["awaiting"] = queries.awaiting_approval(user)
    return render(request, "clinic/dashboard.html", context)
