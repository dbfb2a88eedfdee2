"""Plans: the engine's output stored unchanged, with its versions, status and overrides."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    SUPERSEDED = "superseded", "Superseded"


class Plan(models.Model):
    patient = models.ForeignKey("clinic.Patient", on_delete=models.PROTECT, related_name="plans")
    intake = models.ForeignKey("clinic.Intake", on_delete=models.PROTECT, related_name="plans")
    data: models.JSONField[Any] = models.JSONField()
    engine_version = models.CharField(max_length=40)
    knowledge_version = models.CharField(max_length=40)
    as_of = models.DateField()
    triage_decision = models.CharField(max_length=30)
    status = models.CharField(max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # What lists filter on, copied from ``data`` when the plan is stored, so that a list of
    # plans never decodes the engine's output (tens of kilobytes a plan).
    treatable = models.BooleanField(default=False)
    """The plan carries a prescription (its triage allows treatment)."""
    reassess_after_sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    triage_urgency = models.CharField(max_length=12, blank=True)
    sessions_given = models.PositiveIntegerField(default=0)
    """Sessions recorded while this plan was the approved one (``services.record_session``
    counts them), which the reassessment list compares with ``reassess_after_sessions``."""

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=["patient", "-created_at"], name="plan_latest"),
            # Lists read these columns from the index alone: on SQLite a plan's row holds
            # its whole JSON, and every column stored after it costs a long read.
            models.Index(
                fields=["status", "reassess_after_sessions", "sessions_given", "patient", "id"],
                name="plan_due",
            ),
            models.Index(fields=["status", "treatable", "created_at", "id"], name="plan_drafts"),
        ]

    @property
    def is_treatable(self) -> bool:
        return self.data.get("prescription") is not None

    def fill_columns(self) -> None:
        """Copy the listed facts out of ``data`` (called before the plan is first saved)."""
        course = self.data.get("course") or {}
        self.treatable = self.data.get("prescription") is not None
        self.reassess_after_sessions = course.get("reassess_after_sessions")
        self.triage_urgency = (self.data.get("triage") or {}).get("urgency") or ""


class PlanOverride(models.Model):
    """A clinician's change to the engine's prescription, never without a reason."""

    class Kind(models.TextChoices):
        ADD_POINT = "add_point", "Add a point"
        REMOVE_POINT = "remove_point", "Remove a point"
        TECHNIQUE = "technique", "Change the technique"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="overrides")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    target = models.CharField(max_length=20)  # point code or technique method
    reason = models.TextField()
    overrides_rules: models.JSONField[Any] = models.JSONField(default=list, blank=True)
    """The safety rules this override sets aside, each named by the clinician (empty for an
    override no safety rule opposes)."""
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="override_reason_required")
        ]
        # No unique constraint on (plan, kind, target): databases may already hold the
        # duplicates this release stops; services.override_plan refuses new ones under a
        # lock on the plan.

    @property
    def is_safety_override(self) -> bool:
        return bool(self.overrides_rules)


class ReferralMade(models.Model):
    """A referral the triage raised, recorded as made (letter sent, call made)."""

    patient = models.ForeignKey(
        "clinic.Patient", on_delete=models.PROTECT, related_name="referrals_made"
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="referrals_made")
    to = models.CharField(max_length=200)
    urgency = models.CharField(max_length=12)
    note = models.TextField(blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-made_at", "-id")
