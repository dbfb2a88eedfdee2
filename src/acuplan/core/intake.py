"""The intake model (contract version 1, ``shared/contracts/INTAKE.md``).

Default-deny: unknown fields and unknown vocabulary words are rejected. ``parse_intake`` turns
pydantic's errors into :class:`FieldError` objects whose ``field`` is the dotted contract path.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    field_validator,
    model_validator,
)

from acuplan.core.errors import FieldError, InvalidIntake

Jurisdiction = Literal["US", "UK", "DE", "AU", "CA", "other"]
Sex = Literal["female", "male", "other", "unknown"]
Region = Literal["lower_back", "upper_back", "neck", "buttock", "leg"]
Onset = Literal["sudden", "gradual", "injury"]
LegPain = Literal["none", "above_knee", "below_knee"]
LegSide = Literal["left", "right", "both"]
LegPath = Literal["posterior", "lateral", "anterior"]
"""Added optional field (contract allows additions): where the leg pain runs, which decides
Bladder-channel (posterior) or Gallbladder-channel (lateral) sciatica points."""
LegNeuro = Literal["numbness", "tingling", "weakness"]
Quality = Literal[
    "dull",
    "aching",
    "sharp",
    "stabbing",
    "burning",
    "heavy",
    "cold",
    "stiff",
    "distending",
    "shooting",
]
WorseWith = Literal[
    "cold",
    "damp",
    "heat",
    "rest",
    "activity",
    "night",
    "stress",
    "pressure",
    "fatigue",
    "sitting",
    "bending",
    "morning",
]
BetterWith = Literal["warmth", "coolness", "rest", "movement", "pressure", "exercise"]
RedFlag = Literal[
    "saddle_anaesthesia",
    "urinary_retention",
    "urinary_incontinence",
    "faecal_incontinence",
    "new_sexual_dysfunction",
    "bilateral_leg_neuro",
    "progressive_weakness",
    "foot_drop",
    "history_of_cancer",
    "unexplained_weight_loss",
    "constant_night_pain",
    "fever",
    "iv_drug_use",
    "immunosuppression",
    "recent_infection",
    "significant_trauma",
    "prolonged_corticosteroids",
    "osteoporosis",
    "thoracic_non_mechanical",
    "chest_or_abdominal_pain",
]
TongueBody = Literal["pale", "pink", "red", "purple", "dusky"]
TongueCoat = Literal["thin_white", "white_greasy", "yellow_greasy", "scanty", "peeled"]
TongueFeature = Literal["purple_spots", "teeth_marks", "swollen", "cracked", "trembling"]
Pulse = Literal[
    "deep",
    "superficial",
    "slow",
    "rapid",
    "thin",
    "wiry",
    "choppy",
    "soggy",
    "slippery",
    "weak",
    "tight",
    "forceful",
]
Sign = Literal[
    "cold_limbs",
    "aversion_to_cold",
    "pale_face",
    "sore_weak_knees",
    "fatigue",
    "frequent_pale_urination",
    "night_sweats",
    "hot_palms_soles",
    "flushed_cheeks",
    "dry_mouth",
    "dark_scanty_urine",
    "thirst",
    "irritability",
    "sighing",
    "heaviness",
    "tinnitus",
    "dizziness",
    "insomnia",
    "history_of_injury",
]
Condition = Literal[
    "bleeding_disorder",
    "pacemaker",
    "implanted_defibrillator",
    "epilepsy",
    "diabetes",
    "immunosuppressed",
    "valvular_heart_disease",
    "lymphoedema",
    "metal_implant",
    "skin_lesion_at_site",
    "recent_spinal_surgery",
]
Technique = Literal["manual", "electro", "acupressure"]
Payer = Literal["self_pay", "medicare", "private_insurance"]
AgreeDisagree = Literal["agree", "disagree"]
Bothersome = Literal["not_at_all", "slightly", "moderately", "very_much", "extremely"]

NRS = Annotated[int, Field(ge=0, le=10, strict=True)]
OdiSection = Annotated[int, Field(ge=0, le=5, strict=True)] | None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Patient(_Strict):
    age_years: Annotated[int, Field(ge=0, le=120, strict=True)]
    sex: Sex = "unknown"
    pregnant: StrictBool | None = None
    pregnancy_weeks: Annotated[int, Field(ge=0, le=45, strict=True)] | None = None

    @model_validator(mode="after")
    def _weeks_need_pregnancy(self) -> Patient:
        if self.pregnancy_weeks is not None and self.pregnant is False:
            raise ValueError("pregnancy_weeks is given but pregnant is false")
        return self


class Pain(_Strict):
    regions: Annotated[tuple[Region, ...], Field(min_length=1)]
    duration_weeks: Annotated[float, Field(ge=0, allow_inf_nan=False)]
    onset: Onset | None = None
    intensity_nrs: NRS | None = None
    leg_pain: LegPain | None = None
    leg_side: LegSide | None = None
    leg_path: LegPath | None = None
    leg_neuro: tuple[LegNeuro, ...] = ()
    midline: StrictBool | None = None
    qualities: tuple[Quality, ...] = ()
    worse_with: tuple[WorseWith, ...] = ()
    better_with: tuple[BetterWith, ...] = ()
    morning_stiffness_minutes: Annotated[int, Field(ge=0, strict=True)] | None = None

    @field_validator("regions")
    @classmethod
    def _back_region_required(cls, regions: tuple[str, ...]) -> tuple[str, ...]:
        if not {"lower_back", "upper_back"} & set(regions):
            raise ValueError("regions must include lower_back or upper_back")
        return regions


class Tcm(_Strict):
    tongue_body: TongueBody | None = None
    tongue_coat: TongueCoat | None = None
    tongue_features: tuple[TongueFeature, ...] = ()
    pulse: tuple[Pulse, ...] = ()
    signs: tuple[Sign, ...] = ()


class Clearance(_Strict):
    """A red flag that a physician assessed and ruled out since it was raised."""

    flag: RedFlag
    cleared_by: Annotated[str, Field(min_length=1, max_length=200)]
    """Who ruled it out (name and role, e.g. "Dr A. Smith, GP")."""
    cleared_on: dt.date
    note: Annotated[str, Field(max_length=1000)] = ""


class Medical(_Strict):
    medications: tuple[Annotated[str, Field(min_length=1, max_length=200)], ...] = ()
    conditions: tuple[Condition, ...] = ()
    needle_phobia: StrictBool | None = None
    cleared_red_flags: tuple[Clearance, ...] = ()

    @field_validator("cleared_red_flags")
    @classmethod
    def _one_clearance_per_flag(cls, items: tuple[Clearance, ...]) -> tuple[Clearance, ...]:
        flags = [c.flag for c in items]
        repeated = sorted({f for f in flags if flags.count(f) > 1})
        if repeated:
            raise ValueError(f"a flag is cleared once: {', '.join(repeated)} appear(s) twice")
        return items


class Preferences(_Strict):
    techniques: Annotated[tuple[Technique, ...], Field(min_length=1)] = (
        "manual",
        "electro",
        "acupressure",
    )
    max_sessions_per_week: Literal[1, 2, 3] = 2
    fee_per_session: Annotated[float, Field(gt=0, allow_inf_nan=False)] | None = None
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "USD"
    payer: Payer | None = None


class Questionnaires(_Strict):
    start_back: (
        tuple[
            AgreeDisagree,
            AgreeDisagree,
            AgreeDisagree,
            AgreeDisagree,
            AgreeDisagree,
            AgreeDisagree,
            AgreeDisagree,
            AgreeDisagree,
            Bothersome,
        ]
        | None
    ) = None
    rmdq: Annotated[tuple[StrictBool, ...], Field(min_length=24, max_length=24)] | None = None
    odi: Annotated[tuple[OdiSection, ...], Field(min_length=10, max_length=10)] | None = None
    peg: tuple[NRS, NRS, NRS] | None = None


class Intake(_Strict):
    schema_version: Literal["1"]
    jurisdiction: Jurisdiction = "US"
    patient: Patient
    pain: Pain
    red_flags: tuple[RedFlag, ...] = ()
    tcm: Tcm = Tcm()
    medical: Medical = Medical()
    preferences: Preferences = Preferences()
    questionnaires: Questionnaires = Questionnaires()


def vocabulary(literal: Any) -> tuple[str, ...]:
    """The words of a vocabulary ``Literal`` (used to derive finding tokens and forms)."""
    return tuple(str(v) for v in get_args(literal))


def parse_intake(data: object, *, as_of: dt.date | None = None) -> Intake:
    """Validate ``data`` (already-decoded JSON) against the contract.

    With ``as_of`` (the plan's date), a clearance dated after it is invalid too. Raises
    :class:`InvalidIntake` naming every bad field; returns a frozen :class:`Intake`.
    """
    if not isinstance(data, dict):
        raise InvalidIntake([FieldError("(root)", "the intake must be a JSON object")])
    try:
        intake = Intake.model_validate(data)
    except ValidationError as exc:
        raise InvalidIntake(_field_errors(exc)) from None
    if as_of is not None:
        check_clearances(intake, as_of)
    return intake


def check_clearances(intake: Intake, as_of: dt.date) -> None:
    """Raise :class:`InvalidIntake` if a red flag is cleared after the plan's date."""
    errors = [
        FieldError(
            f"medical.cleared_red_flags.{i}.cleared_on",
            f"{c.cleared_on.isoformat()} is after the plan's date {as_of.isoformat()}",
        )
        for i, c in enumerate(intake.medical.cleared_red_flags)
        if c.cleared_on > as_of
    ]
    if errors:
        raise InvalidIntake(errors)


def is_pregnant(patient: Patient) -> bool:
    """Pregnant when said so, or when a week count is given (the contract's rule)."""
    return patient.pregnant is True or patient.pregnancy_weeks is not None


def _field_errors(exc: ValidationError) -> list[FieldError]:
    errors: list[FieldError] = []
    raw = exc.errors(include_url=False)
    fields = [".".join(str(p) for p in e["loc"] if not _is_union_branch(p)) for e in raw]
    for err, field in zip(raw, fields, strict=True):
        # A list's length error that only echoes a bad item below it adds nothing.
        if err["type"] in {"too_short", "too_long"} and any(
            f.startswith(field + ".") for f in fields
        ):
            continue
        context = {k: v for k, v in (err.get("ctx") or {}).items() if k != "error"}
        fe = FieldError(field or "(root)", _message(err), err["type"], context)
        if fe not in errors:
            errors.append(fe)
    return errors


def _is_union_branch(part: int | str) -> bool:
    # pydantic puts union branch and constraint names ("tuple[...]", "constrained-int") in loc.
    return isinstance(part, str) and ("[" in part or part in {"constrained-int", "none"})


def _message(err: Any) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        return "unknown field (not in intake contract version 1)"
    if kind == "literal_error":
        allowed = err.get("ctx", {}).get("expected", "")
        return f"unknown value {err.get('input')!r}; expected one of {allowed}"
    if kind == "missing":
        return "required field is missing"
    msg = str(err["msg"])
    return msg.removeprefix("Value error, ")
