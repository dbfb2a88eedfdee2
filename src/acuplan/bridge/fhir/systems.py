"""Code system and identifier URIs. The standard ones are HL7's published identifiers for
those systems (identifiers, not links to follow); acuplan's own are URNs, described by the
CodeSystem resources in :mod:`acuplan.bridge.fhir.codesystems` and in docs/FHIR.md."""

from __future__ import annotations

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
NPI = "http://hl7.org/fhir/sid/us-npi"
UCUM = "http://unitsofmeasure.org"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
AE_SEVERITY = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
AE_SERIOUSNESS = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
V3_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
ISSUE_TYPE = "http://hl7.org/fhir/issue-type"

#: FHIR's name for each system the engine writes in a plan's classification codes.
PLAN_SYSTEMS = {"ICD-10-CM": ICD10CM, "SNOMED CT": SNOMED}
#: ... and for each system of the interop table (acuplan.core.knowledge.interop).
INTEROP_SYSTEMS = {SNOMED: "SNOMED CT", ICD10CM: "ICD-10-CM", RXNORM: "RxNorm", LOINC: "LOINC"}

ACUPUNCTURE_SNOMED = "44868003"
CONSENT_LOINC = "59284-0"

# --- acuplan's own ---------------------------------------------------------------------
ACUPLAN = "urn:acuplan:fhir"
SCORES = f"{ACUPLAN}:CodeSystem:outcome-scores"
"""Scores with no LOINC code (RMDQ, STarT Back) and the parts of the PEG."""
STIMULATION = f"{ACUPLAN}:CodeSystem:stimulation"
"""How a session stimulated the points: the method (manual, electro, acupressure) and the
manipulation at a point (even, tonifying, reducing ...)."""
POINTS = f"{ACUPLAN}:CodeSystem:acupoint"
"""Acupuncture points by their WHO 2008 standard code (BL23, GV3, EX-B2, ASHI)."""
ANSWERS = f"{ACUPLAN}:CodeSystem:questionnaire-answers"
"""Answer words of the STarT Back items (agree, disagree, not_at_all ... extremely)."""
QUESTIONNAIRE = f"{ACUPLAN}:Questionnaire"


def clinic_system(slug: str, what: str) -> str:
    """The identifier system of a clinic's own record numbers (``patient``, ``user``)."""
    return f"{ACUPLAN}:clinic:{slug}:{what}"


def licence_system(state: str) -> str:
    return f"{ACUPLAN}:licence:{state.upper() or 'XX'}"
