"""Markdown rendering: a clinician summary, then a plain-language handout for the patient."""

from __future__ import annotations

from typing import Any

from acuplan.core.knowledge import Knowledge

DECISION_TEXT = {
    "emergency": "EMERGENCY: refer the same day. Do not treat.",
    "refer_before_treatment": "REFER BEFORE TREATMENT: medical assessment first. Do not treat yet.",
    "proceed_with_precautions": "Proceed, with the precautions below.",
    "proceed": "Proceed.",
}
HANDOUT_TOPICS = ("what_to_expect", "course_and_relief", "risks", "cost", "choosing_a_practitioner")


def render_markdown(kb: Knowledge, plan: dict[str, Any]) -> str:
    return clinician_summary(plan) + "\n---\n\n" + patient_handout(kb, plan)


def clinician_summary(plan: dict[str, Any]) -> str:
    t, c = plan["triage"], plan["classification"]
    out = [
        "# acuplan: assessment and plan",
        "",
        f"*As of {plan['as_of']}; engine {plan['versions']['engine']}, knowledge "
        f"{plan['versions']['knowledge']}.*",
        "",
        "## Triage",
        "",
        f"**{DECISION_TEXT[t['decision']]}**",
        "",
    ]
    out += [
        f"- **{r['code']}** ({r['status']}): {r['text']} *Source: {r['source']}*"
        for r in t["reasons"]
    ]
    out += [f"- Refer to **{r['to']}** ({r['urgency']}): {r['reason']}" for r in t["referrals"]]
    out += [
        "",
        "## Classification",
        "",
        f"- Duration: {c['duration_category']} ({c['duration_weeks']:g} weeks)",
        f"- Pain types: {', '.join(c['pain_types']) or 'none'}",
        f"- Regions: {', '.join(c['regions'])}",
    ]
    out += [f"- {x['system']} **{x['code']}** {x['display']} ({x['status']})" for x in c["codes"]]
    out += _scores(plan["scores"]) + _patterns(plan) + _prescription(plan["prescription"])
    out += _course(plan["course"])
    if plan["unknowns"]:
        out += ["", "## Not judged (missing information)", ""]
        out += [f"- {u}" for u in plan["unknowns"]]
    out += ["", "## Evidence", ""]
    out += [
        f"- `{e['id']}` {e['citation']}" + (f" PMID {e['pmid']}." if e["pmid"] else "")
        for e in plan["evidence"]
    ]
    return "\n".join(out) + "\n"


def _scores(scores: dict[str, Any]) -> list[str]:
    if not scores:
        return []
    out = ["", "## Scores", ""]
    for name, s in scores.items():
        band = f", {s['band']}" if s["band"] else ""
        mcid = s["mcid"]
        m = ""
        if mcid:
            parts = [
                f"{mcid['points']:g} points" if mcid["points"] is not None else "",
                f"{mcid['percent']:g}%" if mcid["percent"] is not None else "",
            ]
            m = "; MCID " + " or ".join(p for p in parts if p)
        out.append(f"- **{name}** ({s['version']}): {s['total']:g}{band}{m}")
    return out


def _patterns(plan: dict[str, Any]) -> list[str]:
    out = ["", "## TCM pattern", "", plan["pattern_judgement"]["note"], ""]
    for p in plan["patterns"][:3]:
        fo = ", ".join(f"{f['text']} (+{f['weight']:g})" for f in p["findings_for"])
        fa = ", ".join(f"{f['text']} (-{f['weight']:g})" for f in p["findings_against"])
        out.append(
            f"- **{p['name']}** score {p['score']:g} [{p['review']}, {p['status']}]: "
            f"for: {fo or 'none'}; against: {fa or 'none'}"
        )
        if p["pivot"]:
            out.append(
                f"  - would most change the ranking: {p['pivot']['text']} "
                f"(vs {p['pivot']['against']})"
            )
    return out


def _prescription(rx: dict[str, Any] | None) -> list[str]:
    if rx is None:
        return ["", "## Prescription", "", "None: triage stops treatment."]
    tq = rx["technique"]
    out = [
        "",
        "## Prescription",
        "",
        f"Technique: **{tq['method']}**"
        + (
            f", needles retained {tq['retention_minutes']} minutes"
            if tq["retention_minutes"]
            else ""
        )
        + f"; moxibustion {'yes' if tq['moxibustion'] else 'no'}; bleeding techniques "
        f"{'yes' if tq['bleeding_techniques'] else 'no'}. {tq['rationale']}.",
        "",
        "| Point | Side | Role | Max depth (cun) | Angle | Why |",
        "|---|---|---|---|---|---|",
    ]
    for p in rx["points"]:
        out.append(
            f"| {p['code']} {p['name']} | {p['side']} | {p['role']} | "
            f"{p['depth_max_cun']:g} | {p['angle']} | {p['rationale']} |"
        )
    if rx["excluded_points"]:
        out += ["", "Excluded points:"]
        out += [
            f"- **{e['code']}**: " + "; ".join(f"{r['rule']} ({r['text']})" for r in e["reasons"])
            for e in rx["excluded_points"]
        ]
    if rx["precautions"]:
        out += ["", "Precautions:"]
        out += [f"- {p['text']} ({p['rule']})" for p in rx["precautions"]]
    return out


def _course(course: dict[str, Any] | None) -> list[str]:
    if course is None:
        return []
    cost = course["cost"]
    out = [
        "",
        "## Course",
        "",
        f"{course['sessions_planned']} sessions; reassess after session "
        f"{course['reassess_after_sessions']}.",
    ]
    out += [
        f"- {p['name']}: {p['sessions']} sessions over {p['weeks']} weeks" for p in course["phases"]
    ]
    out += [
        f"- Cost: {cost['per_session']:.2f} {cost['currency']} a session, "
        f"{cost['total']:.2f} {cost['currency']} in total"
    ]
    out += [f"- {n}" for n in course["payer_notes"]]
    out += ["", "Guidelines (they disagree; shown side by side):"]
    out += [
        f"- {g['body']} {g['year']}: {g['position']}"
        + (" (this jurisdiction)" if g["applies_to_jurisdiction"] else "")
        + f". {g['summary']}"
        for g in course["guidelines"]
    ]
    return out


def patient_handout(kb: Knowledge, plan: dict[str, Any]) -> str:
    """Plain language, for the patient to take home."""
    out = ["# Your acupuncture plan", ""]
    decision = plan["triage"]["decision"]
    if decision in {"emergency", "refer_before_treatment"}:
        out += [
            "Some of what you told us needs a doctor to look at it **before** any "
            "acupuncture. "
            + (
                "Please go to an emergency department **today**."
                if decision == "emergency"
                else "Please see your doctor soon; we will plan acupuncture "
                "once they have checked you."
            ),
            "",
        ]
    else:
        course = plan["course"]
        cost = course["cost"]
        method = plan["prescription"]["technique"]["method"]
        out += [
            f"We plan about **{course['sessions_planned']} sessions** of {method} "
            f"treatment: first {course['phases'][0]['sessions_per_week']:g} a week, then "
            "less often as you improve. We will check your progress after session "
            f"{course['reassess_after_sessions']}.",
            f"Each session costs about **{cost['per_session']:.0f} {cost['currency']}** "
            f"(about {cost['total']:.0f} {cost['currency']} for the course).",
            "",
        ]
        for topic_id in HANDOUT_TOPICS:
            out += _topic(kb, topic_id)
    out += _topic(kb, "when_to_seek_help")
    return "\n".join(out) + "\n"


def _topic(kb: Knowledge, topic_id: str) -> list[str]:
    topic = kb.education.get(topic_id)
    if topic is None:
        return []
    return [f"## {topic.title}", "", *[p + "\n" for p in topic.paragraphs]]
