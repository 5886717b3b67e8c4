"""A narrow column's label wrapped line by line (帮扶 | 资金 | （万 | 元）), which the OCR detector boxes as
one tall box and the recogniser then reads turned, as one wrong character, cut into its lines first;
so too a wide box holding two close lines of a cell, which the recogniser reads as one."""
from __future__ import annotations

import math

import numpy as np

from extractors.raster import INK, VALLEY_SHARE

STACK_BAND_WIDE = 1.3    # a box taller than wide whose ink bands are this much wider than high is a stacked label
STACK_PAD = 0.25         # ... each band's box padded by this share of its height (the detector's unclip)
STACK_EDGE_SHARE = 0.6   # ... a band at its top or bottom this much lower than the tallest is a neighbour's
STACK_THIN_SHARE = 0.3   # ... a band this much lower than the tallest is a stroke of the line beside it
STACK_GLYPH_GAP = 0.15   # ... a column with this share of a band's most inked one stands between two characters
WIDE_LINES = 1.6        # a box wider than tall is cut only when this many times as high as the page's usual line box
STACK_TURN_RATIO = 1.5   # ... rapidocr reads a box this many times taller than wide turned; two lines of which
                         #     one is a lone character are cut from such a box only


def split_stacked(boxes: np.ndarray, scores: list[float], grey: np.ndarray) -> tuple[np.ndarray, list[float]]:
    """(boxes, scores) with each box taller than wide that holds several lines set close, each wider
    than high (a narrow column's label wrapped line by line: 帮扶 | 资金 | （万 | 元）), cut into one box
    per line. The detector takes such a stack for one line; the recogniser then reads it turned, as a
    line running down the page, and gives one wrong character (k3-056). A line that does run down
    (a turned page's) has bands a character wide and is left whole; a band the detector also boxed
    on its own is not read twice (k2-016). A box wider than tall and WIDE_LINES line boxes high holds
    a cell's two lines the detector ran together (2027年9 | 月25日前, k8-035): cut the same way."""
    out, kept = [], []
    rects = [_rect(b) for b in boxes]
    heights = [r[3] - r[1] for r in rects if r[3] - r[1] <= r[2] - r[0]]
    line = float(np.median(heights)) if heights else 0.0       # a line's box on this page
    for k, (box, score) in enumerate(zip(boxes, scores)):
        r = rects[k]
        wide = r[3] - r[1] <= r[2] - r[0]
        bands = [] if wide and r[3] - r[1] < WIDE_LINES * line else _stack_bands(box, grey)
        bands = [b for b in bands if not any(j != k and _covered(_rect(b), r) for j, r in enumerate(rects))]
        out += bands or [box]
        kept += [score] * (len(bands) or 1)
    if len(out) == len(boxes):
        return boxes, scores
    return np.asarray(out, dtype=np.float32), kept


def _rect(box) -> tuple[float, float, float, float]:
    return float(np.min(box[:, 0])), float(np.min(box[:, 1])), float(np.max(box[:, 0])), float(np.max(box[:, 1]))


def _covered(band: tuple, other: tuple) -> bool:
    """Half of the band or more lies in the other box (a line the detector also boxed on its own)."""
    w = min(band[2], other[2]) - max(band[0], other[0])
    h = min(band[3], other[3]) - max(band[1], other[1])
    area = (band[2] - band[0]) * (band[3] - band[1])
    return w > 0 and h > 0 and w * h >= 0.5 * area > 0


def _stack_bands(box, grey: np.ndarray) -> list[np.ndarray]:
    """The line boxes of a stacked label in `box` (see split_stacked); [] for any other box."""
    x0, y0 = max(0, int(np.min(box[:, 0]))), max(0, int(np.min(box[:, 1])))
    x1, y1 = min(grey.shape[1], int(math.ceil(np.max(box[:, 0])))), min(grey.shape[0], int(math.ceil(np.max(box[:, 1]))))
    if x1 <= x0:
        return []
    ink = grey[y0:y1, x0:x1] < INK
    counts = ink.sum(axis=1)
    if not counts.any():
        return []
    full = counts > VALLEY_SHARE * counts.max()
    edges = np.flatnonzero(np.diff(np.concatenate(([0], full.astype(np.int8), [0]))))
    runs = _thin_runs_joined(list(zip(edges[::2], edges[1::2])))     # [start, end) of each inked band
    tall = max(b - a for a, b in runs)
    wide = y1 - y0 <= x1 - x0
    while runs and runs[0][1] - runs[0][0] < STACK_EDGE_SHARE * tall:    # a neighbour line reaching
        runs.pop(0)                                                      # into the box's padding
    while runs and runs[-1][1] - runs[-1][0] < STACK_EDGE_SHARE * tall:
        runs.pop()
    if len(runs) < 2:
        return []
    gaps = [c - b for (_, b), (c, _) in zip(runs, runs[1:])]
    if any(g > min(b - a, d - c) for g, (a, b), (c, d) in zip(gaps, runs, runs[1:])):
        return []          # strokes of one character (二, 三, 工) stand further apart than they are thick
    widths = [np.ptp(np.flatnonzero(ink[a:b].any(axis=0))) + 1 for a, b in runs]
    if sum(w >= STACK_BAND_WIDE * (b - a) for w, (a, b) in zip(widths, runs)) < len(runs) - 1:
        return []
    if y1 - y0 > x1 - x0 and len(runs) == 2 and y1 - y0 < STACK_TURN_RATIO * (x1 - x0) \
            and not all(_between_glyphs(ink[a:b]) for a, b in runs):
        return []          # a lone character by a line, in a box the recogniser reads as it lies (a
                           # name cell's 孙德 | 贵), stays whole: read alone it is often lost or misread
    out = []
    for a, b in runs:
        pad = STACK_PAD * (b - a)
        top, bottom = y0 + a - pad, y0 + b + pad
        left, right = x0, x1
        if wide:                 # as wide as its own ink: a line the detector boxed apart is seen covered
            cols = np.flatnonzero(ink[a:b].any(axis=0))
            left, right = x0 + cols[0] - pad, x0 + cols[-1] + 1 + pad
        out.append(np.array([[left, top], [right, top], [right, bottom], [left, bottom]], dtype=np.float32))
    return out


def _between_glyphs(ink: np.ndarray) -> bool:
    """A band holds two characters or more: across the middle half of its ink some column is nearly
    blank (the space between characters). A lone character (贵) has strokes all across."""
    cols = ink.sum(axis=0)
    inked = np.flatnonzero(cols)
    if inked.size == 0:
        return False
    lo, hi = inked[0], inked[-1] + 1
    middle = cols[lo + (hi - lo) // 4: hi - (hi - lo) // 4]
    return middle.size > 0 and middle.min() <= STACK_GLYPH_GAP * cols.max()


def _thin_runs_joined(runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Ink bands with each one under STACK_THIN_SHARE of the tallest joined to its nearer neighbour
    (a lone horizontal stroke: the top of 万 or of a bracket stands apart from its line)."""
    tall = max(b - a for a, b in runs)
    out = list(runs)
    k = 0
    while k < len(out) and len(out) > 1:
        a, b = out[k]
        if b - a >= STACK_THIN_SHARE * tall:
            k += 1
            continue
        up = a - out[k - 1][1] if k > 0 else None
        down = out[k + 1][0] - b if k + 1 < len(out) else None
        if down is not None and (up is None or down < up):
            out[k:k + 2] = [(a, out[k + 1][1])]
        else:
            out[k - 1:k + 1] = [(out[k - 1][0], b)]
            k -= 1
    return out
