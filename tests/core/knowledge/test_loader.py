"""Every kind of bad data file gives a clear error naming the file and the entry."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from acuplan.core.errors import KnowledgeError
from acuplan.core.knowledge.loader import LAYOUT, data_root, load_knowledge

DATA = Path(str(data_root()))


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found in {path.name}: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _problems(root: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as exc:
        load_knowledge(root)
    return exc.value.problems


def test_it_loads_the_packaged_knowledge_base_with_a_content_version(data: Path) -> None:
    kb = load_knowledge(data)
    assert re.fullmatch(r"kb-[0-9a-f]{16}", kb.version)
    assert kb.version == load_knowledge(DATA).version


def test_it_changes_the_version_when_any_fact_changes(data: Path) -> None:
    before = load_knowledge(data).version
    _edit(data / "points" / "BL.toml", "depth_max_cun = 1.2", "depth_max_cun = 1.1")
    assert load_knowledge(data).version != before


def test_it_names_a_missing_file(data: Path) -> None:
    (data / "rules" / "safety.toml").unlink()
    assert _problems(data) == ["rules/safety.toml: file is missing"]


def test_it_rejects_invalid_toml_naming_the_file(data: Path) -> None:
    (data / "patterns.toml").write_text("[[pattern]\nid = 1", encoding="utf-8")
    assert any(p.startswith("patterns.toml: not valid TOML") for p in _problems(data))


def test_it_rejects_an_unknown_key_naming_file_and_entry(data: Path) -> None:
    _edit(data / "points" / "BL.toml", 'code = "BL23"', 'code = "BL23"\ncolour = "red"')
    assert "points/BL.toml: point 'BL23': colour: unknown key" in _problems(data)


def test_it_rejects_an_unknown_table(data: Path) -> None:
    with (data / "codes.toml").open("a", encoding="utf-8") as f:
        f.write('\n[[codez]]\nsystem = "ICD-10-CM"\n')
    assert any("codes.toml: unknown table [[codez]]" in p for p in _problems(data))


def test_it_rejects_a_point_code_outside_who_2008(data: Path) -> None:
    _edit(data / "points" / "BL.toml", 'code = "BL23"', 'code = "BL99"')
    assert "points: point 'BL99': not a WHO 2008 point code" in _problems(data)


def test_it_rejects_a_pattern_naming_an_unknown_point(data: Path) -> None:
    _edit(
        data / "patterns.toml",
        '{ code = "SP9", role = "distal" }',
        '{ code = "GV44", role = "distal" }',
    )
    assert "patterns.toml: pattern 'cold_damp': unknown point 'GV44'" in _problems(data)


def test_it_rejects_an_unknown_source_id(data: Path) -> None:
    _edit(
        data / "rules" / "red_flags.toml",
        'sources = ["finucane2020@abstract", "henschke2009@abstract", "verhagen2016@abstract"]',
        'sources = ["nobody"]',
    )
    assert (
        "rules/red_flags.toml: rule 'rf.multiple_weaker_flags': unknown source 'nobody'"
        in _problems(data)
    )


def test_it_rejects_an_unknown_finding_in_a_rule(data: Path) -> None:
    _edit(data / "rules" / "red_flags.toml", '"red_flag.saddle_anaesthesia"', '"red_flag.saddle"')
    assert (
        "rules/red_flags.toml: rule 'rf.cauda_equina': unknown finding 'red_flag.saddle'"
        in _problems(data)
    )


def test_it_rejects_an_unknown_code_system(data: Path) -> None:
    _edit(
        data / "codes.toml",
        'system = "ICD-10-CM"\ncode = "M54.50"',
        'system = "ICD-9"\ncode = "M54.50"',
    )
    assert any("codes.toml: code 'M54.50': system:" in p for p in _problems(data))


def test_it_refuses_the_retired_m54_5_in_a_code_rule(data: Path) -> None:
    _edit(data / "codes.toml", 'codes = ["ICD-10-CM|M54.50"]', 'codes = ["ICD-10-CM|M54.5"]')
    problems = _problems(data)
    assert "codes.toml: rule 'icd10cm.low_back_pain': unknown code 'ICD-10-CM|M54.5'" in problems
    assert "codes.toml: rule 'icd10cm.low_back_pain': code 'ICD-10-CM|M54.5' is retired" in problems


def test_it_rejects_a_bad_status_tag(data: Path) -> None:
    _edit(data / "patterns.toml", 'status = "WEAK"', 'status = "probably"')
    assert any("patterns.toml: pattern 'cold_damp': status:" in p for p in _problems(data))


def test_it_rejects_duplicate_ids(data: Path) -> None:
    text = (data / "rules" / "referrals.toml").read_text(encoding="utf-8")
    start = text.index('[[rule]]\nid = "ref.pregnancy"')
    (data / "rules" / "referrals.toml").write_text(text + "\n" + text[start:], encoding="utf-8")
    assert "rules/referrals.toml: rule 'ref.pregnancy': duplicate rule id" in _problems(data)


def test_it_rejects_an_effect_missing_what_it_needs(data: Path) -> None:
    _edit(
        data / "rules" / "safety.toml",
        '{ kind = "limit_points", max_points = 8 }',
        '{ kind = "limit_points" }',
    )
    assert any(
        "rules/safety.toml: rule 'sf.bleeding_risk': effect" in p and "needs 'max_points'" in p
        for p in _problems(data)
    )


def test_it_rejects_an_effect_field_that_does_not_belong(data: Path) -> None:
    _edit(
        data / "rules" / "safety.toml",
        '{ kind = "forbid_bleeding" }',
        '{ kind = "forbid_bleeding", depth_max_cun = 0.5 }',
    )
    assert any("forbid_bleeding does not take 'depth_max_cun'" in p for p in _problems(data))


def test_it_rejects_a_registry_with_a_wrong_header(data: Path) -> None:
    _edit(data / "points_who2008.csv", "code,pinyin,hanzi,english,meridian", "code,name")
    assert any(p.startswith("points_who2008.csv: header must be") for p in _problems(data))


def test_it_rejects_a_registry_row_whose_meridian_contradicts_its_code(data: Path) -> None:
    _edit(data / "points_who2008.csv", ",KI\n", ",LR\n")
    assert any(
        "points_who2008.csv: point 'KI" in p and "does not match" in p for p in _problems(data)
    )


def test_it_rejects_a_meridian_count_that_differs_from_the_registry(data: Path) -> None:
    _edit(data / "meridians.toml", "point_count = 67", "point_count = 66")
    assert (
        "meridians.toml: meridian 'BL': point_count 66 but 67 points in the registry"
        in _problems(data)
    )


def test_it_reports_every_problem_at_once(data: Path) -> None:
    _edit(data / "points" / "BL.toml", 'code = "BL23"', 'code = "BL23"\ncolour = "red"')
    _edit(
        data / "rules" / "red_flags.toml",
        'sources = ["finucane2020@abstract", "henschke2009@abstract", "verhagen2016@abstract"]',
        'sources = ["nobody"]',
    )
    assert len(_problems(data)) >= 2


def test_it_knows_every_data_file_it_loads() -> None:
    on_disk = {str(p.relative_to(DATA)) for p in DATA.rglob("*.toml")}
    # interop/ is loaded by acuplan.core.knowledge.interop (tests/core/knowledge/test_interop.py)
    assert {f for f in on_disk if not f.startswith("interop/")} == set(LAYOUT)


def test_it_refuses_a_point_deeper_than_its_zone_allows(data: Path) -> None:
    text = (data / "points" / "BL.toml").read_text(encoding="utf-8")
    start = text.index('code = "BL13"')
    end = text.index("depth_max_cun = 0.7", start)
    text = text[:end] + "depth_max_cun = 1.0" + text[end + 19 :]
    (data / "points" / "BL.toml").write_text(text, encoding="utf-8")
    assert (
        "points: point 'BL13': depth_max_cun 1 is deeper than the cap of zone "
        "'thorax_posterior' (0.8 cun)"
    ) in _problems(data)


def test_it_refuses_a_lumbosacral_point_not_blocked_in_pregnancy(data: Path) -> None:
    text = (data / "points" / "BL.toml").read_text(encoding="utf-8")
    start = text.index('code = "BL25"')
    end = text.index("pregnancy_contraindicated = true", start)
    text = text[:end] + "pregnancy_contraindicated = false" + text[end + 32 :]
    (data / "points" / "BL.toml").write_text(text, encoding="utf-8")
    assert (
        "points: point 'BL25': zone 'lumbar' blocks needling in pregnancy; "
        "set pregnancy_contraindicated = true"
    ) in _problems(data)


def test_it_refuses_a_pattern_local_point_that_is_not_local_to_its_region(data: Path) -> None:
    _edit(
        data / "patterns.toml",
        '{ code = "GV3", role = "local", region = "lower_back" }',
        '{ code = "GV3", role = "local", region = "upper_back" }',
    )
    assert any(
        "pattern 'cold_damp': point GV3 is not local to upper_back" in p for p in _problems(data)
    )


# --- primary sources ---------------------------------------------------------------------------


def test_it_refuses_a_rule_that_cites_no_primary_source(data: Path) -> None:
    _edit(
        data / "rules" / "safety.toml",
        'sources = ["white2001@table"]\nstatus = "WEAK"',
        'sources = ["aso"]\nstatus = "WEAK"',
    )
    problems = _problems(data)
    assert any(
        p.startswith("rules/safety.toml: rule 'sf.lymphoedema': status WEAK needs a primary source")
        for p in problems
    ), problems
    assert (
        "rules/safety.toml: rule 'sf.lymphoedema': aso may only stand beside a "
        "primary source, never alone"
    ) in problems


def test_it_refuses_a_primary_source_cited_without_the_section_read(data: Path) -> None:
    _edit(
        data / "rules" / "safety.toml",
        'sources = ["white2001@table"]\nstatus = "WEAK"',
        'sources = ["white2001"]\nstatus = "WEAK"',
    )
    assert any("rule 'sf.lymphoedema': status WEAK needs a primary" in p for p in _problems(data))


def test_it_refuses_a_point_that_cites_no_primary_source(data: Path) -> None:
    _edit(
        data / "points" / "BL.toml",
        'sources = ["who2008@p. 111", "cam1999@point BL23", "sw", "aso", "zgzj2017_bl23@abstract"]',
        'sources = ["sw", "aso"]',
    )
    problems = _problems(data)
    assert any(
        p.startswith("points/BL.toml: point 'BL23': status V needs a primary source")
        for p in problems
    ), problems


def test_it_lets_an_unverified_rule_stand_without_a_primary_source(data: Path) -> None:
    _edit(
        data / "rules" / "safety.toml",
        'sources = ["white2001@table"]\nstatus = "WEAK"',
        'sources = ["acuplan_policy"]\nstatus = "UNVERIFIED"',
    )
    kb = load_knowledge(data)
    assert next(r for r in kb.safety_rules if r.id == "sf.lymphoedema").status == "UNVERIFIED"


def test_it_refuses_an_article_without_a_pmid_or_doi(data: Path) -> None:
    _edit(data / "sources.toml", 'pmid = "19790051"\ndoi = "10.1002/art.24853"\n', "")
    assert any(
        "sources.toml: source 'henschke2009': (entry): Value error, an article needs a pmid" in p
        for p in _problems(data)
    )


def test_it_gives_every_source_a_kind_and_keeps_internal_ones_internal() -> None:
    kb = load_knowledge(DATA)
    kinds = {s.kind for s in kb.sources.values()}
    assert kinds <= {
        "guideline",
        "standard",
        "textbook",
        "article",
        "web",
        "repository",
        "internal",
    }
    assert "regulation" not in kinds
    assert kb.is_internal("acuplan_policy")
    assert not kb.is_primary("acuplan_policy")
    assert kb.is_primary("who1999_safety@II 2.1")
    assert not kb.is_primary("sw")
    assert kb.sources["who2008"].isbn == "978-92-9061-248-7"
    gone = {"facts", "deadman", "focks_atlas", "cks_ces", "wikem_redflags", "bs", "cma17"}
    assert not gone & set(kb.sources)


def test_it_cites_who_1999_section_2_1_for_every_pregnancy_rule() -> None:
    kb = load_knowledge(DATA)
    pregnancy = [r for r in kb.safety_rules if "pregnant" in r.when_all]
    assert pregnancy
    for rule in pregnancy:
        assert "who1999_safety@II 2.1" in rule.sources, rule.id
