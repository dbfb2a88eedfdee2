"""Pages: the referral letter (print and send), the physician summary, accepting a
physician's referral, and the plan behind a CDS Hooks card."""

from __future__ import annotations

import smtplib

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from acuplan.audit.log import record_event
from acuplan.bridge import access as bridge_access
from acuplan.bridge import services
from acuplan.bridge.cds.links import unseal
from acuplan.bridge.letters import build_letter
from acuplan.bridge.summary import build_summary
from acuplan.clinic import access
from acuplan.clinic.access import require_clinical
from acuplan.clinic.services import record_read
from acuplan.clinic.views.base import AuthedRequest, actor, clinic_page, post_only
from acuplan.core.errors import FieldError, InvalidInput
from acuplan.core.intake import parse_intake
from acuplan.core.knowledge import default_knowledge
from acuplan.core.plan import assess_and_plan, plan_json


def _index(raw: str | None) -> int:
    try:
        return int(raw or 0)
    except ValueError:
        raise InvalidInput([FieldError("referral", "must be a number")]) from None


@clinic_page
def referral_letter(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = access.get_plan_for(request.user, pk)
    referrals = plan.data["triage"].get("referrals", [])
    context: dict[str, object] = {"plan": plan, "patient": plan.patient, "referrals": referrals}
    if referrals:
        try:
            index = _index(request.GET.get("referral"))
            context["letter"] = build_letter(plan, index, request.user, timezone.localdate())
        except InvalidInput as exc:
            return render(request, "bridge/letter.html", {**context, "error": exc}, status=400)
        context["sent"] = list(
            plan.patient.referral_letters.filter(plan=plan, referral_index=index)
        )
    record_read(actor=actor(request), record=plan, patient=plan.patient, what="referral_letter")
    return render(request, "bridge/letter.html", context)


@clinic_page
@post_only
def referral_letter_send(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = access.get_plan_for(request.user, pk)
    index = 0
    try:
        index = _index(request.POST.get("referral"))
        sent = services.send_referral_letter(
            actor=actor(request), plan=plan, index=index, method=request.POST.get("method", "")
        )
    except InvalidInput as exc:
        messages.error(request, "; ".join(e.message for e in exc.errors))
    except (OSError, smtplib.SMTPException) as exc:
        messages.error(request, f"The email could not be sent ({exc}); nothing was recorded.")
    else:
        how = f"emailed to {sent.sent_to}" if sent.method == "email" else "recorded as printed"
        messages.success(request, f"Referral letter {how}.")
    return redirect(f"{request.path.rsplit('send/', 1)[0]}?referral={index}")


@clinic_page
def physician_summary(request: AuthedRequest, pk: int) -> HttpResponse:
    patient = access.get_patient_for(request.user, pk, clinical=True)
    summary = build_summary(
        patient, request.user, timezone.localdate(), stricta=request.GET.get("stricta") == "1"
    )
    record_read(actor=actor(request), record=patient, patient=patient, what="physician_summary")
    return render(request, "bridge/summary.html", {"s": summary, "patient": patient})


@clinic_page
@post_only
def referral_accept(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = bridge_access.get_incoming_referral_for(request.user, pk)
    services.accept_referral(actor=actor(request), referral=referral)
    messages.success(request, f"Referral for {referral.patient} accepted.")
    return redirect("patient_details", referral.patient_id)


@clinic_page
def cds_plan(request: AuthedRequest) -> HttpResponse:
    """The plan behind a CDS Hooks card: the sealed intake (``?t=``) planned again, as of
    the day of the call. Clinicians of the EHR issuer's clinic only (another clinic: 404);
    a damaged or expired link is a 400."""
    require_clinical(request.user)
    try:
        sealed = unseal(request.GET.get("t", ""))
    except InvalidInput as exc:
        return render(request, "bridge/cds_plan.html", {"error": exc}, status=400)
    if sealed.clinic_id != request.user.clinic_id:
        raise Http404("this plan belongs to another clinic")
    kb = default_knowledge()
    plan = plan_json(assess_and_plan(parse_intake(sealed.intake), knowledge=kb, as_of=sealed.as_of))
    record_event(
        request.user,
        "acuplan.cds_plan.read",
        None,
        record_type="cds_plan",
        record_id=sealed.ehr_patient_id[:100],
        ip=actor(request).ip,
        detail={"hook": sealed.hook},
    )
    return render(
        request,
        "bridge/cds_plan.html",
        {"a": sealed, "plan": plan, "decision": kb.term(f"decision.{plan['triage']['decision']}")},
    )
