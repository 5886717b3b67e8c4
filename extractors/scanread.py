"""Scanned pages read from their images: turned upright, straightened, OCR'd (or their text
layer checked against a fresh OCR of a strip), ruling lines found on the image.

Pages are read in parallel threads (`ocr_workers`), each holding the PDFium lock only to render.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pypdfium2 as pdfium

from extractors.limits import Deadline
from extractors.ocr import ocr_chars
from extractors.pdfpages import PDFIUM_LOCK, PageScan
from extractors.quality import bag_agreement
from extractors.raster import INK, deskew, lines_run_vertically, render_gray, ruling_lines, skew_angle
from schemas.settings import Settings

STRIP = (0.40, 0.55)     # band of a scanned page re-read to check its text layer


def read_images(data: bytes, scans: list[PageScan], settings: Settings, deadline: Deadline) -> None:
    """Render, deskew, find ruling lines and OCR the pages read from their images, in parallel
    threads; each page is rendered only when a thread takes it up, so at most `ocr_workers`
    page images exist at once. The deadline is checked before every step."""
    todo = [s for s in scans if s.dpi]
    if not todo:
        return
    with PDFIUM_LOCK:
        doc = pdfium.PdfDocument(data)
    try:
        _each(todo, settings, lambda scan: _read_page(doc, scan, settings, deadline))
    finally:
        with PDFIUM_LOCK:
            doc.close()


def _each(todo: list[PageScan], settings: Settings, one) -> None:
    """one(scan) for every page, `ocr_workers` at a time; the first failure cancels what has not started."""
    workers = settings.ocr_workers or os.cpu_count() or 1
    if workers == 1 or len(todo) == 1:
        for s in todo:
            one(s)
        return
    with ThreadPoolExecutor(max_workers=min(workers, len(todo)), thread_name_prefix="ocr") as pool:
        futures = [pool.submit(one, s) for s in todo]
        try:
            for f in futures:
                f.result()
        except BaseException:
            for f in futures:
                f.cancel()
            raise


def _read_page(doc, scan: PageScan, settings: Settings, deadline: Deadline) -> None:
    """One page from its image: its characters (OCR, or its layer if that agrees with a fresh
    OCR of a strip) and, when it has no vector rules, the ruling lines found on the image."""
    step = f"page {scan.number}"
    deadline.check(f"rendering {step}")
    with PDFIUM_LOCK:
        page = doc[scan.number - 1]
        try:
            img = render_gray(page, scan.dpi)
        finally:
            page.close()
    dpi = scan.dpi
    if scan.needs_ocr:
        img, turned = _upright(img, dpi, settings, deadline)
        if turned:
            scan.width, scan.height = scan.height, scan.width
            scan.notes.append(f"page {scan.number}: scanned a quarter turn off; read turned by {turned}°")
        deadline.check(f"OCR of {step}")
        img = _straight(img)
        scan.chars = ocr_chars(img, dpi, settings, deadline, f"OCR of {step}")
    else:
        deadline.check(f"checking the text layer of {step}")
        agreement = strip_agreement(img, scan.chars, dpi, settings, deadline)
        if agreement < settings.min_layer_agreement:
            scan.notes.append(f"page {scan.number}: text layer shares only {agreement:.0%} of its characters "
                              f"with a fresh OCR of the page (min_layer_agreement="
                              f"{settings.min_layer_agreement:.0%}); read again by OCR")
            deadline.check(f"OCR of {step}")
            img, scan.text_source = _straight(img), "ocr"
            scan.chars = ocr_chars(img, dpi, settings, deadline, f"OCR of {step}")
        elif abs(skew_angle(img)) >= 0.3:
            scan.notes.append(f"page {scan.number}: text layer over a tilted scan; table cells may be misread")
    if len(scan.edges) < 4:
        deadline.check(f"finding the ruling lines of {step}")
        scan.edges = ruling_lines(img, dpi)


def _upright(img: np.ndarray, dpi: int, settings: Settings, deadline: Deadline | None = None) -> tuple[np.ndarray, int]:
    """The page image turned so its text lines run across (a quarter turn either way is tried
    on a strip and the reading with more confident characters wins), and the turn in degrees."""
    if not lines_run_vertically(img):
        return img, 0

    def confidence(turned: np.ndarray) -> float:
        y0, y1 = _strip_rows(turned)
        strip = np.ascontiguousarray(turned[y0:y1])
        return sum(c.get("conf", 0.0) for c in ocr_chars(strip, dpi, settings, deadline, "turning a page upright"))
    left, right = np.ascontiguousarray(np.rot90(img, 1)), np.ascontiguousarray(np.rot90(img, 3))
    return (left, 90) if confidence(left) >= confidence(right) else (right, 270)


def _straight(img: np.ndarray) -> np.ndarray:
    angle = skew_angle(img)
    return deskew(img, angle) if abs(angle) >= 0.05 else img


def strip_agreement(img: np.ndarray, chars: list[dict], dpi: int, settings: Settings,
                    deadline: Deadline | None = None) -> float:
    """bag_agreement of the layer's characters and a fresh OCR of a band across the page
    (the band from 40% to 55% of its height, where body text or the table usually runs)."""
    y0, y1 = _strip_rows(img)
    fresh = ocr_chars(np.ascontiguousarray(img[y0:y1]), dpi, settings, deadline, "checking a text layer")
    scale = 72.0 / dpi
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
