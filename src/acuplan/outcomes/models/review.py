"""A progress review: the engine's decision at a reassessment, with its inputs and rule, and
the practitioner's confirmation or reasoned override."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from acuplan.core.outcomes.progress import DECISIONS

DECISION_CHOICES = [(d, d.replace("_", " ").capitalize()) for d in DECISIONS]


class ReviewStatus(models.TextChoices):
    PROPOSED = "proposed", "Awaiting the practitioner"
    CONFIRMED = "confirmed", "Confirmed"
    OVERRIDDEN = "overridden", "Overridden"


class ProgressReview(models.Model):
    patient = models.ForeignKey(
        "clinic.Patient", on_delete=models.PROTECT, related_name="progress_reviews"
    )
    plan = models.ForeignKey(
        "clinic.Plan", null=True, on_delete=models.PROTECT, related_name="progress_reviews"
    )
    baseline = models.ForeignKey(
        "outcomes.OutcomeResponse", on_delete=models.PROTECT, related_name="+"
    )
    current = models.ForeignKey(
        "outcomes.OutcomeResponse", on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=24, choices=DECISION_CHOICES)
    rule = models.CharField(max_length=60)
    text = models.TextField()
    inputs: models.JSONField[Any] = models.JSONField()
    """Everything the rule saw: baseline and current scores, each change, sessions done and
    planned, extension and discharge state, new red flags."""
    sources: models.JSONField[Any] = models.JSONField(default=list)
    knowledge_version = models.CharField(max_length=40)
    status = models.CharField(
        max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.PROPOSED
    )
    final_decision = models.CharField(max_length=24, choices=DECISION_CHOICES, blank=True)
    reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    settled_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="overridden", reason=""),
                name="progress_override_reason_required",
            )
        ]

    @property
    def is_settled(self) -> bool:
        return self.status != ReviewStatus.PROPOSED
