"""The repo's copies of the contract examples stay identical to shared/contracts/examples."""

from __future__ import annotations

import pytest

from .conftest import EXAMPLES, SHARED

CONTRACT = SHARED / "contracts" / "examples"


@pytest.mark.skipif(not CONTRACT.is_dir(), reason="shared/ is not beside this clone")
def test_it_keeps_the_contract_examples_in_sync() -> None:
    ours = {p.name: p.read_bytes() for p in EXAMPLES.glob("*.json")}
    theirs = {p.name: p.read_bytes() for p in CONTRACT.glob("*.json")}
    assert ours == theirs
