"""Ink in a scanned table's cells that no character read covers: a glyph the OCR lost.

A scan's cell whose reading lost a character (吴德 for 吴德贵, a content's last line, 岩乡 for
金岩乡) reads like a whole value, and nothing else points to it. The page image's pieces of ink
(raster.ink_blobs) that lie inside a cell, away from its rules, and mostly outside every
character's box are counted there, in square points; a cell with a glyph's worth of them is in
doubt (Settings.unread_ink_pt2).
"""
from __future__ import annotations

import numpy as np

from extractors.grid import Grid
from schemas.settings import Settings

RULE_MARGIN_PT = 1.5      # ink this near a cell's edge is its rules' (or a neighbour's)
COVERED_SHARE = 0.5       # a piece of ink this much inside characters' boxes is read
LINE_SLACK = 0.5          # ... each box grown up and down by this share of its height (a line's next is further)
RULE_PIECE_PT = 1.5       # a piece of ink this thin or thinner, three times as long, is a rule's (a dash of one)


def mark_unread(grids: list[Grid], blobs: np.ndarray | None, chars: list[dict], settings: Settings) -> None:
    """Each cell's `unread`: the ink pieces wholly inside it (RULE_MARGIN_PT in from its edges), not a
    rule's thin dash, less than half inside the characters' boxes grown by unread_char_margin points,
    add up to unread_ink_pt2 square points or more."""
    if blobs is None or not len(blobs) or not grids:
        return
    w, h = blobs[:, 2] - blobs[:, 0], blobs[:, 3] - blobs[:, 1]
    dash = (np.minimum(w, h) <= RULE_PIECE_PT) & (np.maximum(w, h) >= 3 * np.minimum(w, h))
    lost = blobs[~dash & ~_covered(blobs, chars, settings.unread_char_margin)]
    x0, top, x1, bottom, area = (lost[:, k] for k in range(5))
    for g in grids:
        for cell in g.cells:
            cx0, ctop, cx1, cbottom = cell.bbox
            inside = (x0 >= cx0 + RULE_MARGIN_PT) & (x1 <= cx1 - RULE_MARGIN_PT) & \
                (top >= ctop + RULE_MARGIN_PT) & (bottom <= cbottom - RULE_MARGIN_PT)
            cell.unread = float(area[inside].sum()) >= settings.unread_ink_pt2


def _covered(blobs: np.ndarray, chars: list[dict], margin: float) -> np.ndarray:
    """Which ink pieces lie at least COVERED_SHARE inside the characters' boxes (grown by `margin`, and
    by LINE_SLACK of their height up and down): a blur joins two glyphs into one piece whose middle
    falls between their boxes (县委, k8-034)."""
    if not chars:
        return np.zeros(len(blobs), dtype=bool)
    boxes = np.array([(c["x0"], c["top"], c["x1"], c["bottom"]) for c in chars], dtype=np.float32)
    slack = LINE_SLACK * (boxes[:, 3] - boxes[:, 1])      # an OCR box may miss a glyph's lower half (合会, k8-034)
    boxes[:, 0] -= margin
    boxes[:, 2] += margin
    boxes[:, 1] -= margin + slack
    boxes[:, 3] += margin + slack
    area = np.maximum((blobs[:, 2] - blobs[:, 0]) * (blobs[:, 3] - blobs[:, 1]), 1e-6)
    out = np.zeros(len(blobs), dtype=bool)
    for lo in range(0, len(blobs), 512):           # pieces x characters, a block at a time (memory)
        b = blobs[lo:lo + 512, None, :4]
        w = np.minimum(b[..., 2], boxes[None, :, 2]) - np.maximum(b[..., 0], boxes[None, :, 0])
        h = np.minimum(b[..., 3], boxes[None, :, 3]) - np.maximum(b[..., 1], boxes[None, :, 1])
        inside = (np.clip(w, 0, None) * np.clip(h, 0, None)).sum(axis=1)
        out[lo:lo + 512] = inside >= COVERED_SHARE * area[lo:lo + 512]
    return out
