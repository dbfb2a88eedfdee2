"""Audit events: who did what to which record, when and from where. Append-only."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    clinic = models.ForeignKey("accounts.Clinic", null=True, on_delete=models.PROTECT)
    action = models.CharField(max_length=80, db_index=True)  # "acuplan.session.recorded"
    record_type = models.CharField(max_length=40)
    record_id = models.CharField(max_length=40)
    patient_id = models.BigIntegerField(null=True, db_index=True)
    ip = models.GenericIPAddressField(null=True)
    detail: models.JSONField[Any] = models.JSONField(default=dict)

    class Meta:
        ordering = ("-at", "-id")

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("audit events are append-only")
        super().save(*args, **kwargs)
