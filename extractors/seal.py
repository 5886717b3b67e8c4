"""Red seals (印章) lifted off a colour scan before it is read.

A seal stamped over a table hides its text and rules in a grey rendering (red ink is as dark
as print there). On a page whose image is in colour, a low-resolution probe finds the red
blobs the size and shape of a seal (a red letterhead or rule is wide and short: it stays);
inside each, red pixels are replaced by their red channel (raised to the paper's level), so
the black print under the seal is all that is left dark. Pages without a colour image, or
without a seal, keep their grey rendering unchanged.
"""
from __future__ import annotations

import ctypes
from dataclasses import dataclass

import cv2
import numpy as np
import pypdfium2.raw as pdfium_raw

from extractors.pdfpages import PageScan, page_objects
from extractors.raster import components
from schemas.settings import Settings

PROBE_DPI = 36            # resolution of the colour probe: a 40 mm seal is ~57 px across
RING_DPI = 50             # resolution a grey page is looked at for a seal's ring
RING_INK = 160            # ... a pixel darker than this (blurred) is ink
RING_BAND_MM = 0.8        # ... the ring looked for this far in and out of the circle found
RING_STEPS = 180          # ... at this many points round it
JOIN_MM = 3.0             # red marks this close are one blob (a seal's ring, star and letters)
PAD_MM = 2.0              # margin lifted around a seal's red
MIN_RED_PX = 20           # a probe with fewer red pixels holds no seal
MAX_GAIN = 1.5            # the red channel of seal ink is raised to the paper's level by at most this


@dataclass(frozen=True)
class Seal:
    """A seal found on a page: its box in points (x0, top, x1, bottom; top-left origin)."""
    x0: float
    top: float
    x1: float
    bottom: float


def has_colour_image(page) -> bool:
    """True when an image on the page may hold colour (24-bit or a palette); grey and 1-bit
    scans answer False from the images' metadata, nothing decoded."""
    _, images = page_objects(page)
    meta = pdfium_raw.FPDF_IMAGEOBJ_METADATA()
    for obj in images:
        if not pdfium_raw.FPDFImageObj_GetImageMetadata(obj, page.raw, ctypes.byref(meta)):
            return True       # unreadable metadata: let the probe decide
        if meta.bits_per_pixel > 8 or meta.colorspace == pdfium_raw.FPDF_COLORSPACE_INDEXED:
            return True
    return False


def render_rgb(page, dpi: float, crop: tuple[float, float, float, float] = (0, 0, 0, 0)) -> np.ndarray:
    """The page (or a `crop`: points cut off left, bottom, right, top) as an RGB image (call
    under the PDFium lock)."""
    return page.render(scale=dpi / 72, rev_byteorder=True, crop=crop).to_numpy()[..., :3]


def redness(rgb: np.ndarray) -> np.ndarray:
    """How far red stands above green and blue (int16): ~0 for black, grey and white, high for red ink."""
    a = rgb.astype(np.int16)
    return a[..., 0] - np.maximum(a[..., 1], a[..., 2])


def find_seals(rgb: np.ndarray, dpi: float, settings: Settings) -> list[Seal]:
    """Red blobs of a seal's size (seal_min_mm to seal_max_mm across, at most seal_max_aspect
    times longer than high or high than long) on an RGB image at `dpi`."""
    red = (redness(rgb) > settings.seal_red_margin).astype(np.uint8)
    if int(red.sum()) < MIN_RED_PX:
        return []
    px_mm = dpi / 25.4
    join = max(1, round(JOIN_MM * px_mm))
    blobs = cv2.morphologyEx(red, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (join, join)))
    n, stats = components(blobs)
    scale = 72.0 / dpi
    seals = []
    for x, y, w, h, _ in stats[1:n]:
        wide, high = w / px_mm, h / px_mm
        if settings.seal_min_mm <= min(wide, high) and max(wide, high) <= settings.seal_max_mm \
                and max(wide, high) <= settings.seal_max_aspect * min(wide, high):
            seals.append(Seal(float(x * scale), float(y * scale), float((x + w) * scale), float((y + h) * scale)))
    return seals


def whitened(grey: np.ndarray, rgb: np.ndarray, margin: int) -> np.ndarray:
    """`grey` with its red pixels replaced by their red channel raised to the paper's level
    (blended in from margin/2 to margin of redness): red ink turns to paper, black print under
    it stays dark, pixels that are not red are left as they are."""
    r = redness(rgb).astype(np.float32)
    weight = np.clip((r - margin / 2) / (margin / 2), 0.0, 1.0)
    red_ch = rgb[..., 0].astype(np.float32)
    plain, inked = red_ch[weight == 0], red_ch[weight == 1]
    gain = 1.0
    if plain.size and inked.size:
        gain = float(np.clip(np.median(plain) / max(np.median(inked), 1.0), 1.0, MAX_GAIN))
    lifted = np.minimum(red_ch * gain, 255.0)
    return np.rint(grey * (1 - weight) + lifted * weight).astype(np.uint8)


def lift_seals(page, img: np.ndarray, dpi: int, settings: Settings) -> tuple[np.ndarray, list[Seal]]:
    """The grey page image `img` (rendered at `dpi`) with every seal's red ink whitened, and
    the seals lifted; `img` itself when the page has no colour image or no seal (call under
    the PDFium lock)."""
    if not settings.lift_seals or not has_colour_image(page):
        return img, []
    seals = find_seals(render_rgb(page, PROBE_DPI), PROBE_DPI, settings)
    if not seals:
        return img, []
    out = img.copy()
    width, height = page.get_size()
    scale, pad = dpi / 72, PAD_MM / 25.4 * 72
    for s in seals:
        x0, top = max(0.0, s.x0 - pad), max(0.0, s.top - pad)
        x1, bottom = min(width, s.x1 + pad), min(height, s.bottom + pad)
        crop = (x0, height - bottom, width - x1, top)
        rgb = render_rgb(page, dpi, crop)
        left, upper = int(np.ceil(x0 * scale)), int(np.ceil(top * scale))   # where pypdfium2 puts the crop
        h, w = min(rgb.shape[0], out.shape[0] - upper), min(rgb.shape[1], out.shape[1] - left)
        part = out[upper:upper + h, left:left + w]
        part[...] = whitened(part, rgb[:h, :w], settings.seal_red_margin)
    return out, seals


def lifted(page, img: np.ndarray, scan: PageScan, settings: Settings) -> np.ndarray:
    """The scanned page's grey image with its seals lifted (lift_seals), noted in scan.notes
    (call under the PDFium lock)."""
    img, seals = lift_seals(page, img, scan.dpi, settings)
    if seals:
        scan.notes.append(seal_note(scan.number, seals))
    return img


def seal_note(number: int, seals: list[Seal]) -> str:
    """The page's note for the seals lifted."""
    sizes = ", ".join(f"{(s.x1 - s.x0) * 25.4 / 72:.0f}×{(s.bottom - s.top) * 25.4 / 72:.0f} mm" for s in seals)
    return (f"page {number}: {len(seals)} red seal{'s' if len(seals) > 1 else ''} ({sizes}) lifted off the "
            f"colour scan before reading (red ink whitened, the print under it kept)")


def ring_seals(img: np.ndarray, dpi: int, settings: Settings) -> list[Seal]:
    """Seals stamped in black or grey (a grey or 1-bit scan of a red seal) on a page image at `dpi`:
    circles ring_seal_min_mm to ring_seal_max_mm across (Hough) inked round at least ring_seal_cover
    of their circumference. What is read under one is in doubt (k7-021, k7-032: a name's start and a
    leader lost under a seal, unflagged)."""
    scale = RING_DPI / dpi
    small = cv2.GaussianBlur(cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), (5, 5), 1.5)
    px_mm = RING_DPI / 25.4
    rmin, rmax = int(settings.ring_seal_min_mm / 2 * px_mm), int(settings.ring_seal_max_mm / 2 * px_mm) + 1
    found = cv2.HoughCircles(small, cv2.HOUGH_GRADIENT, dp=1, minDist=2 * rmin, param1=80, param2=30,
                             minRadius=rmin, maxRadius=rmax)
    if found is None:
        return []
    ink = small < RING_INK
    angles = np.linspace(0, 2 * np.pi, RING_STEPS, endpoint=False)
    band = np.linspace(-RING_BAND_MM * px_mm, RING_BAND_MM * px_mm, 5)
    to_pt = 72.0 / RING_DPI
    seals = []
    for x, y, r in found[0]:
        radii = r + band[:, None]
        xs = np.rint(x + radii * np.cos(angles)).astype(int)
        ys = np.rint(y + radii * np.sin(angles)).astype(int)
        inside = (xs >= 0) & (ys >= 0) & (xs < ink.shape[1]) & (ys < ink.shape[0])
        hit = np.zeros_like(inside)
        hit[inside] = ink[ys[inside], xs[inside]]
        if hit.any(axis=0).mean() >= settings.ring_seal_cover:
            seals.append(Seal(float((x - r) * to_pt), float((y - r) * to_pt), float((x + r) * to_pt), float((y + r) * to_pt)))
    return seals
