"""The clinic calendar: a day or a week, for one practitioner or all; book, move, cancel.
Front desk and clinicians alike (times and names, no clinical notes). Reading the calendar
is audited with the patients it shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from acuplan.accounts.models import User
from acuplan.audit.log import record_list_read
from acuplan.booking import services
from acuplan.booking.access import get_appointment_for
from acuplan.booking.forms import BookForm, CancelForm, MoveForm, practitioners
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
from acuplan.outcomes.models import Appointment


@dataclass
class Day:
    day: dt.date
    visits: list[Appointment] = field(default_factory=list)


def _day(request: AuthedRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return timezone.localdate()


def _form_errors(form: object, exc: InvalidInput) -> None:
    for e in exc.errors:
        target = "day" if e.field == "starts_at" else e.field
        form.add_error(target if target in form.fields else None, e.message)  # type: ignore[attr-defined]


@clinic_page
def calendar(request: AuthedRequest) -> HttpResponse:
    user = request.user
    week = request.GET.get("view") == "week"
    day = _day(request)
    first = day - dt.timedelta(days=day.weekday()) if week else day
    days = [Day(first + dt.timedelta(days=i)) for i in range(7 if week else 1)]
    people = list(practitioners(user.clinic_id))
    chosen = _chosen(request, people)
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(days[-1].day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    rows = (
        Appointment.objects.filter(
            patient__clinic_id=user.clinic_id or 0, starts_at__gte=start, starts_at__lt=end
        )
        .select_related("patient", "practitioner")
        .order_by("starts_at", "id")
    )
    if chosen is not None:
        rows = rows.filter(practitioner=chosen)
    by_day = {d.day: d for d in days}
    shown = []
    for a in rows:
        by_day[timezone.localtime(a.starts_at).date()].visits.append(a)
        shown.append(a.patient_id)
    record_list_read(
        user,
        "acuplan.clinic_calendar.read",
        shown,
        ip=actor(request).ip,
        first=first.isoformat(),
        days=len(days),
    )
    step = dt.timedelta(days=7 if week else 1)
    context = {
        "week": week,
        "days": days,
        "day": day,
        "previous": (day - step).isoformat(),
        "next": (day + step).isoformat(),
        "people": people,
        "chosen": chosen,
        "zone": zone,
        "view": "week" if week else "day",
    }
    return form_page(request, "booking/calendar.html", context, invalid=False)


def _chosen(request: AuthedRequest, people: list[User]) -> User | None:
    wanted = request.GET.get("practitioner", "")
    return next((p for p in people if str(p.pk) == wanted), None)


@clinic_page
def book(request: AuthedRequest) -> HttpResponse:
    user = request.user
    initial: dict[str, object] = {
        "day": _day(request),
        "practitioner": request.GET.get("practitioner") or None,
    }
    if request.GET.get("patient", "").isdigit():
        initial["patient"] = int(request.GET["patient"])
    form = BookForm(posted(request), clinic_id=user.clinic_id, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            a = services.book_appointment(
                actor=actor(request),
                patient=form.cleaned_data["patient"],
                starts_at=form.starts_at(),
                practitioner=form.cleaned_data["practitioner"],
                duration_minutes=form.cleaned_data["duration_minutes"],
            )
        except InvalidInput as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request, f"Booked: {a.patient} on {timezone.localtime(a.starts_at):%a %d %b %H:%M}."
            )
            return redirect(_calendar_url(a))
    return form_page(request, "booking/book.html", {"form": form}, invalid=form.is_bound)


def _calendar_url(a: Appointment) -> str:
    day = timezone.localtime(a.starts_at).date().isoformat()
    return f"{reverse('booking:calendar')}?view=week&day={day}"


@clinic_page
def appointment(request: AuthedRequest, pk: int) -> HttpResponse:
    a = get_appointment_for(request.user, pk)
    record_read(actor=actor(request), record=a.patient, patient=a.patient, what="schedule")
    local = timezone.localtime(a.starts_at)
    move = MoveForm(
        clinic_id=request.user.clinic_id,
        initial={"day": local.date(), "time": local.time(), "practitioner": a.practitioner_id},
    )
    context = {"a": a, "move": move, "cancel": CancelForm(), "patient": a.patient}
    return form_page(request, "booking/appointment.html", context, invalid=False)


@clinic_page
@post_only
def appointment_move(request: AuthedRequest, pk: int) -> HttpResponse:
    a = get_appointment_for(request.user, pk)
    form = MoveForm(request.POST, clinic_id=request.user.clinic_id)
    if form.is_valid():
        try:
            services.move_appointment(
                actor=actor(request),
                appointment=a,
                starts_at=form.starts_at(),
                practitioner=form.cleaned_data["practitioner"],
            )
        except InvalidInput as exc:
            _form_errors(form, exc)
        else:
            a.refresh_from_db()
            messages.success(request, f"Moved to {timezone.localtime(a.starts_at):%a %d %b %H:%M}.")
            return redirect(_calendar_url(a))
    context = {"a": a, "move": form, "cancel": CancelForm(), "patient": a.patient}
    return form_page(request, "booking/appointment.html", context, invalid=True)


@clinic_page
@post_only
def appointment_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    a = get_appointment_for(request.user, pk)
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    a = services.cancel_appointment(actor=actor(request), appointment=a, reason=reason)
    late = " It was a late cancellation." if a.late_cancellation else ""
    messages.success(request, f"Cancelled.{late}")
    return redirect(_calendar_url(a))
