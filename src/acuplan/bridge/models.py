"""The bridge's records: EHRs allowed to call the CDS Hooks service, referrals that
physicians send in, and referral letters sent. (A CDS Hooks call stores nothing.)"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class EhrIssuer(models.Model):
    """An EHR (CDS client) whose signed JWTs the CDS Hooks service accepts: the ``iss`` it
    signs with, its public keys as a JWK Set, and the clinic whose service it calls."""

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="+")
    issuer = models.CharField(max_length=500, unique=True)
    jwks: models.JSONField[Any] = models.JSONField()
    """``{"keys": [JWK, ...]}``: public keys only (a private member is refused on entry)."""
    label = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.label or self.issuer


class IncomingReferral(models.Model):
    """A ServiceRequest a physician sent in: pending on the dashboard until a clinician
    accepts it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "clinic.Patient", on_delete=models.PROTECT, related_name="incoming_referrals"
    )
    reason = models.TextField()
    priority = models.CharField(max_length=10, default="routine")
    """FHIR request priority: routine | urgent | asap | stat."""
    requester_name = models.CharField(max_length=200)
    requester_contact = models.CharField(max_length=200, blank=True)
    service_request: models.JSONField[Any] = models.JSONField()
    """The ServiceRequest as received (validated)."""
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-received_at", "-id")
        indexes = [models.Index(fields=["clinic", "status"])]


class ReferralLetter(models.Model):
    """A referral letter sent to the patient's physician (emailed or printed)."""

    class Method(models.TextChoices):
        EMAIL = "email", "Emailed"
        PRINTED = "printed", "Printed, faxed or posted"

    patient = models.ForeignKey(
        "clinic.Patient", on_delete=models.PROTECT, related_name="referral_letters"
    )
    plan = models.ForeignKey("clinic.Plan", on_delete=models.PROTECT, related_name="+")
    referral_index = models.PositiveSmallIntegerField()
    to = models.CharField(max_length=200)
    urgency = models.CharField(max_length=12)
    method = models.CharField(max_length=10, choices=Method.choices)
    sent_to = models.CharField(max_length=254, blank=True)
    referral_made = models.ForeignKey(
        "clinic.ReferralMade", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-sent_at", "-id")
