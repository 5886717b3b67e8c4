"""Ruled cells on a page → a grid of slots, each slot owned by one (possibly merged) cell.

extractors.cells finds the cell rectangles; merged cells are rectangles that cover several
row or column bands. Text is placed in cells by the centre of each character, once per
page, instead of cropping the page for every cell.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from operator import itemgetter

from schemas.types import BBox


@dataclass
class GridCell:
    text: str
    bbox: BBox
    row: int
    col: int
    rowspan: int
    colspan: int
    unread: bool = False    # a scan's cell holds ink no character read covers: a glyph lost (extractors.unread)


@dataclass
class Grid:
    """Slots[r][c] is the index of the owning cell in `cells` (or None where nothing is drawn)."""
    page: int
    bbox: BBox
    cells: list[GridCell]
    slots: list[list[int | None]]
    columns: list[float] | None = None   # x of the column boundaries, for a grid found by text alignment
    group_labels: str = ""               # header text over several columns, not placed in a cell (资金来源（元）)
    merging: list[int] | None = None     # columns whose cells may span rows (类别), for a grid found by alignment
    head_rows: int | None = None         # header rows of a grid found by alignment (0: the table goes on)
    seals: list[BBox] = field(default_factory=list)   # seals stamped over the page in black or grey

    @property
    def n_rows(self) -> int:
        return len(self.slots)

    @property
    def n_cols(self) -> int:
        return len(self.slots[0]) if self.slots else 0

    @property
    def boundaries(self) -> list[float]:
        """The x of every column rule the grid's cells stand between, left to right (to a tenth of a point)."""
        return sorted({round(x, 1) for cell in self.cells for x in (cell.bbox[0], cell.bbox[2])})

    def owner(self, r: int, c: int) -> GridCell | None:
        i = self.slots[r][c]
        return None if i is None else self.cells[i]


def own_label(cell: GridCell, c: int) -> str:
    """The header text over column c of a cell that may span it: a cell spanning as many columns as
    it holds words apart has one label per column (the rule between 项目名称 | 产权归属 lost in a
    blurred header, k5-012: both columns took 项目名称 and the names went to the wrong one)."""
    words = cell.text.split()
    return words[c - cell.col] if cell.colspan > 1 and len(words) == cell.colspan else cell.text


def _bands(values: list[float], tol: float) -> list[float]:
    """Distinct coordinates, values closer than `tol` snapped together."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def _index(bands: list[float], v: float, tol: float) -> int:
    i = bisect_right(bands, v + tol) - 1
    return max(i, 0)


def build_grid(page_number: int, rects: list[BBox], chars: list[dict], tol: float = 2.0) -> Grid:
    """Grid from cell rectangles and the page's characters (dicts with text, x0, x1, top, bottom)."""
    xs = _bands([x for r in rects for x in (r[0], r[2])], tol)
    ys = _bands([y for r in rects for y in (r[1], r[3])], tol)
    slots: list[list[int | None]] = [[None] * (len(xs) - 1) for _ in range(len(ys) - 1)]
    cells: list[GridCell] = []
    for x0, top, x1, bottom in sorted(rects, key=lambda r: (r[1], r[0])):
        c0, c1 = _index(xs, x0, tol), _index(xs, x1, tol)
        r0, r1 = _index(ys, top, tol), _index(ys, bottom, tol)
        if c1 <= c0 or r1 <= r0:
            continue
        cells.append(GridCell("", (x0, top, x1, bottom), r0, c0, r1 - r0, c1 - c0))
        for r in range(r0, r1):
            for c in range(c0, c1):
                slots[r][c] = len(cells) - 1
    _fill_text(cells, slots, xs, ys, chars, tol)
    bbox = (xs[0], ys[0], xs[-1], ys[-1]) if xs and ys else (0.0, 0.0, 0.0, 0.0)
    return Grid(page_number, bbox, cells, slots)


# full-width punctuation is drawn in one half of its em box: closing marks on the left, opening on the right
_INK_LEFT, _INK_RIGHT = set("，。、；：！？）】」』〉》”’"), set("（【「『〈《“‘")


def ink_centre(ch: dict) -> float:
    """x of the middle of a character's ink (a full-width ） at a cell's edge stays in its cell)."""
    x0, x1 = ch["x0"], ch["x1"]
    if ch["text"] in _INK_LEFT:
        return x0 + (x1 - x0) / 4
    if ch["text"] in _INK_RIGHT:
        return x1 - (x1 - x0) / 4
    return (x0 + x1) / 2


def _fill_text(cells, slots, xs, ys, chars, tol) -> None:
    """Each character into the cell owning the slot its ink centre (ink_centre, written out
    here: it runs for every character of a table page) falls in."""
    if not slots or not slots[0]:
        return                      # cells all narrower than tol: no slot to fill (k1-019's junk boxes)
    buckets: dict[int, list[dict]] = {}
    left, right, top, bottom = xs[0], xs[-1], ys[0], ys[-1]
    last_row, last_col = len(slots) - 1, len(slots[0]) - 1
    for ch in chars:
        cy = (ch["top"] + ch["bottom"]) / 2
        if not top <= cy <= bottom:
            continue
        x0, x1, t = ch["x0"], ch["x1"], ch["text"]
        cx = x0 + (x1 - x0) / 4 if t in _INK_LEFT else x1 - (x1 - x0) / 4 if t in _INK_RIGHT else (x0 + x1) / 2
        if not left <= cx <= right:
            continue
        r, c = bisect_right(ys, cy) - 1, bisect_right(xs, cx) - 1      # ≥ 0: cy ≥ ys[0], cx ≥ xs[0]
        owner = slots[r if r < last_row else last_row][c if c < last_col else last_col]
        if owner is not None:
            if owner in buckets:
                buckets[owner].append(ch)
            else:
                buckets[owner] = [ch]
    for i, chs in buckets.items():
        cells[i].text = chars_to_text(chs)


_X0 = itemgetter("x0")


def group_lines(chars: list[dict], line_tol: float = 3.0) -> list[list[dict]]:
    """Characters → lines, top to bottom, each left to right: a character joins the line whose
    baseline it shares within line_tol (boxes of glyphs from another font sit higher or lower
    than the hanzi beside them), a sloping baseline taken where it meets the page's left edge;
    OCR characters, with no baseline, go by their middles."""
    if len(chars) < 2:
        return [list(chars)] if chars else []
    levels = [_level(ch) for ch in chars]
    order = sorted(range(len(chars)), key=list(map(_X0, chars)).__getitem__)
    order.sort(key=levels.__getitem__)      # stable: by level, then x0, then place (ties keep their order)
    lines: list[list[dict]] = []
    line: list[dict] = []
    last = 0.0
    for k in order:                         # levels rise, so mid - last ≥ 0
        mid = levels[k]
        if line and mid - last <= line_tol:
            line.append(chars[k])
        else:
            line = [chars[k]]
            lines.append(line)
            last = mid
    for ln in lines:
        if len(ln) > 1:
            ln.sort(key=_X0)
    return lines


def _level(ch: dict) -> float:
    """The height group_lines files a character under: its baseline (at the page's left edge
    when it slopes), else its middle."""
    if "baseline" not in ch:
        return (ch["top"] + ch["bottom"]) / 2
    return ch["baseline"] - ch["x0"] * ch["slope"] if "slope" in ch else ch["baseline"]


def chars_to_text(chars: list[dict], line_tol: float = 3.0) -> str:
    """Characters → lines → text, lines joined with newlines."""
    return "\n".join(map(line_text, _side_by_side(group_lines(chars, line_tol))))


# two OCR boxes side by side whose heights overlap by at least this share of the shorter are one line
SIDE_BY_SIDE_OVERLAP = 0.5


def _side_by_side(lines: list[list[dict]]) -> list[list[dict]]:
    """Neighbouring lines of a cell that OCR read as two boxes, one set a few points above the other
    (a seal's ring over the line, k21-015: 殖小区建 read above 哈曲乡乌金猪养, the name cut and
    turned round), joined: their characters stand apart across the line and share most of their height.
    Lines of a text layer keep their baselines and stay apart."""
    out: list[list[dict]] = []
    for line in lines:
        prev = out[-1] if out else None
        if prev and _beside(prev, line):
            out[-1] = sorted(prev + line, key=_X0)
        else:
            out.append(line)
    return out


def _beside(a: list[dict], b: list[dict]) -> bool:
    """Two OCR lines that stand apart across the page (overlapping by less than half a glyph) and
    overlap in height by at least SIDE_BY_SIDE_OVERLAP of the shorter."""
    if any("baseline" in ch for ch in a + b):
        return False
    ax0, ax1 = min(ch["x0"] for ch in a), max(ch["x1"] for ch in a)
    bx0, bx1 = min(ch["x0"] for ch in b), max(ch["x1"] for ch in b)
    glyph = min(ch["x1"] - ch["x0"] for ch in a + b)
    if min(ax1, bx1) - max(ax0, bx0) > glyph / 2:
        return False
    at, ab = min(ch["top"] for ch in a), max(ch["bottom"] for ch in a)
    bt, bb = min(ch["top"] for ch in b), max(ch["bottom"] for ch in b)
    shorter = min(ab - at, bb - bt)
    return shorter > 0 and min(ab, bb) - max(at, bt) >= SIDE_BY_SIDE_OVERLAP * shorter


def line_text(line: list[dict]) -> str:
    """The text of one line of group_lines: a space where characters stand apart."""
    if not line:
        return ""
    text, prev_x1 = line[0]["text"], line[0]["x1"]
    for k in range(1, len(line)):
        ch = line[k]
        if ch["x0"] - prev_x1 > 0.6 * (ch.get("size") or 8):
            text += " "
        text += ch["text"]
        prev_x1 = ch["x1"]
    return text
