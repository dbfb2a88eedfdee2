"""The ``acuplan`` console script. Output layer: the only place that prints.

Exit codes: 0 success; 1 failure (knowledge base invalid, audit chain broken, backup
failed); 2 invalid input (usage, intake, password, unknown user or token).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from acuplan.core.errors import KnowledgeError

if TYPE_CHECKING:
    from acuplan.core.knowledge import Knowledge

EXIT_OK, EXIT_FAIL, EXIT_INVALID = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_INVALID
    try:
        return handler(args)
    except KnowledgeError as exc:
        print(f"knowledge base invalid:\n{exc}", file=sys.stderr)
        return EXIT_FAIL
    except BrokenPipeError:  # e.g. `acuplan points | head`
        return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    from acuplan import __version__

    p = argparse.ArgumentParser(prog="acuplan", description=__doc__)
    p.add_argument("--version", action="version", version=f"acuplan {__version__}")
    sub = p.add_subparsers(title="commands")

    kb = sub.add_parser("kb", help="knowledge base").add_subparsers(title="kb commands")
    check = kb.add_parser("check", help="validate the knowledge base and print counts")
    check.set_defaults(handler=_kb_check)
    export = kb.add_parser(
        "export", help="print the whole validated knowledge base as one JSON document"
    )
    export.add_argument("--json", action="store_true", help="JSON (the only format)")
    export.set_defaults(handler=_kb_export)
    docs = kb.add_parser("docs", help="print docs/knowledge.md, generated from the data")
    docs.add_argument("--output", metavar="FILE", help="write to FILE instead of printing")
    docs.set_defaults(handler=_kb_docs)

    pts = sub.add_parser("points", help="list, show or search points")
    pts.add_argument("codes", nargs="*", metavar="CODE", help="point codes, e.g. BL23 GV3")
    pts.add_argument("--meridian", help="only this channel (BL, GV, EX ...)")
    pts.add_argument("--search", metavar="WORD", help="match code, pinyin, English or indication")
    pts.add_argument("--json", action="store_true", help="print a JSON list of point objects")
    pts.set_defaults(handler=_points)

    plan = sub.add_parser("plan", help="assess an intake and plan the course")
    plan.add_argument("file", metavar="FILE|-", help="intake JSON file, or - for standard input")
    plan.add_argument("--format", choices=("json", "md"), default="json")
    plan.add_argument("--as-of", metavar="YYYY-MM-DD", help="assessment date (default: today)")
    plan.set_defaults(handler=_plan)

    schema = sub.add_parser("schema", help="print the JSON Schema of the intake or the plan")
    schema.add_argument("which", choices=("intake", "plan"))
    schema.set_defaults(handler=_schema)

    demo = sub.add_parser("demo", help="create or reset the demo clinic and print the logins")
    demo.add_argument("--password", default="acuplan-demo", help="password for every demo user")
    demo.set_defaults(handler=_demo)

    serve = sub.add_parser("serve", help="serve the clinic application (gunicorn, 2 workers)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=2)
    serve.add_argument(
        "--debug", action="store_true", help="Django's DEBUG on (never on a real server)"
    )
    serve.set_defaults(handler=_serve)

    serve.add_argument(
        "--with-worker",
        action="store_true",
        help="also start `acuplan worker` (the embedded job queue) beside the server",
    )
    npi = sub.add_parser("npi", help="National Provider Identifiers").add_subparsers(
        title="npi commands"
    )
    lookup = npi.add_parser("lookup", help="check an NPI and ask the NPPES registry about it")
    lookup.add_argument("npi", metavar="NPI", help="10 digits")
    lookup.set_defaults(handler=_npi_lookup)

    from acuplan.cli_admin import add_admin_commands
    from acuplan.cli_jobs import add_job_commands

    add_admin_commands(sub)
    add_job_commands(sub)
    from acuplan.cli_bridge import add_bridge_commands

    add_bridge_commands(sub)
    return p


def _kb_check(args: argparse.Namespace) -> int:
    from acuplan.core.knowledge.loader import data_root, load_knowledge

    kb = load_knowledge(data_root())
    print(f"knowledge base OK  version {kb.version}")
    for name, n in kb.counts().items():
        print(f"  {name:<28} {n}")
    return EXIT_OK


def _kb_export(args: argparse.Namespace) -> int:
    from acuplan.core.knowledge.export import export_knowledge
    from acuplan.core.knowledge.loader import data_root, load_knowledge

    _print_json(export_knowledge(load_knowledge(data_root())))
    return EXIT_OK


def _kb_docs(args: argparse.Namespace) -> int:
    from acuplan.core.knowledge.docs import render_knowledge_docs
    from acuplan.core.knowledge.loader import data_root, load_knowledge

    text = render_knowledge_docs(load_knowledge(data_root()))
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        print(text, end="")
    return EXIT_OK


def _points(args: argparse.Namespace) -> int:
    from acuplan.core.knowledge import default_knowledge
    from acuplan.core.knowledge.points import find_points, point_json

    kb = default_knowledge()
    try:
        points = find_points(kb, codes=args.codes, meridian=args.meridian, search=args.search)
    except LookupError as exc:
        print(f"acuplan points: {exc.args[0]}", file=sys.stderr)
        return EXIT_INVALID
    if args.json:
        _print_json([point_json(p, kb) for p in points])
    elif args.codes:
        for p in points:
            print(_point_card(point_json(p, kb), kb))
    else:
        for p in points:
            print(f"{p.code:<7} {p.pinyin:<16} {p.hanzi:<6} {p.english}")
        print(f"({len(points)} points)")
    return EXIT_OK


def _point_card(p: dict[str, Any], kb: Knowledge) -> str:
    """Everything a practitioner checks before needling a point, one fact a line."""
    lines = [f"{p['code']}  {p['pinyin']} {p['hanzi']}  {p['english']}  ({p['meridian']})"]
    if p["location"] is None:
        lines.append("  (registry point: no clinical detail; acuplan never prescribes it)")
        return "\n".join(lines) + "\n"
    page = f"WHO 2008 p. {p['who_page']}" if p["who_page"] else "not in WHO 2008"
    lines.append(f"  location : {p['location']} ({page})")
    if p["location_note"]:
        lines.append(f"  also     : {p['location_note']}")
    angle = p["angle"].replace("_", " ") + (f", {p['direction']}" if p["direction"] else "")
    lines.append(f"  angle    : {angle}")
    if p["needling_forbidden"]:
        lines.append("  depth    : never needled (pressure or moxibustion only)")
    else:
        lines.append(
            f"  depth    : {p['depth_min_cun']:g} to {p['depth_max_cun']:g} cun "
            f"(cap {p['depth_max_cun']:g} cun, never deeper)"
        )
    lines.append(f"  needling : {p['needling']}")
    lines.append(f"  zones    : {', '.join(z.replace('_', ' ') for z in p['zones'])}")
    lines += [f"  caution  : [{c['kind']}] {c['text']}" for c in p["cautions"]]
    if not p["cautions"]:
        lines.append("  caution  : none beyond standard clean-needle technique")
    lines.append(f"  pregnancy: {_pregnancy(p, kb)}")
    moxa = p["moxibustion"] + (f": {p['moxibustion_note']}" if p["moxibustion_note"] else "")
    lines.append(f"  moxa     : {moxa}")
    if p["bleeding_technique"]:
        lines.append("  bleeding : the textbook names pricking to bleed at this point")
    lines += [f"  use      : {i}" for i in p["indications"]]
    refs = [f"{s} ({kb.kind_of(s)})" for s in p["sources"] if kb.has_source(s)]
    lines.append(f"  sources  : {'; '.join(refs) or 'no published source checked'}")
    lines.append(f"  status   : {p['status']}")
    return "\n".join(lines) + "\n"


def _pregnancy(p: dict[str, Any], kb: Knowledge) -> str:
    zones = [kb.zones[z] for z in p["zones"] if z in kb.zones]
    if p["site"] == "painful_region":
        blocked = [z.title.lower() for z in zones if z.pregnancy == "contraindicated"]
        return "follows the painful region: contraindicated over the " + ", ".join(blocked)
    if p["pregnancy_contraindicated"]:
        return "CONTRAINDICATED"
    later = [z.title.lower() for z in zones if z.pregnancy == "from_second_trimester"]
    if later:
        return f"avoid after the first trimester ({', '.join(later)})"
    return "not contraindicated"


def _plan(args: argparse.Namespace) -> int:
    import datetime as dt

    from acuplan.core.errors import InvalidIntake
    from acuplan.core.intake import parse_intake
    from acuplan.core.knowledge import default_knowledge
    from acuplan.core.plan import assess_and_plan, plan_json

    try:
        as_of = dt.date.fromisoformat(args.as_of) if args.as_of else dt.date.today()
    except ValueError:
        print(f"acuplan plan: --as-of {args.as_of!r} is not a date (YYYY-MM-DD)", file=sys.stderr)
        return EXIT_INVALID
    try:
        data = _read_json(args.file)
        intake = parse_intake(data)
    except InvalidIntake as exc:
        print(f"invalid intake ({len(exc.errors)} problem(s)):", file=sys.stderr)
        for err in exc.errors:
            print(f"  {err.field}: {err.message}", file=sys.stderr)
        return EXIT_INVALID
    kb = default_knowledge()
    result = plan_json(assess_and_plan(intake, knowledge=kb, as_of=as_of))
    if args.format == "md":
        from acuplan.core.planning.handout import render_markdown

        print(render_markdown(kb, result), end="")
    else:
        _print_json(result)
    return EXIT_OK


def _read_json(path: str) -> object:
    from acuplan.core.errors import FieldError, InvalidIntake
    from acuplan.jsonlimits import MAX_BYTES, JsonRefused, loads_limited

    try:
        if path == "-":
            raw = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            with Path(path).open("rb") as f:
                raw = f.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InvalidIntake([FieldError("(file)", f"cannot read {path}: {exc.strerror}")]) from None
    if b"\x00" in raw:
        raise InvalidIntake([FieldError("(file)", f"{path} contains NUL bytes: not JSON text")])
    try:
        return loads_limited(raw)
    except JsonRefused as exc:
        raise InvalidIntake([FieldError("(file)", str(exc))]) from None


def _schema(args: argparse.Namespace) -> int:
    if args.which == "intake":
        from acuplan.core.intake import Intake

        _print_json(Intake.model_json_schema())
    else:
        from acuplan.core.plan import plan_schema

        _print_json(plan_schema())
    return EXIT_OK


def _npi_lookup(args: argparse.Namespace) -> int:
    """Check the NPI's check digit (exit 2 when wrong), then ask the NPPES registry (exit 1
    when it cannot be reached or holds no such NPI)."""
    from acuplan.billing import nppes
    from acuplan.core.credentials import npi_problem, parse_nppes
    from acuplan.core.credentials.nppes import NppesError

    number = args.npi.strip()
    problem = npi_problem(number)
    if problem:
        print(f"acuplan npi lookup: {number!r} is not a valid NPI: {problem}", file=sys.stderr)
        return EXIT_INVALID
    try:
        record = parse_nppes(number, nppes.fetch(number))
    except nppes.RegistryUnreachable as exc:
        print(
            f"NPI {number}: check digit OK. The NPPES registry could not be reached "
            f"({exc}); try again when the network allows.",
            file=sys.stderr,
        )
        return EXIT_FAIL
    except NppesError as exc:
        print(f"NPI {number}: check digit OK. {exc}", file=sys.stderr)
        return EXIT_FAIL
    if record is None:
        print(
            f"NPI {number}: check digit OK, but the NPPES registry has no such NPI.",
            file=sys.stderr,
        )
        return EXIT_FAIL
    print(f"NPI {record.npi}  {record.name}{', ' + record.credential if record.credential else ''}")
    print(f"  type     : {record.kind} ({record.status or 'status unknown'})")
    for t in record.taxonomies:
        primary = " (primary)" if t.primary else ""
        licence = f", licence {t.state} {t.licence}" if t.licence else ""
        print(f"  taxonomy : {t.code} {t.description}{primary}{licence}")
    for a in record.addresses:
        print(f"  address  : {a}")
    print(f"  source   : {nppes.registry_url(record.npi)}")
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    from acuplan.web.bootstrap import setup_django

    setup_django()
    from acuplan.clinic.demo import create_demo
    from acuplan.core.errors import InvalidInput

    try:
        logins = create_demo(args.password)
    except InvalidInput as exc:
        print("acuplan demo: the password is refused:", file=sys.stderr)
        for err in exc.errors:
            print(f"  {err.message}", file=sys.stderr)
        return EXIT_INVALID
    print("Demo clinics created (or reset). Log in with password", repr(args.password))
    for clinic, username, role in logins:
        print(f"  {username:<10} {role:<13} {clinic}")
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    import os

    from acuplan.web.bootstrap import setup_django

    # DEBUG shows every URL and a traceback on a 404 or 500: off unless asked for.
    os.environ["ACUPLAN_DEBUG"] = "true" if args.debug else os.environ.get("ACUPLAN_DEBUG", "false")
    setup_django()
    if args.with_worker:
        import subprocess

        # The worker shares the terminal's process group: Ctrl-C stops both.
        acuplan = Path(sys.executable).with_name("acuplan")
        subprocess.Popen([str(acuplan), "worker"])  # noqa: S603 - our own console script
    print(f"acuplan serving on http://{args.host}:{args.port}/  (Ctrl-C stops)", flush=True)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    argv = [
        str(gunicorn),
        "acuplan.web.wsgi",
        "--bind",
        f"{args.host}:{args.port}",
        "--workers",
        str(args.workers),
        "--access-logfile",
        "-",
        # questionnaire and password-reset tokens travel in addresses: keep them out of logs
        "--logger-class",
        "acuplan.web.redact.RedactingGunicornLogger",
    ]
    os.execv(argv[0], argv)  # noqa: S606 - replaces this process with the server


def _print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))
