"""Access to appointments: one helper. Another clinic's appointment is a 404; any member of
the clinic (front desk books) may see it: it carries times, not clinical notes."""

from __future__ import annotations

from django.http import Http404

from acuplan.accounts.models import User
from acuplan.outcomes.models import Appointment


def get_appointment_for(user: User, pk: int) -> Appointment:
    appointment = None
    if user.is_authenticated and user.clinic_id is not None:
        appointment = (
            Appointment.objects.select_related("patient__clinic", "practitioner")
            .filter(pk=pk, patient__clinic_id=user.clinic_id)
            .first()
        )
    if appointment is None:
        raise Http404("no such appointment")
    return appointment
