"""The interop tables are data, validated on load: codes map to words of the intake's
vocabulary, every row has a source and a status, and every card names a rule the
knowledge base has."""

from __future__ import annotations

import pytest

from acuplan.core.errors import KnowledgeError
from acuplan.core.knowledge import Knowledge
from acuplan.core.knowledge.interop import default_interop, parse_interop

ROW = """
[[source]]
id = "s"
kind = "internal"
citation = "c"

[[code]]
system = "SNOMED CT"
code = "1"
display = "d"
kind = "{kind}"
value = "{value}"
sources = ["{source}"]
status = "UNVERIFIED"
"""


def test_it_loads_the_shipped_tables() -> None:
    interop = default_interop()
    assert len(interop.codes) >= 40
    assert {row.kind for row in interop.codes.values()} == {
        "back_pain",
        "red_flag",
        "condition",
        "pregnancy",
        "medication",
        "observation",
        "payer",
    }


def test_it_marks_every_mapping_unverified_until_a_release_is_read() -> None:
    """No terminology release was read to compile the table: nothing may claim more."""
    assert {row.status for row in default_interop().codes.values()} == {"UNVERIFIED"}


def test_it_names_only_rules_the_knowledge_base_has(kb: Knowledge) -> None:
    rules = {r.id for r in kb.safety_rules} | {r.id for r in kb.red_flag_rules}
    assert set(default_interop().cards) <= rules
    assert set(default_interop().patterns) <= set(kb.patterns)


@pytest.mark.parametrize(
    ("kind", "value", "source", "problem"),
    [
        ("red_flag", "saddle_numbness", "s", "is not one of"),
        ("condition", "pacemaker", "nobody", "unknown source ids"),
        ("telepathy", "x", "s", "kind"),
    ],
)
def test_it_refuses_a_row_it_cannot_trust(kind: str, value: str, source: str, problem: str) -> None:
    text = ROW.format(kind=kind, value=value, source=source)
    with pytest.raises(KnowledgeError, match=problem):
        parse_interop(text)


def test_it_words_findings_for_a_physician() -> None:
    interop = default_interop()
    assert interop.medical("red_flag.saddle_anaesthesia") == "saddle anaesthesia"
    assert interop.medical("red_flag.fever") == "fever"
    assert interop.medical("sign.unlisted_thing") == "unlisted thing"
