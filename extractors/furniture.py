"""Page furniture: page numbers and running headers or footers, which belong to no table and no paragraph."""
from __future__ import annotations

import re
from operator import itemgetter

from rapidfuzz import fuzz

from extractors.pdfpages import PageScan
from normalizers.vocab import names_field
from schemas.settings import Settings

_TOP, _BOTTOM, _TEXT = itemgetter("top"), itemgetter("bottom"), itemgetter("text")
_PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*)?\d{1,3}(\s*页)?[-—–\s]*$|^第\s*\d+\s*页")


def _labels(line: list[dict], settings: Settings, known: dict[str, bool]) -> bool:
    """True when the line holds a table header's field label (项目名称, 总投资 …); `known`:
    the answers for words already looked at (a repeated header, a column's repeated values)."""
    words, word, prev = [], "", None
    for c in line:
        if prev is not None and c["x0"] - prev["x1"] > 0.5 * (c.get("size") or 8):
            words.append(word)
            word = ""
        word += c["text"]
        prev = c
    for w in words + [word]:
        if len(w) >= 2 and w not in known:
            known[w] = names_field(w, settings.header_match_min)
        if len(w) >= 2 and known[w]:
            return True
    return False


def _in_header(lines: list[list[dict]], k: int, top_band: float, is_label) -> bool:
    """Line k is part of a table header: a line with a field label, or stacked right above one
    (责 over 任 over 领 of a narrow header cell), or right under one in the top margin (建设 over
    年限; each line down to k in the band). `is_label(j)` tells whether line j holds a label."""
    if is_label(k):
        return True
    j = k
    while j + 1 < len(lines) and _stacked(lines[j], lines[j + 1]):
        j += 1
        if is_label(j):
            return True
    j = k
    while j > 0 and min(c["top"] for c in lines[j]) < top_band and _stacked(lines[j - 1], lines[j]):
        j -= 1
        if is_label(j):
            return True
    return False


def _stacked(upper: list[dict], lower: list[dict]) -> bool:
    size = max(c.get("size") or (c["bottom"] - c["top"]) for c in upper)
    return min(c["top"] for c in lower) - max(c["bottom"] for c in upper) <= size


def furniture(scans: list[PageScan], lines_of: dict[int, list[list[dict]]], settings: Settings) -> set[int]:
    """ids of the characters of furniture lines: in the top or bottom `furniture_margin` of their
    page, a page number standing apart, a line whose text (digits aside) stands on two pages or more,
    or a line standing apart in type smaller than `furniture_small_type` of the page's usual (a footer
    too small for OCR to read alike on two pages: SNHETC (dn式生器, k2-031).
    `lines_of`: each page's characters as lines (grid.group_lines), by page number."""
    marginal: list[tuple[int, str, list[dict], bool]] = []
    known: dict[str, bool] = {}
    for scan in scans:
        band = settings.furniture_margin * scan.height
        lines = lines_of[scan.number]
        labelled: dict[int, bool] = {}

        def is_label(j: int) -> bool:
            if j not in labelled:
                labelled[j] = _labels(lines[j], settings, known)
            return labelled[j]

        small = settings.furniture_small_type * _usual_height(lines)
        for k, line in enumerate(lines):
            if min(map(_TOP, line)) > band and max(map(_BOTTOM, line)) < scan.height - band:
                continue
            if not _in_header(lines, k, band, is_label):       # a table header repeated on each page stays
                apart = _apart(lines, k)
                marginal.append((scan.number, "".join(map(_TEXT, line)), line, apart, apart and _height(line) < small))
    pages_of: dict[str, set[int]] = {}
    for number, text, *_ in marginal:
        pages_of.setdefault(re.sub(r"\d+", "#", text), set()).add(number)
    scanned = {s.number for s in scans if s.dpi}
    alike = _read_alike([(n, re.sub(r"\d+", "#", t)) for n, t, *_ in marginal if n in scanned], settings)
    found = [(number, line) for number, text, line, apart, small in marginal
             if small or (apart if _PAGE_NUMBER.match(text) else len(pages_of[key := re.sub(r"\d+", "#", text)]) >= 2
                          or (number, key) in alike)]
    return {id(c) for _, line in found + _placed(scans, lines_of, found, settings) for c in line}


def _placed(scans: list[PageScan], lines_of: dict[int, list[list[dict]]], found: list[tuple[int, list[dict]]],
            settings: Settings) -> list[tuple[int, list[dict]]]:
    """A page's last line, in its bottom margin as far from the foot as a footer found on another page
    and set smaller than `furniture_placed_type` of the page's usual type: that footer, read otherwise
    and set right under a table that runs down to it (k21-028: SATHETR tatdpians 14 盟 read into the
    table as a row, splitting the project above it across the page break)."""
    height = {s.number: s.height for s in scans}
    feet = [(n, height[n] - max(map(_BOTTOM, line)), height[n] - min(map(_TOP, line))) for n, line in found
            if min(map(_TOP, line)) > height[n] / 2]
    out = []
    for scan in scans:
        lines = lines_of[scan.number]
        if not lines or any(line is lines[-1] for n, line in found if n == scan.number):
            continue
        last = lines[-1]
        low, high = scan.height - max(map(_BOTTOM, last)), scan.height - min(map(_TOP, last))
        if high < settings.furniture_margin * scan.height and \
                _height(last) < settings.furniture_placed_type * _usual_height(lines) and \
                any(n != scan.number and min(high, b) - max(low, a) > 0 for n, a, b in feet):
            out.append((scan.number, last))
    return out


def _height(line: list[dict]) -> float:
    """A line's type height: its tallest character's."""
    return max(c["bottom"] - c["top"] for c in line)


def _usual_height(lines: list[list[dict]]) -> float:
    """A page's usual type height: its lines' median (0 for no lines)."""
    heights = sorted(map(_height, lines))
    return heights[len(heights) // 2] if heights else 0.0


def _read_alike(lines: list[tuple[int, str]], settings: Settings) -> set[tuple[int, str]]:
    """(page, text) of the scanned pages' margin lines that another page's margin line repeats as
    OCR reads it: a few characters apart (settings.furniture_similarity), at least
    settings.furniture_min_chars long (a running footer read 版式 on one page and 版 式 on the next)."""
    texts = [(n, t, "".join(t.split())) for n, t in dict.fromkeys(lines)]
    texts = [x for x in texts if len(x[2]) >= settings.furniture_min_chars]
    out = set()
    for i, (n, t, a) in enumerate(texts):
        for m, u, b in texts[i + 1:]:
            if m != n and fuzz.ratio(a, b, score_cutoff=settings.furniture_similarity):
                out |= {(n, t), (m, u)}
    return out


def _apart(lines: list[list[dict]], k: int) -> bool:
    """No line within a line's spacing above or below: a page number stands apart, a table cell's
    last line (the 3 of 2022-2023 at the foot of a page) does not."""
    return not (k > 0 and _stacked(lines[k - 1], lines[k])) and \
        not (k + 1 < len(lines) and _stacked(lines[k], lines[k + 1]))
