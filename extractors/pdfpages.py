"""Reading pages with pypdfium2 (C, fast): text-layer characters, vector ruling lines, how much
of a page one image covers, and the first pass over every page (which pages are scans).

PDFium is not thread-safe: every call into it in this process holds PDFIUM_LOCK.
"""
from __future__ import annotations

import ctypes
import struct
import threading
from dataclasses import dataclass, field

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from extractors.limits import Deadline, check_page_memory, page_pixels, render_dpi
from extractors.quality import layer_quality
from schemas.settings import Settings

# flows run documents in a thread pool; concurrent pdfium calls crash the process
PDFIUM_LOCK = threading.RLock()

SCAN_IMAGE_SHARE = 0.5   # a page whose largest image covers this much of it is a scan
IMAGE_BYTES_PER_PIXEL = 3  # an embedded image decoded (colour; grey and 1-bit take less)
MAX_FORM_DEPTH = 15      # form XObjects nested deeper are not looked into (pypdfium2's get_objects default)


def _direct(fn, restype, *argtypes):
    """A pdfium function called as directly as ctypes allows: with no argtypes, no per-argument
    checks (callers pass only ctypes handles, byref() buffers and ints for int parameters), and
    the GIL kept (a call of a few µs; pdfium runs under PDFIUM_LOCK, one call at a time, anyway):
    releasing and taking it back again cost more than most of these calls."""
    return ctypes.PYFUNCTYPE(restype, *argtypes)(ctypes.cast(fn, ctypes.c_void_p).value)


def _bare(fn):
    return _direct(fn, fn.restype)


_TEXT_INDEX, _LOOSE_BOX, _FONT_SIZE = map(_bare, (
    pdfium_raw.FPDFText_GetTextIndexFromCharIndex, pdfium_raw.FPDFText_GetLooseCharBox,
    pdfium_raw.FPDFText_GetFontSize))
_ORIGIN = _direct(pdfium_raw.FPDFText_GetCharOrigin, None)     # found or not is not used: no result converted
_CHAR_MATRIX = _direct(pdfium_raw.FPDFText_GetMatrix, None)
_SEGMENTS, _SEGMENT, _POINT, _KIND, _CLOSES = map(_bare, (
    pdfium_raw.FPDFPath_CountSegments, pdfium_raw.FPDFPath_GetPathSegment, pdfium_raw.FPDFPathSegment_GetPoint,
    pdfium_raw.FPDFPathSegment_GetType, pdfium_raw.FPDFPathSegment_GetClose))


# the text object of a character, as its address (an int, or None): the key of its font size and clip box
_TEXT_OBJECT = _direct(pdfium_raw.FPDFText_GetTextObject, ctypes.c_void_p)
_CLIP_PATH, _CLIP_PATHS, _CLIP_SEGMENTS, _CLIP_SEGMENT, _CLIP_POINT = (
    _direct(fn, restype, *args) for fn, restype, *args in (
        (pdfium_raw.FPDFPageObj_GetClipPath, ctypes.c_void_p, ctypes.c_void_p),
        (pdfium_raw.FPDFClipPath_CountPaths, ctypes.c_int, ctypes.c_void_p),
        (pdfium_raw.FPDFClipPath_CountPathSegments, ctypes.c_int, ctypes.c_void_p, ctypes.c_int),
        (pdfium_raw.FPDFClipPath_GetPathSegment, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_int),
        (pdfium_raw.FPDFPathSegment_GetPoint, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)))
_PAGE_COUNT, _FORM_COUNT, _MATRIX = map(_bare, (
    pdfium_raw.FPDFPage_CountObjects, pdfium_raw.FPDFFormObj_CountObjects, pdfium_raw.FPDFPageObj_GetMatrix))
# page objects as addresses (ints, to be looked up among the text objects read); the kind of one
# asked by a typed call (a bare one would cut an int argument to 32 bits)
_PAGE_OBJECT_AT, _FORM_OBJECT_AT = (_direct(fn, ctypes.c_void_p)
                                    for fn in (pdfium_raw.FPDFPage_GetObject, pdfium_raw.FPDFFormObj_GetObject))
_KIND_AT = _direct(pdfium_raw.FPDFPageObj_GetType, ctypes.c_int, ctypes.c_void_p)

_KIND_TEXT, _KIND_UNKNOWN, _KIND_PATH, _KIND_IMAGE, _KIND_FORM = (
    pdfium_raw.FPDF_PAGEOBJ_TEXT, pdfium_raw.FPDF_PAGEOBJ_UNKNOWN, pdfium_raw.FPDF_PAGEOBJ_PATH,
    pdfium_raw.FPDF_PAGEOBJ_IMAGE, pdfium_raw.FPDF_PAGEOBJ_FORM)


@dataclass
class PageScan:
    """One page as first read: its layer characters (none blank: a blank one is left out), vector
    rules, and for scans the dpi its image is read at (0: the page is read from its text layer alone)."""
    number: int
    width: float
    height: float
    chars: list[dict]
    edges: list[dict]
    dpi: int = 0
    needs_ocr: bool = False
    text_source: str = "text_layer"
    notes: list[str] = field(default_factory=list)
    broken_edges: list[list[dict]] = field(default_factory=list)   # a scan's rules joined from dashes where its
    # whole rules draw no table, strictly then also along straight lines (raster.dashed_rules): tried in turn
    # when those give no grid under a header (pieces of a broken grid pass for rules, k6-034; a tight one, k11-010)
    seals: list = field(default_factory=list)     # seals stamped in black or grey (seal.ring_seals): what is under one is in doubt
    blobs: np.ndarray | None = None     # a scan's pieces of ink (raster.ink_blobs), for the ink its reading lost (extractors.unread)


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
    text_objects: dict = {}
    chars = page_chars(page, height, text_objects)
    paths, images = page_objects(page, text_objects)
    edges = page_edges(paths, height)
    scan = PageScan(number, float(width), float(height), chars, edges)
    share, image_bytes = page_images(images, width, height)
    has_image = share >= SCAN_IMAGE_SHARE
    quality = layer_quality(chars) if has_image and chars else 1.0     # only a page with an image can be a scan
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


def page_objects(page, skip=(), max_depth: int = MAX_FORM_DEPTH) -> tuple[list, list]:
    """Raw handles of the page's path and image objects, in content order, form XObjects
    descended into (what pypdfium2's page.get_objects yields, without a helper per object).
    `skip`: addresses of objects known to be text (page_chars' `objects`), passed over unasked."""
    paths: list = []
    images: list = []

    def walk(count: int, get, parent, level: int) -> None:
        if count < 0:
            raise pdfium.PdfiumError("Failed to get number of pageobjects.")
        for i in range(count):
            addr = get(parent, i)
            if not addr:
                raise pdfium.PdfiumError("Failed to get pageobject.")
            if addr in skip:
                continue
            kind = _KIND_AT(addr)
            if kind == _KIND_TEXT:            # nothing to keep
                continue
            if kind == _KIND_UNKNOWN:
                raise pdfium.PdfiumError("Failed to determine pageobject type, did you pass in a valid "
                                         "FPDF_PAGEOBJECT handle?")
            if kind == _KIND_PATH:
                paths.append(ctypes.cast(addr, pdfium_raw.FPDF_PAGEOBJECT))
            elif kind == _KIND_IMAGE:
                images.append(ctypes.cast(addr, pdfium_raw.FPDF_PAGEOBJECT))
            elif kind == _KIND_FORM and level < max_depth - 1:
                form = ctypes.c_void_p(addr)
                walk(_FORM_COUNT(form), _FORM_OBJECT_AT, form, level + 1)

    walk(_PAGE_COUNT(page.raw), _PAGE_OBJECT_AT, page.raw, 0)
    return paths, images


def page_images(images: list, width: float, height: float) -> tuple[float, int]:
    """Share of the page covered by its largest image, and the bytes its images take decoded
    (from their pixel sizes, nothing decoded). A scan is one image over the page; a seal or
    logo on a born-digital page is small and does not make it a scan."""
    best, decoded = 0.0, 0
    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    w, h = ctypes.c_uint(), ctypes.c_uint()
    for obj in images:
        if not pdfium_raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            raise pdfium.PdfiumError("Failed to locate pageobject.")
        area = max(0.0, right.value - left.value) * max(0.0, top.value - bottom.value)
        best = max(best, area / (width * height))
        if not pdfium_raw.FPDFImageObj_GetImagePixelSize(obj, w, h):
            raise pdfium.PdfiumError("Failed to get image size.")
        decoded += w.value * h.value * IMAGE_BYTES_PER_PIXEL
    return best, decoded


def page_chars(page, height: float, objects: dict | None = None) -> list[dict]:
    """Characters of the page's text layer with boxes in top-left coordinates (pdfplumber's convention).
    `objects`, when given, gets the address of each text object they were read from."""
    tp = page.get_textpage()
    out = _text_chars(tp, height, {} if objects is None else objects)
    tp.close()
    return out


def _text_chars(tp, height: float, objects: dict) -> list[dict]:
    """page_chars of one text page by raw pdfium calls: each character's text as
    tp.get_text_range(i, 1) gives it, its loose box, origin, font size and, for a run written
    along a slant (an OCR layer whose engine fitted a sloping baseline, k7-027), the slope;
    characters clipped out of view left out. `objects`: text object address → (font size,
    clip box, slope), filled."""
    raw = tp.raw
    rect, origin, matrix = pdfium_raw.FS_RECTF(), (ctypes.c_double * 2)(), pdfium_raw.FS_MATRIX()
    p_rect, p_ox, p_oy, p_matrix = ctypes.byref(rect), ctypes.byref(origin), ctypes.byref(origin, 8), \
        ctypes.byref(matrix)
    out, clips = [], {}
    for i, text in _char_texts(tp, tp.count_chars()):
        if text.isspace():
            continue
        if not _LOOSE_BOX(raw, i, p_rect):
            tp.get_charbox(i, loose=True)     # raises pypdfium2's error
        left, top, right, bottom = _RECT(rect)
        key = _TEXT_OBJECT(raw, i)
        if key:                               # font size, clip box and slope are the text object's
            known = objects.get(key)
            if known is None:
                known = objects[key] = (_FONT_SIZE(raw, i), _clip_box(key, clips), _slope(raw, i, matrix, p_matrix))
            size, box, slope = known
            if box is not None and _outside(box, (left + right) / 2, (bottom + top) / 2):
                continue
        else:
            size, slope = _FONT_SIZE(raw, i), _slope(raw, i, matrix, p_matrix)
        _ORIGIN(raw, i, p_ox, p_oy)
        char = {"text": "-" if text == "\ufffe" else text, "x0": left, "x1": right, "top": height - top,
                "bottom": height - bottom, "size": size, "baseline": height - origin[1]}
        if slope:
            char["slope"] = slope
        out.append(char)
    return out


def _slope(raw, i: int, matrix, p_matrix) -> float:
    """How far a character's baseline falls, down the page, per point to the right (top-left
    coordinates; 0 for level text): the text matrix's b/a for text turned less than 45°. Text
    turned further (set down the page) is left as pdfium places it."""
    _CHAR_MATRIX(raw, i, p_matrix)
    a, b = matrix.a, matrix.b
    return -b / a if abs(b) < abs(a) else 0.0


_RECT = struct.Struct("4f").unpack_from      # FS_RECTF: left, top, right, bottom


def _char_texts(tp, n: int):
    """(index, text) of each character in the page's text, the text as tp.get_text_range(i, 1)
    gives it (pdfium's line-end hyphen mark \ufffe left for the caller): from the page's text
    read once where the characters are in step with it, else asked character by character."""
    whole, first, straight = _page_text(tp, n)
    if straight:
        return zip(straight, whole)
    return _texts_one_by_one(tp, n, whole, first)


def _texts_one_by_one(tp, n: int, whole: str, first: int):
    last = first + len(whole) - 1
    for i in range(n):
        t = _TEXT_INDEX(tp.raw, i)
        if t == -1:                           # a character left out of the text: no text
            continue
        if first <= t <= last:
            yield i, whole[t - first]
        else:
            text = tp.get_text_range(i, 1).replace("\ufffe", "-")
            if text.strip():
                yield i, text


def _page_text(tp, n: int) -> tuple[str, int, range | None]:
    """(the page's text, the text index of its first character, the character indexes whose
    text index is first + (i - start)): what tp.get_text_range(i, 1) gives for a character at
    text index t is text[t - first]. ("", 0, None) where that does not hold (a character
    outside the Basic Multilingual Plane, a text longer than asked). Text indexes rise by one
    for each character in the text, so where the first and last characters in it are as many
    characters apart as text positions, every character between is in it, in step; the
    characters outside that range are in no text (None: text indexes are asked one by one)."""
    i0 = next((i for i in range(n) if _TEXT_INDEX(tp.raw, i) != -1), -1)
    if i0 == -1:
        return "", 0, None
    i1 = next(i for i in range(n - 1, -1, -1) if _TEXT_INDEX(tp.raw, i) != -1)
    first, last = _TEXT_INDEX(tp.raw, i0), _TEXT_INDEX(tp.raw, i1)
    if last < first:
        return "", 0, None
    size = last - first + 1
    buf = (ctypes.c_ushort * (size + 1))()
    got = pdfium_raw.FPDFText_GetText(tp.raw, 0, n, buf)
    try:                                      # a surrogate, paired or not, fails or shortens the text
        text = ctypes.string_at(buf, 2 * size).decode("utf-16-le")
    except UnicodeDecodeError:
        return "", 0, None
    if got != size + 1 or len(text) != size:
        return "", 0, None
    return text, first, range(i0, i1 + 1) if i1 - i0 == last - first else None


def _outside(box: tuple[float, float, float, float], x: float, y: float) -> bool:
    """A character centred at (x, y) lies outside its text object's clip box: drawn but never
    shown (a fixed-height table cell cuts its overflow off), so it is not read. A clip of several
    paths is taken at the box of them all, which only ever keeps more."""
    return not (box[0] - 1 <= x <= box[2] + 1 and box[1] - 1 <= y <= box[3] + 1)


def _clip_box(obj: int, boxes: dict) -> tuple[float, float, float, float] | None:
    """(left, bottom, right, top) of a page object's clip path in page space, or None if unclipped.
    The objects drawn in one graphics state share their clip's paths (pdfium hands out each
    segment as its place in the shared path), so a clip is known by the place of each of its
    paths' first segment and read once per page into `boxes`; paths alive with the page keep
    their places, so two clips at the same places are the same clip."""
    clip = _CLIP_PATH(obj)
    if not clip:
        return None
    n = _CLIP_PATHS(clip)
    if n <= 0:                                # no clip path (-1: none set)
        return None
    key = tuple([_CLIP_SEGMENT(clip, p, 0) for p in range(n)])
    if key not in boxes:
        boxes[key] = _read_clip(clip, n)
    return boxes[key]


def _read_clip(clip: int, n: int) -> tuple[float, float, float, float] | None:
    """The box of every point of a clip's n paths, or None without points."""
    x, y = ctypes.c_float(), ctypes.c_float()
    p_x, p_y = ctypes.byref(x), ctypes.byref(y)
    xs, ys = [], []
    for p in range(n):
        for k in range(_CLIP_SEGMENTS(clip, p)):
            _CLIP_POINT(_CLIP_SEGMENT(clip, p, k), p_x, p_y)
            xs.append(x.value)
            ys.append(y.value)
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def page_edges(paths: list, height: float) -> list[dict]:
    """Straight horizontal and vertical segments of the page's vector paths, as pdfplumber line dicts."""
    x, y = ctypes.c_float(), ctypes.c_float()
    p_x, p_y = ctypes.byref(x), ctypes.byref(y)
    m = pdfium_raw.FS_MATRIX()
    p_m = ctypes.byref(m)
    moveto, lineto = pdfium_raw.FPDF_SEGMENT_MOVETO, pdfium_raw.FPDF_SEGMENT_LINETO
    edges: list[dict] = []
    for obj in paths:
        if not _MATRIX(obj, p_m):
            raise pdfium.PdfiumError("Failed to get matrix of pageobject.")
        a, b, c, d, e, f = m.a, m.b, m.c, m.d, m.e, m.f
        points, start = [], None
        for j in range(_SEGMENTS(obj)):
            seg = _SEGMENT(obj, j)
            _POINT(seg, p_x, p_y)
            px, py = a * x.value + c * y.value + e, b * x.value + d * y.value + f
            kind = _KIND(seg)
            if kind == moveto:
                start = (px, py)
            elif kind == lineto and points:
                edges += _segment(points[-1], (px, py), height)
            if kind == lineto and _CLOSES(seg) and start:
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
