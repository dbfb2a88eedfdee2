"""The one domain error tree. The CLI maps it to exit codes, the API to one JSON error shape."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


class AcuplanError(Exception):
    """Base of every error acuplan raises on purpose."""


@dataclass(frozen=True)
class FieldError:
    """One bad field: a dotted path (``pain.duration_weeks``, ``questionnaires.odi.3``) and why."""

    field: str
    message: str
    kind: str = dataclasses.field(default="", compare=False)
    """The kind of error where the validator names one (pydantic's error type, such as
    ``greater_than_equal`` or ``literal_error``), so that a page can word it by kind and
    field instead of parsing ``message``. Empty for errors raised by acuplan's own rules."""
    context: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False, hash=False)
    """The kind's parameters (``{"ge": 0}``, ``{"expected": "'a' or 'b'"}``)."""

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class InvalidInput(AcuplanError):
    """Input breaks a rule; ``errors`` names every bad field. Nothing was changed."""

    label = "invalid input"

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__(f"{self.label}: " + "; ".join(str(e) for e in errors))


class InvalidIntake(InvalidInput):
    """The intake breaks the contract. ``errors`` names every bad field."""

    label = "invalid intake"


class KnowledgeError(AcuplanError):
    """A knowledge-base file is invalid. ``problems`` holds one line per problem, each naming
    the file and the entry."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} knowledge-base problem(s):\n" + "\n".join(problems))


class NotPermitted(AcuplanError):
    """The actor may not do this (used by the clinic application); the message says why."""


class Conflict(AcuplanError):
    """The record is not in a state that allows this (e.g. approving a referral plan)."""


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the message names the variable."""
