"""The ``acuplan`` commands that run against the clinic database: ``audit verify``,
``token create | list | revoke``, ``backup`` and ``restore``. Part of the CLI's output
layer (it prints). Exit codes as in ``acuplan.cli``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_FAIL, EXIT_INVALID = 0, 1, 2


def add_admin_commands(sub: Any) -> None:
    audit = sub.add_parser("audit", help="the audit log").add_subparsers(title="audit commands")
    verify = audit.add_parser("verify", help="check the audit log's hash chain")
    verify.set_defaults(handler=_audit_verify)

    token = sub.add_parser("token", help="API tokens").add_subparsers(title="token commands")
    create = token.add_parser("create", help="make a token; it is printed on the last line")
    create.add_argument("username")
    create.add_argument("--days", type=int, default=90, help="lifetime in days (default 90)")
    create.add_argument("--name", default="command line", help="what the token is for")
    create.set_defaults(handler=_token_create)
    listing = token.add_parser("list", help="a user's tokens (never the tokens themselves)")
    listing.add_argument("username")
    listing.set_defaults(handler=_token_list)
    revoke = token.add_parser("revoke", help="revoke a token by its id")
    revoke.add_argument("id", type=int)
    revoke.set_defaults(handler=_token_revoke)

    backup = sub.add_parser("backup", help="copy the whole database to FILE (online)")
    backup.add_argument("file", type=Path)
    backup.set_defaults(handler=_backup)
    restore = sub.add_parser("restore", help="replace the whole database with FILE")
    restore.add_argument("file", type=Path)
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    restore.set_defaults(handler=_restore)


def _django() -> None:
    from acuplan.web.bootstrap import setup_django

    setup_django()


def _audit_verify(args: argparse.Namespace) -> int:
    _django()
    from acuplan.audit.chain import find_break
    from acuplan.audit.models import AuditEvent

    events = AuditEvent.objects.order_by("id")
    broken = find_break(events.iterator(chunk_size=2000))
    if broken is not None:
        print(f"audit log BROKEN at event {broken.event_id}: {broken.reason}", file=sys.stderr)
        return EXIT_FAIL
    head = events.values_list("hash", flat=True).last()
    print(f"audit log intact: {events.count()} events, head {head or '(empty)'}")
    return EXIT_OK


def _token_create(args: argparse.Namespace) -> int:
    _django()
    from acuplan.accounts import tokens
    from acuplan.core.errors import InvalidInput

    user = _user(args.username)
    if user is None:
        return EXIT_INVALID
    try:
        plain, token = tokens.issue_token(user, args.name, days=args.days, via="command line")
    except InvalidInput as exc:
        print(f"acuplan token create: {exc.errors[0].message}", file=sys.stderr)
        return EXIT_INVALID
    print(f"token {token.pk} for {user.username}, expires {token.expires_at:%Y-%m-%d %H:%M} UTC")
    print(plain)
    return EXIT_OK


def _token_list(args: argparse.Namespace) -> int:
    _django()
    from acuplan.accounts.tokens import ApiToken

    user = _user(args.username)
    if user is None:
        return EXIT_INVALID
    print(f"{'id':>5}  {'state':<8} {'expires':<16} {'last used':<16} name")
    for t in ApiToken.objects.filter(user=user):
        used = f"{t.last_used:%Y-%m-%d %H:%M}" if t.last_used else "never"
        print(f"{t.pk:>5}  {t.state:<8} {t.expires_at:%Y-%m-%d %H:%M} {used:<16} {t.name}")
    return EXIT_OK


def _token_revoke(args: argparse.Namespace) -> int:
    _django()
    from acuplan.accounts import tokens

    token = tokens.ApiToken.objects.select_related("user").filter(pk=args.id).first()
    if token is None:
        print(f"acuplan token revoke: there is no token {args.id}", file=sys.stderr)
        return EXIT_INVALID
    tokens.revoke_token(token, actor=None, via="command line")
    print(f"token {token.pk} ({token.name}) of {token.user.username} revoked")
    return EXIT_OK


def _user(username: str) -> Any:
    from acuplan.accounts.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        print(f"acuplan: there is no user {username!r}", file=sys.stderr)
    return user


def _backup(args: argparse.Namespace) -> int:
    _django()
    from acuplan.web.backup import BackupError, backup

    try:
        backup(args.file)
    except (BackupError, OSError) as exc:
        print(f"acuplan backup: {exc}", file=sys.stderr)
        return EXIT_FAIL
    print(f"backup written to {args.file}")
    return EXIT_OK


def _restore(args: argparse.Namespace) -> int:
    if not args.yes:
        if not sys.stdin.isatty():
            print("acuplan restore: replaces every row; add --yes to confirm", file=sys.stderr)
            return EXIT_INVALID
        answer = input(f"Replace the whole database with {args.file}? Type 'restore': ")
        if answer.strip() != "restore":
            print("acuplan restore: nothing changed", file=sys.stderr)
            return EXIT_INVALID
    _django()
    from django.core.management import call_command

    from acuplan.web.backup import BackupError, restore

    try:
        restore(args.file)
    except (BackupError, OSError) as exc:
        print(f"acuplan restore: {exc}", file=sys.stderr)
        return EXIT_FAIL
    call_command("migrate", interactive=False, verbosity=0)  # a backup of an older version
    print(f"database restored from {args.file}")
    return EXIT_OK
