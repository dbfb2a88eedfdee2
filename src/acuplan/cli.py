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
from typing import Any

from acuplan.core.errors import KnowledgeError

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

    from acuplan.cli_admin import add_admin_commands

    add_admin_commands(sub)
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
        _print_json([point_json(p) for p in points])
    elif args.codes:
        for p in points:
            print(_point_card(point_json(p)))
    else:
        for p in points:
            print(f"{p.code:<7} {p.pinyin:<16} {p.hanzi:<6} {p.english}")
        print(f"({len(points)} points)")
    return EXIT_OK


def _point_card(p: dict[str, Any]) -> str:
    lines = [f"{p['code']}  {p['pinyin']} {p['hanzi']}  {p['english']}  ({p['meridian']})"]
    if p["location"] is None:
        lines.append("  (registry point: no clinical detail; acuplan never prescribes it)")
        return "\n".join(lines) + "\n"
    lines += [
        f"  location : {p['location']}",
        f"  needling : {p['needling']} (angle {p['angle']}; max {p['depth_max_cun']} cun)",
    ]
    lines += [f"  caution  : [{c['kind']}] {c['text']}" for c in p["cautions"]]
    if p["pregnancy_contraindicated"]:
        lines.append("  pregnancy: CONTRAINDICATED")
    lines.append(f"  moxa     : {p['moxibustion']}")
    lines += [f"  use      : {i}" for i in p["indications"]]
    lines.append(f"  sources  : {', '.join(p['sources'])}   status {p['status']}")
    return "\n".join(lines) + "\n"


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
