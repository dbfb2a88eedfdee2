"""The CDS Hooks 2.0 services: the discovery document and the two hooks.

- ``patient-view``: when a chart opens, screen the patient for acupuncture.
- ``order-select``: when a ServiceRequest for acupuncture is selected, screen it.

Both read the prefetched Patient, Conditions, MedicationRequests, MedicationStatements,
Observations and Coverage, map them to an intake (:mod:`mapping`), run the engine (pure)
and answer with cards (:mod:`cards`). A required prefetch the EHR did not send is
:class:`PrefetchMissing` (412 with an OperationOutcome): acuplan does not query the EHR's
FHIR server itself. A call stores nothing in acuplan's database."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from acuplan.bridge.cds.cards import cards_for
from acuplan.bridge.cds.links import SealedPlan, seal
from acuplan.bridge.cds.mapping import codings, map_prefetch, resources_of
from acuplan.bridge.fhir import systems
from acuplan.bridge.models import EhrIssuer
from acuplan.core.errors import AcuplanError, FieldError, InvalidInput, InvalidIntake
from acuplan.core.intake import parse_intake
from acuplan.core.knowledge import default_knowledge
from acuplan.core.knowledge.interop import default_interop
from acuplan.core.plan import assess_and_plan, plan_json

logger = logging.getLogger("acuplan.cds")
PATIENT = "{{context.patientId}}"
PREFETCH = {
    "patient": f"Patient/{PATIENT}",
    "conditions": f"Condition?patient={PATIENT}",
    "medications": f"MedicationRequest?patient={PATIENT}",
    "medicationStatements": f"MedicationStatement?patient={PATIENT}",
    "observations": f"Observation?patient={PATIENT}&code="
    f"{systems.LOINC}|72514-3,{systems.LOINC}|82810-3,{systems.LOINC}|11884-4",
    "coverage": f"Coverage?patient={PATIENT}",
}
REQUIRED = ("patient", "conditions", "medications")
"""Without these a screen would be unsafe (a blood thinner or a red flag unseen)."""

SERVICES: dict[str, dict[str, Any]] = {
    "acuplan-patient-view": {
        "hook": "patient-view",
        "title": "acuplan: acupuncture for back pain",
        "description": "Screens the patient for acupuncture of back pain: red flags, "
        "contraindications (blood thinners, pregnancy, cardiac devices) and eligibility.",
        "prefetch": PREFETCH,
        "usageRequirements": "Send the patient, their conditions and medication requests "
        "(required); statements, observations and coverage sharpen the screen.",
    },
    "acuplan-order-select": {
        "hook": "order-select",
        "title": "acuplan: acupuncture order check",
        "description": "Checks a selected ServiceRequest for acupuncture against red flags, "
        "contraindications and payer limits.",
        "prefetch": PREFETCH,
        "usageRequirements": "As for patient-view; context.draftOrders must hold the "
        "selected ServiceRequest.",
    },
}


class PrefetchMissing(AcuplanError):
    """Required prefetch data was not sent (answered 412 with an OperationOutcome)."""

    def __init__(self, keys: list[str]) -> None:
        self.keys = keys
        super().__init__(
            "required prefetch missing: " + ", ".join(keys) + " (acuplan does not query "
            "the EHR's FHIR server; send them as prefetch)"
        )


@dataclass(frozen=True)
class HookCall:
    service_id: str
    hook: str
    hook_instance: str
    context: dict[str, Any]
    prefetch: dict[str, Any]


def discovery() -> dict[str, Any]:
    return {"services": [{"id": sid, **spec} for sid, spec in SERVICES.items()]}


def _acupuncture_order(context: dict[str, Any]) -> dict[str, Any] | None:
    """The selected ServiceRequest for acupuncture in context.draftOrders, if any."""
    selections = {str(s) for s in context.get("selections") or []}
    for order in resources_of(context.get("draftOrders")):
        if order.get("resourceType") != "ServiceRequest":
            continue
        if selections and f"ServiceRequest/{order.get('id')}" not in selections:
            continue
        code = order.get("code") or {}
        snomed = any(
            c == ("SNOMED CT", systems.ACUPUNCTURE_SNOMED)
            for c in ((s, k) for s, k, _ in codings(code))
        )
        text = " ".join(
            [str(code.get("text") or "")]
            + [str(c.get("display") or "") for c in code.get("coding") or [] if isinstance(c, dict)]
        ).lower()
        if snomed or "acupunct" in text:
            return order
    return None


def answer(call: HookCall, issuer: EhrIssuer) -> dict[str, Any]:
    """The cards for one call. InvalidInput for a context that is not the hook's;
    PrefetchMissing for required prefetch left out. Stores nothing: the EHR's data stays
    the EHR's (the plan link carries the mapped intake, sealed: :mod:`links`)."""
    spec = SERVICES[call.service_id]
    if call.hook != spec["hook"]:
        raise InvalidInput([FieldError("hook", f"this service answers {spec['hook']}")])
    patient_id = str(call.context.get("patientId") or "")
    if not patient_id:
        raise InvalidInput([FieldError("context.patientId", "required")])
    missing = [k for k in REQUIRED if call.prefetch.get(k) is None]
    if missing:
        raise PrefetchMissing(missing)
    extra: list[dict[str, Any]] = []
    if call.hook == "order-select":
        order = _acupuncture_order(call.context)
        if order is None:
            return {"cards": []}  # not an acupuncture order: nothing to say
        extra = [c for c in order.get("reasonCode") or [] if isinstance(c, dict)]
    interop, today = default_interop(), timezone.localdate()
    mapped = map_prefetch(interop, call.prefetch, today, extra_conditions=extra)
    if mapped is None:
        return {"cards": [_no_age_card()]}
    if call.hook == "patient-view" and not mapped.back_pain:
        return {"cards": []}  # no back pain on the record: acuplan has nothing to add
    try:
        intake = parse_intake(mapped.intake, as_of=today)
    except InvalidIntake as exc:
        raise InvalidInput(
            [FieldError(f"prefetch ({e.field})", e.message) for e in exc.errors]
        ) from None
    plan = plan_json(assess_and_plan(intake, knowledge=default_knowledge(), as_of=today))
    token = seal(
        SealedPlan(issuer.clinic_id, call.hook, patient_id, today, mapped.intake, mapped.notes)
    )
    base = str(settings.ACUPLAN_BASE_URL).rstrip("/")
    link = f"{base}{reverse('bridge:cds_plan')}?t={token}"
    logger.info("CDS %s from %s: %s", call.hook, issuer.issuer, plan["triage"]["decision"])
    return {"cards": cards_for(plan, mapped, interop, link)}


def _no_age_card() -> dict[str, Any]:
    from acuplan.bridge.cds.cards import SOURCE_LABEL

    return {
        "uuid": str(uuid.uuid4()),
        "summary": "acuplan cannot screen this patient: no birth date in the Patient resource",
        "indicator": "info",
        "source": {"label": SOURCE_LABEL},
    }
