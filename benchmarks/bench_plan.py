"""Plan a generated corpus of varied intakes in one process; print median and p99
microseconds per plan, and the ratio to validating the same intakes alone.

Goal (issue 3): median <= 1 ms per plan; plan/validate ratio <= 10.
Run: .venv/bin/python benchmarks/bench_plan.py [N]
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time
from typing import Any

from acuplan.core import intake as m
from acuplan.core.intake import parse_intake
from acuplan.core.knowledge import default_knowledge
from acuplan.core.plan import assess_and_plan, plan_json

MEDS = ["warfarin", "Eliquis 5 mg", "aspirin 81 mg", "ibuprofen", "prednisone", "atorvastatin"]


def _some(rng: random.Random, words: tuple[str, ...], p: float = 0.3) -> list[str]:
    return [w for w in words if rng.random() < p / 2]


def make_intake(rng: random.Random) -> dict[str, Any]:
    regions = rng.choice(
        [
            ["lower_back"],
            ["upper_back"],
            ["lower_back", "leg"],
            ["lower_back", "buttock", "leg"],
            ["upper_back", "neck"],
        ]
    )
    leg = "leg" in regions
    female = rng.random() < 0.5
    return {
        "schema_version": "1",
        "jurisdiction": rng.choice(m.vocabulary(m.Jurisdiction)),
        "patient": {
            "age_years": rng.randint(18, 90),
            "sex": "female" if female else "male",
            "pregnant": female and rng.random() < 0.1,
        },
        "pain": {
            "regions": regions,
            "duration_weeks": rng.choice([1, 4, 8, 14, 30, 120]),
            "onset": rng.choice(m.vocabulary(m.Onset)),
            "intensity_nrs": rng.randint(0, 10),
            "leg_pain": rng.choice(["above_knee", "below_knee"]) if leg else "none",
            **({"leg_side": rng.choice(m.vocabulary(m.LegSide))} if leg else {}),
            "midline": rng.random() < 0.5,
            "qualities": _some(rng, m.vocabulary(m.Quality)),
            "worse_with": _some(rng, m.vocabulary(m.WorseWith)),
            "better_with": _some(rng, m.vocabulary(m.BetterWith)),
        },
        "red_flags": _some(rng, m.vocabulary(m.RedFlag), 0.05),
        "tcm": {
            "tongue_body": rng.choice(m.vocabulary(m.TongueBody)),
            "pulse": _some(rng, m.vocabulary(m.Pulse), 0.4),
            "signs": _some(rng, m.vocabulary(m.Sign), 0.3),
        },
        "medical": {
            "medications": _some(rng, tuple(MEDS), 0.4),
            "conditions": _some(rng, m.vocabulary(m.Condition), 0.1),
            "needle_phobia": rng.random() < 0.05,
        },
        "preferences": {
            "techniques": rng.choice(
                [["manual", "electro", "acupressure"], ["manual"], ["acupressure"]]
            ),
            "max_sessions_per_week": rng.choice([1, 2, 3]),
            "payer": rng.choice(m.vocabulary(m.Payer)),
        },
        "questionnaires": {
            "start_back": [rng.choice(["agree", "disagree"]) for _ in range(8)]
            + [rng.choice(m.vocabulary(m.Bothersome))],
            "odi": [rng.choice([None, 0, 1, 2, 3, 4, 5]) for _ in range(10)],
            "peg": [rng.randint(0, 10) for _ in range(3)],
        },
    }


def _per_item_us(fn: Any, items: list[Any]) -> list[float]:
    out = []
    for item in items:
        t = time.perf_counter_ns()
        fn(item)
        out.append((time.perf_counter_ns() - t) / 1000)
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rng = random.Random(20261121)
    corpus = [make_intake(rng) for _ in range(n)]
    kb = default_knowledge()
    as_of = dt.date(2026, 11, 21)
    intakes = [parse_intake(d) for d in corpus]  # warm-up and check all are valid
    validate = _per_item_us(parse_intake, corpus)
    plan = _per_item_us(lambda i: assess_and_plan(i, knowledge=kb, as_of=as_of), intakes)
    full = _per_item_us(
        lambda d: plan_json(assess_and_plan(parse_intake(d), knowledge=kb, as_of=as_of)), corpus
    )
    decisions: dict[str, int] = {}
    for i in intakes[:2000]:
        d = assess_and_plan(i, knowledge=kb, as_of=as_of).triage.decision
        decisions[d] = decisions.get(d, 0) + 1

    def p99(xs: list[float]) -> float:
        return sorted(xs)[int(len(xs) * 0.99)]

    print(f"corpus: {n} generated intakes; triage mix (first 2000): {decisions}")
    for label, xs in (
        ("validate only", validate),
        ("assess_and_plan", plan),
        ("validate+plan+json", full),
    ):
        print(f"{label:<19} median {statistics.median(xs):8.1f} us   p99 {p99(xs):8.1f} us")
    ratio = statistics.median(plan) / statistics.median(validate)
    print(f"ratio plan/validate (medians): {ratio:.1f}   (goal <= 10)")
    print(f"median plan <= 1 ms: {statistics.median(plan) <= 1000}")


if __name__ == "__main__":
    main()
