"""An outcome response: what the patient reported on one day, with its scores.

The scores are computed by the core scoring functions (the engine's) when the response is
recorded and stored with it, each with its instrument version: a later change to the
scoring or to the clinic's instrument never rewrites history. The plotted values are also
kept in plain columns so a chart loads them without decoding JSON.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class ResponseKind(models.TextChoices):
    INTAKE = "intake", "Intake"
    SESSION = "session", "Session"
    FOLLOW_UP = "follow_up", "Follow-up"


class OutcomeResponse(models.Model):
    patient = models.ForeignKey(
        "clinic.Patient", on_delete=models.PROTECT, related_name="outcome_responses"
    )
    kind = models.CharField(max_length=12, choices=ResponseKind.choices)
    session = models.ForeignKey(
        "clinic.Session",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outcome_responses",
    )
    answered_on = models.DateField()
    answers: models.JSONField[Any] = models.JSONField(default=dict)
    """The validated answers as given (item lists, sleep, analgesics, workdays, red flags)."""
    scores: models.JSONField[Any] = models.JSONField(default=dict)
    """Instrument id -> the core InstrumentScore as JSON (total, band, version, detail)."""
    versions: models.JSONField[Any] = models.JSONField(default=dict)
    """Instrument id -> the instrument version the answers were given on."""
    pain_nrs = models.PositiveSmallIntegerField(null=True, blank=True)
    peg = models.FloatField(null=True, blank=True)
    function_instrument = models.CharField(max_length=8, blank=True)
    function_score = models.FloatField(null=True, blank=True)
    start_back_risk = models.CharField(max_length=8, blank=True)
    sleep_nights_disturbed = models.PositiveSmallIntegerField(null=True, blank=True)
    sleep_quality = models.PositiveSmallIntegerField(null=True, blank=True)
    analgesic_doses_week = models.PositiveSmallIntegerField(null=True, blank=True)
    workdays_missed = models.PositiveSmallIntegerField(null=True, blank=True)
    red_flags: models.JSONField[Any] = models.JSONField(default=list, blank=True)
    """Red flags the patient reported on this response (intake vocabulary)."""
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    """None when the patient answered through a questionnaire link."""
    recorded_at = models.DateTimeField(auto_now_add=True)
    flags_seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    flags_seen_at = models.DateTimeField(null=True, blank=True)
    """When a clinician saw the red flags reported here (they leave the urgent panel)."""

    class Meta:
        ordering = ("answered_on", "id")
        indexes = [models.Index(fields=["patient", "answered_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} outcome of {self.answered_on.isoformat()}"


class Baseline(models.Model):
    """The response a patient's progress is measured from, when a clinician chose it. Without
    one, the baseline is the intake response, else the first response on or after the first
    intake."""

    patient = models.OneToOneField(
        "clinic.Patient", on_delete=models.PROTECT, related_name="baseline_choice"
    )
    response = models.ForeignKey(OutcomeResponse, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    chosen_at = models.DateTimeField(auto_now=True)
