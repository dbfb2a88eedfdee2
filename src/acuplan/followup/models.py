"""Scheduled sends (the outbox every automated message goes through), discharges and
booster offers.

Exactly once: each send has a unique ``key`` (a database constraint, so two schedulers, a
retried job or ``run-due`` twice cannot create it twice) and is delivered only by the
worker that claims it with a conditional update (``status = scheduled`` and no live lease).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SendKind(models.TextChoices):
    QUESTIONNAIRE = "questionnaire", "Questionnaire"
    REMINDER = "reminder", "Questionnaire reminder"
    APPOINTMENT_REMINDER = "appointment_reminder", "Appointment reminder"
    BOOSTER_INVITE = "booster_invite", "Invitation to book a booster series"


class SendStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    SENT = "sent", "Sent"
    ANSWERED = "answered", "Answered"
    CANCELLED = "cancelled", "Cancelled"
    FAILED = "failed", "Failed (gave up after retries)"


class ScheduledSend(models.Model):
    key = models.CharField(max_length=160, unique=True)
    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "clinic.Patient", on_delete=models.PROTECT, related_name="scheduled_sends"
    )
    kind = models.CharField(max_length=24, choices=SendKind.choices)
    reason = models.CharField(max_length=40)
    """Why: before_reassessment, phase_end, discharge, month_1 ..., appointment, booster."""
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=SendStatus.choices, default=SendStatus.SCHEDULED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    """After a failure: not before this (exponential backoff)."""
    lease_until = models.DateTimeField(null=True, blank=True)
    """A worker holds the send until then (a crashed worker's lease runs out)."""
    last_error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True)
    appointment = models.ForeignKey(
        "outcomes.Appointment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reminders"
    )
    """A reminder's questionnaire."""
    discharge = models.ForeignKey(
        "Discharge", null=True, blank=True, on_delete=models.PROTECT, related_name="sends"
    )
    booster = models.ForeignKey(
        "BoosterOffer", null=True, blank=True, on_delete=models.PROTECT, related_name="sends"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("due_at", "id")
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["patient", "due_at"]),
        ]

    def __str__(self) -> str:
        return self.key


class Discharge(models.Model):
    """The end of a course: the patient goes on to the 1, 3 and 6-month follow-ups."""

    patient = models.ForeignKey("clinic.Patient", on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey("clinic.Plan", on_delete=models.PROTECT, related_name="+")
    discharged_at = models.DateTimeField()
    pain_nrs = models.PositiveSmallIntegerField(null=True, blank=True)
    """The last pain score on or before discharge (the discharge questionnaire's, once
    answered): pain back by the MCID above it calls for a booster."""
    note = models.CharField(max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ("-discharged_at", "-id")


class BoosterStatus(models.TextChoices):
    OPEN = "open", "Offer a booster series"
    BOOKED = "booked", "Booster booked"
    DISMISSED = "dismissed", "Dismissed"


class BoosterOffer(models.Model):
    """Pain came back after discharge: the dashboard asks the clinic to offer a booster."""

    patient = models.ForeignKey(
        "clinic.Patient", on_delete=models.PROTECT, related_name="booster_offers"
    )
    discharge = models.ForeignKey(Discharge, on_delete=models.PROTECT, related_name="offers")
    response = models.OneToOneField(
        "outcomes.OutcomeResponse", on_delete=models.PROTECT, related_name="booster_offer"
    )
    discharge_pain = models.PositiveSmallIntegerField()
    pain_now = models.PositiveSmallIntegerField()
    mcid_points = models.FloatField()
    sessions = models.PositiveSmallIntegerField()
    sessions_per_week = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=10, choices=BoosterStatus.choices, default=BoosterStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=["discharge"],
                condition=models.Q(status="open"),
                name="one_open_booster_offer_per_discharge",
            )
        ]
