"""Page furniture: page numbers and running headers or footers, which belong to no table and no paragraph."""
from __future__ import annotations

import re

from extractors.grid import group_lines
from extractors.pdfpages import PageScan
from normalizers.vocab import match_label
from schemas.settings import Settings

_PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*)?\d{1,3}(\s*页)?[-—–\s]*$|^第\s*\d+\s*页")


def _labels(line: list[dict], settings: Settings) -> bool:
    """True when the line holds a table header's field label (项目名称, 总投资 …)."""
    words, word, prev = [], "", None
    for c in line:
        if prev is not None and c["x0"] - prev["x1"] > 0.5 * (c.get("size") or 8):
            words.append(word)
            word = ""
        word += c["text"]
        prev = c
    return any(match_label(w)[1] >= settings.header_match_min and len(w) >= 2 for w in words + [word])


def furniture(scans: list[PageScan], settings: Settings) -> set[int]:
    """ids of the characters of furniture lines: in the top or bottom `furniture_margin` of their
    page, a page number, or a line whose text (digits aside) stands on two pages or more."""
    marginal: list[tuple[int, str, list[dict]]] = []
    for scan in scans:
        band = settings.furniture_margin * scan.height
        for line in group_lines([c for c in scan.chars if c["text"].strip()], settings.line_tolerance):
            if min(c["top"] for c in line) > band and max(c["bottom"] for c in line) < scan.height - band:
                continue
            text = "".join(c["text"] for c in line)
            if not _labels(line, settings):           # a table header repeated on each page stays
                marginal.append((scan.number, text, line))
    pages_of: dict[str, set[int]] = {}
    for number, text, _ in marginal:
        pages_of.setdefault(re.sub(r"\d+", "#", text), set()).add(number)
    return {id(c) for number, text, line in marginal
            if _PAGE_NUMBER.match(text) or len(pages_of[re.sub(r"\d+", "#", text)]) >= 2 for c in line}
