"""Patients (only the identifying data a clinic needs), intakes and consents."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class Patient(models.Model):
    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="patients")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=10, default="unknown")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    physician_name = models.CharField("referring / primary physician", max_length=200, blank=True)
    physician_contact = models.CharField(max_length=200, blank=True)
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="patients",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    latest_plan = models.ForeignKey(
        "clinic.Plan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    """The newest plan (the latest assessment), kept by ``services.create_plan`` so that
    lists (the urgent panel, who is due) never search every patient's plans."""
    latest_decision = models.CharField(max_length=30, blank=True)
    """The latest plan's triage decision (copied with ``latest_plan``)."""

    class Meta:
        ordering = ("last_name", "first_name", "id")
        indexes = [
            models.Index(fields=["clinic", "last_name"]),
            models.Index(fields=["clinic", "latest_decision"], name="patient_latest_decision"),
        ]

    def __str__(self) -> str:
        return f"{self.last_name}, {self.first_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Intake(models.Model):
    """The contract's intake JSON, stored as validated, versioned per patient."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="intakes")
    version = models.PositiveIntegerField()
    data: models.JSONField[Any] = models.JSONField()
    schema_version = models.CharField(max_length=8, default="1")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-version",)
        constraints = [
            models.UniqueConstraint(fields=["patient", "version"], name="intake_version_unique")
        ]


class Consent(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="consents")
    plan = models.ForeignKey("clinic.Plan", null=True, blank=True, on_delete=models.PROTECT)
    explained: models.JSONField[Any] = models.JSONField(default=list)
    """Topics explained: what_to_expect, benefits, risks, cost, alternatives ..."""
    signed_by_name = models.CharField(max_length=200)
    signed_at = models.DateTimeField()
    method = models.CharField(max_length=20, default="paper")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)
