"""Portal sign-in links (single-use, expiring; only the token's SHA-256 hash is stored) and
consultation requests from the public self-check."""

from __future__ import annotations

from django.db import models


class PortalLink(models.Model):
    patient = models.ForeignKey("clinic.Patient", on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")


class ConsultationRequest(models.Model):
    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100)
    contact = models.CharField(max_length=254)
    """An email address or a phone number, as the person gave it."""
    message = models.TextField(blank=True)
    advice_shown = models.CharField(max_length=20)
    """What the self-check told them: ok, tell_acupuncturist, see_doctor_today, emergency."""
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")
