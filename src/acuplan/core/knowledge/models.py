"""Typed models of the knowledge base. Every model forbids unknown keys (default-deny)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Status = Literal["V2", "V", "WEAK", "UNVERIFIED", "CONFLICT"]
"""Verification tags: V2, two independent primary copies agree; V, one primary copy read; WEAK,
a primary source only partly seen, or only a regional or secondary document; UNVERIFIED, no
primary copy read; CONFLICT, the sources disagree (the fact's ``source_note`` says how)."""
SourceKind = Literal[
    "guideline", "standard", "textbook", "article", "web", "repository", "internal"
]
"""guideline: a guideline or official body's rule (NICE, CMS, G-BA ...); standard: a standards
document, code system or formulary (WHO 2008, ICD, ATC); textbook: a published book; article: a
peer-reviewed paper (with a PMID or DOI); web: a web page; repository: a public code or data
repository; internal: acuplan's own working note or default, never shown to a user."""
PRIMARY_KINDS: frozenset[str] = frozenset({"guideline", "standard", "textbook", "article"})

Review = Literal["approved", "needs_review"]
CodeSystem = Literal["ICD-10-CM", "ICD-10", "ICD-10-GM", "ICD-11", "SNOMED CT", "LOINC"]
"""ICD-10: the WHO edition (UK and other countries); ICD-10-CM: the US clinical
modification; ICD-10-GM: the German modification."""
Meridian = Literal[
    "LU", "LI", "ST", "SP", "HT", "SI", "BL", "KI", "PC", "TE", "GB", "LR", "GV", "CV", "EX"
]
CautionKind = Literal[
    "pneumothorax",
    "kidney",
    "spinal_canal",
    "vessel",
    "nerve",
    "orbit",
    "trachea",
    "organ",
    "other",
]
Angle = Literal[
    "perpendicular",
    "oblique",
    "transverse",
    "oblique_medial",
    "oblique_inferior",
    "oblique_superior",
    "oblique_lateral",
]
"""oblique_medial: toward the spine (or the midline); transverse: flat along the skin."""
Zone = Literal[
    "scalp",
    "face",
    "orbit",
    "neck_anterior",
    "neck_posterior",
    "supraclavicular",
    "thorax_anterior",
    "thorax_posterior",
    "midline_spine",
    "upper_abdomen",
    "lower_abdomen",
    "perineum",
    "lumbar",
    "renal",
    "sacral",
    "buttock",
    "upper_limb",
    "lower_limb",
]
Moxibustion = Literal["allowed", "caution", "avoid"]
Urgency = Literal["emergency", "urgent", "soon", "routine"]
"""The contract's referral urgency words: emergency (now, emergency department), urgent
(today, within 24 hours), soon (within about two weeks), routine."""
PainRegion = Literal["lower_back", "upper_back", "neck", "buttock", "leg"]
Technique = Literal["manual", "electro", "acupressure"]
Text = Annotated[str, Field(min_length=1)]
Ids = tuple[Text, ...]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sourced(Model):
    """A fact with its sources (ids into sources.toml / evidence.toml) and status."""

    sources: Annotated[Ids, Field(min_length=1)]
    status: Status


class Source(Model):
    """A source a fact cites, as ``id`` or ``id@locator`` (the section or page read).

    ``url`` is the copy that was read; ``note`` says how it was read (in full, the abstract,
    through a curation) and what was not read. An ``article`` needs a PMID or a DOI."""

    id: Text
    kind: SourceKind
    citation: Text
    url: str | None = None
    pmid: Annotated[str, Field(pattern=r"^\d{6,9}$")] | None = None
    doi: Annotated[str, Field(pattern=r"^10\.\S+/\S+$")] | None = None
    isbn: Annotated[str, Field(pattern=r"^97[89]-\d{1,5}-\d{1,7}-\d{1,7}-\d$")] | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _article_is_identified(self) -> Source:
        if self.kind == "article" and not (self.pmid or self.doi):
            raise ValueError("an article needs a pmid or a doi (otherwise it is a web page)")
        return self

    @property
    def is_primary(self) -> bool:
        return self.kind in PRIMARY_KINDS


class Study(Model):
    """A study or review behind a claim, with a one-line finding in our own words. A study with
    a PMID or a DOI is a primary source (an article); ``url`` is the copy read. ``note``: for a
    study the clinic articles cite, what their printed citation got wrong."""

    id: Text
    citation: Text
    finding: Text
    pmid: Annotated[str, Field(pattern=r"^\d{6,9}$")] | None = None
    doi: Annotated[str, Field(pattern=r"^10\.\S+/\S+$")] | None = None
    url: str | None = None
    status: Status
    cited_by_clinic_articles: bool = False
    note: str | None = None
    sources: Ids = ()

    @property
    def is_primary(self) -> bool:
        return bool(self.pmid or self.doi)


class MeridianInfo(Model):
    code: Meridian
    name: Text
    pinyin: Text
    point_count: Annotated[int, Field(ge=0)]
    sources: Annotated[Ids, Field(min_length=1)]
    status: Status


class RegistryPoint(Model):
    """A WHO 2008 standard point (from points_who2008.csv) or an extra point."""

    code: Annotated[str, Field(pattern=r"^([A-Z]{2}\d{1,2}|EX-[A-Z]{1,2}\d{1,2}|ASHI)$")]
    pinyin: Text
    hanzi: Text
    english: Text
    meridian: Meridian


class Caution(Model):
    kind: CautionKind
    text: Text


class ZoneInfo(Sourced):
    """An anatomical zone: what every point in it inherits (cautions, a depth cap, a
    pregnancy block) and the painful regions its points are local to."""

    id: Zone
    title: Text
    description: Text
    regions: tuple[PainRegion, ...] = ()
    depth_max_cun: Annotated[float, Field(gt=0, le=4)] | None = None
    cautions: tuple[Caution, ...] = ()
    pregnancy: Literal["allowed", "contraindicated", "from_second_trimester"] = "allowed"
    source_note: str | None = None
    """What the sources say, and which part of the zone's rule no primary source covers."""


class PointDetail(Sourced):
    """Clinical detail for a point the planner may prescribe."""

    code: Text
    pinyin: str | None = None  # only for extra points, which are not in the WHO registry
    hanzi: str | None = None
    english: str | None = None
    location: Text
    """The WHO 2008 primary location, in acuplan's words."""
    location_note: str | None = None
    """WHO's alternative site, or a pre-2008 site that differs."""
    who_page: Annotated[int, Field(ge=1, le=300)] | None = None
    angle: Angle
    direction: str | None = None
    needling: Text
    needling_forbidden: bool = False
    """Never needled (the navel, the nipple): depths are 0; pressure or moxa only."""
    depth_min_cun: Annotated[float, Field(ge=0, le=4)]
    depth_max_cun: Annotated[float, Field(ge=0, le=4)]
    """The cap: the conservative textbook figure, never a target."""
    zones: Annotated[tuple[Zone, ...], Field(min_length=1)]
    cautions: tuple[Caution, ...] = ()
    pregnancy_contraindicated: bool = False
    moxibustion: Moxibustion = "allowed"
    moxibustion_note: str | None = None
    bleeding_technique: bool = False
    indications: tuple[Text, ...] = ()
    snomed_body_structure: str | None = None
    category: str | None = None
    site: Literal["fixed", "painful_region"] = "fixed"
    """"painful_region": no single site (tender points; paraspinal points at the affected
    levels). At plan time the point keeps only those of its zones that are local to a painful
    region (all of them, for tender points), with their cautions, caps and pregnancy blocks."""


class Point(Model):
    """A registry point merged with its clinical detail (``detail`` is None for points the
    planner never prescribes)."""

    code: str
    pinyin: str
    hanzi: str
    english: str
    meridian: Meridian
    detail: PointDetail | None = None


class CodeRef(Model):
    system: CodeSystem
    code: Text
    display: Text


class Code(Sourced):
    system: CodeSystem
    code: Text
    display: Text
    note: str | None = None


class RetiredCode(Model):
    system: CodeSystem
    code: Text
    replaced_by: Ids
    reason: Text


class CodeRule(Model):
    """Which codes a classification carries: all of ``when_all`` present, at least one of
    ``when_any`` (if given), none of ``when_none``. ``codes`` are ``SYSTEM|CODE`` keys into the
    code table.

    ``pick``: "all" assigns every code; "trimester" assigns one of four codes, in order the
    first, second and third trimester and the unspecified one (ICD-10-CM trimesters: under 14
    weeks, 14 to under 28, 28 or more; unspecified when the week count is not known);
    "gestation_weeks" assigns the one code for the completed weeks of gestation (ICD-10-CM
    Z3A: under 8 weeks Z3A.01, 8 to 42 weeks Z3A.08-Z3A.42, over 42 Z3A.49) and none when the
    week count is not known."""

    id: Text
    when_all: Ids = ()
    when_any: Ids = ()
    when_none: Ids = ()
    codes: Annotated[Ids, Field(min_length=1)]
    pick: Literal["all", "trimester", "gestation_weeks"] = "all"


class PatternPoint(Model):
    """A pattern's point: ``local`` to a painful region (added only when that region hurts) or
    ``distal`` (away from the painful site, always added)."""

    code: Text
    role: Literal["local", "distal"]
    region: PainRegion | None = None


class Pattern(Sourced):
    id: Text
    name: Text
    chinese: Text
    review: Review
    principle: Text
    supports: dict[str, Annotated[float, Field(gt=0, le=5)]]
    opposes: dict[str, Annotated[float, Field(gt=0, le=5)]] = {}
    points: Annotated[tuple[PatternPoint, ...], Field(min_length=1)]
    moxibustion: Literal["indicated", "neutral", "avoid"]
    bleeding_technique: bool = False
    heat: bool = False
    codes: Annotated[Ids, Field(min_length=1)]


class Effect(Model):
    """What a safety rule does. ``select`` picks points by code list, flag, zone or caution
    kind; only the fields that matter to ``kind`` may be set (checked by the loader)."""

    kind: Literal[
        "exclude_points",
        "cap_depth",
        "forbid_technique",
        "forbid_moxibustion",
        "forbid_bleeding",
        "limit_points",
        "precaution",
    ]
    points: Ids = ()
    pregnancy_contraindicated: bool | None = None
    zones: tuple[Zone, ...] = ()
    caution_kinds: tuple[CautionKind, ...] = ()
    depth_max_cun: Annotated[float, Field(gt=0, le=4)] | None = None
    angle: Angle | None = None
    technique: Technique | None = None
    max_points: Annotated[int, Field(ge=1)] | None = None
    code: str | None = None
    text: str | None = None
    methods: tuple[Technique, ...] = ()
    """For a precaution: the methods it applies to (empty: every method). A needling
    precaution does not belong in an acupressure plan."""


class PointSelector(Model):
    """Picks prescribed points by code, zone or caution kind (any of them)."""

    points: Ids = ()
    zones: tuple[Zone, ...] = ()
    caution_kinds: tuple[CautionKind, ...] = ()


class Rule(Sourced):
    """A rule over findings: fires when all of ``when_all`` and at least ``min_any`` of
    ``when_any`` are present and none of ``when_none``."""

    id: Text
    title: Text
    text: Text
    when_all: Ids = ()
    when_any: Ids = ()
    min_any: Annotated[int, Field(ge=1)] = 1
    when_none: Ids = ()
    source_note: str | None = None
    """What the sources say where they disagree, fall short or were read only in part (a
    CONFLICT or WEAK status says why here); shown in the docs and the export."""


class RedFlagRule(Rule):
    decision: Literal["emergency", "refer_before_treatment"]
    refer_to: Text
    urgency: Urgency
    clearable_by: tuple[Text, ...] = ()
    """Red-flag words whose clearance by a physician lifts this rule when it fired on derived
    findings only (every red flag it matched must be cleared in any case). Empty: a rule that
    only matched derived findings is never lifted (children under 16)."""


class ReferralRule(Rule):
    """A non-blocking referral: treatment may go ahead, and the clinician also refers."""

    refer_to: Text
    urgency: Urgency
    clearable_by: tuple[Text, ...] = ()


class SafetyRule(Rule):
    """``severity`` "routine" marks standard anatomical care (kidney zone, thorax) that applies
    to every such patient and so does not by itself make triage "with precautions".

    ``when_points``: the rule applies only when a point it selects is about to be prescribed
    (a precaution that follows the point, not the region). Such a rule may have no finding
    condition at all."""

    severity: Literal["absolute", "relative", "caution", "routine"]
    effects: Annotated[tuple[Effect, ...], Field(min_length=1)]
    when_points: PointSelector | None = None
    overridable: bool = True
    """False: no clinician's override or confirmation may set this rule aside (electrical
    stimulation with a cardiac device)."""


class DerivedRule(Rule):
    """Adds the finding ``finding`` when it fires (composite findings such as "bilateral
    below-knee leg pain"); evaluated in file order before the pain types."""

    finding: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_.]*$")]


class CourseRule(Rule):
    """A course shaped for the patient (the first rule that fires wins; otherwise the clinic's
    default course)."""

    initial_sessions: Annotated[int, Field(ge=1, le=12)]
    taper_sessions: Annotated[int, Field(ge=0, le=12)]
    maintenance_sessions: Annotated[int, Field(ge=0, le=12)]
    reassess_after_sessions: Annotated[int, Field(ge=1, le=12)]


class Term(Model):
    """A word of acuplan's vocabulary: the clinician's label and the patient's words."""

    id: Text
    clinician: Text
    patient: str | None = None
    question: str | None = None
    """For a finding the intake did not give: the question to ask the patient."""


class PainTypeRule(Rule):
    """Adds ``pain_type.<pain_type>`` to the findings; evaluated in file order, so a later rule
    may test an earlier one's result."""

    pain_type: Literal["non_specific", "mechanical", "radicular", "referred", "inflammatory"]


class Selection(Rule):
    """A prescription building block: when it fires, its points join the prescription in
    ``role``; ``side`` is "bilateral" or "affected_leg" (GV/CV points are always midline)."""

    role: Literal["local", "distal", "channel", "symptom"]
    points: Annotated[Ids, Field(min_length=1)]
    side: Literal["bilateral", "affected_leg"] = "bilateral"
    note: str | None = None


class DrugClass(Sourced):
    id: Literal["anticoagulant", "antiplatelet", "corticosteroid"]
    names: Annotated[tuple[Text, ...], Field(min_length=1)]
    """Generic and brand names, lower case; matched as whole words in free text."""
    note: str | None = None
    """Which names were checked in a formulary, and what matching by name cannot tell."""


class Band(Model):
    min: float
    max: float
    label: Text


class Instrument(Sourced):
    id: Literal["nrs", "peg", "rmdq", "odi", "start_back"]
    name: Text
    version: Text
    items: Annotated[tuple[Text, ...], Field(min_length=1)]
    answer_scale: Text
    scoring: Text
    range_min: float
    range_max: float
    bands: tuple[Band, ...] = ()
    mcid_points: float | None = None
    mcid_percent: float | None = None
    mcid_sources: Ids = ()
    loinc: tuple[Text, ...] = ()
    licence: Text
    max_missing_items: Annotated[int, Field(ge=0)] = 0
    """How many items may be unanswered for a valid score (more: not scorable)."""
    max_missing_sources: Ids = ()


class Guideline(Sourced):
    id: Text
    body: Text
    title: Text
    year: int
    jurisdictions: Annotated[tuple[Text, ...], Field(min_length=1)]
    position: Literal["recommended", "consider", "not_recommended", "covered_with_limits"]
    summary: Text
    dose: str | None = None


class PayerRule(Sourced):
    id: Literal["medicare"]
    guideline: Text
    min_duration_weeks: float
    initial_visits: int
    initial_window_days: int
    additional_visits_if_improving: int
    max_visits_per_year: int
    excluded_when_any: Ids
    summary: Text


class EducationTopic(Model):
    id: Text
    title: Text
    paragraphs: Annotated[tuple[Text, ...], Field(min_length=1)]
    sources: Annotated[Ids, Field(min_length=1)]
    status: Status
    variant_of: str | None = None
    """This topic replaces ``variant_of`` in a handout whose method is in ``methods``."""
    methods: tuple[Technique, ...] = ()


class FaqEntry(Model):
    question: Text
    answer: Text
    sources: Annotated[Ids, Field(min_length=1)]
