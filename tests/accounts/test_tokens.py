"""API tokens: made and revoked from the command line and from the user's own page; they
expire, die with a password change, record their last use and address, and are looked up
through the ORM."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from acuplan.accounts import tokens
from acuplan.accounts.tokens import ApiToken, create_token
from acuplan.audit.models import AuditEvent
from acuplan.cli import main
from tests.web.conftest import Cast, login

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """``acuplan ...`` in this process, against the test database."""
    monkeypatch.setattr("acuplan.web.bootstrap.setup_django", lambda **kw: None)

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def api(token: str, ip: str = "127.0.0.1") -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}", REMOTE_ADDR=ip)


def test_it_makes_lists_and_revokes_tokens_on_the_command_line(cli: Run, cast: Cast) -> None:
    code, out, _ = cli("token", "create", "owner", "--days", "7", "--name", "sync")
    assert code == 0
    plain = out.strip().splitlines()[-1]
    assert plain.startswith("acu_")
    assert api(plain).get("/api/patients").status_code == 200
    token = ApiToken.objects.get(user=cast.owner)
    assert dt.timedelta(days=6) < token.expires_at - timezone.now() <= dt.timedelta(days=7)

    code, out, _ = cli("token", "list", "owner")
    assert code == 0
    assert "sync" in out
    assert "active" in out
    assert plain not in out

    code, out, _ = cli("token", "revoke", str(token.pk))
    assert code == 0
    assert api(plain).get("/api/patients").status_code == 401
    assert [e.action for e in AuditEvent.objects.filter(record_type="apitoken").order_by("id")] == [
        "acuplan.token.created",
        "acuplan.token.revoked",
    ]


@pytest.mark.parametrize(
    "args",
    [
        ("token", "create", "nobody"),
        ("token", "create", "owner", "--days", "0"),
        ("token", "revoke", "999"),
    ],
)
def test_it_refuses_bad_token_commands_with_exit_2(
    cli: Run, cast: Cast, args: tuple[str, ...]
) -> None:
    code, _, err = cli(*args)
    assert code == 2
    assert err.strip()


def test_it_refuses_an_expired_token(cast: Cast) -> None:
    plain = create_token(cast.owner, "old")
    ApiToken.objects.filter(user=cast.owner).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert api(plain).get("/api/patients").status_code == 401


def test_it_records_the_last_use_and_a_new_address(cast: Cast) -> None:
    plain = create_token(cast.owner, "laptop")
    assert api(plain, "192.0.2.10").get("/api/patients").status_code == 200
    token = ApiToken.objects.get(user=cast.owner)
    assert token.last_used is not None
    assert token.last_used_ip == "192.0.2.10"
    assert not AuditEvent.objects.filter(action="acuplan.token.used_from_new_address").exists()

    api(plain, "198.51.100.20").get("/api/patients")

    event = AuditEvent.objects.get(action="acuplan.token.used_from_new_address")
    assert (event.ip, event.detail) == ("198.51.100.20", {"previous_ip": "192.0.2.10"})


def test_it_looks_tokens_up_through_the_orm() -> None:
    assert ".raw(" not in inspect.getsource(tokens)


def test_it_lets_users_make_and_revoke_their_own_tokens_on_a_page(
    client: Client, cast: Cast
) -> None:
    login(client, cast.owner)
    page = client.post(reverse("api_tokens"), {"name": "phone", "days": "30"})
    assert page.status_code == 200
    plain = page.content.decode().split('<code id="new-token">')[1].split("<")[0]
    assert api(plain).get("/api/patients").status_code == 200
    token = ApiToken.objects.get(user=cast.owner)
    assert client.post(reverse("api_tokens"), {"revoke": str(token.pk)}).status_code == 302
    assert api(plain).get("/api/patients").status_code == 401


def test_it_keeps_a_users_tokens_from_everyone_else(client: Client, cast: Cast) -> None:
    create_token(cast.owner, "mine")
    token = ApiToken.objects.get(user=cast.owner)
    login(client, cast.colleague)
    assert client.post(reverse("api_tokens"), {"revoke": str(token.pk)}).status_code == 404
    assert "mine" not in client.get(reverse("api_tokens")).content.decode()
    token.refresh_from_db()
    assert not token.revoked


def test_it_authenticates_with_one_query_and_writes_the_last_use_once_a_minute(
    cast: Cast,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.web.conftest import example

    plain = create_token(cast.owner, "planner")
    client = api(plain)
    body = example("chronic-cold-damp")

    def plan() -> list[str]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.post("/api/plans", body, content_type="application/json")
        assert response.status_code == 200
        return [q["sql"] for q in ctx.captured_queries]

    first = plan()
    assert [q.split()[0] for q in first] == ["SELECT", "UPDATE"]  # the first use is noted
    assert "ORDER BY" not in first[0]
    assert [q.split()[0] for q in plan()] == ["SELECT"]  # within the minute: the lookup alone
    ApiToken.objects.update(last_used=timezone.now() - dt.timedelta(minutes=2))
    assert [q.split()[0] for q in plan()] == ["SELECT", "UPDATE"]
