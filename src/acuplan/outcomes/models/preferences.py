"""Per-clinic outcome settings: which function questionnaire the clinic uses."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class FunctionInstrument(models.TextChoices):
    RMDQ = "rmdq", "Roland-Morris Disability Questionnaire (RMDQ-24)"
    ODI = "odi", "Oswestry Disability Index (ODI v2.1a)"


class ClinicOutcomeSettings(models.Model):
    """One row per clinic; a clinic without a row uses the RMDQ, which is free for clinical
    use (the ODI may need a licence from Mapi: see instruments.toml)."""

    clinic = models.OneToOneField(
        "accounts.Clinic", on_delete=models.CASCADE, related_name="outcome_settings"
    )
    function_instrument = models.CharField(
        max_length=8, choices=FunctionInstrument.choices, default=FunctionInstrument.RMDQ
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "clinic outcome settings"
