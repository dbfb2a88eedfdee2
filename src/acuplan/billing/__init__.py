"""Paying for care: the session's CPT coding and superbill, payments and prepaid packages,
Medicare's visit rules, and the practitioners' credentials with the clinic's public
directory. The rules are ``acuplan.core.billing`` and ``acuplan.core.credentials``; this app
brings the records to them."""
