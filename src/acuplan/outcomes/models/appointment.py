"""Appointments of a course: scheduled from the approved plan's phases, or booked one by one
on the clinic calendar (``acuplan.booking``), moved and cancelled there or in the portal."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models


class Appointment(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"

    patient = models.ForeignKey(
        "clinic.Patient", on_delete=models.PROTECT, related_name="appointments"
    )
    plan = models.ForeignKey("clinic.Plan", null=True, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField()
    """The visit's position in the course, from 1."""
    phase = models.CharField(max_length=30)
    starts_at = models.DateTimeField(db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(default=45)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    """Stable iCalendar UID: a re-exported calendar updates events instead of duplicating."""
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    """Who sees the patient (None: booked before the calendar; the patient's practitioner)."""
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    """None with ``cancelled_at`` set: the patient cancelled in the portal."""
    cancel_reason = models.CharField(max_length=300, blank=True)
    late_cancellation = models.BooleanField(default=False)
    """Cancelled closer to the visit than the clinic's late-cancellation notice."""
    move_request = models.CharField(max_length=300, blank=True)
    """What the patient asked for in the portal (the front desk moves the visit)."""
    move_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("starts_at", "id")
        indexes = [models.Index(fields=["practitioner", "starts_at"])]

    @property
    def phase_label(self) -> str:
        return self.phase.replace("_", " ")

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)
