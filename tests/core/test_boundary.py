"""acuplan.core is framework-free: no Django/ninja/DB driver, no web apps, no clock, no
environment. Checked on the source's syntax tree so a new module cannot slip past."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "src" / "acuplan" / "core"
FORBIDDEN_IMPORTS = (
    "django",
    "ninja",
    "psycopg",
    "acuplan.web",
    "acuplan.clinic",
    "acuplan.accounts",
    "acuplan.audit",
    "acuplan.cli",
    "os",
    "time",
)
FORBIDDEN_CALLS = {
    ("datetime", "now"),
    ("datetime", "today"),
    ("date", "today"),
    ("datetime", "utcnow"),
    ("os", "getenv"),
    ("time", "time"),
}


def _modules() -> list[Path]:
    return sorted(CORE.rglob("*.py"))


def _violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        out += [
            f"imports {n}"
            for n in names
            if any(n == f or n.startswith(f + ".") for f in FORBIDDEN_IMPORTS)
        ]
        if isinstance(node, ast.Attribute):
            owner = _last_name(node.value)
            if (owner, node.attr) in FORBIDDEN_CALLS or node.attr == "environ":
                out.append(f"uses {owner}.{node.attr}")
    return out


def _last_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else ""


def test_it_finds_the_core_modules() -> None:
    assert len(_modules()) > 20


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(CORE)))
def test_it_keeps_core_free_of_frameworks_clock_and_environment(path: Path) -> None:
    assert _violations(path) == []


def test_it_detects_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import django.db\nimport datetime\nx = datetime.datetime.now()\n")
    assert _violations(bad) == ["imports django.db", "uses datetime.now"]
