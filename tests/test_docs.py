"""The docs stand alone and do not drift: the README documents every environment variable
the settings read (the audit action registry is checked in tests/audit/test_log.py), and
docs/knowledge.md is generated from the data."""

from __future__ import annotations

import re

from acuplan.core.knowledge import default_knowledge
from acuplan.core.knowledge.docs import render_knowledge_docs
from tests.conftest import REPO

DOC = REPO / "docs" / "knowledge.md"
KB = default_knowledge()


def test_it_documents_every_environment_variable() -> None:
    code = "".join(p.read_text() for p in (REPO / "src" / "acuplan" / "web").glob("*.py"))
    variables = set(re.findall(r'env_[a-z]+\("(ACUPLAN_[A-Z_]+)"', code))
    assert variables, "no variables found: has the settings' reading changed?"
    readme = (REPO / "README.md").read_text()
    assert {v for v in variables if f"`{v}" not in readme} == set()


def test_it_keeps_the_knowledge_docs_in_step_with_the_data() -> None:
    expected = render_knowledge_docs(KB)
    assert DOC.read_text(encoding="utf-8") == expected, (
        "docs/knowledge.md is out of date: run `acuplan kb docs --output docs/knowledge.md`"
    )


def test_it_documents_every_rule_zone_and_public_source() -> None:
    text = DOC.read_text(encoding="utf-8")
    rules = [
        *KB.red_flag_rules,
        *KB.referral_rules,
        *KB.safety_rules,
        *KB.pain_type_rules,
        *KB.derived_rules,
        *KB.course_rules,
        *KB.selections,
    ]
    for rule in rules:
        assert f"### `{rule.id}`: {rule.title}\n\n**{rule.status}**" in text, rule.id
    for rule in KB.code_rules:
        assert f"| `{rule.id}` |" in text, rule.id
    for zone in KB.zones.values():
        assert f"### `{zone.id}`: {zone.title}\n\n**{zone.status}**" in text, zone.id
    for source in KB.sources.values():
        if source.kind != "internal":
            assert f"- `{source.id}`: {source.citation}." in text, source.id


def test_it_points_nowhere_outside_the_repository() -> None:
    text = DOC.read_text(encoding="utf-8")
    for leak in ("http://", "https://", "../", "FACTS", "shared/"):
        assert leak not in text
    for source in KB.sources.values():
        if source.kind == "internal":
            assert f"`{source.id}`" not in text
            assert source.citation not in text
