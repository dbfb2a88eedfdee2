"""The one registry of audit action codes. ``record_event`` refuses a code that is not
here, so every action a user can meet on the audit page has a description.

Codes are ``acuplan.<what>.<verb>``; reads of one record are ``acuplan.<what>.read``.
"""

from __future__ import annotations

ACTIONS: dict[str, str] = {
    # --- authentication and accounts ----------------------------------------------------
    "acuplan.auth.login": "Logged in",
    "acuplan.auth.login_failed": "A login failed (wrong username, password or code)",
    "acuplan.auth.logout": "Logged out",
    "acuplan.auth.locked_out": "Logins were locked out after too many failures",
    "acuplan.auth.unlocked": "A clinic admin lifted a login lockout",
    "acuplan.auth.password_changed": "A password was changed (its API tokens were revoked)",
    "acuplan.auth.password_reset_requested": "A password reset email was asked for",
    "acuplan.auth.session_expired": "A session ended after idling or reaching its time limit",
    "acuplan.auth.two_factor_enabled": "A second factor (TOTP) was set up",
    "acuplan.auth.two_factor_disabled": "A second factor (TOTP) was removed",
    "acuplan.clinic_security.changed": "The clinic's security settings were changed",
    "acuplan.token.created": "An API token was made",
    "acuplan.token.revoked": "An API token was revoked",
    "acuplan.token.used_from_new_address": "An API token was used from a new address",
    # --- refusals -----------------------------------------------------------------------
    "acuplan.access.refused": "A request for a record was refused (403 or 404)",
    # --- clinical writes ----------------------------------------------------------------
    "acuplan.patient.created": "A patient was registered",
    "acuplan.patient.updated": "A patient's details were corrected (old and new values kept)",
    "acuplan.intake.recorded": "An intake was recorded",
    "acuplan.plan.created": "A plan was made from an intake",
    "acuplan.plan.approved": "A plan was approved",
    "acuplan.plan.overridden": "A plan's prescription was overridden (a safety override names "
    "the rules it sets aside)",
    "acuplan.referral.made": "The referral a blocking triage raised was recorded as made",
    "acuplan.consent.recorded": "Consent was recorded",
    "acuplan.session.recorded": "A treatment session was recorded",
    "acuplan.outcome.recorded": "An outcome response was recorded",
    "acuplan.outcome.answered_by_link": "A patient answered a questionnaire link",
    "acuplan.outcome.baseline_set": "The response progress is measured from was changed",
    "acuplan.red_flags.seen": "A clinician saw red flags a patient reported between visits",
    "acuplan.outcome_settings.changed": "The clinic's outcome questionnaire was changed",
    "acuplan.progress.reviewed": "A progress review was proposed",
    "acuplan.progress.confirmed": "A progress decision was confirmed",
    "acuplan.progress.overridden": "A progress decision was overridden",
    "acuplan.course.scheduled": "A course of appointments was booked",
    "acuplan.questionnaire_link.sent": "A questionnaire link was emailed",
    # --- between visits (acuplan.followup, acuplan.booking, acuplan.portal) -------------
    "acuplan.follow_up.sent": "A scheduled message (questionnaire, reminder, invitation) was sent",
    "acuplan.follow_up.cancelled": "A scheduled message was cancelled (answered, visit moved, "
    "or treatment on hold)",
    "acuplan.follow_up.failed": "A scheduled message failed (it is retried, then given up)",
    "acuplan.course.discharged": "A patient was discharged from the course",
    "acuplan.booster.offered": "Pain came back after discharge: a booster series is to be offered",
    "acuplan.booster.booked": "A booster offer was settled as booked",
    "acuplan.booster.dismissed": "A booster offer was dismissed",
    "acuplan.appointment.booked": "An appointment was booked on the calendar",
    "acuplan.appointment.moved": "An appointment was moved",
    "acuplan.appointment.cancelled": "An appointment was cancelled (late ones are marked)",
    "acuplan.appointment.move_requested": "A patient asked to move an appointment (portal)",
    "acuplan.clinic_settings.changed": "The clinic's time zone, quiet hours or follow-up "
    "schedule was changed",
    "acuplan.portal_link.sent": "A patient portal sign-in link was emailed",
    "acuplan.portal_link.used": "A patient signed in to the portal with a one-time link",
    "acuplan.portal_page.read": "A patient read a page of their own record in the portal",
    "acuplan.own_record.downloaded": "A patient downloaded their own record",
    "acuplan.consultation.requested": "Someone asked for a consultation from the public self-check",
    # --- money and credentials (acuplan.billing) ----------------------------------------
    "acuplan.payment.recorded": "A payment was recorded",
    "acuplan.payment.reversed": "A payment was reversed (a reversing entry; nothing is edited)",
    "acuplan.package.recorded": "A package of prepaid sessions was sold",
    "acuplan.package.voided": "An unused package of prepaid sessions was voided",
    "acuplan.clinic_billing.changed": "The clinic's billing details or fee schedule changed",
    "acuplan.credentials.changed": "A practitioner's licence, certification or NPI changed",
    "acuplan.referral_letter.sent": "A referral letter was sent to the patient's physician "
    "(emailed or printed)",
    "acuplan.referral.received": "A physician's referral came in (FHIR ServiceRequest)",
    "acuplan.referral.accepted": "A clinician accepted a physician's referral",
    "acuplan.ehr_issuer.added": "An EHR was allowed to call the CDS Hooks service",
    # --- reads of one patient's record --------------------------------------------------
    "acuplan.patient.read": "A patient's demographics were read (API)",
    "acuplan.details.read": "A patient's contact details and visits were read",
    "acuplan.chart.read": "A patient's chart was read",
    "acuplan.intake.read": "An intake was read",
    "acuplan.plan.read": "A plan was read",
    "acuplan.plans.read": "A patient's plans were listed",
    "acuplan.handout.read": "A plan's patient handout was read",
    "acuplan.session.read": "A treatment session was read",
    "acuplan.sessions.read": "A patient's sessions were listed",
    "acuplan.session_form.read": "The session form was opened (it shows the last points)",
    "acuplan.outcomes.read": "A patient's outcomes were read",
    "acuplan.progress.read": "A progress review was read",
    "acuplan.schedule.read": "A patient's schedule was read",
    "acuplan.calendar.read": "A patient's appointments were downloaded",
    "acuplan.appointments.read": "A patient's appointments were listed (API)",
    "acuplan.follow_ups.read": "A patient's scheduled messages were listed",
    "acuplan.superbill.read": "A superbill was read (page, print or API)",
    "acuplan.account.read": "A patient's account (charges, payments, balance) was read",
    "acuplan.referral_letter.read": "A referral letter was read",
    "acuplan.physician_summary.read": "A physician summary was read",
    "acuplan.fhir.exported": "A patient's record was exported as a FHIR Bundle",
    "acuplan.cds_plan.read": "The plan behind a CDS Hooks card was opened",
    # --- list reads that show patient data (detail.patient_ids names them) --------------
    "acuplan.patient_list.read": "The patient list was shown",
    "acuplan.dashboard.read": "The dashboard was shown",
    "acuplan.clinic_calendar.read": "The clinic calendar was shown",
    "acuplan.claims.exported": "Claim lines were exported as CSV for the biller",
    # --- the audit log itself -----------------------------------------------------------
    "acuplan.audit.read": "The audit log was read",
    "acuplan.audit.exported": "The audit log was exported as CSV",
}


class UnknownAction(ValueError):
    """An action code that is not in :data:`ACTIONS`."""


def describe(action: str) -> str:
    return ACTIONS.get(action, action)


def require_known(action: str) -> None:
    if action not in ACTIONS:
        raise UnknownAction(f"audit action {action!r} is not registered in acuplan.audit.actions")
