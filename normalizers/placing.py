"""Where a text stands on the page: a document's body lines as one comparison string (a text found in
it gets the part of each line it covers, each character's advance scaled along its line: a hanzi one
em, a digit half), and the characters OCR read, to give a reading the recogniser's confidence."""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from functools import lru_cache
from itertools import accumulate

from schemas.types import BBox, Line, OcrMark, Page

_DASH = re.compile(r"[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D\-]")
_QUOTE = re.compile(r"[\u201C\u201D\u201E\u201F\u00AB\u00BB\u300C\u300D\u300E\u300F\"\u2018\u2019']")
_TRAIL = "。.,;:、，；："
MIN_PIECE = 6            # a text found in pieces: the shortest piece that counts (characters)
PIECE_GAP = 400          # … and how far after the last piece the next may begin
PIECES_SHARE = 0.6       # … and the share of the text the pieces must hold


@lru_cache(maxsize=None)
def _key(ch: str) -> str:
    """One character in comparison form (NFKC, no spaces, one dash, one quote)."""
    t = unicodedata.normalize("NFKC", ch)
    if t.isspace():
        return ""
    return _QUOTE.sub('"', _DASH.sub("-", t))


@lru_cache(maxsize=None)
def _em(ch: str) -> float:
    """A character's advance in ems, as CJK fonts set it: hanzi and full-width forms 1, the rest ½."""
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.5


def needle(text: str) -> str:
    return "".join(map(_key, text)).rstrip(_TRAIL)


class LineIndex:
    """A document's body lines as one comparison string, to find where a text was printed."""

    def __init__(self, lines: list[Line]):
        self.lines = lines
        parts, self.owner, self.left, self.right, self.start = [], [], [], [], []
        self.width = [0.0] * len(lines)
        owner, left, right = self.owner, self.left, self.right
        for i, line in enumerate(lines):
            self.start.append(len(owner))
            keys = list(map(_key, line.text))
            parts += keys
            if "" not in keys and sum(map(len, keys)) == len(keys):     # one comparison character each
                rights = list(accumulate(map(_em, line.text)))
                owner += [i] * len(keys)
                left += [0.0] + rights[:-1]
                right += rights
                self.width[i] = rights[-1] if rights else 0.0
                continue
            at = 0.0
            for k, w in zip(keys, map(_em, line.text)):
                if len(k) == 1:
                    owner.append(i)
                    left.append(at)
                    at += w
                    right.append(at)
                else:
                    owner += [i] * len(k)
                    left += [at] * len(k)
                    at += w
                    right += [at] * len(k)
            self.width[i] = at
        self.text = "".join(parts)

    def line_of(self, page: int) -> int:
        """The first line on `page` or after it (len(lines) if none)."""
        return next((i for i, ln in enumerate(self.lines) if ln.page >= page), len(self.lines))

    def find(self, text: str | None, start: int = 0, before: int | None = None) -> tuple[int, int] | None:
        """(first, last) character positions of `text` from line `start` on (or the last occurrence
        before line `before`); a match from the document's start when none follows `start`."""
        n = needle(text or "")
        if len(n) < 1 or not self.text:
            return None
        if before is not None:
            end = self.start[before] if before < len(self.start) else len(self.text)
            pos = self.text.rfind(n, 0, end)
        else:
            pos = self.text.find(n, self.start[start] if start < len(self.start) else len(self.text))
            if pos < 0 and start:
                pos = self.text.find(n)
        return (pos, pos + len(n) - 1) if pos >= 0 else None

    def pieces(self, text: str, start: int = 0) -> list[tuple[int, int]]:
        """Spans of `text` printed in pieces (a narrative sentence with labelled lines between its
        parts): the longest prefix found, then the longest prefix of the rest soon after it, …;
        [] unless the pieces hold at least PIECES_SHARE of the text."""
        n, spans, i = needle(text), [], 0
        at = self.start[start] if start < len(self.start) else len(self.text)
        while i < len(n):
            limit = len(self.text) if not spans else at + PIECE_GAP
            k = self._longest(n[i:], at, limit)
            if k < MIN_PIECE:
                i += 1
                continue
            pos = self.text.find(n[i:i + k], at, limit + k)
            spans.append((pos, pos + k - 1))
            at, i = pos + k, i + k
        return spans if sum(b - a + 1 for a, b in spans) >= PIECES_SHARE * len(n) else []

    def _longest(self, n: str, at: int, limit: int) -> int:
        lo, hi = 0, len(n)                        # a found prefix's prefixes are found too
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.text.find(n[:mid], at, limit + mid) >= 0:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def boxes(self, span: tuple[int, int]) -> list[tuple[int, BBox, list[BBox]]]:
        """(page, box, the box's parts) per page the span covers: each line's covered part, by the
        characters' advances."""
        return self.boxes_of([span])

    def boxes_of(self, spans: list[tuple[int, int]]) -> list[tuple[int, BBox, list[BBox]]]:
        """(page, box, parts) per page the spans cover: one box per page around all of them, and the
        covered part of each line (where the characters read stand)."""
        out: dict[int, list[BBox]] = {}
        for a, b in spans:
            self._add(out, a, b)
        return [(p, tuple(round(v, 2) for v in (min(b[0] for b in parts), min(b[1] for b in parts),
                                               max(b[2] for b in parts), max(b[3] for b in parts))), parts)
                for p, parts in out.items()]

    def _add(self, out: dict[int, list[BBox]], a: int, b: int) -> None:
        for i in range(self.owner[a], self.owner[b] + 1):
            ln = self.lines[i]
            lo = self.left[a] if i == self.owner[a] else 0.0
            hi = self.right[b] if i == self.owner[b] else self.width[i]
            w = (ln.x1 - ln.x0) / max(self.width[i], 1e-9)
            out.setdefault(ln.page, []).append((ln.x0 + w * lo, ln.top, ln.x0 + w * hi, ln.bottom))


class Marks:
    """The characters OCR read on each page, to give a reading the recogniser's confidence. Punctuation
    other than a decimal point is left out: values are compared whatever bracket, quote, dash or comma
    OCR chose, and the recogniser is least sure of exactly those."""

    def __init__(self, pages: list[Page]):
        self.pages: dict[int, tuple[list[float], list[OcrMark]]] = {}
        for p in pages:
            marks = sorted((m for m in p.ocr if _counts(m.text)), key=_middle)
            if marks:
                self.pages[p.number] = ([_middle(m) for m in marks], marks)

    def confidence(self, page: int | None, boxes: list[BBox]) -> float | None:
        """The lowest confidence of a character OCR read in the boxes (by its middle); None when OCR read none."""
        if page not in self.pages:
            return None
        ys, marks = self.pages[page]
        low = None
        for x0, top, x1, bottom in boxes:
            for m in marks[bisect_left(ys, top):bisect_right(ys, bottom)]:
                if x0 <= (m.x0 + m.x1) / 2 <= x1 and (low is None or m.confidence < low):
                    low = m.confidence
        return None if low is None else round(low, 3)


@lru_cache(maxsize=None)
def _counts(ch: str) -> bool:
    """A character whose confidence counts: not punctuation, unless a decimal point."""
    return not unicodedata.category(ch).startswith("P") or _key(ch) == "."


def _middle(m: OcrMark) -> float:
    return (m.top + m.bottom) / 2
