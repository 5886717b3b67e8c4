"""Text clean-up: tidy printed text, and the comparison form used to decide two readings agree."""
from __future__ import annotations

import re
import unicodedata

CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef\u2018-\u201d"
_SPACE_IN_CJK = re.compile(rf"(?<=[{CJK}])\s+|\s+(?=[{CJK}])")
_SPACES = re.compile(r"\s+")
_DASH_CHARS = r"\u2010-\u2015\u2212\uFE58\uFE63\uFF0D\-"
_QUOTE_CHARS = r"\u201C\u201D\u201E\u201F\u00AB\u00BB\u300C\u300D\u300E\u300F\"\u2018\u2019'"
_TRAILERS = "。.,;:、，；："
_DASHES = re.compile(f"[{_DASH_CHARS}]+")
_QUOTES = re.compile(f"[{_QUOTE_CHARS}]")
_TRAILING = re.compile(rf"[{_TRAILERS}\s]+$")
_TOUCHED = re.compile(rf"[\s{_DASH_CHARS}{_QUOTE_CHARS}]")     # what compact changes but at the end


def as_text(value) -> str:
    """A value as the corrections log writes it: '' for none, 90 not 90.0."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def squeeze(text: str | None) -> str | None:
    """Printed text as a value: line breaks and layout spaces gone, nothing else touched; '' → None."""
    if text is None:
        return None
    t = text.replace("\u00a0", " ").strip()
    if not _SPACES.search(t):
        return t or None                 # no space inside: nothing below would change it
    t = _SPACE_IN_CJK.sub("", t)
    t = _SPACES.sub(" ", t).strip()
    return t or None


# Text made only of these characters is NFKC-normalised one character at a time: each decomposes
# into characters that are no combining mark and compose with nothing (tests/test_text_nfkc.py checks
# every one against unicodedata), so a translation table gives unicodedata.normalize's answer at a
# tenth of its cost on text holding full-width punctuation (（），：), which sends it the slow way.
_ONE_BY_ONE = ((0x09, 0x0D), (0x20, 0x7E), (0x2010, 0x2027), (0x2030, 0x205E), (0x3000, 0x303F), (0xFF01, 0xFF9F))
_IDEOGRAPHS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF))          # CJK ideographs: NFKC leaves each as it is


def _nfkc_table() -> tuple[re.Pattern, dict[int, str]]:
    """(a pattern finding a character outside the set, the translation table of the set)."""
    def alone(x: str) -> bool:
        return unicodedata.combining(x) == 0 and unicodedata.normalize("NFKD", x) == x and \
            not 0x1100 <= ord(x) <= 0x11FF and not 0x3130 <= ord(x) <= 0x318F        # Hangul jamo compose
    kept, table = [], {}
    for lo, hi in _ONE_BY_ONE:
        for cp in range(lo, hi + 1):
            k = unicodedata.normalize("NFKC", chr(cp))
            if k == unicodedata.normalize("NFKD", chr(cp)) and all(alone(x) for x in k):
                kept.append(cp)
                if k != chr(cp):
                    table[cp] = k
    spans = [(cp, cp) for cp in kept] + list(_IDEOGRAPHS)
    other = re.compile("[^" + "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "")
                                      for a, b in spans) + "]")
    return other, table


_NOT_ONE_BY_ONE, _NFKC_ONE = _nfkc_table()


def nfkc(text: str) -> str:
    """unicodedata.normalize("NFKC", text), by the table where every character allows it."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    if _NOT_ONE_BY_ONE.search(text):
        return unicodedata.normalize("NFKC", text)
    return text.translate(_NFKC_ONE)


def compact(text: str | None) -> str:
    """Comparison form: NFKC, no whitespace, one dash, one quote, no trailing punctuation."""
    if not text:
        return ""
    t = nfkc(text)
    if not _TOUCHED.search(t) and t[-1:] not in _TRAILERS:
        return t                         # nothing below would change it (most values)
    t = _SPACES.sub("", t)
    t = _DASHES.sub("-", t)
    t = _QUOTES.sub('"', t)
    return _TRAILING.sub("", t)


def is_subsequence(short: str, long: str) -> bool:
    """True when every character of `short` appears in `long` in order (an abbreviation)."""
    it = iter(long)
    return all(ch in it for ch in short)
