"""The start page: today's sessions, and for clinicians the work waiting for them."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from acuplan.clinic import pages_support
from acuplan.clinic.views.base import AuthedRequest, clinic_page


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
    return render(request, "clinic/dashboard.html", context)
