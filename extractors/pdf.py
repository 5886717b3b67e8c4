"""Open a PDF safely and read each page: body lines outside tables, and ruled table grids.

Bad files are refused here with one ExtractionError each (empty, not a PDF, encrypted,
corrupt, too long); a page that repeats an earlier one is dropped with a warning.
"""
from __future__ import annotations

import ctypes
import hashlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from extractors.errors import (CorruptPdfError, EmptyFileError, EncryptedPdfError, ExtractionError,
                               NotAPdfError, TooManyPagesError)
from extractors.grid import Grid, chars_to_text
from extractors.ocr import ocr_chars, snap_sizes
from extractors.quality import bag_agreement, layer_quality, text_quality
from extractors.tablefind import find_grids
from extractors.raster import INK, deskew, lines_run_vertically, render_gray, ruling_lines, skew_angle
from schemas.settings import Settings
from schemas.types import Line, Page

# PDFium is not thread-safe: every use of it in this process goes through this lock
# (flows run documents in a thread pool; concurrent pdfium calls crash the process).
PDFIUM_LOCK = threading.RLock()

STRIP = (0.40, 0.55)     # band of a scanned page re-read to check its text layer
SCAN_IMAGE_SHARE = 0.5   # a page whose largest image covers this much of it is a scan


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

    pypdfium2 reads characters and ruling-line segments (fast, in C); a scanned page (an
    image with no usable text layer) is read by OCR, and its ruling lines are found on the
    image. pdfplumber's table finder turns the lines, handed over as explicit edges, into cells.
    """
    n = check_pdf(path, data, settings)
    try:
        with PDFIUM_LOCK:
            scans = _scan_pages(data, n, settings)
        _read_images(path, scans, settings)
        return _assemble(path, data, n, scans, settings)
    except ExtractionError:
        raise
    except Exception as exc:  # pdfium and pdfminer raise many types on damaged files
        raise CorruptPdfError(str(path), f"{type(exc).__name__}: {exc}") from exc


@dataclass
class PageScan:
    """One page as first read: its layer characters, vector rules and, for scans, its image."""
    number: int
    width: float
    height: float
    chars: list[dict]
    edges: list[dict]
    image: np.ndarray | None = None
    needs_ocr: bool = False
    text_source: str = "text_layer"
    notes: list[str] = field(default_factory=list)


def _scan_pages(data: bytes, n: int, settings: Settings) -> list[PageScan]:
    """Characters, rules and (for image pages) a rendering of every page; under the PDFium lock."""
    doc = pdfium.PdfDocument(data)
    scans = []
    for number in range(1, n + 1):
        page = doc[number - 1]
        width, height = page.get_size()
        chars, edges = page_chars(page, height), page_edges(page, height)
        scan = PageScan(number, float(width), float(height), chars, edges)
        has_image = page_image_share(page, width, height) >= SCAN_IMAGE_SHARE
        quality = layer_quality(chars)
        if has_image and (not chars or quality < settings.min_layer_quality):
            scan.needs_ocr, scan.text_source = True, "ocr"
            if chars:
                scan.notes.append(f"page {number}: text layer has only {quality:.0%} plausible characters "
                                  f"(min_layer_quality={settings.min_layer_quality:.0%}); read again by OCR")
        if has_image and (scan.needs_ocr or len(edges) < 4):
            scan.image = render_gray(page, settings.ocr_dpi)
        scan.text_source = scan.text_source if (chars or scan.needs_ocr) else "none"
        scans.append(scan)
        page.close()
    doc.close()
    return scans


def page_image_share(page, width: float, height: float) -> float:
    """Share of the page covered by its largest image: a scan is one image over the page;
    a seal or logo on a born-digital page is small and does not make it a scan."""
    best = 0.0
    for obj in page.get_objects(filter=(pdfium_raw.FPDF_PAGEOBJ_IMAGE,)):
        left, bottom, right, top = obj.get_bounds()
        best = max(best, max(0.0, right - left) * max(0.0, top - bottom) / (width * height))
    return best


def _read_images(path: Path, scans: list[PageScan], settings: Settings) -> None:
    """Deskew, find ruling lines and OCR the scanned pages, in parallel threads (outside the lock)."""
    todo = [s for s in scans if s.image is not None]
    if not todo:
        return

    def one(scan: PageScan) -> None:
        img = scan.image
        if scan.needs_ocr:
            img, turned = _upright(img, settings)
            if turned:
                scan.width, scan.height = scan.height, scan.width
                scan.notes.append(f"page {scan.number}: scanned a quarter turn off; read turned by {turned}°")
            img = _straight(img)
            scan.chars = ocr_chars(img, settings.ocr_dpi, settings)
        else:
            agreement = strip_agreement(img, scan.chars, settings)
            if agreement < settings.min_layer_agreement:
                scan.notes.append(f"page {scan.number}: text layer shares only {agreement:.0%} of its characters "
                                  f"with a fresh OCR of the page (min_layer_agreement="
                                  f"{settings.min_layer_agreement:.0%}); read again by OCR")
                img, scan.text_source = _straight(img), "ocr"
                scan.chars = ocr_chars(img, settings.ocr_dpi, settings)
            elif abs(skew_angle(img)) >= 0.3:
                scan.notes.append(f"page {scan.number}: text layer over a tilted scan; table cells may be misread")
        if len(scan.edges) < 4:
            scan.edges = ruling_lines(img, settings.ocr_dpi)
        scan.image = None

    workers = settings.ocr_workers or os.cpu_count() or 1
    if workers == 1 or len(todo) == 1:
        for s in todo:
            one(s)
    else:
        with ThreadPoolExecutor(max_workers=min(workers, len(todo)), thread_name_prefix="ocr") as pool:
            list(pool.map(one, todo))


def _upright(img: np.ndarray, settings: Settings) -> tuple[np.ndarray, int]:
    """The page image turned so its text lines run across (a quarter turn either way is tried
    on a strip and the reading with more confident characters wins), and the turn in degrees."""
    if not lines_run_vertically(img):
        return img, 0

    def confidence(turned: np.ndarray) -> float:
        y0, y1 = _strip_rows(turned)
        strip = np.ascontiguousarray(turned[y0:y1])
        return sum(c.get("conf", 0.0) for c in ocr_chars(strip, settings.ocr_dpi, settings))
    left, right = np.ascontiguousarray(np.rot90(img, 1)), np.ascontiguousarray(np.rot90(img, 3))
    return (left, 90) if confidence(left) >= confidence(right) else (right, 270)


def _straight(img: np.ndarray) -> np.ndarray:
    angle = skew_angle(img)
    return deskew(img, angle) if abs(angle) >= 0.05 else img


def strip_agreement(img: np.ndarray, chars: list[dict], settings: Settings) -> float:
    """bag_agreement of the layer's characters and a fresh OCR of a band across the page
    (the band from 40% to 55% of its height, where body text or the table usually runs)."""
    y0, y1 = _strip_rows(img)
    fresh = ocr_chars(np.ascontiguousarray(img[y0:y1]), settings.ocr_dpi, settings)
    scale = 72.0 / settings.ocr_dpi
    inside = [c for c in chars if y0 * scale <= (c["top"] + c["bottom"]) / 2 <= y1 * scale]
    return bag_agreement("".join(c["text"] for c in inside), "".join(c["text"] for c in fresh))


def _strip_rows(img: np.ndarray) -> tuple[int, int]:
    """First and last row of the STRIP band, each moved to a gap between text lines."""
    h = img.shape[0]
    return _quiet_row(img, int(h * STRIP[0])), _quiet_row(img, int(h * STRIP[1]))


def _quiet_row(img: np.ndarray, y: int) -> int:
    """The row near y with the least ink, so the strip cuts between text lines, not through them."""
    h = img.shape[0]
    lo, hi = max(0, y - h // 25), min(h, y + h // 25)
    ink = (img[lo:hi] < INK).sum(axis=1)
    return lo + int(np.argmin(ink))


def _assemble(path: Path, data: bytes, n: int, scans: list[PageScan], settings: Settings) -> PdfContent:
    pages, grids, warnings, seen = [], [], [], {}
    with pdfplumber.open(_bytes_io(data)) as plumb:
        for scan in scans:
            warnings += [f"{path}: {note}" for note in scan.notes]
            chars = scan.chars
            fp = hashlib.sha1("".join(f"{c['text']}{c['x0']:.0f}{c['top']:.0f}" for c in chars)
                              .encode()).hexdigest()
            if chars and fp in seen:
                warnings.append(f"{path}: page {scan.number} repeats page {seen[fp]}; ignored")
                continue
            seen[fp] = scan.number
            page_grids = find_grids(plumb.pages[scan.number - 1], scan.number, scan.edges, chars)
            grids += page_grids
            lines, dropped = drop_noise(_lines(scan.number, chars, page_grids, settings), settings)
            warnings += [f"{path}: page {scan.number}: dropped a line of noise: {ln.text[:30]!r}" for ln in dropped]
            pages.append(Page(scan.number, scan.width, scan.height, lines, scan.text_source))
    ocr_lines = snap_sizes([ln for p in pages if p.text_source == "ocr" for ln in p.lines])
    for p in pages:
        if p.text_source == "ocr":
            p.lines, ocr_lines = ocr_lines[:len(p.lines)], ocr_lines[len(p.lines):]
    return PdfContent(pages, grids, n, warnings)


def drop_noise(lines: list[Line], settings: Settings) -> tuple[list[Line], list[Line]]:
    """(kept, dropped): a line with few plausible characters is OCR noise (a garbled letterhead)."""
    kept = [ln for ln in lines if text_quality(ln.text) >= settings.noise_line_quality]
    return kept, [ln for ln in lines if text_quality(ln.text) < settings.noise_line_quality]


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
