"""The ``acuplan`` commands of the bridge: ``fhir export --patient ID`` (the Bundle that
``GET /fhir/Patient/{id}/$everything`` returns, audited as an export) and ``ehr
add-issuer`` (allow an EHR's JWTs on the CDS Hooks service). Part of the CLI's output
layer (it prints). Exit codes as in ``acuplan.cli``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_FAIL, EXIT_INVALID = 0, 1, 2


def add_bridge_commands(sub: Any) -> None:
    fhir = sub.add_parser("fhir", help="FHIR R4").add_subparsers(title="fhir commands")
    export = fhir.add_parser("export", help="write one patient's record as a FHIR Bundle")
    export.add_argument("--patient", type=int, required=True, help="the patient's id")
    export.add_argument("--output", "-o", type=Path, help="write here (default: stdout)")
    export.set_defaults(handler=_fhir_export)

    ehr = sub.add_parser("ehr", help="EHRs calling the CDS Hooks service").add_subparsers(
        title="ehr commands"
    )
    add = ehr.add_parser("add-issuer", help="accept JWTs of an issuer, with its public keys")
    add.add_argument("--clinic", required=True, help="the clinic's slug")
    add.add_argument("--issuer", required=True, help="the JWT's iss, exactly")
    add.add_argument("--jwks", type=Path, required=True, help="a JSON file: the JWK Set")
    add.add_argument("--label", default="", help="a name for the EHR")
    add.set_defaults(handler=_ehr_add_issuer)


def _fhir_export(args: argparse.Namespace) -> int:
    from acuplan.web.bootstrap import setup_django

    setup_django()
    from acuplan.bridge.fhir.bundle import everything
    from acuplan.bridge.services import record_export
    from acuplan.clinic.models import Patient

    patient = Patient.objects.select_related("clinic").filter(pk=args.patient).first()
    if patient is None:
        print(f"acuplan fhir export: no patient {args.patient}", file=sys.stderr)
        return EXIT_INVALID
    text = json.dumps(everything(patient), indent=2, ensure_ascii=False) + "\n"
    record_export(actor=None, patient=patient, via="command line")
    if args.output:
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output}")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _ehr_add_issuer(args: argparse.Namespace) -> int:
    from acuplan.web.bootstrap import setup_django

    setup_django()
    from acuplan.accounts.models import Clinic
    from acuplan.bridge.services import add_issuer
    from acuplan.core.errors import InvalidInput

    clinic = Clinic.objects.filter(slug=args.clinic).first()
    if clinic is None:
        print(f"acuplan ehr add-issuer: no clinic {args.clinic!r}", file=sys.stderr)
        return EXIT_INVALID
    try:
        jwks = json.loads(args.jwks.read_text(encoding="utf-8"))
        record = add_issuer(clinic=clinic, issuer=args.issuer, jwks=jwks, label=args.label)
    except (OSError, ValueError) as exc:
        print(f"acuplan ehr add-issuer: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except InvalidInput as exc:
        print(f"acuplan ehr add-issuer: {exc.errors[0].message}", file=sys.stderr)
        return EXIT_INVALID
    print(f"issuer {record.issuer} accepted for {clinic.name} ({len(jwks['keys'])} key(s))")
    return EXIT_OK
