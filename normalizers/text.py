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


def compact(text: str | None) -> str:
    """Comparison form: NFKC, no whitespace, one dash, one quote, no trailing punctuation."""
    if not text:
        return ""
    t = unicodedata.normalize("NFKC", text)
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
