"""The effective prescription: the engine's prescription with the clinician's overrides
applied, in the contract's shape. It is what the plan page, the session pre-fill, the
handout and the API show, so that an override never lives in one place only.

A point added back over a safety rule keeps the rule's depth cap and carries
``safety_override`` (the rules set aside and the reason) wherever it is shown.
"""

from __future__ import annotations

import copy
from typing import Any

from acuplan.clinic.models import Plan, PlanOverride
from acuplan.clinic.safety_gate import PlanSafety, plan_safety
from acuplan.core.planning.prescription import point_side


def effective_prescription(plan: Plan, safety: PlanSafety | None = None) -> dict[str, Any] | None:
    """The plan's prescription with its overrides in the order they were made (None when
    the plan stops treatment)."""
    rx = plan.data.get("prescription")
    if rx is None:
        return None
    out: dict[str, Any] = copy.deepcopy(rx)
    out["overrides"] = []
    overrides = sorted(plan.overrides.all(), key=lambda o: (o.at, o.pk))
    added = [o.target for o in overrides if o.kind == PlanOverride.Kind.ADD_POINT]
    if added and safety is None:
        safety = plan_safety(plan, added)
    for o in overrides:
        _apply(out, o, safety)
    if added and safety is not None:
        _add_precautions(out, safety)
    return out


def _add_precautions(rx: dict[str, Any], safety: PlanSafety) -> None:
    """A precaution follows the point: a point added back brings its own (lung, kidney)."""
    have = {p["code"] for p in rx["precautions"]}
    method = rx["technique"]["method"]
    rx["precautions"] += [
        {"code": p.code, "text": p.text, "rule": p.rule, "methods": list(p.methods)}
        for p in safety.filter.precautions
        if p.code not in have and p.applies_to(method)
    ]


def effective_plan_data(plan: Plan) -> dict[str, Any]:
    """The stored plan JSON with the effective prescription in place of the engine's."""
    data = dict(plan.data)
    data["prescription"] = effective_prescription(plan)
    return data


def _apply(rx: dict[str, Any], o: PlanOverride, safety: PlanSafety | None) -> None:
    entry = {
        "kind": o.kind,
        "target": o.target,
        "reason": o.reason,
        "overrides_rules": list(o.overrides_rules),
        "by": o.by_id,
        "at": o.at.isoformat() if o.at else None,
    }
    rx["overrides"].append(entry)
    if o.kind == PlanOverride.Kind.TECHNIQUE:
        rx["technique"] = {
            **rx["technique"],
            "method": o.target,
            "method_override": {"reason": o.reason, "overrides_rules": list(o.overrides_rules)},
        }
    elif o.kind == PlanOverride.Kind.REMOVE_POINT:
        rx["points"] = [p for p in rx["points"] if p["code"] != o.target]
    elif o.kind == PlanOverride.Kind.ADD_POINT and safety is not None:
        if all(p["code"] != o.target for p in rx["points"]):
            rx["points"].append(_added_point(o, safety))
        rx["excluded_points"] = [e for e in rx["excluded_points"] if e["code"] != o.target]


def _added_point(o: PlanOverride, safety: PlanSafety) -> dict[str, Any]:
    kb = safety.kb
    point = kb.points[o.target]
    d = safety.detail(o.target)
    depth, rules = safety.cap(o.target)
    angle = safety.filter.capped(o.target, d.depth_max_cun, d.angle)[1]
    return {
        "code": o.target,
        "name": f"{point.pinyin} ({point.english})",
        "side": point_side(o.target),
        "role": "override",
        "depth_max_cun": depth,
        "angle": angle,
        "cautions": [{"kind": c.kind, "text": c.text} for c in d.cautions],
        "rationale": f"Added by the clinician: {o.reason}",
        "sources": list(d.sources),
        "rules": [r.rule for r in rules],
        "status": d.status,
        "moxibustion": False,
        "bleeding": False,
        "pregnancy_contraindicated": d.pregnancy_contraindicated,
        "note": None,
        "safety_override": (
            {"rules": list(o.overrides_rules), "reason": o.reason} if o.overrides_rules else None
        ),
    }
