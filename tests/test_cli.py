"""The console script as a user runs it: exit codes, output shapes, errors without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from acuplan.cli import main

from .conftest import EXAMPLES, REPO


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_it_checks_the_knowledge_base_and_prints_counts(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "kb", "check")
    assert code == 0
    assert "knowledge base OK" in out
    assert "points (WHO 2008)            361" in out


def test_it_prints_points_as_json_with_the_contract_fields(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "points", "BL23", "GB21", "--json")
    assert code == 0
    points = json.loads(out)
    assert [p["code"] for p in points] == ["BL23", "GB21"]
    for field in (
        "code",
        "pinyin",
        "hanzi",
        "english",
        "meridian",
        "location",
        "depth_max_cun",
        "cautions",
        "pregnancy_contraindicated",
        "sources",
    ):
        assert field in points[0]
    assert points[0]["hanzi"] == "肾俞"
    assert points[1]["pregnancy_contraindicated"] is True


def test_it_lists_a_meridian(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "points", "--meridian", "te", "--json")
    assert code == 0
    assert len(json.loads(out)) == 23


@pytest.mark.parametrize(
    ("word", "expected"),
    [("shenshu", "BL23"), ("sciatica", "GB30"), ("kidney shu", "BL23"), ("ex-ue7", "EX-UE7")],
)
def test_it_searches_points_by_pinyin_english_indication_or_code(
    capsys: pytest.CaptureFixture[str], word: str, expected: str
) -> None:
    code, out, _ = run(capsys, "points", "--search", word, "--json")
    assert code == 0
    assert expected in [p["code"] for p in json.loads(out)]


def test_it_names_an_unknown_point_code(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "points", "BL99")
    assert code == 2
    assert "BL99" in err


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_it_plans_every_contract_example(capsys: pytest.CaptureFixture[str], example: Path) -> None:
    code, out, _ = run(capsys, "plan", str(example), "--as-of", "2026-11-21")
    assert code == 0
    plan = json.loads(out)
    assert plan["versions"]["knowledge"].startswith("kb-")
    assert plan["triage"]["decision"] in {
        "emergency",
        "refer_before_treatment",
        "proceed_with_precautions",
        "proceed",
    }


def test_it_renders_a_clinician_summary_and_patient_handout(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "plan", str(EXAMPLES / "chronic-cold-damp.json"), "--format", "md")
    assert code == 0
    assert "# acuplan: assessment and plan" in out
    assert "# Your acupuncture plan" in out
    assert "When to get help" in out or "when" in out.lower()


def test_it_exits_2_naming_every_bad_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "schema_version": "1",
                "patient": {"age_years": 200},
                "pain": {"regions": ["arm"], "duration_weeks": 3},
                "colour": "blue",
            }
        )
    )
    code, out, err = run(capsys, "plan", str(bad))
    assert code == 2
    assert out == ""
    for field in ("patient.age_years", "pain.regions.0", "colour"):
        assert field in err


@pytest.mark.parametrize("content", ["not json", "[1, 2]", ""])
def test_it_rejects_a_file_that_is_not_an_intake_object(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    code, _, err = run(capsys, "plan", str(bad))
    assert code == 2
    assert "Traceback" not in err


def test_it_names_a_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "plan", "/nonexistent/intake.json")
    assert code == 2
    assert "cannot read" in err


def test_it_reads_an_intake_from_standard_input() -> None:
    data = (EXAMPLES / "pregnant-24-weeks.json").read_text()
    proc = subprocess.run(
        [sys.executable, "-m", "acuplan", "plan", "-"],
        input=data,
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["triage"]["decision"] == "proceed_with_precautions"


@pytest.mark.parametrize("which", ["intake", "plan"])
def test_it_prints_json_schemas(capsys: pytest.CaptureFixture[str], which: str) -> None:
    code, out, _ = run(capsys, "schema", which)
    assert code == 0
    schema = json.loads(out)
    assert "properties" in schema


def test_it_keeps_django_off_the_plan_path() -> None:
    code = (
        "import sys, acuplan.cli as c; c.main(['plan', sys.argv[1]]);"
        "import sys; sys.stderr.write(str('django' in sys.modules))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(EXAMPLES / "chronic-cold-damp.json")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert proc.stderr.endswith("False")


def test_it_shows_full_detail_and_cautions_for_every_point(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from acuplan.core.knowledge import default_knowledge

    kb = default_knowledge()
    codes = list(kb.points)
    assert len(codes) >= 361
    code, out, _ = run(capsys, "points", *codes)
    assert code == 0
    cards = {c.split()[0]: c for c in out.split("\n\n") if c.strip()}
    assert set(cards) == set(codes)
    for c, card in cards.items():
        point = kb.points[c]
        assert point.detail is not None, c
        d = point.detail
        for label in ("location :", "angle    :", "depth    :", "needling :", "zones    :"):
            assert label in card, f"{c}: no {label!r}"
        for label in ("caution  :", "pregnancy:", "moxa     :", "sources  :", "status   :"):
            assert label in card, f"{c}: no {label!r}"
        if d.who_page:
            assert f"WHO 2008 p. {d.who_page}" in card, c
        for caution in d.cautions:
            assert f"[{caution.kind}] {caution.text}" in card, c
        assert f"status   : {d.status}" in card
        if d.pregnancy_contraindicated:
            assert "pregnancy: CONTRAINDICATED" in card, c
        if not d.needling_forbidden:
            assert f"cap {d.depth_max_cun:g} cun" in card, c
        assert "registry point" not in card
        assert "acuplan_policy" not in card


def test_it_warns_of_the_lung_medulla_eye_and_carotid_on_the_point_cards(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "points", "BL13", "GV16", "BL1", "ST9", "CV12")
    assert code == 0
    cards = {c.split()[0]: c for c in out.split("\n\n") if c.strip()}
    assert "[pneumothorax]" in cards["BL13"]
    assert "[spinal_canal]" in cards["GV16"]
    assert "[orbit]" in cards["BL1"]
    assert "[vessel]" in cards["ST9"]
    assert "carotid" in cards["ST9"]
    assert "pregnancy: avoid after the first trimester" in cards["CV12"]


def test_it_exports_the_whole_knowledge_base_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    from acuplan.core.knowledge import default_knowledge

    kb = default_knowledge()
    code, out, _ = run(capsys, "kb", "export", "--json")
    assert code == 0
    doc = json.loads(out)
    assert {"points", "patterns", "rules", "sources", "studies", "zones"} <= set(doc)
    assert len(doc["points"]) == len(kb.points) >= 361
    assert len(doc["patterns"]) == len(kb.patterns)
    assert len(doc["studies"]) == len(kb.studies)
    assert len(doc["zones"]) == len(kb.zones)
    every_rule = [
        *kb.red_flag_rules,
        *kb.referral_rules,
        *kb.safety_rules,
        *kb.pain_type_rules,
        *kb.derived_rules,
        *kb.course_rules,
        *kb.selections,
        *kb.code_rules,
    ]
    assert sorted(r["id"] for r in doc["rules"]) == sorted(r.id for r in every_rule)
    kinds = {r["kind"] for r in doc["rules"]}
    assert kinds == {
        "red_flag",
        "referral",
        "safety",
        "pain_type",
        "derived",
        "course",
        "selection",
        "code",
    }
    for rule in doc["rules"]:
        assert {"id", "kind", "title", "status", "sources"} <= set(rule), rule["id"]
    public = [s for s in kb.sources.values() if s.kind != "internal"]
    assert len(doc["sources"]) == len(public)
    for source in doc["sources"]:
        assert {"id", "kind", "citation"} <= set(source)
        assert source["kind"] != "internal"
    who = next(s for s in doc["sources"] if s["id"] == "who2008")
    assert who["isbn"] == "978-92-9061-248-7"
    assert [p["code"] for p in doc["points"][:2]] == ["LU1", "LU2"]
    assert "acuplan_policy" not in out
