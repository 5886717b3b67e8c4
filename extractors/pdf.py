"""Open a PDF safely and read each page: body lines outside tables, and ruled table grids.

Bad files are refused here with one ExtractionError each (empty, not a PDF, encrypted,
corrupt, too long); a page that repeats an earlier one is dropped with a warning.
"""
from __future__ import annotations

import ctypes
import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from pdfplumber.table import TableFinder, TableSettings

from extractors.errors import (CorruptPdfError, EmptyFileError, EncryptedPdfError, NotAPdfError,
                               TooManyPagesError)
from extractors.grid import Grid, build_grid, chars_to_text
from schemas.settings import Settings
from schemas.types import Line, Page

# PDFium is not thread-safe: every use of it in this process goes through this lock
# (flows run documents in a thread pool; concurrent pdfium calls crash the process).
PDFIUM_LOCK = threading.RLock()

TABLE_SETTINGS = {"snap_tolerance": 3, "join_tolerance": 3, "intersection_tolerance": 3}


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
        with PDFIUM_LOCK:
            doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise EncryptedPdfError(str(path)) from exc
        raise CorruptPdfError(str(path), msg) from exc
    with PDFIUM_LOCK:
        n = len(doc)
        doc.close()
    if n == 0:
        raise CorruptPdfError(str(path), "no pages")
    if n > settings.max_pages:
        raise TooManyPagesError(str(path), f"{n} pages > max_pages={settings.max_pages}")
    if b"/Encrypt" in data[-4096:] or b"/Encrypt" in data[:4096]:
        raise EncryptedPdfError(str(path), "encrypted even without a user password")
    return n


def read_pdf(path: Path, data: bytes, settings: Settings) -> PdfContent:
    """All pages of a checked PDF as body lines and table grids, duplicated pages removed.

    pypdfium2 reads characters and ruling-line segments (fast, in C); pdfplumber's
    table finder turns those lines, handed over as explicit edges, into cells.
    """
    n = check_pdf(path, data, settings)
    with PDFIUM_LOCK:
        return _read_pages(path, data, n, settings)


def _read_pages(path: Path, data: bytes, n: int, settings: Settings) -> PdfContent:
    pages, grids, warnings, seen = [], [], [], {}
    try:
        doc = pdfium.PdfDocument(data)
        with pdfplumber.open(_bytes_io(data)) as plumb:
            for number in range(1, n + 1):
                page = doc[number - 1]
                width, height = page.get_size()
                chars = page_chars(page, height)
                fp = hashlib.sha1("".join(f"{c['text']}{c['x0']:.0f}{c['top']:.0f}" for c in chars)
                                  .encode()).hexdigest()
                if chars and fp in seen:
                    warnings.append(f"{path}: page {number} repeats page {seen[fp]}; ignored")
                    continue
                seen[fp] = number
                page_grids = find_grids(plumb.pages[number - 1], number, page_edges(page, height), chars)
                grids += page_grids
                pages.append(Page(number, float(width), float(height),
                                  _lines(number, chars, page_grids, settings),
                                  "text_layer" if chars else "none"))
                page.close()
        doc.close()
    except Exception as exc:  # pdfium and pdfminer raise many types on damaged files
        raise CorruptPdfError(str(path), f"{type(exc).__name__}: {exc}") from exc
    return PdfContent(pages, grids, n, warnings)


def _bytes_io(data: bytes):
    import io
    return io.BytesIO(data)


def page_chars(page, height: float) -> list[dict]:
    """Characters of the page's text layer with boxes in top-left coordinates (pdfplumber's convention)."""
    tp = page.get_textpage()
    out = []
    for i in range(tp.count_chars()):
        text = tp.get_text_range(i, 1).replace("\ufffe", "-")   # pdfium marks a line-end hyphen so
        if not text.strip():
            continue
        left, bottom, right, top = tp.get_charbox(i, loose=True)
        out.append({"text": text, "x0": left, "x1": right, "top": height - top, "bottom": height - bottom,
                    "size": pdfium_raw.FPDFText_GetFontSize(tp.raw, i)})
    tp.close()
    return out


def page_edges(page, height: float) -> list[dict]:
    """Straight horizontal and vertical segments of the page's vector paths, as pdfplumber line dicts."""
    x, y = ctypes.c_float(), ctypes.c_float()
    edges: list[dict] = []
    for obj in page.get_objects(filter=(pdfium_raw.FPDF_PAGEOBJ_PATH,)):
        m = obj.get_matrix()
        points, start = [], None
        for j in range(pdfium_raw.FPDFPath_CountSegments(obj.raw)):
            seg = pdfium_raw.FPDFPath_GetPathSegment(obj.raw, j)
            pdfium_raw.FPDFPathSegment_GetPoint(seg, x, y)
            px, py = m.a * x.value + m.c * y.value + m.e, m.b * x.value + m.d * y.value + m.f
            kind = pdfium_raw.FPDFPathSegment_GetType(seg)
            if kind == pdfium_raw.FPDF_SEGMENT_MOVETO:
                start = (px, py)
            elif kind == pdfium_raw.FPDF_SEGMENT_LINETO and points:
                edges += _segment(points[-1], (px, py), height)
            if kind == pdfium_raw.FPDF_SEGMENT_LINETO and pdfium_raw.FPDFPathSegment_GetClose(seg) and start:
                edges += _segment((px, py), start, height)
            points.append((px, py))
    return edges


def _segment(a: tuple[float, float], b: tuple[float, float], height: float) -> list[dict]:
    (x0, y0), (x1, y1) = a, b
    if abs(y0 - y1) < 1.0 and abs(x1 - x0) > 2:
        top = height - (y0 + y1) / 2
        return [{"object_type": "line", "x0": min(x0, x1), "x1": max(x0, x1), "top": top, "bottom": top,
                 "width": abs(x1 - x0), "height": 0.0}]
    if abs(x0 - x1) < 1.0 and abs(y1 - y0) > 2:
        x = (x0 + x1) / 2
        return [{"object_type": "line", "x0": x, "x1": x, "top": height - max(y0, y1),
                 "bottom": height - min(y0, y1), "width": 0.0, "height": abs(y1 - y0)}]
    return []


def find_grids(plumb_page, number: int, edges: list[dict], chars: list[dict]) -> list[Grid]:
    """pdfplumber's table finder over explicit ruling lines → grids with text placed in cells."""
    v = [e for e in edges if e["height"] > 0]
    h = [e for e in edges if e["width"] > 0]
    if len(v) < 2 or len(h) < 2:
        return []
    settings = {**TABLE_SETTINGS, "vertical_strategy": "explicit", "horizontal_strategy": "explicit",
                "explicit_vertical_lines": v, "explicit_horizontal_lines": h}
    tables = TableFinder(plumb_page, TableSettings.resolve(settings)).tables
    grids = [build_grid(number, list(t.cells), chars) for t in tables]
    return [g for g in grids if g.n_rows >= 2 and g.n_cols >= 3]


def _lines(number: int, chars: list[dict], grids: list[Grid], settings: Settings) -> list[Line]:
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
