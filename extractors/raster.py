"""Page images: render, measure and undo tilt, find the ruling lines of a scanned table.

Pure numpy / OpenCV functions on a grey image (uint8, 0 = ink); coordinates come back in
PDF points with the top-left origin, as pdfplumber edge dicts, so a scanned page's table
goes through the same TableFinder as a born-digital one.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right

import cv2
import numpy as np

from extractors.segments import hline, vline

MIN_RULE_PT = 18.0          # a horizontal rule is at least this long (longer than a glyph stroke)
OFF_PLUMB_PT = 100.0        # a rule down the page this long may lean a pixel or two over its length (no glyph stroke is)
MIN_VERTICAL_RULE_PT = 8.0  # a vertical one may be one text line high (between merged cells)
MAX_RULE_THICKNESS_PT = 1.5   # table rules are hairlines; glyph strokes of titles are thicker
CROSS_TOLERANCE_PT = 3.0
BROKEN_MIN_PT = 6.0         # a piece of a rule printed broken is at least this long
BROKEN_GAP_PT = 12.0        # ... pieces this far apart or less, in one line, are one rule
BROKEN_DOWN_GAP_PT = 40.0   # ... a rule down the page, a row's height apart at most (k2-014)
BROKEN_COVER = 0.4          # ... the pieces covering this share of it at least (a column of 1s does not)
BROKEN_ACROSS_PT = 1.0      # ... standing this close across it
BROKEN_PIECES = 3           # ... when there are this many of them
BROKEN_SPAN_PT = 100.0      # ... over at least this length
BROKEN_NEAR_PT, BROKEN_FAR_PT = 1.0, 3.0   # ... with the paper this far off either side of it
BROKEN_CLEAR = 0.05         # ... inked on one side in at most this share of it (a glyph's stroke has its glyph beside it)
BROKEN_STRAIGHT_PT = 0.3    # ... or its pieces this close to one straight line (glyph strokes scatter by points)
BROKEN_CLEAR_STRAIGHT = 0.25   # ... and then inked on one side in at most this share (text set tight against it, k11-010)
BROKEN_SCATTER_PT = 1.0     # ... never pieces further off one line than this (a column of glyph strokes, k11-010)
BROKEN_REACH_PT = BROKEN_GAP_PT + BROKEN_MIN_PT   # a rule's end drawn on this far to the rule it meets, past no text
BROKEN_SPANNING = 2         # ... or, inked on one side in more, as long as this many sure ones, end to end
BROKEN_JOIN_PT = 30.0       # two such rules (or short straight runs) along one line this far apart or less are one
                            # (a dash too short to count lost between two gaps, k11-010); less than a 序号 column
RULE_FILL = 0.9             # a rule's rows are inked across this share of its run (a seal's ring beside it is not)
MAX_STROKE_PT = 17.0        # a hanzi stroke (or two, over wrapped lines) in table type is shorter than this
NEAR_SKEW = 2.0             # degrees: the tilt of most scans, searched first
SKEW_TIE_SHARE = 0.02       # another peak of the profile score this close to the best is a rival tilt ...
SKEW_RIVAL_DEG = 0.3        # ... when this far from it; the one with the sharper line edges wins (k14-025)
INK = 170                   # grey level below which a pixel is ink
FAINT_INK = 215             # ... and below which it may be a faint rule (looked for when no rule is at INK)
STROKE_RULE_SHARE = 0.1     # a faint "rule" under this share of the widest one long may be a glyph's stroke ...
STROKED_SHARE = 0.3         # ... and over this share of them such: glyph strokes got in
FAINT_CONTRAST = 40         # ... and darker by this many grey levels than the paper beside it (a rule stands out)
VALLEY_SHARE = 0.08         # rows of ink under this share of a band's inkiest row part two lines set close
MIN_TABLE_PT = 100.0        # a table is at least this wide (and a quarter of it high)
LONE_RULE_PT = 300.0        # a horizontal rule this long stands without verticals (三线表, a header rule)
TABLE_RULE_SHARE = 0.5      # a table's rules across run over at least this share of its width
CROSS_BLOCK = 2048          # vertical segments compared with every horizontal one at a time (memory)
BLOB_MIN_PT2 = 0.8          # square points: a piece of ink smaller than this is a speck of noise
QUARTER_TURN_RATIO = 1.3    # column profile this much peakier than the row profile: text runs vertically
TURN_SHEARS = np.arange(-3.5, 3.6, 0.5)   # degrees: the tilts each profile is taken along (DEFAULT_MAX_SKEW's)


def render_gray(page, dpi: int) -> np.ndarray:
    """A pdfium page as a grey image at `dpi` (call under the PDFium lock)."""
    arr = page.render(scale=dpi / 72, grayscale=True).to_numpy()
    return np.ascontiguousarray(arr[..., 0] if arr.ndim == 3 else arr)


def skew_angle(img: np.ndarray, max_degrees: float = 2.0, step: float = 0.05) -> float:
    """Tilt of the text lines in degrees (positive: counter-clockwise), by projection profiles.
    Searched within ±NEAR_SKEW first; only a tilt at that edge is looked for up to ±max_degrees
    (a wider search alone can prefer a false peak of a page of columns). A table page's cells, set
    at different heights column by column, can line up at a false angle nearly as well (k14-025:
    1.35° for 2.14°): of the peaks within SKEW_TIE_SHARE of the best and SKEW_RIVAL_DEG from it, the
    one whose profile rises and falls most steeply (the text lines' edges) wins."""
    ys, xs = np.nonzero(img < INK)
    if len(xs) < 500:
        return 0.0
    if len(xs) > 60000:
        pick = np.random.default_rng(0).choice(len(xs), 60000, replace=False)
        xs, ys = xs[pick], ys[pick]
    xs = xs - img.shape[1] / 2
    angles = np.arange(-max_degrees, max_degrees + step / 2, step)
    squares = np.array([float(np.dot(c, c)) for c in (_profile(xs, ys, a) for a in angles)])
    near = np.abs(angles) <= min(NEAR_SKEW, max_degrees) + step / 2
    best = int(np.argmax(np.where(near, squares, -1.0)))
    if abs(angles[best]) >= NEAR_SKEW - step / 2 and max_degrees > NEAR_SKEW:
        side = np.sign(angles) == np.sign(angles[best])
        best = int(np.argmax(np.where(side & (np.abs(angles) >= NEAR_SKEW - step / 2), squares, -1.0)))
    rivals = [i for i in range(len(angles)) if abs(angles[i] - angles[best]) > SKEW_RIVAL_DEG
              and squares[i] >= (1 - SKEW_TIE_SHARE) * squares[best]
              and squares[i] >= max(squares[max(i - 1, 0)], squares[min(i + 1, len(angles) - 1)])]
    if not rivals:
        return float(angles[best])
    return float(angles[max([best, *rivals], key=lambda i: np.abs(np.diff(_profile(xs, ys, angles[i]))).sum())])


def _profile(xs: np.ndarray, ys: np.ndarray, angle: float) -> np.ndarray:
    """The projection of the ink rows along `angle`: ink per row (sharp when lines lie along it; its
    steps between neighbouring rows are the lines' edges)."""
    proj = np.round(ys + xs * np.tan(np.deg2rad(angle))).astype(np.int64)
    return np.bincount(proj - proj.min()).astype(np.int64)


def lines_run_vertically(img: np.ndarray) -> bool:
    """True for a page scanned a quarter turn off: its ink profile is peaky across columns, not rows,
    each profile taken along the tilt that makes it peakiest (TURN_SHEARS: a turned page tilted 2.8°
    smears its columns' profile flat, k15-012: its plan's title unread, the plan rejected)."""
    small = img[::4, ::4]
    ys, xs = np.nonzero(small < INK)
    if not len(xs):
        return False

    def peakiest(along: np.ndarray, across: np.ndarray, length: int, span: int) -> float:
        """The peakiest profile of the ink along one axis (the page's blank margins in it)."""
        out = 0.0
        for a in TURN_SHEARS:
            shift = (across - span / 2) * np.tan(np.deg2rad(a))
            pad = int(np.ceil(span / 2 * abs(np.tan(np.deg2rad(a))))) + 1
            profile = np.bincount(np.round(along + shift).astype(np.int64) + pad, minlength=length + 2 * pad)
            out = max(out, float(profile.var() / (profile.mean() ** 2 + 1e-9)))
        return out
    h, w = small.shape
    return peakiest(xs, ys, w, h) > QUARTER_TURN_RATIO * peakiest(ys, xs, h, w)


def deskew(img: np.ndarray, angle: float) -> np.ndarray:
    """The image turned by -angle about its centre, new corners white."""
    h, w = img.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def ruling_lines(img: np.ndarray, dpi: int) -> list[dict]:
    """Horizontal and vertical rules of the image as pdfplumber line dicts (points); where none
    are found at the ink level, rules printed faint (light grey) are looked for: each run by its
    darkest line, or, where that lets a text's glyph strokes in (_stroked), by its whole run."""
    edges = _rules(img, dpi, INK)
    if len(edges) < 4:
        edges = _rules(img, dpi, FAINT_INK)
        if _stroked(edges):
            edges = _rules(img, dpi, FAINT_INK, darkest=False)
    return edges if len(edges) >= 4 else broken_rules(img, dpi)


def _stroked(edges: list[dict]) -> bool:
    """Over STROKED_SHARE of the horizontal rules are under STROKE_RULE_SHARE of the widest one long: the
    strokes of lines of text, found with faint rules by their darkest line (k8-027, k24-020: cells cut,
    rules broken, where the runs' whole grey found none and the table was read by alignment)."""
    across = [e["width"] for e in edges if e["height"] == 0]
    short = [w for w in across if w < STROKE_RULE_SHARE * max(across, default=0.0)]
    return len(short) > STROKED_SHARE * len(across)


def broken_rules(img: np.ndarray, dpi: int) -> list[dict]:
    """Rules printed broken into pieces (a worn print: k4-017's 三线表 in dashes), looked for when no
    rule is found whole: pieces longer than BROKEN_MIN_PT in one line, BROKEN_GAP_PT or less apart,
    BROKEN_PIECES of them or more over BROKEN_SPAN_PT, with blank paper along both sides (the
    strokes of glyphs standing in a line of text have the rest of their glyphs beside them)."""
    return _dashed(img, dpi, straight=False)[0]


def dashed_rules(img: np.ndarray, dpi: int) -> tuple[list[dict], list[dict]]:
    """(broken_rules, the rules along straight lines): the second also takes chains whose pieces lie on
    one straight line (BROKEN_STRAIGHT_PT) with text against one side along a part of it, none
    scattered, parts on one line joined and drawn on to the rule they meet: a grid set tight
    (k11-010), to be tried only after the first (a heavy blur's rows of text pass for such, k12-033).
    The pieces are found once for both."""
    return _dashed(img, dpi, straight=True)


def _dashed(img: np.ndarray, dpi: int, straight: bool) -> tuple[list[dict], list[dict]]:
    scale = 72.0 / dpi
    ink = (img < INK).astype(np.uint8)
    thick = max(int(MAX_RULE_THICKNESS_PT / scale), 2)
    gap, wide, across, near, far = (int(v / scale) for v in (BROKEN_GAP_PT, BROKEN_DOWN_GAP_PT, BROKEN_ACROSS_PT,
                                                             BROKEN_NEAR_PT, BROKEN_FAR_PT))
    strict: list[dict] = []
    lined: list[dict] = []
    doubtful: list[dict] = []
    for horizontal in (True, False):
        _, n, stats = _long_runs(ink, horizontal, max(int(BROKEN_MIN_PT / scale), 5))
        along = ink if horizontal else ink.T          # rows run along the rule
        # each piece as (position across, start, end, thickness) in pixels, laid along its rule
        pieces = [(y + h / 2, x, x + w, h) if horizontal else (x + w / 2, y, y + h, w)
                  for x, y, w, h, _ in stats[1:n] if (h if horizontal else w) <= 2 * thick]   # 三线表 粗线 too
        for chain in _chains(pieces, gap if horizontal else wide, across):
            at = sum(p[0] for p in chain) / len(chain)
            start, end = chain[0][1], max(p[2] for p in chain)
            if sum(p[2] - p[1] for p in chain) < BROKEN_COVER * (end - start):
                continue
            whole = len(chain) >= BROKEN_PIECES and (end - start) * scale >= BROKEN_SPAN_PT
            scatter = _scatter(chain) * scale if straight else float("inf")
            on_line = scatter <= BROKEN_STRAIGHT_PT
            if not whole and not (on_line and horizontal):
                continue                              # a short straight run across: a rule's bit, kept for _joined
            beside = _beside(along, at, half=max(p[3] for p in chain) / 2, start=start, end=end, near=near, far=far)
            edge = hline(start * scale, end * scale, at * scale) if horizontal \
                else vline(at * scale, start * scale, end * scale)
            if whole and beside <= BROKEN_CLEAR:
                strict.append(edge)
            elif whole and horizontal and beside <= BROKEN_CLEAR_STRAIGHT:
                doubtful.append(edge)
            if scatter <= BROKEN_SCATTER_PT and beside <= (BROKEN_CLEAR_STRAIGHT if on_line else BROKEN_CLEAR):
                lined.append(edge)
    strict += _spanning(doubtful, strict)
    if not straight:
        return without_strokes(crossing(strict)), []
    lined = reaching([e for e in _joined(lined, BROKEN_JOIN_PT, BROKEN_ACROSS_PT)
                      if e["width"] + e["height"] >= BROKEN_SPAN_PT], BROKEN_GAP_PT)
    return without_strokes(crossing(strict)), without_strokes(crossing(lined))


def _spanning(doubtful: list[dict], sure: list[dict], tol: float = CROSS_TOLERANCE_PT) -> list[dict]:
    """The doubtful broken rules across (text set against them along a part) that run end to end as
    BROKEN_SPANNING of the sure ones do: a grid's row rules across its whole width (k25-011: 4-line
    cells touch 7 of its 13 dashed row rules); a line of glyph strokes starts and ends inside its cells.
    (Not down the page: a column of left-set text's strokes runs the table's height, k25-011.)"""
    sure_ends = [(e["x0"], e["x1"]) for e in sure if e["height"] == 0]
    return [e for e in doubtful
            if sum(abs(a - e["x0"]) <= tol and abs(b - e["x1"]) <= tol for a, b in sure_ends) >= BROKEN_SPANNING]


def _joined(edges: list[dict], join: float, across: float) -> list[dict]:
    """Rules across on one line (within `across`) `join` points apart or less made one."""
    out: list[dict] = []
    for e in sorted(edges, key=lambda e: (e["height"] > 0, round(e["top"] / across), e["x0"])):
        last = out[-1] if out else None
        if e["height"] == 0 and last is not None and last["height"] == 0 and abs(e["top"] - last["top"]) <= across \
                and e["x0"] - last["x1"] <= join:
            out[-1] = hline(last["x0"], max(last["x1"], e["x1"]), (last["top"] + e["top"]) / 2)
        else:
            out.append(e)
    return out


def _scatter(chain: list[tuple]) -> float:
    """How far (pixels, standard deviation) a chain's pieces stand off the straight line through
    them, weighted by length: a printed rule's dashes lie on one line (tilted a little at most)."""
    if len(chain) < 3:
        return 0.0                                     # one or two pieces: a line goes through them
    across = np.array([p[0] for p in chain], dtype=float)
    mid = np.array([(p[1] + p[2]) / 2 for p in chain], dtype=float)
    weight = np.array([p[2] - p[1] for p in chain], dtype=float)
    w = weight / weight.sum()
    mx, my = (w * mid).sum(), (w * across).sum()
    vx = (w * (mid - mx) ** 2).sum()
    slope = (w * (mid - mx) * (across - my)).sum() / vx if vx > 0 else 0.0
    residual = across - (my + slope * (mid - mx))
    return float(np.sqrt((w * residual ** 2).sum()))


def _beside(along: np.ndarray, at: float, half: float, start: int, end: int, near: int, far: int) -> float:
    """Share of a run's length with ink `near`..`far` pixels off one side of it and not the other
    (`along`: the image with rows running along the run): glyphs stand beside a line of strokes on
    one side; a rule crossing it (the grid's other rules) inks both sides at once and is no glyph."""
    sides = [along[max(int(at - half - far), 0):max(int(at - half - near), 0), start:end].any(axis=0),
             along[int(at + half + near):int(at + half + far), start:end].any(axis=0)]
    if not all(side.size for side in sides):
        return 1.0
    crossed = sides[0] & sides[1]
    return max(float((side & ~crossed).mean()) for side in sides)


def _chains(pieces: list[tuple], gap: int, across: int) -> list[list[tuple]]:
    """The pieces in runs along one line: within `across` of each other across it, each starting
    `gap` or less past the end of the run so far."""
    lines: list[list[tuple]] = []
    for p in sorted(pieces):
        if lines and p[0] - lines[-1][-1][0] <= across:
            lines[-1].append(p)
        else:
            lines.append([p])
    out: list[list[tuple]] = []
    for line in lines:
        run: list[tuple] = []
        for p in sorted(line, key=lambda p: p[1]):
            if run and p[1] - max(q[2] for q in run) > gap:
                out.append(run)
                run = []
            run.append(p)
        out.append(run)
    return out


def _rules(img: np.ndarray, dpi: int, ink_level: int, darkest: bool = True) -> list[dict]:
    scale = 72.0 / dpi
    ink = (img < ink_level).astype(np.uint8)
    thick_px = max(int(MAX_RULE_THICKNESS_PT / scale), 2)
    edges: list[dict] = []
    for horizontal in (True, False):
        long_px = max(int((MIN_RULE_PT if horizontal else MIN_VERTICAL_RULE_PT) / scale), 10)
        opened, n, stats = _long_runs(ink, horizontal, long_px)
        for x, y, w, h, area in stats[1:n]:
            if horizontal and h > thick_px:
                y, h = _rule_within(opened[y:y + h, x:x + w], y, h)
            if ink_level != INK and not _stands_out(img, horizontal, x, y, w, h, thick_px, darkest):
                continue
            if horizontal and (h <= thick_px or h <= 2 * thick_px and w * scale >= LONE_RULE_PT):   # 三线表's 粗线
                edges.append(hline(x * scale, (x + w) * scale, (y + h / 2) * scale))
            elif not horizontal and (w <= thick_px or w <= 2 * thick_px and area <= thick_px * h
                                     and h * scale >= OFF_PLUMB_PT):       # a long rule a pixel off plumb (k13-009)
                edges.append(vline((x + w / 2) * scale, y * scale, (y + h) * scale))
    return without_strokes(crossing(edges))


def _stands_out(img: np.ndarray, horizontal: bool, x: int, y: int, w: int, h: int, off: int,
                darkest: bool = True) -> bool:
    """A run's darkest line along it (or, not `darkest`, the whole run) is darker than the paper `off`
    pixels to one side of it by FAINT_CONTRAST grey levels: a rule printed faint or blurred is (its
    run's blurred edges, lighter, not averaged in: k24-028); grey paper's grain or a patch of it (k8-012,
    k8-027: thousands of runs just under FAINT_INK) is as dark as its surroundings."""
    part = img[y:y + h, x:x + w].astype(float)
    core = (part.mean(axis=1) if horizontal else part.mean(axis=0)).min() if darkest else part.mean()
    if horizontal:
        sides = [img[r, x:x + w].mean() for r in (y - off, y + h - 1 + off) if 0 <= r < img.shape[0]]
    else:
        sides = [img[y:y + h, c].mean() for c in (x - off, x + w - 1 + off) if 0 <= c < img.shape[1]]
    return bool(sides) and max(sides) - core >= FAINT_CONTRAST


def _long_runs(ink: np.ndarray, horizontal: bool, long_px: int) -> tuple[np.ndarray, int, np.ndarray]:
    """(opened image, count, stats) of the ink's runs along one direction at least `long_px` long,
    gaps of a pixel bridged first (a rule's print is rarely unbroken at the pixel)."""
    bridge = cv2.getStructuringElement(cv2.MORPH_RECT, (3, 1) if horizontal else (1, 3))
    closed = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, bridge)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (long_px, 1) if horizontal else (1, long_px))
    opened = cv2.morphologyEx(closed, cv2.MORPH_OPEN, kernel)
    return (opened, *components(opened))


def _rule_within(part: np.ndarray, y: int, h: int) -> tuple[int, int]:
    """(top, height) of the rows of a thick horizontal run that are inked across RULE_FILL of its
    length: a rule with a stroke that lies along it (the ring of a seal printed black on a 1-bit
    scan, k2-034) is the rule alone. A run with no such rows keeps its height (and is no rule)."""
    full = np.flatnonzero(part.sum(axis=1) >= RULE_FILL * part.shape[1])
    if full.size == 0:
        return y, h
    return y + int(full[0]), int(full[-1] - full[0] + 1)


def components(binary: np.ndarray) -> tuple[int, np.ndarray]:
    """(count, stats) of cv2.connectedComponentsWithStats (8-connected) with 16-bit labels, four
    times faster than 32-bit ones; 32-bit only for an image of more than 65535 components."""
    try:
        n, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8, ltype=cv2.CV_16U)
    except cv2.error:       # OpenCV refuses a label past 65535 rather than wrap
        n, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    return n, stats


def _drawn_on(lo: float, hi: float, at: float, others: list[tuple[float, float, float]], low: float, high: float,
              tol: float = CROSS_TOLERANCE_PT) -> tuple[float, float]:
    """A rule's ends (lo, hi along it, standing at `at` across) drawn on to the farthest of `others`
    (perpendicular rules as (at, lo, hi)) that cross its line in [low, lo) and in (hi, high]."""
    cross = [o for o, a, b in others if a - tol <= at <= b + tol]
    return min([o for o in cross if low <= o < lo], default=lo), max([o for o in cross if hi < o <= high], default=hi)


def _each_drawn(edges: list[dict], window) -> list[dict]:
    """Every rule with its ends drawn on (_drawn_on) within `window(lo, hi, at, across)` → (low, high)."""
    h = [(e["top"], e["x0"], e["x1"]) for e in edges if e["height"] == 0]
    v = [(e["x0"], e["top"], e["bottom"]) for e in edges if e["height"] > 0]
    out = [hline(*_drawn_on(x0, x1, y, v, *window(x0, x1, y, True)), y) for y, x0, x1 in h]
    return out + [vline(x, *_drawn_on(top, bottom, x, h, *window(top, bottom, x, False))) for x, top, bottom in v]


def reaching(edges: list[dict], gap: float) -> list[dict]:
    """Rules joined from dashes drawn on to a perpendicular rule `gap` or less past their ends: a
    dashed rule's last dash may stop short of the border it meets (k11-010's right border)."""
    return _each_drawn(edges, lambda lo, hi, at, across: (lo - gap, hi + gap))


def reaching_clear(edges: list[dict], gap: float, boxes: list[dict]) -> list[dict]:
    """Rules joined from dashes drawn on to a perpendicular rule `gap` or less past their ends where no
    character (`boxes`: x0, top, x1, bottom) stands across the stretch drawn: a rule's last dash, too
    short to count, and a gap lost (k25-011: a header's column rules stop 13 points under its top);
    a rule that stops at a spanning label (计划投资 over two columns) stays stopped."""
    h = [(e["top"], e["x0"], e["x1"]) for e in edges if e["height"] == 0]
    v = [(e["x0"], e["top"], e["bottom"]) for e in edges if e["height"] > 0]

    def clear(at: float, lo: float, hi: float, across: bool) -> bool:
        a0, a1, b0, b1 = ("top", "bottom", "x0", "x1") if across else ("x0", "x1", "top", "bottom")
        return not any(b[a0] < at < b[a1] and b[b0] < hi and b[b1] > lo for b in boxes)

    def drawn(lo: float, hi: float, at: float, others: list, across: bool) -> tuple[float, float]:
        new_lo, new_hi = _drawn_on(lo, hi, at, others, lo - gap, hi + gap)
        return (new_lo if clear(at, new_lo, lo, across) else lo), (new_hi if clear(at, hi, new_hi, across) else hi)
    return [hline(*drawn(x0, x1, y, v, True), y) for y, x0, x1 in h] + \
        [vline(x, *drawn(top, bottom, x, h, False)) for x, top, bottom in v]


def under_seals(edges: list[dict], seals: list, gap: float = BROKEN_GAP_PT) -> list[dict]:
    """Rules with an end under a seal (or `gap` or less off its edge) drawn on through it, to the farthest
    perpendicular rule crossing their line there: the seal's ink hides their dashes (k11-010: the 合计
    row's rule, the header's rule between 项目 and 主要建设内容)."""
    for s in seals:
        def window(lo: float, hi: float, at: float, across: bool, s=s) -> tuple[float, float]:
            b_lo, b_hi, a_lo, a_hi = (s.x0, s.x1, s.top, s.bottom) if across else (s.top, s.bottom, s.x0, s.x1)
            if not a_lo <= at <= a_hi:
                return lo, hi
            return (b_lo - gap if b_lo - gap <= lo <= b_hi + gap else lo), \
                (b_hi + gap if b_lo - gap <= hi <= b_hi + gap else hi)
        edges = _each_drawn(edges, window)
    return edges


def crossing(edges: list[dict], tol: float = CROSS_TOLERANCE_PT) -> list[dict]:
    """Only segments that meet a perpendicular one: a rule is part of a grid, a stray stroke is not;
    a horizontal rule of LONE_RULE_PT or more is one without (the rules of a 三线表).
    A short vertical rule runs from one horizontal rule to another (it meets one at each end):
    the upright stroke of a glyph in a cell (at most MAX_STROKE_PT) touches at most one. A longer
    one, broken by noise or a faint print, needs to meet one only. Every pair is compared at once
    in numpy, CROSS_BLOCK verticals at a time (a noisy page has thousands of strokes)."""
    h = [e for e in edges if e["height"] == 0]
    v = [e for e in edges if e["height"] > 0]
    hx0, hx1, hy = (np.array([a[k] for a in h], dtype=float)[:, None] for k in ("x0", "x1", "top"))
    keep_v = np.zeros(len(v), dtype=bool)
    for lo in range(0, len(v), CROSS_BLOCK):
        part = v[lo:lo + CROSS_BLOCK]
        x, top, bottom, high = (np.array([b[k] for b in part], dtype=float) for k in ("x0", "top", "bottom", "height"))
        over = (hx0 - tol <= x) & (x <= hx1 + tol)                 # [horizontal, vertical]
        ends = (over & (np.abs(hy - top) <= tol)).any(axis=0) & (over & (np.abs(hy - bottom) <= tol)).any(axis=0)
        meets = over & (top - tol <= hy) & (hy <= bottom + tol)
        keep_v[lo:lo + len(part)] = ends | (high > MAX_STROKE_PT) & meets.any(axis=0)
    kept = [b for b, k in zip(v, keep_v) if k]
    x, top, bottom = (np.array([b[k] for b in kept], dtype=float) for k in ("x0", "top", "bottom"))
    met = ((hx0 - tol <= x) & (x <= hx1 + tol) & (top - tol <= hy) & (hy <= bottom + tol)).any(axis=1) \
        if kept else np.zeros(len(h), dtype=bool)
    return [a for a, m in zip(h, met) if a["width"] >= LONE_RULE_PT or m] + kept


def without_strokes(edges: list[dict], tol: float = CROSS_TOLERANCE_PT) -> list[dict]:
    """The edges crossing() kept without the short verticals (MAX_STROKE_PT at most) that no run of
    verticals end to end at their place continues past twice that: a column's rule in a header row goes
    on down the body; glyph strokes filling a row of labels set tight between its rules are no rules,
    nor two such stacked by chance (k14-008: sixteen of them under 计划投资 cut its three columns into twenty)."""
    v = sorted((e for e in edges if e["height"] > 0), key=lambda e: e["x0"])
    xs = [e["x0"] for e in v]
    strokes = set()
    for e in v:
        if e["height"] > MAX_STROKE_PT:
            continue
        near = v[bisect_left(xs, e["x0"] - tol):bisect_right(xs, e["x0"] + tol)]
        top, bottom, grown = e["top"], e["bottom"], True
        while grown and bottom - top <= 2 * MAX_STROKE_PT:
            grown = False
            for o in near:
                if o["top"] <= bottom + tol and o["bottom"] >= top - tol and (o["top"] < top or o["bottom"] > bottom):
                    top, bottom, grown = min(top, o["top"]), max(bottom, o["bottom"]), True
        if bottom - top <= 2 * MAX_STROKE_PT:
            strokes.add(id(e))
    return [e for e in edges if id(e) not in strokes]


def ink_blobs(img: np.ndarray, dpi: int) -> np.ndarray:
    """The image's connected pieces of ink as rows (x0, top, x1, bottom, area), points and square
    points; specks under BLOB_MIN_PT2 (noise) left out."""
    n, _, stats, _ = cv2.connectedComponentsWithStats((img < INK).astype(np.uint8), connectivity=8)
    scale = 72.0 / dpi
    s = stats[1:n].astype(np.float32)
    out = np.stack([s[:, 0] * scale, s[:, 1] * scale, (s[:, 0] + s[:, 2]) * scale, (s[:, 1] + s[:, 3]) * scale,
                    s[:, 4] * scale * scale], axis=1) if len(s) else np.zeros((0, 5), np.float32)
    return out[out[:, 4] >= BLOB_MIN_PT2]


def table_regions(edges: list[dict], tol: float = CROSS_TOLERANCE_PT) -> list[tuple[float, float, float, float]]:
    """Bounding boxes (x0, top, x1, bottom, points) of the ruled tables: rules whose vertical
    extents overlap or touch form one table; a table has a header and a row (three rules
    across at least TABLE_RULE_SHARE of its width), three rules down and is MIN_TABLE_PT wide
    (a ruled box around one line of text, or the strokes of glyphs, are no table)."""
    groups: list[list[dict]] = []
    for e in sorted(edges, key=lambda e: e["top"]):
        if groups and e["top"] <= max(g["bottom"] for g in groups[-1]) + tol:
            groups[-1].append(e)
        else:
            groups.append([e])
    out = []
    for g in groups:
        box = (min(e["x0"] for e in g), min(e["top"] for e in g), max(e["x1"] for e in g), max(e["bottom"] for e in g))
        across = [e for e in g if e["height"] == 0 and e["width"] >= TABLE_RULE_SHARE * (box[2] - box[0])]
        if len(across) >= 3 and sum(e["height"] > 0 for e in g) >= 3 and box[2] - box[0] >= MIN_TABLE_PT \
                and box[3] - box[1] >= MIN_TABLE_PT / 4:
            out.append(box)
    return out
