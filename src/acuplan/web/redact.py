"""Secrets that travel in addresses never reach a log: questionnaire tokens (``/q/<token>``)
and password-reset tokens (``/reset/<uid>/<token>``) are replaced with ``[redacted]``.

Used by Django's logging (a 404 or 500 logs the path) and by gunicorn's access log
(``acuplan serve`` passes ``--logger-class acuplan.web.redact.RedactingGunicornLogger``).
"""

from __future__ import annotations

import logging
import re
from typing import Any

_SECRET_IN_PATH = re.compile(r"(/q/|/reset/[^/\s]+/)[^/\s?\"']+")


def redact(text: str) -> str:
    return _SECRET_IN_PATH.sub(r"\1[redacted]", text)


class RedactTokensFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


from gunicorn.glogging import Logger as _GunicornLogger  # noqa: E402


class RedactingGunicornLogger(_GunicornLogger):  # type: ignore[misc]  # untyped base
    """gunicorn's logger with the request line and path atoms redacted."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "f"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms
