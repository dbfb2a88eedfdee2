"""Markdown rendering: a clinician summary, then a plain-language handout for the patient."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from acuplan.core.knowledge import Knowledge


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


@dataclass(frozen=True, slots=True)
class HandoutContext:
    """What the engine cannot know and the clinic passes in: who the handout is for, who
    to call, and when the next visit is (already in words, in the clinic's time zone).
    Empty strings are left out of the handout."""

    patient_name: str = ""
    date: str = ""
    clinic_name: str = ""
    clinic_phone: str = ""
    practitioner: str = ""
    next_visit: str = ""
    payer: str = ""
    """The intake's payer (``self_pay`` ...), which the plan does not repeat; with it the
    handout gives that payer's note (Medicare is known from the plan itself)."""


BLOCKING = frozenset({"emergency", "refer_before_treatment"})
CURRENCY_SIGNS = {"USD": "$", "GBP": "£", "EUR": "€", "AUD": "A$", "CAD": "C$"}


def patient_handout(
    kb: Knowledge, plan: dict[str, Any], about: HandoutContext | None = None
) -> str:
    """This patient's plan in plain words (a reading age of about 11), short enough for two
    printed pages: what will be done, how many visits and how spaced, the cost with the
    patient's own payer note only, what to do at home, when to get help, and whom to call.

    A plan that stops treatment opens with what its urgency means (an emergency department
    now, a doctor today, within two weeks) and says nothing of visits or cost."""
    about = about or HandoutContext()
    t = plan["triage"]
    out = ["# Your acupuncture plan", ""]
    if t["decision"] in BLOCKING:
        urgency = t.get("urgency") or "soon"
        out += [f"**{kb.term('urgency.' + urgency, patient=True)}**", ""]
    out += _for_whom(about, blocked=t["decision"] in BLOCKING)
    if t["decision"] in BLOCKING:
        out += _see_a_doctor_first(kb, t)
    else:
        out += _treatment(kb, plan, about)
    out += _topic(kb, "handout_get_help", None)
    if about.clinic_phone:
        out += [f"If you are not sure what to do, call us on **{about.clinic_phone}**.", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _for_whom(about: HandoutContext, *, blocked: bool) -> list[str]:
    made = " ".join(
        part
        for part in (
            f"For **{about.patient_name}**," if about.patient_name else "",
            f"made on {about.date}" if about.date else "",
            f"by {about.practitioner}" if about.practitioner else "",
            f"at {about.clinic_name}" if about.clinic_name else "",
        )
        if part
    ).rstrip(",")
    out = [made + ".", ""] if made else []
    if blocked:
        pass  # no visit until a doctor has seen the patient
    elif about.next_visit:
        out += [f"**Your next visit:** {about.next_visit}.", ""]
    elif about.clinic_name:
        call = f" Call us on {about.clinic_phone} to book it." if about.clinic_phone else ""
        out += [f"**Your next visit** is not booked yet.{call}", ""]
    if about.clinic_phone:
        name = about.clinic_name or "the clinic"
        out += [f"**Questions?** Call {name} on **{about.clinic_phone}**.", ""]
    return out


def _see_a_doctor_first(kb: Knowledge, triage: dict[str, Any]) -> list[str]:
    flags = [
        kb.label(f, patient=True)
        for r in triage["reasons"]
        if not r.get("cleared")
        for f in r.get("findings", [])
        if f.startswith("red_flag.")
    ]
    out = [
        "## See a doctor first",
        "",
        "Some of what you told us needs a doctor to check it **before** any acupuncture.",
    ]
    if flags:
        out += ["", "You told us about:", *[f"- {f}" for f in dict.fromkeys(flags)], ""]
    out += ["Show this sheet to the doctor. We can plan acupuncture once a doctor has checked you."]
    return [*out, ""]


def _treatment(kb: Knowledge, plan: dict[str, Any], about: HandoutContext) -> list[str]:
    rx, course = plan["prescription"], plan["course"]
    tq = rx["technique"]
    method = tq["method"]
    what = f"We will treat your back pain with **{kb.term('method.' + method, patient=True)}**."
    if tq.get("retention_minutes") and method != "acupressure":
        what += f" At each visit the needles stay in for about {tq['retention_minutes']} minutes."
    out = ["## What we will do", "", what, ""]
    out += _paragraphs(kb, "handout_visit", method)
    out += _visits(course)
    out += _cost(kb, plan, course, about.payer)
    out += _alongside(kb, plan["triage"])
    out += _topic(kb, "handout_at_home", method)
    out += _topic(kb, "handout_side_effects", method)
    return out


def _visits(course: dict[str, Any]) -> list[str]:
    phases = [_phase_words(p) for p in course["phases"] if p["sessions"]]
    spacing = phases[0] + "".join(f", then {p}" for p in phases[1:])
    n = course["reassess_after_sessions"]
    return [
        "## How many visits",
        "",
        f"About **{course['sessions_planned']} visits**: {spacing}.",
        f"At visit {n} we will check with you how it is going. If the treatment is not "
        "helping, we will stop and talk about other choices.",
        "",
    ]


def _phase_words(phase: dict[str, Any]) -> str:
    per_week, weeks = float(phase["sessions_per_week"]), int(phase["weeks"])
    if per_week >= 1:
        often = "once a week" if per_week == 1 else f"{per_week:g} visits a week"
        return f"{often} for {_count(weeks, 'week')}"
    if per_week >= 0.5:
        return f"every other week for {_count(weeks, 'week')}"
    months = max(1, round(weeks / 4))
    return f"about once a month for {_count(months, 'month')}"


def _cost(kb: Knowledge, plan: dict[str, Any], course: dict[str, Any], payer: str) -> list[str]:
    cost = course["cost"]
    each = _money(cost["per_session"], cost["currency"])
    total = _money(cost["total"], cost["currency"])
    out = [
        "## What it costs",
        "",
        f"Each visit costs about **{each}**. All {course['sessions_planned']} visits together "
        f"cost about {total}.",
        "",
    ]
    return out + _paragraphs(kb, _payer_topic(kb, plan, course, payer), None)


def _payer_topic(kb: Knowledge, plan: dict[str, Any], course: dict[str, Any], payer: str) -> str:
    """The payer note of the patient's own country (and payer) only: never another
    country's insurance."""
    findings = set(plan.get("findings", []))
    country = next(
        (f.removeprefix("jurisdiction.") for f in findings if f.startswith("jurisdiction.")),
        "other",
    )
    if "medicare" in findings:
        payer = "medicare"
    candidates = []
    if payer == "medicare" and course.get("payer_eligible") is False:
        candidates.append(f"payer_{country}_medicare_not_covered")
    if payer:
        candidates.append(f"payer_{country}_{payer}")
    candidates += [f"payer_{country}", "payer_other"]
    return next(c for c in candidates if c in kb.education)


def _alongside(kb: Knowledge, triage: dict[str, Any]) -> list[str]:
    """A referral that does not stop treatment: see a doctor as well."""
    urgencies = [r["urgency"] for r in triage.get("referrals", [])]
    for urgency in ("emergency", "urgent", "soon", "routine"):
        if urgency in urgencies:
            return ["## See your doctor too", "", kb.term(f"alongside.{urgency}", patient=True), ""]
    return []


def _money(amount: float, currency: str) -> str:
    number = f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"
    sign = CURRENCY_SIGNS.get(currency)
    return f"{sign}{number}" if sign else f"{number} {currency}"


def _count(n: int, unit: str) -> str:
    return f"{n} {unit}" + ("" if n == 1 else "s")


def _topic(kb: Knowledge, topic_id: str, method: str | None) -> list[str]:
    topic = _pick(kb, topic_id, method)
    if topic is None:
        return []
    return [f"## {topic.title}", "", *[p + "\n" for p in topic.paragraphs]]


def _paragraphs(kb: Knowledge, topic_id: str, method: str | None) -> list[str]:
    """A topic's paragraphs under a heading the handout already gave."""
    topic = _pick(kb, topic_id, method)
    return [p + "\n" for p in topic.paragraphs] if topic else []


def _pick(kb: Knowledge, topic_id: str, method: str | None) -> Any:
    """A topic, or its variant for this method (an acupressure plan never speaks of needles)."""
    return next(
        (
            t
            for t in kb.education.values()
            if t.variant_of == topic_id and method is not None and method in t.methods
        ),
        kb.education.get(topic_id),
    )
