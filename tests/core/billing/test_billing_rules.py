"""billing.toml loads, every fact cites a declared source, paraphrases only, and the loader
refuses what it does not know (default-deny)."""

from __future__ import annotations

import pytest

from acuplan.core.billing.rules import data_path, default_rules, load_rules
from acuplan.core.errors import KnowledgeError


def test_it_loads_the_four_acupuncture_codes_with_sources() -> None:
    rules = default_rules()
    assert sorted(rules.codes) == ["97810", "97811", "97813", "97814"]
    assert rules.initial_codes == {"97810", "97813"}
    assert rules.code_for("additional", "electro").code == "97814"
    for code in rules.codes.values():
        assert code.sources
        assert all(s in rules.sources for s in code.sources)
    assert rules.claim.taxonomy == "171100000X"
    assert rules.claim.place_of_service == "11"


def test_it_keeps_no_copy_of_the_ama_descriptor_text() -> None:
    """The descriptors are AMA copyright: the summaries are our own words."""
    verbatim = "personal one-on-one contact with the patient"
    for code in default_rules().codes.values():
        assert verbatim not in code.summary.lower()


def _raw() -> str:
    return data_path().read_text()


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("[timing]", "[timing]\nsurprise = 1"), "unknown key"),
        (('sources = ["src_payer_policy_2016"]', 'sources = ["nowhere"]'), "unknown source"),
        (
            (
                'kind = "additional"\nstimulation = "electro"',
                'kind = "additional"\nstimulation = "manual"',
            ),
            "one code per kind and stimulation",
        ),
        (('default_code = "99212"', 'default_code = "99999"'), "default_code"),
    ],
)
def test_it_refuses_a_file_it_does_not_understand(change: tuple[str, str], problem: str) -> None:
    old, new = change
    raw = _raw()
    assert old in raw
    with pytest.raises(KnowledgeError) as exc:
        load_rules(raw.replace(old, new, 1).encode())
    assert any(problem in p for p in exc.value.problems) or problem in str(exc.value)


def test_it_names_a_toml_error() -> None:
    with pytest.raises(KnowledgeError, match="not valid TOML"):
        load_rules(b"[timing")
