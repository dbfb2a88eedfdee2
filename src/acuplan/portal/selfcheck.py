"""The public self-check: "Is acupuncture a good idea for my back pain?"

Not a diagnosis, and not a risk score: it asks about warning signs (which lead to medical
help, in the handout's words from vocabulary.toml) and about a few things an acupuncturist
must know (blood thinners, pregnancy, a pacemaker), and then says what to expect. STarT
Back is not used: its developers say it is not designed as a stand-alone online screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from acuplan.core.knowledge import default_knowledge

EMERGENCY = {
    "bladder_bowel": "New trouble controlling your bladder or bowels, or you cannot pass urine",
    "saddle_numbness": "Numbness around your bottom, genitals or inner thighs",
    "leg_weakness": "Weakness in one or both legs that is getting worse",
    "chest_belly": "Sudden, severe pain in your chest or belly as well as your back",
    "major_injury": "The pain began after a bad fall, a car accident or another hard knock",
}
SAME_DAY = {
    "fever": "A fever, or feeling hot and shivery, with the back pain",
    "cancer_weight": "You have had cancer, or you have lost weight without trying",
    "night_pain": "Constant pain that is worse at night and does not ease when you rest",
    "steroids_bones": "Thin bones (osteoporosis) or long-term steroid tablets, and new pain",
}
TELL = {
    "blood_thinner": "You take a blood thinner (for example warfarin, apixaban, rivaroxaban) "
    "or have a bleeding disorder",
    "pregnant": "You are pregnant, or might be",
    "pacemaker": "You have a pacemaker or another implanted heart device",
}


@dataclass(frozen=True)
class Advice:
    level: str
    """emergency, see_doctor_today, tell_acupuncturist or ok."""
    headline: str
    reasons: list[str]
    tell: list[str]


def advise(ticked: set[str]) -> Advice:
    kb = default_knowledge()
    tell = [TELL[k] for k in TELL if k in ticked]
    emergency = [EMERGENCY[k] for k in EMERGENCY if k in ticked]
    if emergency:
        return Advice("emergency", kb.term("urgency.emergency", patient=True), emergency, tell)
    today = [SAME_DAY[k] for k in SAME_DAY if k in ticked]
    if today:
        return Advice("see_doctor_today", kb.term("urgency.urgent", patient=True), today, tell)
    if tell:
        return Advice(
            "tell_acupuncturist",
            "Acupuncture may still be possible, but tell your acupuncturist about this before "
            "any treatment: it changes what they can safely do.",
            [],
            tell,
        )
    return Advice(
        "ok",
        "Nothing you ticked rules acupuncture out. Many people with back pain try it.",
        [],
        [],
    )
