"""TCM pattern differentiation by weighted findings, explained.

Each pattern's score is the sum of the weights of its supporting findings present minus the
weights of its opposing findings present. Patterns are ranked best first; each carries the
unobserved finding that would most change its place in the ranking, so the clinician knows
what to ask or examine next.
"""

from __future__ import annotations

from dataclasses import dataclass

from acuplan.core.findings import describe
from acuplan.core.knowledge import Knowledge
from acuplan.core.knowledge.index import index_of
from acuplan.core.settings import EngineSettings

TCM_PREFIXES = (
    "tongue_body.",
    "tongue_coat.",
    "tongue_feature.",
    "pulse.",
    "sign.",
    "quality.",
    "worse_with.",
    "better_with.",
)
CONSTITUTIONAL = ("tongue_body.", "tongue_coat.", "tongue_feature.", "pulse.", "sign.")
"""A pattern leads only when one of these (not pain descriptors alone) supports it."""
SINGLE_VALUED = (
    "tongue_body.",
    "tongue_coat.",
    "onset.",
    "duration.",
    "leg_pain.",
    "leg_side.",
    "leg_path.",
)


@dataclass(frozen=True, slots=True)
class WeightedFinding:
    finding: str
    weight: float
    text: str


@dataclass(frozen=True, slots=True)
class Pivot:
    """The unobserved finding that would most move this pattern against its neighbour."""

    finding: str
    text: str
    against: str
    shift: float


@dataclass(frozen=True, slots=True)
class PatternResult:
    id: str
    name: str
    score: float
    findings_for: list[WeightedFinding]
    findings_against: list[WeightedFinding]
    codes: list[str]
    principle: str
    review: str
    status: str
    sources: list[str]
    pivot: Pivot | None


@dataclass(frozen=True, slots=True)
class Differentiation:
    patterns: list[PatternResult]
    sufficient: bool
    note: str

    @property
    def leading(self) -> PatternResult | None:
        """The pattern the plan acts on: the best one, when the intake holds enough."""
        return self.patterns[0] if self.sufficient and self.patterns else None


def _weighted(weights: dict[str, float], findings: frozenset[str]) -> list[WeightedFinding]:
    hits = [WeightedFinding(f, w, describe(f)) for f, w in weights.items() if f in findings]
    return sorted(hits, key=lambda h: (-h.weight, h.finding))


def _answered(findings: frozenset[str]) -> tuple[str, ...]:
    """Single-valued fields already answered: their other values cannot be observed too."""
    prefixes = {f[: f.find(".") + 1] for f in findings}
    return tuple(pre for pre in SINGLE_VALUED if pre in prefixes)


_RANKED: dict[tuple[str, str, str, bool], list[tuple[float, str]]] = {}


def _ranked_shifts(
    kb_version: str,
    me_id: str,
    me: dict[str, float],
    rival_id: str,
    rival: dict[str, float],
    i_lead: bool,
) -> list[tuple[float, str]]:
    """Positive shifts for this pair, largest first (cached per knowledge version)."""
    key = (kb_version, me_id, rival_id, i_lead)
    if key not in _RANKED:
        sign = -1.0 if i_lead else 1.0
        shifts = [
            (sign * (me.get(t, 0.0) - rival.get(t, 0.0)), t) for t in me.keys() | rival.keys()
        ]
        _RANKED[key] = sorted((x for x in shifts if x[0] > 0), key=lambda x: (-x[0], x[1]))
    return _RANKED[key]


def _pivot(
    ranked: list[tuple[float, str]],
    rival_id: str,
    findings: frozenset[str],
    answered: tuple[str, ...],
) -> Pivot | None:
    """For the leader: the finding that most helps the runner-up; otherwise the finding that
    most helps this pattern catch the one ranked just above it. Only findings not yet
    observed, and not another value of a field already answered, count."""
    for shift, t in ranked:
        if t not in findings and not t.startswith(answered):
            return Pivot(t, describe(t), rival_id, round(shift, 2))
    return None


def differentiate(
    kb: Knowledge, findings: frozenset[str], settings: EngineSettings
) -> Differentiation:
    scored = []
    for p in kb.patterns.values():
        fo, fa = _weighted(p.supports, findings), _weighted(p.opposes, findings)
        if fo:
            scored.append(
                (round(sum(h.weight for h in fo) - sum(h.weight for h in fa), 2), p, fo, fa)
            )
    scored.sort(key=lambda s: (-s[0], s[1].id))
    net = index_of(kb).pattern_net
    answered = _answered(findings)
    results = []
    for i, (score, p, fo, fa) in enumerate(scored):
        rival = scored[1][1] if i == 0 and len(scored) > 1 else scored[i - 1][1] if i else None
        pivot = None
        if rival is not None:
            ranked = _ranked_shifts(kb.version, p.id, net[p.id], rival.id, net[rival.id], i == 0)
            pivot = _pivot(ranked, rival.id, findings, answered)
        results.append(
            PatternResult(
                p.id,
                p.name,
                score,
                fo,
                fa,
                list(p.codes),
                p.principle,
                p.review,
                p.status,
                kb.public_refs(p.sources),
                pivot,
            )
        )
    n_tcm = sum(1 for f in findings if f.startswith(TCM_PREFIXES))
    return Differentiation(results, *_judge(results, n_tcm, settings))


def _judge(results: list[PatternResult], n_tcm: int, settings: EngineSettings) -> tuple[bool, str]:
    if n_tcm < settings.pattern_min_findings:
        return False, (
            f"Too little to judge: {n_tcm} TCM finding(s) given, at least "
            f"{settings.pattern_min_findings} needed (tongue, pulse, signs, pain character). "
            "No pattern points are added."
        )
    if not results or results[0].score < settings.pattern_min_score:
        return False, (
            "Too little to judge: no pattern reaches a net weight of "
            f"{settings.pattern_min_score}. No pattern points are added."
        )
    top = results[0]
    if not any(f.finding.startswith(CONSTITUTIONAL) for f in top.findings_for):
        return False, (
            f"Not enough to judge: {top.name} rests on pain descriptors alone; at least one "
            "tongue, pulse or constitutional sign must support a pattern. No pattern points "
            "or moxibustion are added."
        )
    if top.review != "approved":
        return False, (
            f"The leading pattern ({top.id}) is marked needs_review in the knowledge base: "
            "its points are not added automatically."
        )
    return True, f"Leading pattern: {top.name} (net weight {top.score})."
