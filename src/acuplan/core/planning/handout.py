"""Markdown rendering: a clinician summary, then a plain-language handout for the patient."""

from __future__ import annotations

from typing import Any

from acuplan.core.knowledge import Knowledge

HANDOUT_TOPICS = ("what_to_expect", "course_and_relief", "risks", "cost", "choosing_a_practitioner")


def render_markdown(kb: Knowledge, plan: dict[str, Any]) -> str:
    return clinician_summary(kb, plan) + "\n---\n\n" + patient_handout(kb, plan)


def clinician_summary(kb: Knowledge, plan: dict[str, Any]) -> str:
    t, c = plan["triage"], plan["classification"]
    out = [
        "# acuplan: assessment and plan",
        "",
        f"*As of {plan['as_of']}; engine {plan['versions']['engine']}, knowledge "
        f"{plan['versions']['knowledge']}.*",
        "",
        "## Triage",
        "",
        f"**{kb.term('decision.' + t['decision'])}**",
        "",
    ]
    out += [_reason_line(r) for r in t["reasons"]]
    out += [
        f"- Refer to **{r['to']}** ({kb.term('urgency.' + r['urgency'])}): {r['reason']}"
        for r in t["referrals"]
    ]
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
    out += ["", "## Evidence", "", "Primary sources first, then web pages and repositories.", ""]
    out += [_evidence_line(e) for e in plan["evidence"]]
    return "\n".join(out) + "\n"


def _evidence_line(e: dict[str, Any]) -> str:
    line = f"- `{e['id']}` ({e['kind']}"
    line += f", {e['status']})" if e.get("status") else ")"
    if e.get("other_jurisdiction"):
        line += f" *Guideline of another jurisdiction ({', '.join(e['other_jurisdiction'])}).*"
    line += f" {e['citation']}"
    if e["locators"]:
        line += f"; read: {'; '.join(e['locators'])}"
    line += "."
    for key, label in (("isbn", "ISBN"), ("pmid", "PMID"), ("doi", "DOI")):
        if e.get(key):
            line += f" {label} {e[key]}."
    return line


def _reason_line(r: dict[str, Any]) -> str:
    line = f"- **{r['code']}** ({r['status']}): {r['text']} *Source: {r['source']}*"
    c = r.get("cleared")
    if c:
        who = "; ".join(
            f"{f.replace('_', ' ')} ruled out by {b} on {d}"
            for f, b, d in zip(c["flags"], c["cleared_by"], c["cleared_on"], strict=True)
        )
        line += f" **Cleared:** {who}."
    return line


def _scores(scores: dict[str, Any]) -> list[str]:
    if not scores:
        return []
    out = ["", "## Scores", ""]
    for name, s in scores.items():
        if not s.get("scorable", True):
            out.append(f"- **{name}** ({s['version']}): not scorable: {s['reason']}")
            continue
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
    if tq["method"] == "acupressure":
        return _acupressure(rx)
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
    return out + _exclusions(rx)


def _acupressure(rx: dict[str, Any]) -> list[str]:
    """An acupressure plan describes pressure on the points: nothing is inserted."""
    out = [
        "",
        "## Prescription",
        "",
        f"Technique: **acupressure** (no needles). {rx['technique']['rationale']}.",
        "",
        "| Point | Side | Role | Why |",
        "|---|---|---|---|",
    ]
    out += [
        f"| {p['code']} {p['name']} | {p['side']} | {p['role']} | {p['rationale']} |"
        for p in rx["points"]
    ]
    return out + _exclusions(rx)


def _exclusions(rx: dict[str, Any]) -> list[str]:
    out: list[str] = []
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
    """Plain language, for the patient to take home. A plan that stops treatment opens with
    what its urgency means (emergency department now, a doctor today, within two weeks)."""
    out = ["# Your acupuncture plan", ""]
    t = plan["triage"]
    if t["decision"] in {"emergency", "refer_before_treatment"}:
        urgency = t.get("urgency") or "soon"
        out += [
            f"**{kb.term('urgency.' + urgency, patient=True)}**",
            "",
            "Some of what you told us needs a doctor to look at it **before** any "
            "acupuncture. Show this sheet to the doctor.",
            "",
        ]
    else:
        course = plan["course"]
        cost = course["cost"]
        method = plan["prescription"]["technique"]["method"]
        per_week = course["phases"][0]["sessions_per_week"]
        out += [
            f"We plan about **{course['sessions_planned']} visits** of "
            f"{kb.term('method.' + method, patient=True)}: {per_week:g} a week at first, "
            "then less often as you improve. We will check how you are doing after visit "
            f"{course['reassess_after_sessions']}.",
            f"Each visit costs about **{cost['per_session']:.0f} {cost['currency']}** "
            f"(about {cost['total']:.0f} {cost['currency']} for the course).",
            "",
        ]
        for topic_id in HANDOUT_TOPICS:
            out += _topic(kb, topic_id, method)
    out += _topic(kb, "when_to_seek_help", None)
    return "\n".join(out) + "\n"


def _topic(kb: Knowledge, topic_id: str, method: str | None) -> list[str]:
    topic = next(
        (
            t
            for t in kb.education.values()
            if t.variant_of == topic_id and method is not None and method in t.methods
        ),
        kb.education.get(topic_id),
    )
    if topic is None:
        return []
    return [f"## {topic.title}", "", *[p + "\n" for p in topic.paragraphs]]
