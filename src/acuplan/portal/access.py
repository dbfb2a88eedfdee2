"""Who the portal is showing: the patient signed in with a one-time link, held in the
session. One helper per record type, each scoped to that patient: another patient's visit
or questionnaire is a 404, whatever its id."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Concatenate, ParamSpec

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from acuplan.clinic.models import Patient
from acuplan.core.errors import Conflict
from acuplan.followup.models import ScheduledSend, SendKind, SendStatus
from acuplan.outcomes.models import Appointment

PATIENT, SINCE, SEEN = "portal_patient", "portal_since", "portal_seen"
P = ParamSpec("P")


class PortalRequest(HttpRequest):
    patient: Patient


def sign_in_session(request: HttpRequest, patient: Patient) -> None:
    request.session.cycle_key()  # a new session id: no fixation
    now = time.time()
    request.session[PATIENT], request.session[SINCE], request.session[SEEN] = patient.pk, now, now


def sign_out_session(request: HttpRequest) -> None:
    for key in (PATIENT, SINCE, SEEN):
        request.session.pop(key, None)
    request.session.cycle_key()


def portal_patient(request: HttpRequest) -> Patient | None:
    """The signed-in patient, or None (never signed in, or past the idle or absolute limit,
    the same as staff sessions)."""
    pk, since, seen = (request.session.get(k) for k in (PATIENT, SINCE, SEEN))
    if not isinstance(pk, int) or not isinstance(since, float) or not isinstance(seen, float):
        return None
    now = time.time()
    if (
        now - since > settings.SESSION_ABSOLUTE_LIMIT.total_seconds()
        or now - seen > settings.SESSION_IDLE_TIMEOUT.total_seconds()
    ):
        sign_out_session(request)
        return None
    request.session[SEEN] = now
    return Patient.objects.select_related("clinic").filter(pk=pk).first()


def portal_page(
    view: Callable[Concatenate[PortalRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Signed-in patients only (others go to the sign-in page); the clinic's time zone is
    active; Http404 and Conflict become the portal's own error page."""

    def page(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        patient = portal_patient(request)
        if patient is None:
            return redirect("portal:sign_in")
        from django.utils import timezone

        preq = request  # the same object, now carrying the patient
        preq.patient = patient  # type: ignore[attr-defined]
        with timezone.override(patient.clinic.zone):
            try:
                response = view(preq, *args, **kwargs)  # type: ignore[arg-type]
            except Http404:
                response = _error(
                    request, patient, 404, "We could not find that page in your record."
                )
            except Conflict as exc:
                response = _error(request, patient, 409, str(exc))
        response["Cache-Control"] = "private, no-store"
        return response

    functools.update_wrapper(page, view)
    return page


def _error(request: HttpRequest, patient: Patient, status: int, message: str) -> HttpResponse:
    context = {"clinic": patient.clinic, "message": message, "status": status}
    return render(request, "portal/error.html", context, status=status)


def get_own_appointment(patient: Patient, pk: int) -> Appointment:
    a = Appointment.objects.filter(pk=pk, patient=patient).select_related("patient__clinic").first()
    if a is None:
        raise Http404("no such visit")
    return a


def get_own_due_send(patient: Patient, pk: int) -> ScheduledSend:
    send = ScheduledSend.objects.filter(
        pk=pk, patient=patient, kind=SendKind.QUESTIONNAIRE, status=SendStatus.SENT
    ).first()
    if send is None:
        raise Http404("no such questionnaire")
    return send
