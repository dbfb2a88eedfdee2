"""Conservative defaults added after review: no electroacupuncture in pregnancy, young
patients and systemic steroids prompt a physician, buttock depth capped in pregnancy."""

from __future__ import annotations

import datetime as dt
from typing import Any

from acuplan.core.intake import parse_intake
from acuplan.core.knowledge import Knowledge
from acuplan.core.plan import assess_and_plan, plan_json


def _plan(kb: Knowledge, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "schema_version": "1",
        "patient": {"age_years": 35, "sex": "female"},
        "pain": {
            "regions": ["lower_back", "buttock", "leg"],
            "duration_weeks": 20,
            "leg_pain": "below_knee",
            "leg_side": "right",
        },
        "preferences": {"techniques": ["manual", "electro"]},
    }
    for key, value in changes.items():
        data[key] = {**data.get(key, {}), **value}
    return plan_json(assess_and_plan(parse_intake(data), knowledge=kb, as_of=dt.date(2026, 11, 21)))


def test_it_plans_electro_for_chronic_sciatica_when_not_pregnant(kb: Knowledge) -> None:
    assert _plan(kb)["prescription"]["technique"]["method"] == "electro"


def test_it_never_plans_electroacupuncture_in_pregnancy(kb: Knowledge) -> None:
    plan = _plan(kb, patient={"pregnant": True, "pregnancy_weeks": 20})
    assert plan["prescription"]["technique"]["method"] == "manual"
    gb30 = next(p for p in plan["prescription"]["points"] if p["code"] == "GB30")
    assert gb30["depth_max_cun"] <= 0.5


def test_it_asks_a_physician_to_see_a_young_patient(kb: Knowledge) -> None:
    assert "ref.young_patient" in [
        r["code"] for r in _plan(kb, patient={"age_years": 17})["triage"]["referrals"]
    ]
    assert "ref.young_patient" not in [r["code"] for r in _plan(kb)["triage"]["referrals"]]


def test_it_prompts_about_prolonged_steroid_use(kb: Knowledge) -> None:
    plan = _plan(kb, medical={"medications": ["prednisone 20 mg daily"]})
    assert "ref.systemic_corticosteroid" in [r["code"] for r in plan["triage"]["referrals"]]
