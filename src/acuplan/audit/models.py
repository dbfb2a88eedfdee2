"""Audit events: who did what to which record, when and from where. Append-only: the
database refuses UPDATE and DELETE on the table (triggers, migration 0003), and each
event carries a hash chained to the one before it (``acuplan.audit.chain``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    at = models.DateTimeField(db_index=True)
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
    prev_hash = models.CharField(max_length=64, default="")
    hash = models.CharField(max_length=64, default="")

    class Meta:
        ordering = ("-at", "-id")

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("audit events are append-only")
