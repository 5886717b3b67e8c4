"""How trustworthy a page's text layer is, and which of its lines are noise.

Two measures: plausible characters (below), and agreement with a fresh OCR of a strip of
the page image (`bag_agreement`): a layer that read across table columns or lost characters
shares few of them with what the image shows.

A layer left by a weak OCR engine can be worse than none: on ruled tables such layers read
across columns, turn rules into `|` and fill in rare look-alike characters. The measure is
the share of characters a Chinese government text plausibly holds: GB2312 hanzi (the
6,763 characters of everyday print), ASCII, full-width forms and common punctuation.
"""
from __future__ import annotations

from collections import Counter
from functools import lru_cache

import numpy as np
import unicodedata

from extractors.grid import group_lines

GLYPH_EDGE = 0.15          # share of a character's box at either side a rule may touch (between glyphs)
RULE_INKED = 0.9           # share of the height round a line a column inked so far is a rule (a glyph's stroke stops)
THIN_INK = 0.12            # line heights: ink no wider alone in a gap, standing up through the line, is a rule's piece
UPRIGHT_COVER = 0.4        # ... inked over this share of the height round the line (a colon's dots, a comma are not)
RULE_MARKS = set("|¦│┃丨ǀ[]{}")
VERTICAL_MARKS = frozenset("|｜¦│┃ǀ")   # what an OCR engine makes of a table's vertical rules: never text
_EXTRA = set("·—–‐‑―…〔〕【】《》〈〉「」『』（）()“”‘’、。，；：！？％℃×÷±≤≥")


@lru_cache(maxsize=None)
def plausible(ch: str) -> bool:
    """A character that ordinary printed Chinese administrative text contains."""
    if ch in RULE_MARKS:
        return False
    if ch.isascii() or ch in _EXTRA:
        return True
    if unicodedata.category(ch).startswith("P") and ord(ch) < 0x3100:
        return True
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


def text_quality(text: str) -> float:
    """Share of plausible characters among the non-space ones (1.0 for empty text)."""
    chars = "".join(text.split())       # split() cuts at exactly the characters isspace() names
    if not chars:
        return 1.0
    return sum(map(plausible, chars)) / len(chars)


def layer_quality(chars: list[dict]) -> float:
    """text_quality of a page's text-layer characters."""
    return text_quality("".join(c["text"] for c in chars))


def rule_mark_share(chars: list[dict]) -> float:
    """Share of a layer's characters that are vertical bars: a layer that read a ruled table
    across its columns wrote the rules as `|` (0.0 for no characters)."""
    marks = sum(c["text"] in VERTICAL_MARKS for c in chars)
    return marks / len(chars) if chars else 0.0


def box_imprecision(chars: list[dict], line_tol: float) -> float:
    """Share of a layer's hanzi whose box width is more than a quarter off the median of its
    line: printed hanzi are one em wide, so a layer that spread each word over a rough word box
    (tesseract's) is imprecise, one placed glyph by glyph is not (0.0 for no hanzi)."""
    off = total = 0
    for line in group_lines(chars, line_tol):
        widths = [c["x1"] - c["x0"] for c in line if "\u4e00" <= c["text"] <= "\u9fff"]
        if len(widths) >= 3:
            mid = float(np.median(widths))
            off += sum(abs(w - mid) > 0.25 * mid for w in widths)
            total += len(widths)
    return off / total if total else 0.0


def joined_share(chars: list[dict], ink_cols, run_gap: float, line_tol: float) -> float:
    """Share of a layer's characters in runs an engine made of one box that joins two cells
    (rapidocr over a table): the run spans a blank stretch of the image wider than a line height,
    or one of its characters stands across a vertical rule or (a hanzi or digit) over no ink at
    all. A layer placed glyph by glyph leaves a rule between its characters, however close.
    `ink_cols(x0, top, x1, bottom)` gives, for a box in points, the share of each image column under
    it that is ink (or whether it holds any), the share inked from above the box to below it (a rule:
    RULE_INKED), and the image columns per point (0.0 for no characters)."""
    joined = total = 0
    for run, height in layer_runs([c for c in chars if not c["text"].isspace()], run_gap, line_tol):
        if len(run) < 2:
            continue
        x0 = min(c["x0"] for c in run)
        cover, through, per_pt = ink_cols(x0, min(c["top"] for c in run), max(c["x1"] for c in run),
                                          max(c["bottom"] for c in run))
        ink, rule = np.asarray(cover) > 0, np.asarray(through) >= RULE_INKED
        total += len(run)
        if _longest_blank(ink & ~rule, THIN_INK * height * per_pt, np.asarray(through) >= UPRIGHT_COVER) > height * per_pt:
            joined += len(run)
            continue
        for c in run:
            lo, hi = int((c["x0"] - x0) * per_pt), int((c["x1"] - x0) * per_pt)
            edge = int(GLYPH_EDGE * (hi - lo))
            middle = slice(lo + edge, max(lo + edge + 1, hi - edge))
            if rule[middle].any() or \
                    (c["text"].isdigit() or "\u4e00" <= c["text"] <= "\u9fff") and not ink[middle].any():
                joined += len(run)
                break
    return joined / total if total else 0.0


def _longest_blank(cols: np.ndarray, thin: float = 0.0, upright: np.ndarray | None = None) -> int:
    """Length of the longest stretch of False in a boolean row. With `thin`, also the longest
    stretch between ink at both ends whose runs of True inside are no longer than `thin` and, where
    `upright` is given, stand up through the line there (a broken rule's piece in the gap between
    two cells, k16-000; not a colon's two dots), whichever is longer."""
    if not len(cols) or cols.all():
        return 0
    edges = np.flatnonzero(np.diff(np.concatenate(([1], cols.astype(np.int8), [1]))))
    starts, ends = edges[::2], edges[1::2]          # the blank stretches [start, end)
    best = int(np.max(ends - starts))
    if thin <= 0:
        return best
    run_start = None
    for k in range(len(starts)):
        if starts[k] == 0 or ends[k] == len(cols):
            run_start = None
            continue
        piece = slice(ends[k - 1], starts[k]) if k else slice(0, 0)
        if run_start is None or starts[k] - ends[k - 1] > thin or upright is not None and not upright[piece].any():
            run_start = starts[k]                    # the ink before is a glyph: a new stretch begins
        best = max(best, int(ends[k] - run_start))
    return best


def layer_runs(chars: list[dict], run_gap: float, line_tol: float):
    """(run, line height) for each run of a line's characters closer than `run_gap` line heights."""
    for line in group_lines(chars, line_tol):
        height = max(c["bottom"] for c in line) - min(c["top"] for c in line)
        run: list[dict] = []
        for ch in line:
            if run and ch["x0"] - max(c["x1"] for c in run) > run_gap * height:
                yield run, height
                run = []
            run.append(ch)
        yield run, height


def _columned(chars: list[dict], run_gap: float, line_tol: float) -> list[tuple[list[dict], bool]]:
    """Text lines of three characters or more, each with whether it stands in three or more
    runs apart by over `run_gap` line heights (a table's row)."""
    out = []
    for line in group_lines(chars, line_tol):
        if len(line) >= 3:
            height = max(c["bottom"] for c in line) - min(c["top"] for c in line)
            runs = 1 + sum(b["x0"] - a["x1"] > run_gap * height for a, b in zip(line, line[1:]))
            out.append((line, runs >= 3))
    return out


def tabular_share(chars: list[dict], run_gap: float, line_tol: float) -> float:
    """Share of the text lines that are a table's rows (0.0 for no lines)."""
    lines = _columned(chars, run_gap, line_tol)
    return sum(row for _, row in lines) / len(lines) if lines else 0.0


def tabular_band(chars: list[dict], run_gap: float, line_tol: float, min_rows: int) -> tuple[float, float] | None:
    """(top, bottom) of the band from the first to the last line standing in columns, one line
    height more each way (a header line over them), or None with fewer than `min_rows` such lines."""
    rows = [line for line, row in _columned(chars, run_gap, line_tol) if row]
    if len(rows) < min_rows:
        return None
    top, bottom = min(c["top"] for c in rows[0]), max(c["bottom"] for c in rows[-1])
    pad = max(c["bottom"] - c["top"] for c in rows[0])
    return top - pad, bottom + pad


def title_bands(chars: list[dict], line_tol: float, ratio: float,
                outside: list[tuple[float, float, float, float]] = ()) -> list[tuple[float, float]]:
    """(top, bottom) of each run of lines set `ratio` times taller than the page's usual line
    (a title, a table's caption), from a quarter of its height above it down to the next line
    of usual type: an engine reads large type worst and may drop a title's wrapped line
    (k13-008). Lines inside the `outside` boxes (ruled tables) are not looked at."""
    lines = [ln for ln in group_lines(chars, line_tol) if not any(
        x0 <= (ln[0]["x0"] + ln[-1]["x1"]) / 2 <= x1 and top <= _middle(ln) <= bottom for x0, top, x1, bottom in outside)]
    heights = [(max(c["bottom"] for c in ln) - min(c["top"] for c in ln), len(ln)) for ln in lines]
    usual = _weighted_median([(h, n) for h, n in heights if n >= 3])
    if not usual:
        return []
    bands: list[tuple[float, float]] = []
    run: list[list[dict]] = []
    for ln, (h, n) in zip(lines + [[]], heights + [(0.0, 0)]):
        if n >= 2 and h >= ratio * usual:
            run.append(ln)
            continue
        if not run or (ln and _middle(ln) < max(c["bottom"] for c in run[-1])):
            continue        # a stray mark inside the run's lines
        big = max(c["bottom"] for c in run[0]) - min(c["top"] for c in run[0])
        last = max(c["bottom"] for c in run[-1])
        below = min(c["top"] for c in ln) if ln else last + big
        bands.append((min(c["top"] for c in run[0]) - big / 4, min(below, last + 2 * big)))
        run = []
    return bands


def _middle(line: list[dict]) -> float:
    """Half-way down a line's characters."""
    return (min(c["top"] for c in line) + max(c["bottom"] for c in line)) / 2


def _weighted_median(pairs: list[tuple[float, int]]) -> float:
    """The value below which half the weight lies (0.0 for none)."""
    total, seen = sum(w for _, w in pairs), 0
    for v, w in sorted(pairs):
        seen += w
        if 2 * seen >= total:
            return v
    return 0.0


def bag_agreement(layer: str, fresh: str) -> float:
    """Share of characters two readings of the same region have in common, order aside
    (1.0 when both are empty). Spaces do not count."""
    a = Counter(c for c in layer if not c.isspace())
    b = Counter(c for c in fresh if not c.isspace())
    if not a and not b:
        return 1.0
    return sum((a & b).values()) / max(sum(a.values()), sum(b.values()))
