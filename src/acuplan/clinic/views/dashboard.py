"""The start page: today's sessions, and for clinicians the work waiting for them."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from acuplan.audit.log import record_list_read
from acuplan.clinic import pages_support
from acuplan.clinic.views.base import AuthedRequest, actor, clinic_page


@clinic_page
def dashboard(request: AuthedRequest) -> HttpResponse:
    user, today = request.user, timezone.localdate()
    context: dict[str, object] = {
        "today": today,
        "sessions": pages_support.todays_sessions(user, today),
    }
    if user.is_clinical:  # front desk sees the day's sessions only
        context["due"] = pages_support.due_for_reassessment(user)
        context["awaiting"] = pages_support.awaiting_approval(user)
    shown = {
        name: [row.patient_id for row in context[name]]  # type: ignore[attr-defined]
        for name in ("sessions", "due", "awaiting")
        if name in context
    }
    record_list_read(
        user,
        "acuplan.dashboard.read",
        [pk for ids in shown.values() for pk in ids],
        ip=actor(request).ip,
    )
    return render(request, "clinic/dashboard.html", context)
