"""Clinic-wide pages: adverse-event safety, and questionnaire completion and settings."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from acuplan.accounts.models import Role
from acuplan.clinic.views.base import AuthedRequest, actor, clinic_page, form_page, posted
from acuplan.core.errors import InvalidInput
from acuplan.outcomes import access, services
from acuplan.outcomes.forms import InstrumentForm
from acuplan.outcomes.safety import safety_report


@clinic_page
def safety(request: AuthedRequest) -> HttpResponse:
    clinic_id = access.clinic_id_for(request.user, clinical=True)
    return render(request, "outcomes/safety.html", {"report": safety_report(clinic_id)})


@clinic_page
def clinic_outcomes(request: AuthedRequest) -> HttpResponse:
    """Completion rate for every member; the questionnaire choice for clinic admins."""
    clinic_id = access.clinic_id_for(request.user)
    current = services.function_instrument_for(clinic_id)
    form = InstrumentForm(posted(request), initial={"function_instrument": current})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_function_instrument(
                actor=actor(request), instrument=form.cleaned_data["function_instrument"]
            )
        except InvalidInput as exc:
            form.add_error("function_instrument", "; ".join(e.message for e in exc.errors))
        else:
            messages.success(request, "The clinic's function questionnaire was changed.")
            return redirect("outcomes:clinic")
    context = {
        "rate": services.completion_rate(clinic_id),
        "form": form,
        "current": current,
        "can_change": request.user.role == Role.CLINIC_ADMIN,
    }
    return form_page(request, "outcomes/clinic.html", context, invalid=form.is_bound)
