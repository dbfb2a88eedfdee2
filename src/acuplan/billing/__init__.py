"""Paying for care: the session's CPT coding and superbill, payments and prepaid packages,
and Medicare's visit rules. The rules are ``acuplan.core.billing``; this app brings the
records to them."""
