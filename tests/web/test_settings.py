"""Production refuses unsafe settings; the data directory and database come from the
environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

LOAD = "import acuplan.web.settings as s; print(s.DATABASES['default']['ENGINE'], s.DEBUG)"


def _settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith("ACUPLAN_") and k != "DATABASE_URL"
    }
    clean.update({"ACUPLAN_DATA_DIR": str(tmp_path / "data"), **env})
    return subprocess.run(
        [sys.executable, "-c", LOAD], env=clean, capture_output=True, text=True, check=False
    )


def test_it_defaults_to_sqlite_in_the_data_directory(tmp_path: Path) -> None:
    proc = _settings(tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["django.db.backends.sqlite3", "True"]
    assert (tmp_path / "data").is_dir()


def test_it_selects_postgresql_from_database_url(tmp_path: Path) -> None:
    proc = _settings(tmp_path, DATABASE_URL="postgresql://postgres@127.0.0.1:5432/test")
    assert proc.stdout.split()[0] == "django.db.backends.postgresql"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "ACUPLAN_SECRET_KEY must be set"),
        ({"ACUPLAN_SECRET_KEY": "x" * 50, "ACUPLAN_DEBUG": "true"}, "ACUPLAN_DEBUG must be off"),
        ({"ACUPLAN_SECRET_KEY": "short"}, "ACUPLAN_SECRET_KEY must be set"),
    ],
)
def test_it_refuses_unsafe_production_settings(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    proc = _settings(tmp_path, ACUPLAN_ENV="production", **env)
    assert proc.returncode != 0
    assert message in proc.stderr


def test_it_starts_in_production_with_a_real_key(tmp_path: Path) -> None:
    proc = _settings(
        tmp_path,
        ACUPLAN_ENV="production",
        ACUPLAN_SECRET_KEY="k" * 50,
        ACUPLAN_EMAIL_URL="smtp+tls://mailer:secret@mail.clinic.example:587",
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split()[1] == "False"


def test_it_names_a_malformed_boolean(tmp_path: Path) -> None:
    proc = _settings(tmp_path, ACUPLAN_DEBUG="maybe")
    assert "ACUPLAN_DEBUG must be true or false" in proc.stderr


PRODUCTION = {
    "ACUPLAN_ENV": "production",
    "ACUPLAN_SECRET_KEY": "pX3vQ9sLm2RtY7wZa5Kc8NdF1gHj4BqE6uVy0TiO-rW_lA3sD5fG7hJ9kL1zX2cV",
    "ACUPLAN_ALLOWED_HOSTS": "clinic.example",
}


@pytest.mark.parametrize(
    ("email_url", "message"),
    [
        (None, "ACUPLAN_EMAIL_URL must be set in production"),
        ("console://", "ACUPLAN_EMAIL_URL must deliver mail in production"),
        ("carrier-pigeon://coop", "unknown scheme"),
    ],
)
def test_it_refuses_to_start_in_production_without_real_mail(
    tmp_path: Path, email_url: str | None, message: str
) -> None:
    env = dict(PRODUCTION, **({"ACUPLAN_EMAIL_URL": email_url} if email_url else {}))
    proc = _settings(tmp_path, **env)
    assert proc.returncode != 0
    assert message in proc.stderr


def test_it_passes_django_s_deployment_checks_in_production(tmp_path: Path) -> None:
    assert len(PRODUCTION["ACUPLAN_SECRET_KEY"]) == 64
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ACUPLAN_")}
    clean.pop("DATABASE_URL", None)
    clean.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests of this process
    env = {
        **clean,
        **PRODUCTION,
        "ACUPLAN_EMAIL_URL": "smtp+tls://mailer:secret@mail.clinic.example:587",
        "ACUPLAN_DATA_DIR": str(tmp_path),
    }
    proc = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no issues" in proc.stdout


def test_it_reads_the_mail_url(tmp_path: Path) -> None:
    load = "import acuplan.web.settings as s; print(s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS)"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ACUPLAN_")}
    env = {
        **clean,
        "ACUPLAN_DATA_DIR": str(tmp_path),
        "ACUPLAN_EMAIL_URL": "smtp+tls://u:p@mx.example:587",
    }
    proc = subprocess.run(
        [sys.executable, "-c", load], env=env, capture_output=True, text=True, check=False
    )
    assert proc.stdout.split() == ["mx.example", "587", "True"]
