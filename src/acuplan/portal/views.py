"""The patient portal (phone first, no JavaScript needed) and the public self-check.
Thin views: ``access`` finds the patient's own records, services write and audit; every
portal page the patient opens is audited."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from acuplan.accounts.models import Clinic
from acuplan.booking import services as booking
from acuplan.clinic.prescription import effective_plan_data
from acuplan.clinic.templatetags.clinic_extras import render_plain_markdown
from acuplan.core.errors import InvalidInput
from acuplan.core.knowledge import default_knowledge
from acuplan.core.planning.handout import patient_handout
from acuplan.followup.models import ScheduledSend, SendKind, SendStatus
from acuplan.outcomes.models import Appointment
from acuplan.outcomes.services.baseline import baseline_response
from acuplan.outcomes.services.clinic_settings import function_instrument_for
from acuplan.outcomes.services.common import approved_plan
from acuplan.outcomes.services.links import LinkGone, LinkUnknown, issue_link
from acuplan.outcomes.views.public import _private
from acuplan.portal import selfcheck, services
from acuplan.portal.access import (
    PortalRequest,
    get_own_appointment,
    get_own_due_send,
    portal_page,
    sign_in_session,
    sign_out_session,
)

DUE_DAYS = 14


# --- signing in ---------------------------------------------------------------------------


@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    sent, error = False, ""
    if request.method == "POST":
        try:
            services.request_sign_in(
                request.POST.get("email", ""),
                url_for=lambda t: request.build_absolute_uri(reverse("portal:enter", args=[t])),
            )
            sent = True
        except InvalidInput as exc:
            error = exc.errors[0].message
    context = {"sent": sent, "error": error, "email": request.POST.get("email", "")[:254]}
    return _private(render(request, "portal/sign_in.html", context, status=400 if error else 200))


@never_cache
def enter(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button, POST spends the link: a mail scanner that fetches the address
    does not use it up."""
    if request.method == "POST":
        try:
            patient = services.use_sign_in(token)
        except (LinkGone, LinkUnknown) as exc:
            status = 404 if isinstance(exc, LinkUnknown) else 410
            return _private(
                render(
                    request,
                    "portal/link_gone.html",
                    {"why": getattr(exc, "why", "unknown")},
                    status=status,
                )
            )
        sign_in_session(request, patient)
        return redirect("portal:home")
    return _private(render(request, "portal/enter.html", {}))


def sign_out(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        sign_out_session(request)
    return redirect("portal:sign_in")


# --- the patient's own record -------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    day: dt.date
    value: float
    better: bool
    width: int
    """Bar width in percent of the scale."""


def _trend(
    patient: Any, field: str, instrument: str, top: float
) -> tuple[list[Point], float | None]:
    """The patient's scores on ``field`` and the level at or below which they count as
    clearly better than at the start (the instrument's MCID, points or percent)."""
    kb = default_knowledge()
    base = baseline_response(patient)
    rows = [
        r
        for r in patient.outcome_responses.order_by("answered_on", "id")
        if getattr(r, field) is not None
    ]
    start = getattr(base, field, None) if base is not None else None
    band = None
    if start is not None and instrument in kb.instruments:
        ins = kb.instruments[instrument]
        by_points = start - (ins.mcid_points or 0)
        by_percent = start * (1 - (ins.mcid_percent or 0) / 100)
        band = max(by_points, by_percent) if ins.mcid_percent else by_points
    points = [
        Point(
            r.answered_on,
            float(getattr(r, field)),
            band is not None and getattr(r, field) <= band,
            round(100 * float(getattr(r, field)) / top),
        )
        for r in rows
    ]
    return points[-12:], band


@portal_page
def home(request: PortalRequest) -> HttpResponse:
    patient = request.patient
    now = timezone.now()
    plan = approved_plan(patient)
    visits = list(
        Appointment.objects.filter(
            patient=patient, status=Appointment.Status.SCHEDULED, starts_at__gt=now
        )
        .select_related("practitioner")
        .order_by("starts_at")
    )
    notice = dt.timedelta(hours=patient.clinic.late_cancellation_hours)
    for v in visits:
        v.can_cancel = v.starts_at - now >= notice  # type: ignore[attr-defined]
    due = list(
        ScheduledSend.objects.filter(
            patient=patient,
            kind=SendKind.QUESTIONNAIRE,
            status=SendStatus.SENT,
            sent_at__gte=now - dt.timedelta(days=DUE_DAYS),
        ).order_by("due_at")
    )
    upcoming = (
        ScheduledSend.objects.filter(
            patient=patient, kind=SendKind.QUESTIONNAIRE, status=SendStatus.SCHEDULED
        )
        .order_by("due_at")
        .first()
    )
    function = function_instrument_for(patient.clinic_id)
    pain, pain_band = _trend(patient, "pain_nrs", "nrs", 10)
    func, func_band = _trend(patient, "function_score", function, 100 if function == "odi" else 24)
    services.record_portal_read(patient, "home")
    context = {
        "patient": patient,
        "clinic": patient.clinic,
        "plan": plan,
        "course": plan.data.get("course") if plan else None,
        "visits": visits,
        "due": due,
        "next_questionnaire": upcoming,
        "pain": pain,
        "pain_band": pain_band,
        "func": func,
        "func_band": func_band,
        "function_name": "Roland-Morris (0-24)" if function == "rmdq" else "Oswestry (0-100)",
        "notice_hours": patient.clinic.late_cancellation_hours,
    }
    return render(request, "portal/home.html", context)


@portal_page
def handout(request: PortalRequest) -> HttpResponse:
    patient = request.patient
    plan = approved_plan(patient)
    text = (
        render_plain_markdown(patient_handout(default_knowledge(), effective_plan_data(plan)))
        if plan
        else ""
    )
    services.record_portal_read(patient, "handout")
    return render(
        request,
        "portal/handout.html",
        {"patient": patient, "clinic": patient.clinic, "plan": plan, "handout": text},
    )


@portal_page
def visit_cancel(request: PortalRequest, pk: int) -> HttpResponse:
    a = get_own_appointment(request.patient, pk)
    if request.method == "POST":
        booking.cancel_appointment(
            actor=None, appointment=a, reason="cancelled by the patient online", by_patient=True
        )
        return redirect(reverse("portal:home") + "?done=cancelled")
    return redirect("portal:home")


@portal_page
def visit_move(request: PortalRequest, pk: int) -> HttpResponse:
    a = get_own_appointment(request.patient, pk)
    if request.method == "POST":
        try:
            booking.request_move(appointment=a, message=request.POST.get("message", ""))
        except InvalidInput as exc:
            return render(
                request,
                "portal/error.html",
                {"clinic": request.patient.clinic, "message": exc.errors[0].message, "status": 400},
                status=400,
            )
        return redirect(reverse("portal:home") + "?done=asked")
    return redirect("portal:home")


@portal_page
def questionnaire(request: PortalRequest, pk: int) -> HttpResponse:
    """A fresh single-use link for a questionnaire that is due, then the questionnaire."""
    send = get_own_due_send(request.patient, pk)
    if request.method != "POST":
        return redirect("portal:home")
    _link, token = issue_link(request.patient, created_by=None, follow_up=send)
    return redirect("outcomes:questionnaire", token=token)


@portal_page
def record(request: PortalRequest) -> HttpResponse:
    data = services.export_record(request.patient)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-acupuncture-record.json"'
    return response


# --- the public self-check ----------------------------------------------------------------


def _clinic(request: HttpRequest) -> Clinic | None:
    slug = request.GET.get("clinic") or request.POST.get("clinic") or ""
    # A clinic with someone at the front desk to answer (not a retired demo clinic).
    clinics = Clinic.objects.filter(users__is_active=True).distinct().order_by("pk")
    return clinics.filter(slug=slug).first() or clinics.first()


@never_cache
def self_check(request: HttpRequest) -> HttpResponse:
    clinic = _clinic(request)
    advice = None
    if request.method == "POST":
        advice = selfcheck.advise(set(request.POST.getlist("ticked")))
    context = {
        "clinic": clinic,
        "advice": advice,
        "emergency": selfcheck.EMERGENCY,
        "same_day": selfcheck.SAME_DAY,
        "tell": selfcheck.TELL,
        "ticked": set(request.POST.getlist("ticked")),
    }
    return render(request, "portal/self_check.html", context)


@never_cache
def consultation(request: HttpRequest) -> HttpResponse:
    clinic = _clinic(request)
    if request.method != "POST" or clinic is None:
        return redirect("portal:self_check")
    try:
        services.request_consultation(
            clinic=clinic,
            name=request.POST.get("name", ""),
            contact=request.POST.get("contact", ""),
            message=request.POST.get("message", ""),
            advice=request.POST.get("advice", "ok"),
        )
    except InvalidInput as exc:
        context = {
            "clinic": clinic,
            "errors": exc.errors,
            "emergency": selfcheck.EMERGENCY,
            "same_day": selfcheck.SAME_DAY,
            "tell": selfcheck.TELL,
            "ticked": set(),
            "advice": None,
        }
        return render(request, "portal/self_check.html", context, status=400)
    return render(request, "portal/consultation_sent.html", {"clinic": clinic})
