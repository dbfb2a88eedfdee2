"""The bridge to the patient's doctor and the EHR: referral letters and the physician
summary (pages), FHIR R4 export and incoming referrals, and a CDS Hooks 2.0 service."""
