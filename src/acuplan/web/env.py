"""Environment helpers that fail loudly (the only place acuplan reads the environment)."""

from __future__ import annotations

import os
from pathlib import Path

from acuplan.core.errors import ConfigError

__all__ = ["ConfigError", "data_dir", "env_bool", "env_int", "env_list", "env_str"]


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ConfigError(f"{name} must be set")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    return default if raw is None else [x.strip() for x in raw.split(",") if x.strip()]


def data_dir() -> Path:
    """``ACUPLAN_DATA_DIR`` or ``var/`` in the current directory; created if missing."""
    path = Path(env_str("ACUPLAN_DATA_DIR", "var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def env_int(name: str, default: int, *, low: int = 0, high: int = 10**9) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, not {value}")
    return value
