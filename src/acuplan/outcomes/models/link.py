"""Questionnaire links: single-use, expiring, unguessable; the token is never stored, only
its SHA-256 hash, so a copy of the database cannot open a link."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class QuestionnaireLink(models.Model):
    patient = models.ForeignKey(
        "clinic.Patient", on_delete=models.PROTECT, related_name="questionnaire_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    due: models.JSONField[Any] = models.JSONField()
    """What the link asks (e.g. ["nrs", "peg", "rmdq", "sleep", ...]), fixed when sent."""
    sent_to = models.EmailField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    """None: sent by the follow-up schedule (``follow_up`` says which send)."""
    follow_up = models.ForeignKey(
        "followup.ScheduledSend",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="links",
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    response = models.OneToOneField(
        "outcomes.OutcomeResponse",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="link",
    )

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["patient", "created_at"])]
