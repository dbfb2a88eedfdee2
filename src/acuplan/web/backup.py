"""``acuplan backup FILE`` and ``acuplan restore FILE``: the whole database, online.

- SQLite: the online backup API (``sqlite3.Connection.backup``) copies every page while
  the server keeps running; a restore copies the file's pages back the same way, in one
  step, and then brings the schema up to date (``migrate``).
- PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean --single-transaction``
  (the client tools must be installed, of the server's major version or newer).

The backup holds patient data and the audit log: store it encrypted, off the machine.
A restore replaces every row; the audit log's hash chain comes back with it, so
``acuplan audit verify`` still passes after a restore.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connection


class BackupError(Exception):
    """A backup or restore could not be made; the message says why (nothing changed)."""


def backup(path: Path) -> None:
    if connection.vendor == "sqlite":
        _sqlite_backup(path)
    elif connection.vendor == "postgresql":
        _pg("pg_dump", "--format=custom", "--no-owner", "--file", str(path))
    else:  # pragma: no cover - acuplan runs on SQLite or PostgreSQL
        raise BackupError(f"no backup for the {connection.vendor} database")


def restore(path: Path) -> None:
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    if connection.vendor == "sqlite":
        _sqlite_restore(path)
    else:
        _pg(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            str(path),
        )


def _sqlite_backup(path: Path) -> None:
    connection.ensure_connection()
    tmp = path.with_name(path.name + ".partial")
    target = sqlite3.connect(tmp)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    os.replace(tmp, path)  # a half-written backup never has the final name


def _sqlite_restore(path: Path) -> None:
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = source.execute("PRAGMA integrity_check").fetchone()
            tables = {r[0] for r in source.execute("SELECT name FROM sqlite_master")}
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{path} is not an SQLite database: {exc}") from None
        if ok != ("ok",):
            raise BackupError(f"{path} fails SQLite's integrity check: {ok}")
        if "audit_auditevent" not in tables or "django_migrations" not in tables:
            raise BackupError(f"{path} is not an acuplan backup (no acuplan tables)")
        connection.ensure_connection()
        if connection.in_atomic_block:
            raise BackupError("cannot restore inside a transaction")
        source.backup(connection.connection)
    finally:
        source.close()


def _pg(tool: str, *args: str) -> None:
    exe = shutil.which(tool)
    if exe is None:
        raise BackupError(f"{tool} is not installed (Debian: apt-get install postgresql-client)")
    settings: dict[str, Any] = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": str(settings.get("PASSWORD") or "")}
    target = [
        "--dbname",
        str(settings["NAME"]),
        "--host",
        str(settings.get("HOST") or "localhost"),
        "--port",
        str(settings.get("PORT") or 5432),
        "--username",
        str(settings.get("USER") or "postgres"),
    ]
    connection.close()  # our own idle connection must not hold a lock a restore needs
    proc = subprocess.run(  # noqa: S603 - fixed tool, arguments from settings
        [exe, *target, *args], env=env, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise BackupError(f"{tool} failed: {proc.stderr.strip() or proc.returncode}")
