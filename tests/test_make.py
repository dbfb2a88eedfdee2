"""The two set-up commands: ``make run`` serves on the port the caller chooses."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _dry_run(*args: str, env: dict[str, str] | None = None) -> str:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    done = subprocess.run(
        [make, "--dry-run", "--always-make", "run", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return done.stdout


def test_it_serves_on_port_8000_by_default() -> None:
    without = {k: v for k, v in os.environ.items() if k != "PORT"}
    assert "acuplan serve --with-worker --port 8000" in _dry_run(env=without)


def test_it_serves_on_the_port_given() -> None:
    assert "acuplan serve --with-worker --port 8123" in _dry_run("PORT=8123")
    assert "acuplan serve --with-worker --port 8124" in _dry_run(env={**os.environ, "PORT": "8124"})


def test_it_says_where_demo_mail_goes() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "make run PORT=8080" in readme
    assert "printed to the console" in readme
