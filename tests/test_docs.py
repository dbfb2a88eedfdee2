"""The README documents every environment variable the settings read (the audit action
registry is checked in tests/audit/test_log.py)."""

from __future__ import annotations

import re

from tests.conftest import REPO


def test_it_documents_every_environment_variable() -> None:
    code = "".join(p.read_text() for p in (REPO / "src" / "acuplan" / "web").glob("*.py"))
    variables = set(re.findall(r'env_[a-z]+\("(ACUPLAN_[A-Z_]+)"', code))
    assert variables, "no variables found: has the settings' reading changed?"
    readme = (REPO / "README.md").read_text()
    assert {v for v in variables if f"`{v}" not in readme} == set()
