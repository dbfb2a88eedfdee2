"""Clinics (tenants), users with roles, and practitioner licences."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from acuplan.core.credentials import npi_problem


def validate_npi(value: str) -> None:
    """A blank NPI is allowed (not every practitioner has one); a typed one must be valid."""
    problem = npi_problem(value) if value else None
    if problem:
        raise ValidationError(problem)


def list_follow_up_months() -> list[int]:
    return [1, 3, 6]


class Clinic(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    jurisdiction = models.CharField(max_length=8, default="US")
    default_fee = models.DecimalField(max_digits=8, decimal_places=2, default=95)
    currency = models.CharField(max_length=3, default="USD")
    created_at = models.DateTimeField(auto_now_add=True)
    require_admin_two_factor = models.BooleanField(
        default=False, help_text="Clinic admins must log in with a TOTP code as well."
    )
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        help_text="IANA zone (e.g. America/New_York): every time shown, sent or exported.",
    )
    quiet_hours_start = models.TimeField(
        default=dt.time(21, 0), help_text="No email to patients from this local time ..."
    )
    quiet_hours_end = models.TimeField(default=dt.time(8, 0), help_text="... until this one.")
    reminder_hours_before = models.PositiveSmallIntegerField(
        default=24, help_text="Appointment reminders go this many hours ahead."
    )
    late_cancellation_hours = models.PositiveSmallIntegerField(
        default=24, help_text="A cancellation closer to the visit than this is late."
    )
    follow_up_months: models.JSONField[Any] = models.JSONField(
        default=list_follow_up_months,
        help_text="Months after discharge at which the questionnaire is sent again.",
    )
    chaser_days = models.PositiveSmallIntegerField(
        default=3, help_text="One reminder this many days after an unanswered questionnaire."
    )
    # What a superbill states about the clinic (acuplan.billing); the phone is printed on
    # patient handouts too.
    address = models.TextField(blank=True, help_text="Street, city, state and ZIP code.")
    phone = models.CharField(max_length=30, blank=True)
    tax_id = models.CharField(
        "tax id (EIN)", max_length=10, blank=True, help_text="The federal EIN, 12-3456789."
    )
    fee_schedule: models.JSONField[Any] = models.JSONField(default=dict, blank=True)
    """CPT code -> fee per unit, as a decimal string: ``{"97810": "95.00", ...}``."""

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The clinic's time zone (UTC if the stored name is unknown to this machine)."""
        return zone_named(self.time_zone)

    def in_quiet_hours(self, moment: dt.datetime) -> bool:
        """Is ``moment`` (aware) inside the clinic's quiet hours, in the clinic's zone?"""
        t = moment.astimezone(self.zone).time()
        start, end = self.quiet_hours_start, self.quiet_hours_end
        if start == end:
            return False
        return (start <= t or t < end) if start > end else (start <= t < end)


def zone_named(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def is_known_zone(name: str) -> bool:
    return name in zoneinfo.available_timezones()


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
    npi = models.CharField(max_length=10, blank=True, validators=[validate_npi])

    def licence_valid_on(self, day: dt.date) -> bool:
        return day <= self.licence_expiry

    def __str__(self) -> str:
        return f"{self.user} ({self.licence_state} {self.licence_number})"


from acuplan.accounts.idempotency import IdempotentRequest as IdempotentRequest  # noqa: E402
from acuplan.accounts.tokens import ApiToken as ApiToken  # noqa: E402  (registers the model)
from acuplan.accounts.two_factor import TotpDevice as TotpDevice  # noqa: E402
