"""Scheduling the course, and the patient's appointments as an iCalendar file."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from acuplan.clinic.services import record_read
from acuplan.clinic.views.base import AuthedRequest, actor, clinic_page, form_page, posted
from acuplan.core.errors import InvalidInput
from acuplan.outcomes import access, ical, services
from acuplan.outcomes.forms import ScheduleForm
from acuplan.outcomes.models import Appointment
from acuplan.outcomes.services.common import approved_plan
from acuplan.outcomes.services.scheduling import preview_schedule


def _next_weekday(day: dt.date) -> dt.date:
    day += dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


@clinic_page
def schedule(request: AuthedRequest, pk: int) -> HttpResponse:
    """Front desk books too: the page shows the course's visits, never its clinical content."""
    patient = access.get_patient_for(request.user, pk)
    form = ScheduleForm(posted(request), initial={"start": _next_weekday(timezone.localdate())})
    if request.method == "POST" and form.is_valid():
        try:
            result = services.schedule_appointments(
                actor=actor(request), patient=patient, **form.cleaned_data
            )
        except InvalidInput as exc:
            for e in exc.errors:
                form.add_error(e.field if e.field in form.fields else None, e.message)
        else:
            messages.success(request, f"{len(result.appointments)} appointments booked.")
            return redirect("outcomes:schedule", pk=patient.pk)
    appointments = Appointment.objects.filter(
        patient=patient, status=Appointment.Status.SCHEDULED, starts_at__gte=timezone.now()
    ).order_by("starts_at")
    plan = approved_plan(patient)
    record_read(actor=actor(request), record=patient, patient=patient, what="schedule")
    start = form.cleaned_data.get("start") if form.is_bound and form.is_valid() else None
    start = start or form.initial["start"]
    preview = preview_schedule(patient, start) if plan else None
    context = {
        "preview": preview,
        "preview_start": start,
        "preview_last": preview.visits[-1].day if preview and preview.visits else None,
        "patient": patient,
        "form": form,
        "appointments": appointments,
        "plan": plan,
        "course": (plan.data.get("course") if plan else None),
        "phases": _phases(plan.data.get("course") or {}) if plan else "",
    }
    return form_page(request, "outcomes/schedule.html", context, invalid=form.is_bound)


def _phases(course: dict[str, Any]) -> str:
    return ", ".join(
        f"{p['sessions']} {p['name'].replace('_', ' ')}" for p in course.get("phases", [])
    )


@clinic_page
def calendar_ics(request: AuthedRequest, pk: int) -> HttpResponse:
    """Any member of the clinic (front desk books visits): times only, no clinical detail."""
    patient = access.get_patient_for(request.user, pk)
    rows = Appointment.objects.filter(patient=patient).order_by("starts_at", "id")
    location = request.user.clinic.name if request.user.clinic else ""
    events = [
        ical.Event(
            uid=f"{a.uid}@acuplan",
            starts_at=a.starts_at,
            minutes=a.duration_minutes,
            location=location,
            cancelled=a.status == Appointment.Status.CANCELLED,
        )
        for a in rows
    ]
    body = ical.calendar(
        events,
        stamp=timezone.now(),
        name=f"{location} appointments".strip(),
        zone=patient.clinic.zone,
    )
    record_read(actor=actor(request), record=patient, patient=patient, what="calendar")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="appointments.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
