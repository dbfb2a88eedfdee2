"""Billing pages: the patient's account (payments, packages), superbills (one page, to
print), the biller's CSV, the clinic's billing settings, credentials and the public
practitioner directory. Thin: access helper, service, template."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from acuplan.accounts.models import PractitionerProfile
from acuplan.accounts.views import require_clinic_admin
from acuplan.audit.log import record_list_read
from acuplan.billing import access, services
from acuplan.billing.account import patient_account
from acuplan.billing.export import CSV_HEADER, claim_rows, safe_cell
from acuplan.billing.forms import (
    ClinicBillingForm,
    CredentialsForm,
    PackageForm,
    PaymentForm,
    PeriodForm,
    ReasonForm,
    fee_codes,
)
from acuplan.billing.models import Package, Payment
from acuplan.billing.superbill import Superbill, build_superbill, session_superbill
from acuplan.clinic.models import Patient
from acuplan.clinic.services import record_read
from acuplan.clinic.views.base import AuthedRequest, actor, clinic_page, post_only, posted
from acuplan.core.billing import default_rules
from acuplan.core.credentials import default_credential_rules, expiry_warnings
from acuplan.core.errors import InvalidInput

DEFAULT_PERIOD_DAYS = 30
MAX_EXPORT_DAYS = 366


# --- the account --------------------------------------------------------------------------


@clinic_page
def account(request: AuthedRequest, pk: int) -> HttpResponse:
    patient = access.get_billing_patient_for(request.user, pk)
    today = timezone.localdate()
    return _account_page(
        request,
        patient,
        PaymentForm(initial={"received_on": today, "method": "card"}),
        PackageForm(initial={"purchased_on": today}),
    )


def _account_page(
    request: AuthedRequest,
    patient: Patient,
    payment_form: PaymentForm,
    package_form: PackageForm,
    status: int = 200,
) -> HttpResponse:
    ledger = patient_account(patient)
    payments = {p.pk: p for p in Payment.objects.filter(patient=patient).select_related("reversal")}
    reversed_ids = {p.reverses_id for p in payments.values() if p.reverses_id}
    packages = list(Package.objects.filter(patient=patient).select_related("void"))
    used = {pk: list(ledger.covered.values()).count(pk) for pk in (p.pk for p in packages)}
    today = timezone.localdate()
    context = {
        "patient": patient,
        "ledger": ledger,
        "payments": payments,
        "reversed_ids": reversed_ids,
        "packages": [(p, used[p.pk], hasattr(p, "void")) for p in packages],
        "payment_form": payment_form,
        "package_form": package_form,
        "period": {"start": today - dt.timedelta(days=DEFAULT_PERIOD_DAYS), "end": today},
    }
    record_read(actor=actor(request), record=patient, patient=patient, what="account")
    return render(request, "billing/account.html", context, status=status)


@clinic_page
@post_only
def payment_new(request: AuthedRequest, pk: int) -> HttpResponse:
    patient = access.get_billing_patient_for(request.user, pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            services.record_payment(actor=actor(request), patient=patient, **form.cleaned_data)
        except InvalidInput as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, "Payment recorded.")
            return redirect("billing:account", pk=patient.pk)
    return _account_page(request, patient, form, PackageForm(), status=400)


@clinic_page
@post_only
def package_new(request: AuthedRequest, pk: int) -> HttpResponse:
    patient = access.get_billing_patient_for(request.user, pk)
    form = PackageForm(request.POST)
    if form.is_valid():
        try:
            services.record_package(actor=actor(request), patient=patient, **form.cleaned_data)
        except InvalidInput as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, "Package recorded.")
            return redirect("billing:account", pk=patient.pk)
    return _account_page(request, patient, PaymentForm(), form, status=400)


@clinic_page
@post_only
def payment_reverse(request: AuthedRequest, pk: int) -> HttpResponse:
    payment = access.get_payment_for(request.user, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the payment is reversed.")
    else:
        services.reverse_payment(
            actor=actor(request), payment=payment, reason=form.cleaned_data["reason"]
        )
        messages.success(request, f"Payment #{payment.pk} reversed.")
    return redirect("billing:account", pk=payment.patient_id)


@clinic_page
@post_only
def package_void(request: AuthedRequest, pk: int) -> HttpResponse:
    package = access.get_package_for(request.user, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the package is voided.")
        return redirect("billing:account", pk=package.patient_id)
    used = list(patient_account(package.patient).covered.values()).count(package.pk)
    services.void_package(
        actor=actor(request), package=package, reason=form.cleaned_data["reason"], used=used
    )
    messages.success(request, f"Package #{package.pk} voided.")
    return redirect("billing:account", pk=package.patient_id)


# --- superbills ---------------------------------------------------------------------------


@clinic_page
def session_superbill_page(request: AuthedRequest, pk: int) -> HttpResponse:
    session = access.get_billing_session_for(request.user, pk)
    bill = session_superbill(session)
    record_read(actor=actor(request), record=session, patient=bill.patient, what="superbill")
    return _superbill_page(request, bill)


@clinic_page
def period_superbill_page(request: AuthedRequest, pk: int) -> HttpResponse:
    patient = access.get_billing_patient_for(request.user, pk)
    today = timezone.localdate()
    form = PeriodForm(
        request.GET or {"start": today - dt.timedelta(days=DEFAULT_PERIOD_DAYS), "end": today}
    )
    if not form.is_valid():
        context = {"patient": patient, "form": form}
        return render(request, "billing/period_form.html", context, status=400)
    bill = build_superbill(patient, form.cleaned_data["start"], form.cleaned_data["end"])
    record_read(actor=actor(request), record=patient, patient=patient, what="superbill")
    return _superbill_page(request, bill, form)


def _superbill_page(
    request: AuthedRequest, bill: Superbill, form: PeriodForm | None = None
) -> HttpResponse:
    rules = default_rules()
    context = {
        "bill": bill,
        "patient": bill.patient,
        "clinic": bill.patient.clinic,
        "claim": rules.claim,
        "rules_version": rules.version,
        "form": form,
        "lines": [(line, bill.rendering_for(line.session_id)) for line in bill.lines],
    }
    return render(request, "billing/superbill.html", context)


@clinic_page
def claims_csv(request: AuthedRequest) -> HttpResponse:
    """Every claim line of the clinic's sessions in a period, for the biller."""
    today = timezone.localdate()
    form = PeriodForm(request.GET or {"start": today.replace(day=1), "end": today})
    if not form.is_valid():
        return render(request, "billing/period_form.html", {"form": form}, status=400)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    clinic = request.user.clinic
    assert clinic is not None  # noqa: S101 - clinic_page users belong to a clinic
    patients = list(
        Patient.objects.filter(
            clinic=clinic,
            sessions__date__gte=start,
            sessions__date__lte=end,
        )
        .distinct()
        .order_by("pk")
    )
    bills = [build_superbill(p, start, end) for p in patients]
    record_list_read(
        request.user,
        "acuplan.claims.exported",
        [p.pk for p in patients],
        ip=actor(request).ip,
        start=start.isoformat(),
        end=end.isoformat(),
    )
    response = HttpResponse("".join(_csv(bills)), content_type="text/csv; charset=utf-8")
    name = f"claims-{start.isoformat()}-{end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv(bills: list[Superbill]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    for bill in bills:
        for row in claim_rows(bill):
            yield writer.writerow([safe_cell(cell) for cell in row])


# --- the clinic's billing settings --------------------------------------------------------


@clinic_page
def settings(request: AuthedRequest) -> HttpResponse:
    require_clinic_admin(request.user)
    clinic = request.user.clinic
    assert clinic is not None  # noqa: S101 - require_clinic_admin checked it
    initial: dict[str, Any] = {
        "address": clinic.address,
        "phone": clinic.phone,
        "tax_id": clinic.tax_id,
        **{f"fee_{c}": v for c, v in (clinic.fee_schedule or {}).items()},
    }
    form = ClinicBillingForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_clinic_billing(
                actor=actor(request), clinic=clinic, data=form.service_data()
            )
        except InvalidInput as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, "Billing settings saved.")
            return redirect("billing:settings")
    context = {"form": form, "fee_fields": [form[f"fee_{c}"] for c in fee_codes()]}
    return render(request, "billing/settings.html", context, status=400 if form.errors else 200)


# --- credentials --------------------------------------------------------------------------


@clinic_page
def credentials(request: AuthedRequest) -> HttpResponse:
    """The user's own credentials to edit; a clinic admin picks any practitioner's
    (``?practitioner=<id>``). Everyone in the clinic sees the list with its warnings."""
    user, today = request.user, timezone.localdate()
    assert user.clinic is not None  # noqa: S101 - clinic_page users belong to a clinic
    chosen = request.POST.get("practitioner") or request.GET.get("practitioner")
    profile = _profile_to_edit(request, chosen)
    form = None
    if profile is not None:
        form = CredentialsForm(posted(request), initial=_initial(profile))
        if request.method == "POST" and form.is_valid():
            try:
                services.update_credentials(
                    actor=actor(request), profile=profile, data=form.service_data()
                )
            except InvalidInput as exc:
                form.add_service_errors(exc.errors)
            else:
                messages.success(request, "Credentials saved.")
                return redirect(request.get_full_path())
    profiles = list(access.practitioners_of(user.clinic))
    context = {
        "profile": profile,
        "form": form,
        "rows": [(p, _warnings(p, today)) for p in profiles],
        "clinic": user.clinic,
    }
    return render(
        request, "billing/credentials.html", context, status=400 if form and form.errors else 200
    )


def _profile_to_edit(request: AuthedRequest, chosen: str | None) -> PractitionerProfile | None:
    """The profile named by ``chosen`` (404 unless it is in the clinic; NotPermitted unless
    it is the user's or the user is a clinic admin), else the user's own (None: none)."""
    if chosen:
        if not chosen.isdigit() or len(chosen) > 18:
            raise Http404("no such practitioner")
        return access.get_profile_for(request.user, int(chosen))
    return PractitionerProfile.objects.filter(user=request.user).select_related("user").first()


def _initial(p: PractitionerProfile) -> dict[str, Any]:
    return {
        "licence_number": p.licence_number,
        "licence_state": p.licence_state,
        "licence_expiry": p.licence_expiry,
        "nccaom_number": p.nccaom_number,
        "nccaom_expiry": p.nccaom_expiry,
        "npi": p.npi,
    }


def _warnings(p: PractitionerProfile, today: dt.date) -> list[str]:
    return [
        w.text
        for w in expiry_warnings(
            today, licence_expiry=p.licence_expiry, nccaom_expiry=p.nccaom_expiry
        )
    ]


# --- the public directory -----------------------------------------------------------------


def directory(request: HttpRequest, slug: str) -> HttpResponse:
    """The clinic's practitioners and how a patient can verify them. Public: no login, no
    patient data. The clinic's own record, not a verification."""
    try:
        clinic = access.get_public_clinic(slug)
    except Http404:
        return render(request, "billing/directory_missing.html", status=404)
    rules = default_credential_rules()
    today = timezone.localdate()
    rows = []
    for p in access.practitioners_of(clinic):
        board = rules.board_for(p.licence_state)
        rows.append(
            {
                "profile": p,
                "licence_current": p.licence_valid_on(today),
                "nccaom_current": p.nccaom_expiry is not None and today <= p.nccaom_expiry,
                "board": board,
            }
        )
    context = {"clinic": clinic, "rows": rows, "rules": rules, "today": today}
    return render(request, "billing/directory.html", context)
