"""Appointments of a course, scheduled from the approved plan's phases."""

from __future__ import annotations

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

    class Meta:
        ordering = ("starts_at", "id")

    @property
    def phase_label(self) -> str:
        return self.phase.replace("_", " ")
