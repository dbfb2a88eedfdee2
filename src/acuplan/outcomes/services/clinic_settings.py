"""The clinic's choice of function questionnaire (RMDQ or ODI)."""

from __future__ import annotations

from django.db import transaction

from acuplan.accounts.models import Clinic, Role
from acuplan.clinic.services import Actor
from acuplan.core.errors import FieldError, InvalidInput, NotPermitted
from acuplan.outcomes.models import ClinicOutcomeSettings, FunctionInstrument
from acuplan.outcomes.services.common import audit


def function_instrument_for(clinic_id: int | None) -> str:
    """The clinic's function instrument id; the RMDQ when the clinic has chosen none."""
    if clinic_id is None:
        return FunctionInstrument.RMDQ.value
    row = ClinicOutcomeSettings.objects.filter(clinic_id=clinic_id).only("function_instrument")
    found = row.first()
    return found.function_instrument if found else FunctionInstrument.RMDQ.value


@transaction.atomic
def set_function_instrument(*, actor: Actor, instrument: str) -> ClinicOutcomeSettings:
    """Clinic admins only. Responses already recorded keep their instrument and version."""
    if actor.user.role != Role.CLINIC_ADMIN:
        raise NotPermitted("only a clinic admin can change the clinic's questionnaires")
    if instrument not in FunctionInstrument.values:
        raise InvalidInput(
            [
                FieldError(
                    "function_instrument", "must be one of " + ", ".join(FunctionInstrument.values)
                )
            ]
        )
    clinic: Clinic | None = actor.user.clinic
    if clinic is None:
        raise NotPermitted("the user belongs to no clinic")
    row, _ = ClinicOutcomeSettings.objects.select_for_update().get_or_create(clinic=clinic)
    row.function_instrument, row.updated_by = instrument, actor.user
    row.save()
    audit(actor, "acuplan.outcome_settings.changed", row, None, function_instrument=instrument)
    return row
