"""The login form (password, then a TOTP code for users who set one up) and the small
forms of the account pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed

from acuplan.accounts.tokens import DEFAULT_DAYS, MAX_DAYS
from acuplan.accounts.two_factor import TotpDevice, check_code

TWO_FACTOR_MESSAGE = "Enter the current 6-digit code from your authenticator app."


class LoginForm(AuthenticationForm):
    code = forms.CharField(
        label="Code from your authenticator app (if you set one up)",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()  # authenticates (django-axes counts failures here)
        user = self.get_user()
        device = (
            TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
            if user is not None
            else None
        )
        if (
            user is not None
            and device is not None
            and not check_code(device, cleaned.get("code") or "")
        ):
            # A wrong code is a failed login like a wrong password: axes counts it.
            user_login_failed.send(
                sender=__name__,
                credentials={"username": user.get_username(), "reason": "two_factor"},
                request=self.request,
            )
            self.user_cache = None
            raise forms.ValidationError(TWO_FACTOR_MESSAGE, "two_factor")
        return cleaned


class TokenForm(forms.Form):
    name = forms.CharField(label="What is it for?", max_length=100)
    days = forms.IntegerField(
        label="Valid for (days)", min_value=1, max_value=MAX_DAYS, initial=DEFAULT_DAYS
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="6-digit code",
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
