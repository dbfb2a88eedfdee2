"""Account pages: login (with the lockout page), password change and reset, API tokens,
the two-factor set-up, and the clinic admin's security page (lockouts, the two-factor rule).
"""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone

from acuplan.accounts import tokens, two_factor
from acuplan.accounts.forms import CodeForm, LoginForm, TokenForm
from acuplan.accounts.models import User
from acuplan.audit.log import record_event
from acuplan.clinic.views.base import AuthedRequest, clinic_page, form_page
from acuplan.core.errors import InvalidInput, NotPermitted


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["expired"] = self.request.GET.get("expired") == "1"
        context["idle_minutes"] = int(settings.SESSION_IDLE_TIMEOUT.total_seconds() // 60)
        return context


def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' lockout response: the login page, saying why and for how long (429)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"form": LoginForm(request), "locked_out": True, "lockout_minutes": minutes}
    return render(request, "registration/login.html", context, status=429)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        for user in form.get_users(form.cleaned_data["email"]):
            record_event(
                None, "acuplan.auth.password_reset_requested", user, clinic_id=user.clinic_id
            )
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# --- API tokens -----------------------------------------------------------------------------


@clinic_page
def api_tokens(request: AuthedRequest) -> HttpResponse:
    """The user's own tokens: make one (shown once) or revoke one (``revoke=<id>``)."""
    user, ip = request.user, request.META.get("REMOTE_ADDR")
    form, plain = TokenForm(), ""
    if request.method == "POST" and "revoke" in request.POST:
        token = _own_token(user, request.POST["revoke"])
        tokens.revoke_token(token, actor=user)
        messages.success(request, f"Token “{token.name}” revoked.")
        return redirect("api_tokens")
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                plain, _ = tokens.issue_token(
                    user, form.cleaned_data["name"], days=form.cleaned_data["days"], ip=ip
                )
            except InvalidInput as exc:
                form.add_error(None, "; ".join(e.message for e in exc.errors))
            else:
                form = TokenForm()
    context = {"form": form, "plain": plain, "tokens": tokens.ApiToken.objects.filter(user=user)}
    return form_page(request, "accounts/tokens.html", context, invalid=form.is_bound)


def _own_token(user: User, raw_id: str) -> tokens.ApiToken:
    token = None
    if raw_id.isdigit() and len(raw_id) < 19:
        token = tokens.ApiToken.objects.select_related("user").filter(pk=raw_id, user=user).first()
    if token is None:
        raise Http404("no such token")
    return token


# --- two-factor ---------------------------------------------------------------------------


@clinic_page
def two_factor_page(request: AuthedRequest) -> HttpResponse:
    """Set up a TOTP second factor (confirmed by a first code), or remove it (a code again)."""
    user = request.user
    confirmed = two_factor.has_two_factor(user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        current = two_factor.pending_device(user)
        if not two_factor.check_code(current, form.cleaned_data["code"]):
            form.add_error("code", "That code is not valid now. Check the time on your phone.")
        elif confirmed:
            _remove_device(request, current)
            return redirect("two_factor")
        else:
            two_factor.TotpDevice.objects.filter(pk=current.pk).update(confirmed_at=timezone.now())
            record_event(user, "acuplan.auth.two_factor_enabled", current)
            messages.success(request, "Two-factor login is on. You will need a code next time.")
            return redirect("two_factor")
    device: two_factor.TotpDevice | None = None
    if not confirmed:
        device = two_factor.pending_device(user)
    context = {
        "form": form,
        "confirmed": confirmed,
        "device": device,
        "secret": " ".join(device.secret[i : i + 4] for i in range(0, len(device.secret), 4))
        if device
        else "",
        "required": two_factor.two_factor_required(user),
    }
    return form_page(request, "accounts/two_factor.html", context, invalid=form.is_bound)


def _remove_device(request: AuthedRequest, device: two_factor.TotpDevice) -> None:
    if two_factor.two_factor_required(request.user):
        raise NotPermitted("your clinic requires a second factor for admins: it cannot be removed")
    with transaction.atomic():
        record_event(request.user, "acuplan.auth.two_factor_disabled", request.user)
        two_factor.TotpDevice.objects.filter(pk=device.pk).delete()
    messages.success(request, "Two-factor login is off.")


# --- the clinic admin's security page -------------------------------------------------------


def require_clinic_admin(user: User) -> int:
    if not user.is_clinic_admin or user.clinic_id is None:
        raise NotPermitted("only a clinic admin can see this page")
    return user.clinic_id


def locked_usernames(usernames: list[str]) -> set[str]:
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return set(
        AccessAttempt.objects.filter(
            username__in=usernames,
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=since,
        ).values_list("username", flat=True)
    )


@clinic_page
def clinic_security(request: AuthedRequest) -> HttpResponse:
    """Lift a lockout (``unlock=<username>``) and set the clinic's two-factor rule."""
    clinic_id = require_clinic_admin(request.user)
    members = list(User.objects.filter(clinic_id=clinic_id).order_by("username"))
    if request.method == "POST":
        if "unlock" in request.POST:
            _unlock(request, members, request.POST["unlock"])
        else:
            _set_two_factor_rule(request, request.POST.get("require_admin_two_factor") == "on")
        return redirect("clinic_security")
    locked = locked_usernames([u.username for u in members])
    rows = [(u, u.username in locked, two_factor.has_two_factor(u)) for u in members]
    clinic = request.user.clinic
    return render(request, "accounts/clinic_security.html", {"rows": rows, "clinic": clinic})


def _unlock(request: AuthedRequest, members: list[User], username: str) -> None:
    member = next((u for u in members if u.username == username), None)
    if member is None:
        raise Http404("no such user in your clinic")
    with transaction.atomic():
        ips = set(
            AccessAttempt.objects.filter(username=username).values_list("ip_address", flat=True)
        )
        removed = axes_reset(username=username)
        for ip in ips:
            removed += axes_reset(ip=ip)
        record_event(request.user, "acuplan.auth.unlocked", member, detail={"attempts": removed})
    messages.success(request, f"{member.username} can log in again.")


def _set_two_factor_rule(request: AuthedRequest, required: bool) -> None:
    from acuplan.accounts.models import Clinic

    clinic = request.user.clinic
    assert clinic is not None  # require_clinic_admin checked it  # noqa: S101
    with transaction.atomic():
        Clinic.objects.filter(pk=clinic.pk).update(require_admin_two_factor=required)
        record_event(
            request.user,
            "acuplan.clinic_security.changed",
            clinic,
            detail={"require_admin_two_factor": required},
        )
    state = "must now" if required else "no longer need to"
    messages.success(request, f"Clinic admins {state} log in with a second factor.")
