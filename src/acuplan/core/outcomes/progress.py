"""Progress decisions at a reassessment. Each decision shows its inputs and its rule; the
practitioner confirms or overrides it with a reason (recorded by the clinic application)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from acuplan.core.knowledge import Knowledge
from acuplan.core.outcomes.responder import Change, assess_change

DECISIONS = (
    "retriage",
    "booster",
    "continue_then_taper",
    "extend_initial_phase",
    "stop_and_refer",
    "continue",
)


@dataclass(frozen=True, slots=True)
class Decision:
    decision: str
    rule: str
    text: str
    changes: list[Change]
    inputs: dict[str, object] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)


def decide_progress(
    kb: Knowledge,
    *,
    baseline: Mapping[str, float],
    current: Mapping[str, float],
    sessions_done: int,
    sessions_planned: int,
    extended_already: bool = False,
    discharged: bool = False,
    new_red_flags: Sequence[str] = (),
) -> Decision:
    """Decide what to do next from baseline and current scores (instrument id -> score).

    Order: a new red flag or a clinically important worsening -> re-triage at once; pain back
    after discharge -> booster; a responder -> continue then taper; partial response ->
    extend the initial phase once; no response after the full course -> stop and refer back
    to the physician; otherwise continue the course.
    """
    changes = [
        assess_change(kb.instruments[k], baseline[k], current[k])
        for k in baseline
        if k in current and k in kb.instruments
    ]
    inputs: dict[str, object] = {
        "sessions_done": sessions_done,
        "sessions_planned": sessions_planned,
        "extended_already": extended_already,
        "discharged": discharged,
        "new_red_flags": list(new_red_flags),
    }
    mcid = ["ostelo2008", "farrar2001"]

    def out(decision: str, rule: str, text: str, sources: list[str]) -> Decision:
        return Decision(decision, rule, text, changes, inputs, sources)

    if new_red_flags:
        return out(
            "retriage",
            "progress.new_red_flag",
            "A new red flag was reported: stop and re-triage now, before any further "
            "treatment: " + ", ".join(new_red_flags) + ".",
            ["finucane2020@abstract", "cks_sciatica_archive@Interpreting red flags"],
        )
    worse = [c for c in changes if c.worsened]
    if worse:
        return out(
            "retriage",
            "progress.worsening",
            "Worse by at least the MCID on "
            + ", ".join(c.instrument for c in worse)
            + ": re-triage before the next session.",
            mcid,
        )
    responders = [c for c in changes if c.responder]
    if discharged:
        if changes and not responders:
            return out(
                "booster",
                "progress.booster",
                "Pain or function is back within the MCID of the baseline after "
                "discharge: offer a booster series.",
                mcid,
            )
        return out(
            "continue",
            "progress.discharged_stable",
            "Still improved since discharge: no booster needed.",
            mcid,
        )
    if not changes:
        return out(
            "continue",
            "progress.no_scores",
            "No follow-up scores to compare with the baseline: record them before deciding.",
            [],
        )
    if responders:
        return out(
            "continue_then_taper",
            "progress.responder",
            "Clinically important improvement on "
            + ", ".join(c.instrument for c in responders)
            + ": continue, then taper to every other week and monthly.",
            mcid,
        )
    if any(c.partial for c in changes) and not extended_already:
        return out(
            "extend_initial_phase",
            "progress.partial",
            "Partial response (at least 10% better, below the MCID): extend the initial "
            "phase once, as GERAC did.",
            ["haake2007", *mcid],
        )
    if sessions_done >= sessions_planned:
        return out(
            "stop_and_refer",
            "progress.no_response",
            "No clinically important response after a full course: stop acupuncture and "
            "refer back to the patient's physician.",
            ["haake2007", *mcid],
        )
    return out(
        "continue",
        "progress.too_early",
        "No clinically important change yet and the course is not complete: continue.",
        mcid,
    )
