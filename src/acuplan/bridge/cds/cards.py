"""Cards (CDS Hooks 2.0) from a plan the engine made of the EHR's data:

- ``critical`` for each red flag that stops treatment, with no link to a plan;
- ``warning`` for each contraindication the interop table names (blood thinner,
  pregnancy, cardiac device with electroacupuncture);
- ``info`` for eligibility: chronic back pain (12 weeks or more), Medicare's limits;
- every card but a critical one links to the plan in acuplan.
"""

from __future__ import annotations

import uuid
from typing import Any

from acuplan.bridge.cds.mapping import Mapped
from acuplan.clinic.safety_gate import BLOCKING
from acuplan.core.knowledge.interop import Interop

SUMMARY_MAX = 140
SOURCE_LABEL = "acuplan (acupuncture decision support)"


def short(text: str, limit: int = SUMMARY_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _card(indicator: str, summary: str, detail: str, rule: str, link: str | None) -> dict[str, Any]:
    card: dict[str, Any] = {
        "uuid": str(uuid.uuid4()),
        "summary": short(summary),
        "indicator": indicator,
        "detail": detail,
        "source": {
            "label": SOURCE_LABEL,
            "topic": {"system": "urn:acuplan:rule", "code": rule, "display": rule},
        },
    }
    if link:
        card["links"] = [{"label": "Open the acuplan plan", "url": link, "type": "absolute"}]
    return card


def _why(reason: dict[str, Any], mapped: Mapped) -> str:
    lines = [reason["text"], "", f"Source: {reason.get('source', '')} ({reason.get('status')})"]
    if mapped.matched:
        lines += ["", "From the EHR: " + "; ".join(mapped.matched)]
    return "\n".join(lines)


def cards_for(
    plan: dict[str, Any], mapped: Mapped, interop: Interop, link: str
) -> list[dict[str, Any]]:
    triage = plan["triage"]
    standing = [r for r in triage["reasons"] if not r.get("cleared")]
    if triage["decision"] in BLOCKING:
        return _critical(triage, standing, mapped)
    cards = []
    for reason in standing:
        rule = interop.cards.get(reason["code"])
        if rule is not None and rule.indicator == "warning":
            cards.append(_card("warning", rule.summary, _why(reason, mapped), reason["code"], link))
    cards += _eligibility(plan, mapped, link)
    if not cards:
        cards.append(
            _card(
                "info",
                "No red flag or contraindication found in the EHR data: acupuncture plan ready",
                "acuplan screened the conditions, medications and observations sent.",
                "triage.proceed",
                link,
            )
        )
    for card in cards:
        if mapped.notes:
            card["detail"] += "\n\n" + " ".join(mapped.notes)
    return cards


def _critical(
    triage: dict[str, Any], standing: list[dict[str, Any]], mapped: Mapped
) -> list[dict[str, Any]]:
    out = []
    urgency = {r.get("code"): r["urgency"] for r in triage.get("referrals", [])}
    for reason in standing:
        if not reason["code"].startswith("rf."):
            continue
        title = reason["text"].split(":")[0]
        when = urgency.get(reason["code"], triage.get("urgency") or "urgent")
        summary = f"{title}: {when} referral, no acupuncture"
        out.append(_card("critical", summary, _why(reason, mapped), reason["code"], None))
    if not out:  # blocked by a rule that is not a red flag: still critical, still no link
        out.append(
            _card(
                "critical",
                "Refer before any acupuncture: medical assessment first",
                "; ".join(r["text"] for r in standing),
                "triage." + triage["decision"],
                None,
            )
        )
    return out


def _eligibility(plan: dict[str, Any], mapped: Mapped, link: str) -> list[dict[str, Any]]:
    out = []
    classification, course = plan["classification"], plan.get("course") or {}
    weeks = float(classification.get("duration_weeks") or 0)
    if (
        mapped.back_pain
        and mapped.duration_known
        and classification["duration_category"] == "chronic"
    ):
        out.append(
            _card(
                "info",
                f"Chronic back pain for {weeks:g} weeks (12 or more): eligible for an "
                "acupuncture course",
                "Back pain for 12 weeks or more is chronic; acupuncture is among the "
                "treatments that guidelines consider for it. "
                + " ".join(course.get("payer_notes", [])[:1]),
                "eligibility.chronic",
                link,
            )
        )
    if "medicare" in plan.get("findings", []):
        notes = " ".join(course.get("payer_notes", []))
        eligible = course.get("payer_eligible")
        summary = (
            "Medicare: up to 12 visits in 90 days for chronic low back pain, 20 a year"
            if eligible
            else "Medicare covers acupuncture for chronic low back pain only (12 weeks or more)"
        )
        out.append(_card("info", summary, notes, "eligibility.medicare", link))
    return out
