"""Clinics (tenants), users with roles, and practitioner licences."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models


class Clinic(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    jurisdiction = models.CharField(max_length=8, default="US")
    default_fee = models.DecimalField(max_digits=8, decimal_places=2, default=95)
    currency = models.CharField(max_length=3, default="USD")
    phone = models.CharField(max_length=30, blank=True, help_text="Printed on patient handouts.")
    created_at = models.DateTimeField(auto_now_add=True)
    require_admin_two_factor = models.BooleanField(
        default=False, help_text="Clinic admins must log in with a TOTP code as well."
    )

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CLINIC_ADMIN = "clinic_admin", "Clinic admin"
    PRACTITIONER = "practitioner", "Practitioner"
    FRONT_DESK = "front_desk", "Front desk"


class User(AbstractUser):
    clinic = models.ForeignKey(Clinic, null=True, on_delete=models.PROTECT, related_name="users")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PRACTITIONER)

    @property
    def is_clinical(self) -> bool:
        """May read clinical notes (intakes, plans, sessions). Front desk may not."""
        return self.role in {Role.CLINIC_ADMIN, Role.PRACTITIONER}

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_clinic_admin(self) -> bool:
        return self.role == Role.CLINIC_ADMIN

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A changed password (``set_password`` on an existing user, from any page,
        command or shell) revokes the user's API tokens and is audited."""
        password_changed = getattr(self, "_password", None) is not None and self.pk is not None
        super().save(*args, **kwargs)
        if password_changed:
            from acuplan.accounts.tokens import revoke_all
            from acuplan.audit.log import record_event

            revoked = revoke_all(self, reason="password changed")
            record_event(
                self, "acuplan.auth.password_changed", self, detail={"tokens_revoked": revoked}
            )


class PractitionerProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    licence_number = models.CharField(max_length=50)
    licence_state = models.CharField(max_length=2, help_text="US state code, e.g. CA")
    licence_expiry = models.DateField()
    nccaom_number = models.CharField(max_length=50, blank=True)
    nccaom_expiry = models.DateField(null=True, blank=True)
    npi = models.CharField(max_length=10, blank=True)

    def licence_valid_on(self, day: dt.date) -> bool:
        return day <= self.licence_expiry

    def __str__(self) -> str:
        return f"{self.user} ({self.licence_state} {self.licence_number})"


from acuplan.accounts.idempotency import IdempotentRequest as IdempotentRequest  # noqa: E402
from acuplan.accounts.tokens import ApiToken as ApiToken  # noqa: E402  (registers the model)
from acuplan.accounts.two_factor import TotpDevice as TotpDevice  # noqa: E402
