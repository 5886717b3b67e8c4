"""What scanning does to a page image, one effect per function (numpy/PIL, seeded by the caller's rng).

Order as on paper and in the scanner: ruling lines as printed (faint, broken) -> a red seal stamped
over the print -> the next page showing through -> paper tint and uneven light -> the sheet tilted
on the glass -> optics (blur) -> sensor noise and specks -> colour mode (colour, grey, 1-bit).
"""
from __future__ import annotations

import math

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

SEAL_RED = np.array([205, 35, 40], dtype=np.float32)
SEAL_TEXT = "峨边彝族自治县发展和改革局"
BW_THRESHOLD = 165          # grey level under which a 1-bit scanner prints black


def rule_masks(rgb: np.ndarray, dpi: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixels of long straight dark runs: horizontal and vertical ruling lines (text strokes are shorter)."""
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    ink = (grey < 160).astype(np.uint8)
    length = max(20, int(dpi * 0.45))
    h = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, length), np.uint8))
    v = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((length, 1), np.uint8))
    grow = np.ones((3, 3), np.uint8)
    return cv2.dilate(h, grow).astype(bool), cv2.dilate(v, grow).astype(bool)


def gap_pattern(n: int, dpi: int, rng: np.random.Generator) -> np.ndarray:
    """Along a line: True where the ink is missing (gaps of 0.5-3 mm every 2-12 mm)."""
    out = np.zeros(n, dtype=bool)
    mm = dpi / 25.4
    x = int(rng.uniform(0, 12) * mm)
    while x < n:
        g = int(rng.uniform(0.5, 3.0) * mm)
        out[x:x + g] = True
        x += g + int(rng.uniform(2, 12) * mm)
    return out


def damage_rules(rgb: np.ndarray, dpi: int, how: str, rng: np.random.Generator) -> np.ndarray:
    """faint: rules printed at a quarter of their ink; broken: rules with gaps, the rest half-faded."""
    if how == "intact":
        return rgb
    h, v = rule_masks(rgb, dpi)
    mask = h | v
    if not mask.any():
        return rgb
    out = rgb.astype(np.float32)
    keep = 0.22 if how == "faint" else 0.6
    out[mask] = 255 - (255 - out[mask]) * keep
    if how == "broken":
        erase = (h & gap_pattern(rgb.shape[1], dpi, rng)[None, :]) | (v & gap_pattern(rgb.shape[0], dpi, rng)[:, None])
        out[erase] = 255
    return out.astype(np.uint8)


def seal_image(radius: int, font_path: str, text: str = SEAL_TEXT) -> np.ndarray:
    """A round official seal (ring, star, text around the top) as ink coverage 0..1."""
    size = 2 * radius + 4
    img = Image.new("L", (size, size), 0)
    d = ImageDraw.Draw(img)
    c = size / 2
    ring = max(3, radius // 18)
    d.ellipse((c - radius, c - radius, c + radius, c + radius), outline=255, width=ring)
    star = [(c + radius * 0.28 * (1 if k % 2 == 0 else 0.4) * math.cos(math.radians(-90 + 36 * k)),
             c + radius * 0.28 * (1 if k % 2 == 0 else 0.4) * math.sin(math.radians(-90 + 36 * k)))
            for k in range(10)]
    d.polygon(star, fill=255)
    font = ImageFont.truetype(font_path, max(8, int(radius * 0.26)))
    n = len(text)
    for k, ch in enumerate(text):
        ang = -210 + 240 * (k + 0.5) / n          # degrees, clockwise from the +x axis across the top
        r = radius * 0.74
        glyph = Image.new("L", (int(radius * 0.34),) * 2, 0)
        ImageDraw.Draw(glyph).text((glyph.width / 2, glyph.height / 2), ch, fill=255, font=font, anchor="mm")
        glyph = glyph.rotate(-(ang + 90), resample=Image.BICUBIC)
        x = c + r * math.cos(math.radians(ang)) - glyph.width / 2
        y = c + r * math.sin(math.radians(ang)) - glyph.height / 2
        img.paste(255, (int(x), int(y)), glyph)
    return np.asarray(img, dtype=np.float32) / 255.0


def stamp(rgb: np.ndarray, centre: tuple[int, int], cover: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Red ink multiplied over the print (black text stays black under it), unevenly inked."""
    out = rgb.astype(np.float32)
    ch, cw = cover.shape
    y0, x0 = centre[1] - ch // 2, centre[0] - cw // 2
    ys, xs = slice(max(0, y0), min(rgb.shape[0], y0 + ch)), slice(max(0, x0), min(rgb.shape[1], x0 + cw))
    part = cover[ys.start - y0: ys.stop - y0, xs.start - x0: xs.stop - x0]
    part = part * rng.uniform(0.55, 0.95, size=part.shape).astype(np.float32) ** 0.3
    tint = 1 - part[..., None] * (1 - SEAL_RED / 255.0)
    out[ys, xs] *= tint
    return out.astype(np.uint8)


def bleed_through(rgb: np.ndarray, back: np.ndarray, strength: float) -> np.ndarray:
    """The back (next) page, mirrored and soft, showing faintly through thin paper."""
    b = cv2.resize(back, (rgb.shape[1], rgb.shape[0]))[:, ::-1]
    b = cv2.GaussianBlur(b, (0, 0), 2.5).astype(np.float32)
    return (rgb.astype(np.float32) * (1 - strength * (1 - b / 255.0))).astype(np.uint8)


def paper(rgb: np.ndarray, kind: str, rng: np.random.Generator) -> np.ndarray:
    """Paper tint, and for `uneven` a light falling off across the sheet (lid not closed, curled sheet)."""
    out = rgb.astype(np.float32)
    tint = np.array([rng.uniform(243, 255), rng.uniform(241, 253), rng.uniform(236, 250)], np.float32) / 255
    if kind == "uneven":
        tint *= rng.uniform(0.9, 0.96)
        h, w = rgb.shape[:2]
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        ang = rng.uniform(0, 2 * math.pi)
        ramp = (xx / w - 0.5) * math.cos(ang) + (yy / h - 0.5) * math.sin(ang)
        light = 1 - rng.uniform(0.06, 0.14) * (ramp + 0.5)
        out *= light[..., None]
    return np.clip(out * tint, 0, 255).astype(np.uint8)


def tilt(img: Image.Image, degrees: float) -> Image.Image:
    """The sheet skewed on the glass; the uncovered corners are the lid's white."""
    if abs(degrees) < 1e-3:
        return img
    return img.rotate(degrees, resample=Image.BICUBIC, expand=False, fillcolor=(250, 250, 250))


def blur(img: Image.Image, radius: float) -> Image.Image:
    return img.filter(ImageFilter.GaussianBlur(radius)) if radius > 0 else img


def noise(img: Image.Image, sigma: float, rng: np.random.Generator) -> Image.Image:
    """Sensor noise plus dust specks."""
    a = np.asarray(img, dtype=np.float32)
    a = a + rng.normal(0, sigma, a.shape[:2])[..., None]
    specks = rng.random(a.shape[:2]) < 0.00005 * sigma
    a[specks] = rng.uniform(30, 120, (int(specks.sum()), 1))
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "RGB")


def colour_mode(img: Image.Image, mode: str) -> Image.Image:
    """colour (RGB), grey (L) or bw (1-bit, a fixed threshold as office scanners use)."""
    if mode == "colour":
        return img
    grey = img.convert("L")
    if mode == "grey":
        return grey
    return grey.point(lambda v: 255 if v >= BW_THRESHOLD else 0).convert("1")


def turn(img: Image.Image, degrees: int) -> Image.Image:
    """A sheet fed the wrong way round (degrees counter-clockwise)."""
    return img.rotate(degrees, expand=True) if degrees else img
