"""Logins as an attacker and a user meet them: throttling and lockout (django-axes), the
audit trail of every login event, password rules, change and reset, and TOTP."""

from __future__ import annotations

import re
from typing import Any

import pyotp
import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from acuplan.accounts.models import User
from acuplan.accounts.tokens import ApiToken, create_token
from acuplan.accounts.two_factor import TotpDevice
from acuplan.audit.models import AuditEvent
from acuplan.clinic.demo import check_password
from acuplan.core.errors import InvalidInput
from tests.web.conftest import PASSWORD, Cast, login

ATTACKER = "198.51.100.7"


def attempt(client: Client, username: str, password: str, **extra: Any) -> Any:
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def actions_since(start: int) -> list[str]:
    return list(
        AuditEvent.objects.filter(pk__gt=start).order_by("id").values_list("action", flat=True)
    )


def last_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_it_locks_out_after_ten_failures_even_with_the_right_password(cast: Cast) -> None:
    client = Client(REMOTE_ADDR=ATTACKER)
    start = last_id()
    for _ in range(10):
        assert attempt(client, "owner", "wrong guess").status_code in {200, 429}

    response = attempt(client, "owner", PASSWORD)

    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed logins" in page
    assert "locked for 15 minutes, even with the right password" in page
    assert "_auth_user_id" not in client.session
    actions = actions_since(start)
    assert actions.count("acuplan.auth.login_failed") >= 10
    assert "acuplan.auth.locked_out" in actions
    assert "acuplan.auth.login" not in actions


def test_it_locks_out_an_address_that_tries_many_usernames(cast: Cast) -> None:
    client = Client(REMOTE_ADDR=ATTACKER)
    for i in range(10):
        attempt(client, f"nobody{i}", "x")
    assert attempt(client, "colleague", PASSWORD).status_code == 429
    # another address still logs in: the lockout is this address's
    assert attempt(Client(REMOTE_ADDR="192.0.2.1"), "colleague", PASSWORD).status_code == 302


def test_it_lets_a_clinic_admin_unlock_a_user(cast: Cast) -> None:
    client = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(11):
        attempt(client, "owner", "wrong guess")
    admin = login(Client(), cast.admin)
    page = admin.get(reverse("clinic_security")).content.decode()
    assert "locked out" in page

    response = admin.post(reverse("clinic_security"), {"unlock": "owner"})

    assert response.status_code == 302
    assert attempt(client, "owner", PASSWORD).status_code == 302
    event = AuditEvent.objects.filter(action="acuplan.auth.unlocked").get()
    assert (event.actor_id, event.record_id) == (cast.admin.pk, str(cast.owner.pk))


def test_it_does_not_let_an_admin_unlock_another_clinics_user(cast: Cast) -> None:
    admin = login(Client(), cast.admin)
    assert admin.post(reverse("clinic_security"), {"unlock": "outsider"}).status_code == 404


def test_it_audits_login_failed_login_and_logout(cast: Cast) -> None:
    client = Client(REMOTE_ADDR="203.0.113.5")
    start = last_id()
    attempt(client, "owner", "wrong")
    attempt(client, "owner", PASSWORD)
    client.post(reverse("logout"))
    events = list(AuditEvent.objects.filter(pk__gt=start).order_by("id"))
    assert [(e.action, e.record_id, e.ip) for e in events] == [
        ("acuplan.auth.login_failed", str(cast.owner.pk), "203.0.113.5"),
        ("acuplan.auth.login", str(cast.owner.pk), "203.0.113.5"),
        ("acuplan.auth.logout", str(cast.owner.pk), "203.0.113.5"),
    ]
    assert events[0].detail == {"username": "owner", "reason": "password"}
    assert "wrong" not in str(events[0].detail)


@pytest.mark.parametrize("password", ["password", "12345678", "aaaaaaaa", "short", ""])
def test_it_refuses_weak_demo_passwords(password: str) -> None:
    with pytest.raises(InvalidInput):
        check_password(password)


def test_it_accepts_the_demo_password() -> None:
    check_password("acuplan-demo")


@pytest.mark.parametrize("weak", ["password", "12345678", "aaaaaaaa"])
def test_it_refuses_a_weak_new_password(client: Client, cast: Cast, weak: str) -> None:
    login(client, cast.owner)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak},
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    cast.owner.refresh_from_db()
    assert cast.owner.check_password(PASSWORD)


def test_it_changes_a_password_and_revokes_the_users_tokens(client: Client, cast: Cast) -> None:
    token = create_token(cast.owner, "laptop")
    login(client, cast.owner)
    new = "a much better passphrase 42"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    cast.owner.refresh_from_db()
    assert cast.owner.check_password(new)
    assert ApiToken.objects.get(user=cast.owner).revoked
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/patients").status_code == 401
    assert client.get(reverse("dashboard")).status_code == 200  # still logged in
    event = AuditEvent.objects.filter(action="acuplan.auth.password_changed").get()
    assert event.detail == {"tokens_revoked": 1}


def test_it_resets_a_forgotten_password_by_email(client: Client, cast: Cast) -> None:
    User.objects.filter(pk=cast.owner.pk).update(email="owner@clinic.example")
    response = client.post(reverse("password_reset"), {"email": "owner@clinic.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/reset/\S+/)", mail.outbox[0].body)
    assert link is not None
    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    new = "another fine passphrase 7"
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, follow=True
    )
    assert "Password set" in done.content.decode()
    cast.owner.refresh_from_db()
    assert cast.owner.check_password(new)


def _totp(user: User) -> pyotp.TOTP:
    return pyotp.TOTP(TotpDevice.objects.get(user=user).secret)


def test_it_sets_up_and_asks_for_a_second_factor(client: Client, cast: Cast) -> None:
    login(client, cast.owner)
    assert "Type this key" in client.get(reverse("two_factor")).content.decode()
    totp = _totp(cast.owner)
    assert client.post(reverse("two_factor"), {"code": "000000"}).status_code == 400
    assert client.post(reverse("two_factor"), {"code": totp.now()}).status_code == 302

    fresh = Client()
    no_code = attempt(fresh, "owner", PASSWORD)
    assert no_code.status_code == 200
    assert "6-digit code" in no_code.content.decode()
    with_code = fresh.post(
        reverse("login"),
        {"username": "owner", "password": PASSWORD, "code": totp.at(_next_step())},
    )
    assert with_code.status_code == 302
    assert AuditEvent.objects.filter(action="acuplan.auth.two_factor_enabled").count() == 1


def _next_step() -> Any:
    """A time within the next step: the set-up already spent the current step's code."""
    import datetime as dt

    return dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=30)


def test_it_sends_an_admin_to_set_up_a_second_factor_when_the_clinic_requires_it(
    client: Client, cast: Cast
) -> None:
    login(client, cast.admin)
    assert (
        client.post(reverse("clinic_security"), {"require_admin_two_factor": "on"}).status_code
        == 302
    )
    response = client.get(reverse("patient_list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("two_factor")
    assert "requires a second factor" in client.get(reverse("two_factor")).content.decode()
    # a practitioner of the same clinic is not held up
    assert login(Client(), cast.owner).get(reverse("patient_list")).status_code == 200
