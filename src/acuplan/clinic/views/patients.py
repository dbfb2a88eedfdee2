"""Patients: the list, registration, the clinical chart and the front-desk details page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render

from acuplan.audit.log import record_list_read
from acuplan.clinic import access, services
from acuplan.clinic.chart import INSTRUMENT_NAMES, Cursor, load_chart
from acuplan.clinic.chart import PAGE_SIZE as CHART_PAGE_SIZE
from acuplan.clinic.forms import PatientForm
from acuplan.clinic.models import Patient
from acuplan.clinic.views.base import AuthedRequest, actor, clinic_page, form_page, posted
from acuplan.core.errors import InvalidInput

PAGE_SIZE = 25


def search(patients: QuerySet[Patient], q: str) -> QuerySet[Patient]:
    """Every word of ``q`` must start the first or the last name (case-insensitive)."""
    for word in q.split()[:5]:
        patients = patients.filter(Q(first_name__istartswith=word) | Q(last_name__istartswith=word))
    return patients


@clinic_page
def patient_list(request: AuthedRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    patients = search(access.patients_for(request.user), q).select_related("practitioner")
    page = Paginator(patients, PAGE_SIZE).get_page(request.GET.get("page"))
    record_list_read(
        request.user,
        "acuplan.patient_list.read",
        [p.pk for p in page],
        ip=actor(request).ip,
        page=page.number,
    )
    return render(request, "clinic/patient_list.html", {"page": page, "q": q})


@clinic_page
def patient_new(request: AuthedRequest) -> HttpResponse:
    form = PatientForm(posted(request))
    if request.method == "POST" and not form.is_valid():
        # Every problem at once: the service's rules too, though an input did not parse.
        form.add_unshadowed_errors(services.patient_errors(form.typed_data()))
    elif request.method == "POST":
        try:
            patient = services.create_patient(actor=actor(request), data=form.service_data())
        except InvalidInput as exc:
            form.add_service_errors(exc.errors)
        else:
            name = "patient_chart" if request.user.is_clinical else "patient_details"
            return redirect(name, pk=patient.pk)
    return form_page(request, "clinic/patient_form.html", {"form": form}, invalid=form.is_bound)


@clinic_page
def patient_chart(request: AuthedRequest, pk: int) -> HttpResponse:
    patient = access.get_patient_for(request.user, pk, clinical=True)
    chart = load_chart(patient, Cursor.parse(request.GET.get("before")))
    services.record_read(actor=actor(request), record=patient, patient=patient, what="chart")
    context = {
        "patient": patient,
        "chart": chart,
        "instrument_names": [INSTRUMENT_NAMES[i] for i in chart.instruments],
        "page_size": CHART_PAGE_SIZE,
    }
    return render(request, "clinic/patient_chart.html", context)


@clinic_page
def patient_details(request: AuthedRequest, pk: int) -> HttpResponse:
    """Demographics and visit dates, for any role: no clinical notes."""
    patient = access.get_patient_for(request.user, pk)
    visits = patient.sessions.select_related("practitioner").only(
        "date", "practitioner__username", "practitioner__first_name", "practitioner__last_name"
    )
    services.record_read(actor=actor(request), record=patient, patient=patient, what="details")
    return render(request, "clinic/patient_details.html", {"patient": patient, "visits": visits})


@clinic_page
def patient_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Correct a patient's details (front desk: contact details only). Audited, old value
    kept beside the new one."""
    patient = access.get_patient_for(request.user, pk)
    initial = {
        name: getattr(patient, name)
        for name in ("first_name", "last_name", "sex", *services.CONTACT_FIELDS)
    }
    initial["date_of_birth"] = patient.date_of_birth.isoformat()
    form = PatientForm(posted(request), initial=initial)
    if not request.user.is_clinical:
        for name in form.fields:
            if name not in services.CONTACT_FIELDS:
                form.fields[name].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        if not request.user.is_clinical:
            data = {k: v for k, v in data.items() if k in services.CONTACT_FIELDS}
        try:
            services.update_patient(actor=actor(request), patient=patient, data=data)
        except InvalidInput as exc:
            form.add_service_errors(exc.errors)
        else:
            return redirect("patient_details", pk=patient.pk)
    context = {"form": form, "patient": patient, "editing": True}
    return form_page(request, "clinic/patient_form.html", context, invalid=form.is_bound)
