"""Engine settings: clinic-level defaults passed to the engine (never read from the
environment inside core)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class EngineSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    default_fee_per_session: float = Field(95.0, gt=0)
    """Used when the intake gives no fee; within the $60-130 the clinic articles quote."""
    default_currency: str = "USD"
    retention_minutes: int = Field(20, ge=5, le=40)
    """Clinic articles: 10-20 minutes; GERAC used 30-minute sessions."""
    initial_sessions: int = Field(6, ge=2, le=12)
    """Reassessment falls after the initial phase: 4-6 sessions (acuplan's default)."""
    taper_sessions: int = Field(2, ge=0)
    """Every-other-week sessions after a response."""
    maintenance_sessions: int = Field(2, ge=0)
    """Monthly sessions; the total of about 10 follows GERAC and Cherkin 2009."""
    booster_sessions: int = Field(3, ge=1)
    pattern_min_score: float = Field(3.0, gt=0)
    """Below this net weight the intake holds too little to name a pattern."""
    pattern_min_findings: int = Field(3, ge=1)
    """Fewer TCM findings than this (tongue, pulse, signs, pain character) is too little."""


DEFAULT_SETTINGS = EngineSettings()
