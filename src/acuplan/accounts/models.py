"""Clinics (tenants), users with roles, and practitioner licences."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models


class Clinic(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    jurisdiction = models.CharField(max_length=8, default="US")
    default_fee = models.DecimalField(max_digits=8, decimal_places=2, default=95)
    currency = models.CharField(max_length=3, default="USD")
    created_at = models.DateTimeField(auto_now_add=True)

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


from acuplan.accounts.tokens import ApiToken as ApiToken  # noqa: E402  (registers the model)
