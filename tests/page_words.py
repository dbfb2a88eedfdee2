"""Does a page (or its printout) show a rule id, field path or code key without its words?

Ids may appear beside the words they stand for, never instead of them. A page puts an id
beside its words in a ``<span class="id">`` right after them, or in brackets after them
("Points over the kidney (sf.kidney_points)"). Everything else a reader sees must be words:
no ``sf.bleeding_risk``, ``ICD-11|SC61``, ``pain.midline: not given`` or ``iv_drug_use``.

What counts as an id: a snake_case word (``as_found``), a dotted path whose head is a name
acuplan uses for rules, intake sections or findings (``rf.cauda_equina``, ``pain.midline``,
``red_flag.fever``), and a ``SYSTEM|CODE`` key. Domain names and version numbers are not.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from acuplan.core.findings import INTAKE_FINDINGS
from acuplan.core.knowledge import default_knowledge

SKIP = {"script", "style", "title", "head", "template"}
VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "col", "area", "source"}


def _heads() -> frozenset[str]:
    kb = default_knowledge()
    rules = [
        *kb.red_flag_rules,
        *kb.referral_rules,
        *kb.safety_rules,
        *kb.derived_rules,
        *kb.course_rules,
        *kb.pain_type_rules,
        *kb.code_rules,
    ]
    heads = {r.id.split(".")[0] for r in rules}
    heads |= {f.split(".")[0] for f in INTAKE_FINDINGS if "." in f}
    heads |= {t.split(".")[0] for t in kb.terms}
    heads |= {"patient", "pain", "tcm", "medical", "preferences", "questionnaires"}
    heads |= {"progress", "rx", "field"}
    return frozenset(heads)


HEADS = _heads()
_TOKEN = re.compile(
    r"(?<![\w.|/-])(?:"  # not inside a word, a code or a path (owner/repository)
    r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?:\.[a-z0-9_]+)*"  # snake_case (maybe dotted)
    r"|[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+"  # dotted path
    r"|[A-Z][A-Z0-9-]*(?: [A-Z]+)?\|[A-Z0-9][A-Z0-9.]*"  # SYSTEM|CODE
    r")(?![\w|])"
)
#: A bracketed aside right after words: where an id may stand beside them.
_ASIDE = re.compile(r"(?<=[\w)])([.,:;]?\s*)\(([^()]*)\)")


TLDS = {"com", "org", "net", "info", "uk", "de", "co", "io", "gov", "edu", "au", "ca", "nz"}


def _is_id(token: str) -> bool:
    if token.rsplit(".", 1)[-1] in TLDS:  # a web address: patient.info, hqwx.com
        return False
    if "|" in token or "_" in token:
        return True
    return token.split(".")[0] in HEADS


class _Text(HTMLParser):
    """The text a reader sees, with ``class="id"`` spans (ids beside words) left out and
    checked to follow words."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []
        self.orphans: list[str] = []

    def _hidden(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            self.parts.append(" ")
            return
        classes = (dict(attrs).get("class") or "").split()
        is_id = "id" in classes
        hidden = tag in SKIP or "hidden" in dict(attrs)
        if is_id and not self._hidden():
            before = "".join(self.parts).rstrip()
            if not re.search(r"[A-Za-z]{2}[^A-Za-z]*$", before[-80:]):
                self.orphans.append(before[-60:])
        self.stack.append((tag, hidden or is_id))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break
        if tag in {"p", "li", "td", "th", "div", "h1", "h2", "h3", "h4", "dt", "dd", "tr"}:
            self.parts.append("\n")
        elif tag in {"span", "a", "strong", "em", "label", "option", "button", "summary"}:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._hidden():
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"[ \t]+", " ", "".join(parser.parts))


def ids_without_words(html_or_text: str, *, is_html: bool = True) -> list[str]:
    """Every id a reader would meet without its words (empty when the page is clean)."""
    if is_html:
        parser = _Text()
        parser.feed(html_or_text)
        text = re.sub(r"[ \t]+", " ", "".join(parser.parts))
        problems = [f"id with no words before it: ...{o!r}" for o in parser.orphans]
    else:
        text, problems = html_or_text, []
    text = _ASIDE.sub(lambda m: m.group(1) + "(" + _TOKEN.sub("", m.group(2)) + ")", text)
    for line in text.splitlines():
        for token in _TOKEN.findall(line):
            if _is_id(token):
                problems.append(f"{token!r} in {line.strip()[:120]!r}")
    return problems
