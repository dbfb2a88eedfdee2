"""Treatment sessions, STRICTA-complete: points needled, technique, dose, adverse events."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class Session(models.Model):
    patient = models.ForeignKey("clinic.Patient", on_delete=models.PROTECT, related_name="sessions")
    plan = models.ForeignKey(
        "clinic.Plan", null=True, blank=True, on_delete=models.PROTECT, related_name="sessions"
    )
    date = models.DateField(db_index=True)
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(max_length=20)  # manual | electro | acupressure
    retention_minutes = models.PositiveIntegerField(null=True, blank=True)
    needle_type = models.CharField(max_length=100, blank=True)  # e.g. "sterile single-use steel"
    needle_size = models.CharField(max_length=40, blank=True)  # e.g. "0.25 x 40 mm"
    needle_count = models.PositiveIntegerField(null=True, blank=True)
    electro: models.JSONField[Any] = models.JSONField(default=dict, blank=True)
    """Frequency (Hz), waveform, intensity, electrode pairs, minutes."""
    moxibustion = models.BooleanField(default=False)
    cotreatments: models.JSONField[Any] = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True)
    pain_nrs = models.PositiveSmallIntegerField(null=True, blank=True)
    confirmations: models.JSONField[Any] = models.JSONField(default=list, blank=True)
    """What the practitioner confirmed against the safety filter, with a reason each:
    ``[{"target": "BL23" | "method", "issue": "excluded" | "depth" | "technique",
    "rules": [...], "reason": "..."}]``."""
    evaluation = models.CharField(max_length=5, blank=True)
    """The E/M code of a separately identifiable evaluation (billed with modifier 25), or
    blank: none was done beyond the assessment that is part of every acupuncture visit."""
    evaluation_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-date", "-id")


class NeedleSet(models.Model):
    """One insertion of needles in a session, in order: its stimulation and the minutes of
    personal one-on-one contact. Retention without contact is kept apart: it is never
    billed (``acuplan.core.billing``)."""

    class Stimulation(models.TextChoices):
        MANUAL = "manual", "Manual"
        ELECTRO = "electro", "Electrical"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="sets")
    number = models.PositiveSmallIntegerField()
    stimulation = models.CharField(max_length=10, choices=Stimulation.choices)
    face_to_face_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    """None: not recorded (a session recorded without its sets): it bills nothing."""
    retention_minutes = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("session", "number")
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="needle_set_number_unique")
        ]


class SessionPoint(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="points")
    code = models.CharField(max_length=10)
    side = models.CharField(max_length=10)  # left | right | bilateral | midline | as_found
    depth_cun = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    de_qi = models.BooleanField(null=True)
    stimulation = models.CharField(max_length=40, blank=True)  # even | tonifying | reducing ...

    class Meta:
        ordering = ("id",)


class AdverseEvent(models.Model):
    class Severity(models.TextChoices):
        MILD = "mild", "Mild"
        MODERATE = "moderate", "Moderate (needed treatment)"
        SERIOUS = "serious", "Serious"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="adverse_events")
    kind = models.CharField(max_length=40)  # bleeding, haematoma, pain, fainting, pneumothorax ...
    severity = models.CharField(max_length=10, choices=Severity.choices)
    description = models.TextField(blank=True)
