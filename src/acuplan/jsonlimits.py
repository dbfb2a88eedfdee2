"""JSON from strangers, within limits: size, nesting depth, number length, no NUL.

Python's ``json`` turns hostile input into the wrong exceptions (a RecursionError for deep
nesting, a ValueError for a 5,000-digit number, ``inf`` for ``1e999``) and lets NUL
characters through, which PostgreSQL refuses to store. :func:`loads_limited` parses within
the limits below and raises :class:`JsonRefused`, whose message says which limit was
crossed; the API answers it with a 4xx and the CLI with exit 2. No framework needed.
"""

from __future__ import annotations

import json
import math
from typing import Any

MAX_BYTES = 1024 * 1024
"""1 MiB: an intake is a few kB."""
MAX_DEPTH = 20
"""Objects and arrays nested deeper than this are refused (an intake nests 4 deep)."""
MAX_NUMBER_CHARS = 40
"""A number written with more characters than this is refused."""


class JsonRefused(ValueError):
    """The text is JSON beyond a limit (or not JSON at all: ``syntax`` is True)."""

    def __init__(self, message: str, *, too_large: bool = False, syntax: bool = False) -> None:
        super().__init__(message)
        self.too_large = too_large
        self.syntax = syntax


def _number(text: str) -> float | int:
    if len(text) > MAX_NUMBER_CHARS:
        raise JsonRefused(f"a number is {len(text)} characters long; at most {MAX_NUMBER_CHARS}")
    if any(c in text for c in ".eE"):
        value = float(text)
        if not math.isfinite(value):
            raise JsonRefused(f"the number {text} is out of range")
        return value
    return int(text)


def _constant(name: str) -> Any:
    raise JsonRefused(f"{name} is not a JSON number")


def loads_limited(data: str | bytes, *, max_bytes: int = MAX_BYTES) -> Any:
    """Parse ``data`` as JSON within the limits; JsonRefused says what is wrong."""
    size = len(data.encode("utf-8") if isinstance(data, str) else data)
    if size > max_bytes:
        raise JsonRefused(f"the JSON text is {size} bytes; at most {max_bytes}", too_large=True)
    try:
        value = json.loads(data, parse_int=_number, parse_float=_number, parse_constant=_constant)
    except RecursionError:
        raise JsonRefused(f"JSON nested more than {MAX_DEPTH} levels deep") from None
    except json.JSONDecodeError as exc:
        raise JsonRefused(
            f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", syntax=True
        ) from None
    except UnicodeDecodeError:
        raise JsonRefused("not UTF-8 text", syntax=True) from None
    check_value(value)
    return value


def check_value(value: Any) -> None:
    """Depth and NUL checks over an already parsed value (iterative: no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise JsonRefused("text may not contain NUL characters (\\u0000)")
        elif isinstance(item, dict | list):
            if depth >= MAX_DEPTH:
                raise JsonRefused(f"JSON nested more than {MAX_DEPTH} levels deep")
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)


def remember(request: Any, body: bytes, value: Any) -> None:
    """Keep a request body's parsed value on the request (the hostile-input middleware
    parses every JSON body once; :func:`remembered` hands it to the view)."""
    request._acuplan_json = (body, value)


def remembered(request: Any) -> tuple[bool, Any]:
    """(True, value) when exactly this request's body was parsed by :func:`loads_limited`
    with the default limits or wider, else (False, None)."""
    kept = getattr(request, "_acuplan_json", None)
    if kept is not None and kept[0] is request.body:
        return True, kept[1]
    return False, None
