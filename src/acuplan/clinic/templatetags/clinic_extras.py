"""Template filters for clinical pages, and the handout's tiny markdown renderer."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")


@register.filter
def words(value: Any) -> str:
    """A vocabulary word for people: ``oblique_medial`` -> ``oblique medial``."""
    return str(value).replace("_", " ") if value is not None else ""


@register.filter
def number(value: Any) -> str:
    """A number without trailing zeros (``1.0`` -> ``1``, ``35.60`` -> ``35.6``)."""
    if value is None or value == "":
        return "–"
    if isinstance(value, int | float):
        return f"{value:g}"
    return str(value)


@register.filter
def yes_no(value: Any) -> str:
    if value is None:
        return "not recorded"
    return "yes" if value else "no"


@register.filter
def source_id(ref: Any) -> str:
    """A source reference without its locator: ``who2008@p. 111`` -> ``who2008`` (the plan's
    evidence list has one item per source, with the sections read)."""
    return str(ref).partition("@")[0].strip()


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """``mapping|get:key`` for keys that are not identifiers."""
    if isinstance(mapping, dict):
        return mapping.get(key)
    return None


def _inline(text: str) -> str:
    html = str(escape(text))
    html = _BOLD.sub(r"<strong>\1</strong>", html)
    return _ITALIC.sub(r"<em>\1</em>", html)


def render_plain_markdown(text: str, *, heading_offset: int = 0) -> SafeString:
    """The handout's markdown subset as HTML: ``#`` headings, paragraphs (one a line),
    ``- `` bullets, ``**bold**`` and ``*italic*``. Everything is escaped first, so a
    stray ``<`` in the knowledge base can never become markup."""
    out: list[str] = []
    in_list = False
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("- "):
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append(f"<li>{_inline(line[2:])}</li>")
            continue
        if in_list:
            out.append("</ul>")
            in_list = False
        if not line or line == "---":
            continue
        hashes = len(line) - len(line.lstrip("#"))
        if 0 < hashes <= 6 and line[hashes : hashes + 1] == " ":
            level = min(hashes + heading_offset, 6)
            out.append(f"<h{level}>{_inline(line[hashes + 1 :])}</h{level}>")
        else:
            out.append(f"<p>{_inline(line)}</p>")
    if in_list:
        out.append("</ul>")
    return mark_safe("\n".join(out))  # noqa: S308  every piece of text was escaped above


@register.filter
def cleared_words(cleared: dict[str, Any] | None) -> str:
    """A lifted red flag's clearance in words: "saddle anaesthesia ruled out by Dr A on ..."."""
    if not cleared:
        return ""
    return "; ".join(
        f"{flag.replace('_', ' ')} ruled out by {who} on {day}"
        for flag, who, day in zip(
            cleared.get("flags", []),
            cleared.get("cleared_by", []),
            cleared.get("cleared_on", []),
            strict=False,
        )
    )


@register.filter
def weeks(value: Any) -> str:
    """A duration in weeks with its unit: ``1`` -> ``1 week``, ``2.5`` -> ``2.5 weeks``."""
    if value is None or value == "":
        return "–"
    n = float(value)
    return f"{n:g} week" + ("" if n == 1 else "s")


@register.filter
def lower_first(value: Any) -> str:
    text = str(value)
    return text[:1].lower() + text[1:]


@register.filter
def rule_titles(ids: Any) -> str:
    """Safety rule ids as their titles, each id beside its words: "Pregnancy (sf.pregnancy)"."""
    from acuplan.clinic.plan_page import rule_titles as titles_of
    from acuplan.core.knowledge import default_knowledge

    titles = titles_of(default_knowledge())
    return ", ".join(f"{titles[i]} ({i})" if i in titles else str(i) for i in ids or [])


@register.filter
def term(term_id: Any) -> str:
    """A vocabulary id in the clinician's words (never the id itself)."""
    from acuplan.core.knowledge import default_knowledge

    return default_knowledge().label(str(term_id))
