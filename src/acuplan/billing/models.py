"""Money records: payments (reversed, never edited), prepaid packages and their voiding.
Every row is written once by ``acuplan.billing.services`` with its audit event; ``save`` on an
existing row and ``delete`` are refused, so a correction is always a new row."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class _AppendOnly(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError(f"{self._meta.verbose_name} records are never edited")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError(f"{self._meta.verbose_name} records are never deleted")


class PaymentMethod(models.TextChoices):
    CASH = "cash", "Cash"
    CARD = "card", "Card"
    CHECK = "check", "Check"
    TRANSFER = "transfer", "Bank transfer"
    INSURANCE = "insurance", "Insurance payment"
    HSA = "hsa", "HSA / FSA card"
    OTHER = "other", "Other"


class Payment(_AppendOnly):
    """Money received (``amount`` > 0), or the reversal of an earlier payment (``amount``
    < 0 and ``reverses`` set). A payment is reversed at most once."""

    patient = models.ForeignKey("clinic.Patient", on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(max_digits=9, decimal_places=2)
    method = models.CharField(max_length=12, choices=PaymentMethod.choices)
    received_on = models.DateField()
    reference = models.CharField(max_length=100, blank=True)
    """A receipt, cheque or card-slip number."""
    note = models.CharField(max_length=500, blank=True)
    package = models.ForeignKey(
        "billing.Package", null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversal"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("received_on", "id")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(amount__gt=0, reverses__isnull=True)
                    | models.Q(amount__lt=0, reverses__isnull=False)
                ),
                name="payment_positive_or_a_reversal",
            )
        ]

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


class Package(_AppendOnly):
    """Sessions paid for in advance: ``sessions`` visits for ``price``, from ``purchased_on``."""

    patient = models.ForeignKey("clinic.Patient", on_delete=models.PROTECT, related_name="packages")
    sessions = models.PositiveSmallIntegerField()
    price = models.DecimalField(max_digits=9, decimal_places=2)
    purchased_on = models.DateField()
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("purchased_on", "id")
        constraints = [
            models.CheckConstraint(condition=models.Q(sessions__gt=0), name="package_sessions")
        ]


class PackageVoid(_AppendOnly):
    """A package cancelled (sold in error, refunded): it covers no session from then on."""

    package = models.OneToOneField(Package, on_delete=models.PROTECT, related_name="void")
    reason = models.CharField(max_length=500)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    voided_at = models.DateTimeField(auto_now_add=True)
