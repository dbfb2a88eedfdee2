"""Between-visits pages: the clinic's settings and outbox (failures shown), discharge, and
settling a booster offer."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect

from acuplan.clinic.views.base import (
    AuthedRequest,
    actor,
    clinic_page,
    form_page,
    post_only,
    posted,
)
from acuplan.core.errors import InvalidInput
from acuplan.followup.forms import ClinicSettingsForm, DischargeForm
from acuplan.followup.models import BoosterOffer, ScheduledSend, SendStatus
from acuplan.followup.services.booster import settle_booster
from acuplan.followup.services.clinic_settings import scheduled_completion, update_clinic_settings
from acuplan.followup.services.discharge import discharge_patient
from acuplan.outcomes import access

TROUBLE_LIMIT = 50


@clinic_page
def clinic_between_visits(request: AuthedRequest) -> HttpResponse:
    """Every member sees the outbox's troubles; a clinic admin changes the settings."""
    clinic_id = access.clinic_id_for(request.user)
    clinic = request.user.clinic
    if clinic is None:  # pragma: no cover - clinic_id_for has refused a user of no clinic
        raise Http404("the user belongs to no clinic")
    form = ClinicSettingsForm.for_clinic(clinic, posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            update_clinic_settings(actor=actor(request), data=form.service_data())
        except InvalidInput as exc:
            for e in exc.errors:
                form.add_error(e.field if e.field in form.fields else None, e.message)
        else:
            messages.success(request, "The clinic's settings were saved.")
            return redirect("followup:clinic")
    troubles = (
        ScheduledSend.objects.filter(clinic_id=clinic_id)
        .filter(status__in=[SendStatus.FAILED, SendStatus.SCHEDULED], attempts__gt=0)
        .select_related("patient")
        .order_by("-due_at")[:TROUBLE_LIMIT]
    )
    context = {
        "form": form,
        "can_change": request.user.is_clinic_admin,
        "troubles": list(troubles),
        "completion": scheduled_completion(clinic_id),
        "clinic": clinic,
    }
    return form_page(request, "followup/clinic.html", context, invalid=form.is_bound)


@clinic_page
@post_only
def discharge(request: AuthedRequest, pk: int) -> HttpResponse:
    patient = access.get_patient_for(request.user, pk, clinical=True)
    form = DischargeForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    discharge_patient(actor=actor(request), patient=patient, note=note)
    messages.success(request, f"{patient} was discharged: follow-up questionnaires are scheduled.")
    return redirect("outcomes:chart", pk=patient.pk)


@clinic_page
@post_only
def booster_settle(request: AuthedRequest, pk: int) -> HttpResponse:
    offer = (
        BoosterOffer.objects.select_related("patient")
        .filter(pk=pk, patient__clinic_id=request.user.clinic_id or 0)
        .first()
    )
    if offer is None:
        raise Http404("no such booster offer")
    status = request.POST.get("status", "dismissed")
    settle_booster(actor=actor(request), offer=offer, status=status)
    messages.success(request, f"Booster offer for {offer.patient}: {status}.")
    return redirect("dashboard")
