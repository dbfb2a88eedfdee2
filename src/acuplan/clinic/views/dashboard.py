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
    context: dict[str, object] = {"today": today, "sessions": sessions}
    shown = [s.patient_id for s in sessions]
    if user.is_clinical:  # front desk sees the day's sessions only
        kb = default_knowledge()
        urgent = list(queries.urgent_triage(user)[: queries.URGENT_LIMIT])
        for patient in urgent:
            patient.decision_text = kb.term(f"decision.{patient.latest_decision}")  # type: ignore[attr-defined]
        reported = queries.reported_red_flags(user)
        due = list(queries.due_for_reassessment(user))
        awaiting = list(queries.awaiting_approval(user))
        incoming = list(pending_referrals(user)[: queries.URGENT_LIMIT])
        context.update(
            urgent=urgent, reported=reported, due=due, awaiting=awaiting, incoming=incoming
        )
        shown += [r.patient_id for r in incoming]
        shown += [p.pk for p in urgent] + [r.patient.pk for r in reported]
        shown += [p.patient_id for p in due] + [p.patient_id for p in awaiting]
    record_list_read(
        user, "acuplan.dashboard.read", list(dict.fromkeys(shown)), ip=actor(request).ip
    )
    return render(request, "clinic/dashboard.html", context)
