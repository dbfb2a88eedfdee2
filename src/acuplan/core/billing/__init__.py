"""Paying for care: CPT coding from the needle sets, claim lines and diagnoses, Medicare's
visit rules and the patient's account. Pure, like the rest of ``acuplan.core``; the rules are
data (``data/billing.toml``) with their sources."""

from acuplan.core.billing.cpt import Coding, DaySoFar, Line, NeedleSet, code_sets, units_allowed
from acuplan.core.billing.rules import BillingRules, default_rules, load_rules

__all__ = [
    "BillingRules",
    "Coding",
    "DaySoFar",
    "Line",
    "NeedleSet",
    "code_sets",
    "default_rules",
    "load_rules",
    "units_allowed",
]
