"""Reading pages with pypdfium2 (C, fast): text-layer characters, vector ruling lines, how much
of a page one image covers, and the first pass over every page (which pages are scans).

PDFium is not thread-safe: every call into it in this process holds PDFIUM_LOCK.
"""
from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from extractors.limits import Deadline, check_page_memory, page_pixels, render_dpi
from extractors.quality import layer_quality
from schemas.settings import Settings

# flows run documents in a thread pool; concurrent pdfium calls crash the process
PDFIUM_LOCK = threading.RLock()

SCAN_IMAGE_SHARE = 0.5   # a page whose largest image covers this much of it is a scan
IMAGE_BYTES_PER_PIXEL = 3  # an embedded image decoded (colour; grey and 1-bit take less)


@dataclass
class PageScan:
    """One page as first read: its layer characters, vector rules, and for scans the dpi its
    image is read at (0: the page is read from its text layer alone)."""
    number: int
    width: float
    height: float
    chars: list[dict]
    edges: list[dict]
    dpi: int = 0
    needs_ocr: bool = False
    text_source: str = "text_layer"
    notes: list[str] = field(default_factory=list)


def scan_pages(path, data: bytes, n: int, settings: Settings, deadline: Deadline) -> list[PageScan]:
    """Characters and rules of every page, and which pages are read from their images and at
    what dpi (checked against the pixel and memory limits before anything is rendered).
    Call under the PDFium lock."""
    doc = pdfium.PdfDocument(data)
    scans = []
    try:
        for number in range(1, n + 1):
            deadline.check(f"page {number}")
            page = doc[number - 1]
            try:
                scans.append(_scan_page(path, page, number, settings))
            finally:
                page.close()
    finally:
        doc.close()
    return scans


def _scan_page(path, page, number: int, settings: Settings) -> PageScan:
    width, height = page.get_size()
    chars, edges = page_chars(page, height), page_edges(page, height)
    scan = PageScan(number, float(width), float(height), chars, edges)
    share, image_bytes = page_images(page, width, height)
    has_image = share >= SCAN_IMAGE_SHARE
    quality = layer_quality(chars)
    if has_image and (not chars or quality < settings.min_layer_quality):
        scan.needs_ocr, scan.text_source = True, "ocr"
        if chars:
            scan.notes.append(f"page {number}: text layer has only {quality:.0%} plausible characters "
                              f"(min_layer_quality={settings.min_layer_quality:.0%}); read again by OCR")
    if has_image and (scan.needs_ocr or len(edges) < 4):
        scan.dpi, note = render_dpi(path, number, scan.width, scan.height, settings)
        check_page_memory(path, number, image_bytes, page_pixels(scan.width, scan.height, scan.dpi), settings)
        scan.notes += [note] if note else []
    scan.text_source = scan.text_source if (chars or scan.needs_ocr) else "none"
    return scan


def page_images(page, width: float, height: float) -> tuple[float, int]:
    """Share of the page covered by its largest image, and the bytes its images take decoded
    (from their pixel sizes, nothing decoded). A scan is one image over the page; a seal or
    logo on a born-digital page is small and does not make it a scan."""
    best, decoded = 0.0, 0
    for obj in page.get_objects(filter=(pdfium_raw.FPDF_PAGEOBJ_IMAGE,)):
        left, bottom, right, top = obj.get_bounds()
        best = max(best, max(0.0, right - left) * max(0.0, top - bottom) / (width * height))
        w, h = obj.get_px_size()
        decoded += w * h * IMAGE_BYTES_PER_PIXEL
    return best, decoded


def page_chars(page, height: float) -> list[dict]:
    """Characters of the page's text layer with boxes in top-left coordinates (pdfplumber's convention)."""
    tp = page.get_textpage()
    out = []
    ox, oy = ctypes.c_double(), ctypes.c_double()
    clips: dict = {}
    for i in range(tp.count_chars()):
        text = tp.get_text_range(i, 1).replace("\ufffe", "-")   # pdfium marks a line-end hyphen so
        if not text.strip():
            continue
        left, bottom, right, top = tp.get_charbox(i, loose=True)
        if _clipped_out(tp.raw, i, (left + right) / 2, (bottom + top) / 2, clips):
            continue
        pdfium_raw.FPDFText_GetCharOrigin(tp.raw, i, ctypes.byref(ox), ctypes.byref(oy))
        out.append({"text": text, "x0": left, "x1": right, "top": height - top, "bottom": height - bottom,
                    "size": pdfium_raw.FPDFText_GetFontSize(tp.raw, i), "baseline": height - oy.value})
    tp.close()
    return out


def _clipped_out(textpage, i: int, x: float, y: float, clips: dict) -> bool:
    """The character's centre lies outside its text object's clip path: drawn but never shown (a
    fixed-height table cell cuts its overflow off), so it is not read. `clips` caches each object's
    clip box; a clip of several paths is taken at the box of them all, which only ever keeps more."""
    obj = pdfium_raw.FPDFText_GetTextObject(textpage, i)
    if not obj:
        return False
    key = ctypes.cast(obj, ctypes.c_void_p).value
    if key not in clips:
        clips[key] = _clip_box(obj)
    box = clips[key]
    return box is not None and not (box[0] - 1 <= x <= box[2] + 1 and box[1] - 1 <= y <= box[3] + 1)


def _clip_box(obj) -> tuple[float, float, float, float] | None:
    """(left, bottom, right, top) of a page object's clip path in page space, or None if unclipped."""
    clip = pdfium_raw.FPDFPageObj_GetClipPath(obj)
    if not clip:
        return None
    x, y = ctypes.c_float(), ctypes.c_float()
    xs, ys = [], []
    for p in range(pdfium_raw.FPDFClipPath_CountPaths(clip)):
        for k in range(pdfium_raw.FPDFClipPath_CountPathSegments(clip, p)):
            pdfium_raw.FPDFPathSegment_GetPoint(pdfium_raw.FPDFClipPath_GetPathSegment(clip, p, k), x, y)
            xs.append(x.value)
            ys.append(y.value)
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


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
