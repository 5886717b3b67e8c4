"""Open a PDF safely and read each page: body lines outside tables, and ruled table grids.

Bad files are refused here with one ExtractionError each (empty, not a PDF, encrypted,
corrupt, too long); a page that repeats an earlier one is dropped with a warning.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium

from extractors.errors import (CorruptPdfError, EmptyFileError, EncryptedPdfError, NotAPdfError,
                               TooManyPagesError)
from extractors.grid import Grid, build_grid, chars_to_text
from schemas.settings import Settings
from schemas.types import Line, Page

TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines",
                  "snap_tolerance": 3, "join_tolerance": 3, "intersection_tolerance": 3}


@dataclass
class PdfContent:
    pages: list[Page]
    grids: list[Grid]
    page_count: int
    warnings: list[str] = field(default_factory=list)


def check_pdf(path: Path, data: bytes, settings: Settings) -> int:
    """Refuse what is not a readable, unencrypted PDF; return its page count."""
    if not data:
        raise EmptyFileError(str(path))
    if b"%PDF-" not in data[:1024]:
        raise NotAPdfError(str(path), f"starts with {data[:8]!r}")
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise EncryptedPdfError(str(path)) from exc
        raise CorruptPdfError(str(path), msg) from exc
    try:
        n = len(doc)
    finally:
        doc.close()
    if n == 0:
        raise CorruptPdfError(str(path), "no pages")
    if n > settings.max_pages:
        raise TooManyPagesError(str(path), f"{n} pages > max_pages={settings.max_pages}")
    if b"/Encrypt" in data[-4096:] or b"/Encrypt" in data[:4096]:
        raise EncryptedPdfError(str(path), "encrypted even without a user password")
    return n


def read_pdf(path: Path, data: bytes, settings: Settings) -> PdfContent:
    """All pages of a checked PDF as body lines and table grids, duplicated pages removed."""
    n = check_pdf(path, data, settings)
    pages, grids, warnings, seen = [], [], [], {}
    try:
        with pdfplumber.open(path if path.exists() else _bytes_io(data)) as pdf:
            for number, page in enumerate(pdf.pages, start=1):
                chars = page.chars
                fp = hashlib.sha1("".join(f"{c['text']}{c['x0']:.0f}{c['top']:.0f}" for c in chars)
                                  .encode()).hexdigest()
                if chars and fp in seen:
                    warnings.append(f"{path}: page {number} repeats page {seen[fp]}; ignored")
                    continue
                seen[fp] = number
                page_grids = [build_grid(number, [c for c in t.cells], chars)
                              for t in page.find_tables(TABLE_SETTINGS)]
                page_grids = [g for g in page_grids if g.n_rows >= 2 and g.n_cols >= 3]
                grids += page_grids
                pages.append(Page(number, float(page.width), float(page.height),
                                  _lines(page, number, chars, page_grids, settings),
                                  "text_layer" if chars else "none", bool(page_grids)))
                page.flush_cache()
    except Exception as exc:  # pdfminer raises many types on damaged files
        raise CorruptPdfError(str(path), f"{type(exc).__name__}: {exc}") from exc
    return PdfContent(pages, grids, n, warnings)


def _bytes_io(data: bytes):
    import io
    return io.BytesIO(data)


def _lines(page, number: int, chars: list[dict], grids: list[Grid], settings: Settings) -> list[Line]:
    """Body text lines outside every table, top to bottom."""
    def outside(ch: dict) -> bool:
        cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        return not any(g.bbox[0] <= cx <= g.bbox[2] and g.bbox[1] <= cy <= g.bbox[3] for g in grids)

    body = [c for c in chars if outside(c) and c["text"].strip()]
    groups: list[list[dict]] = []
    for ch in sorted(body, key=lambda c: (round(c["top"]), c["x0"])):
        if groups and abs(ch["top"] - groups[-1][0]["top"]) <= settings.line_tolerance:
            groups[-1].append(ch)
        else:
            groups.append([ch])
    lines = []
    for g in groups:
        text = chars_to_text(g, settings.line_tolerance)
        lines.append(Line(text, number, min(c["x0"] for c in g), min(c["top"] for c in g),
                          max(c["x1"] for c in g), max(c["bottom"] for c in g),
                          max(c.get("size", 0) for c in g)))
    return lines
