"""Reading age of plain text, for tests of what patients read.

The Flesch-Kincaid grade level (US school grade; reading age is about grade + 5) with a
simple syllable count: vowel groups, a silent final "e" dropped. Crude for one word, close
enough over a page to tell a leaflet for an 11-year-old from a clinician's note."""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
_SENTENCE_END = re.compile(r"[.!?:;]+(?:\s|$)|\n+")


def syllables(word: str) -> int:
    w = word.lower()
    groups = re.findall(r"[aeiouy]+", w)
    n = len(groups)
    if w.endswith("e") and not w.endswith(("le", "ee")) and n > 1:
        n -= 1
    return max(1, n)


def grade_level(text: str) -> float:
    """Flesch-Kincaid grade of ``text`` (headings and list items count as sentences)."""
    sentences = [s for s in _SENTENCE_END.split(text) if _WORD.search(s)]
    words = _WORD.findall(text)
    if not words:
        return 0.0
    per_sentence = len(words) / max(1, len(sentences))
    per_word = sum(syllables(w) for w in words) / len(words)
    return 0.39 * per_sentence + 11.8 * per_word - 15.59


def reading_age(text: str) -> float:
    return grade_level(text) + 5
