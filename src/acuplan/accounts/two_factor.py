"""Optional second factor: a TOTP (RFC 6238) secret per user, computed by pyotp.

A user sets one up on the two-factor page (the secret, typed or scanned into an
authenticator app, is confirmed by a first code); from then on the login form asks for a
code. A clinic can require a second factor of its admins (``Clinic.require_admin_two_factor``):
until they set one up, they can reach only the two-factor page. A code is accepted once
(the time step used last is kept), with one step of clock drift either way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyotp
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

if TYPE_CHECKING:
    from acuplan.accounts.models import User

ISSUER = "acuplan"
DRIFT_STEPS = 1


class TotpDevice(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device"
    )
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0)

    def provisioning_uri(self) -> str:
        totp = pyotp.TOTP(self.secret)
        return totp.provisioning_uri(name=self.user.username, issuer_name=ISSUER)


def has_two_factor(user: User) -> bool:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def pending_device(user: User) -> TotpDevice:
    """The user's device waiting for its first code (made now if there is none)."""
    device, _ = TotpDevice.objects.get_or_create(
        user=user, defaults={"secret": pyotp.random_base32()}
    )
    return device


@transaction.atomic
def check_code(device: TotpDevice, code: str) -> bool:
    """True when ``code`` is valid now and newer than the last code used (no replay)."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return False
    totp = pyotp.TOTP(device.secret)
    now = timezone.now()
    step_now = totp.timecode(now)
    for offset in range(-DRIFT_STEPS, DRIFT_STEPS + 1):
        step = step_now + offset
        if step > device.last_step and pyotp.utils.strings_equal(totp.generate_otp(step), code):
            updated = TotpDevice.objects.filter(pk=device.pk, last_step__lt=step).update(
                last_step=step
            )
            device.last_step = step
            return updated == 1
    return False


def two_factor_required(user: object) -> bool:
    """The user's clinic requires a second factor of admins and this user is one."""
    clinic = getattr(user, "clinic", None)
    return bool(
        getattr(user, "is_clinic_admin", False)
        and clinic is not None
        and clinic.require_admin_two_factor
    )
