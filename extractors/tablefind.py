"""Where the plan table stands on a page, as grids of cells.

Two ways, tried in order:
- ruled cells: the page's own rules, handed to pdfplumber's table finder as explicit edges;
- aligned columns, for tables drawn without vertical rules (三线表, Word/WPS tables with the
  side borders off, whitespace-aligned columns): the header row is found by its labels, each
  column is a stack of header text, the boundary between two columns is the emptiest gutter
  of the rows below, and the rows come from the horizontal rules or, without them, from the
  gaps between text lines. The inferred lines go to the same table finder, so both ways
  give the same kind of grid.
"""
from __future__ import annotations

import re
import statistics
from bisect import bisect_right
from dataclasses import dataclass, field

from pdfplumber.table import TableFinder, TableSettings

from extractors.grid import Grid, build_grid, group_lines
from normalizers.vocab import canonical_category, match_label
from schemas.settings import Settings

TABLE_SETTINGS = {"snap_tolerance": 3, "join_tolerance": 3, "intersection_tolerance": 3}
_DATA_TEXT = re.compile(r"^([\d.,，\s%-]+|[（(]?\d{1,3}[)）]?|[一二三四五六七八九十]+[、.．].*|[（(][一二三四五六七八九十]+([)）].*)?"
                        r"|合\s*计|总\s*计|小\s*计|[一二三四五六七八九十]+)$", re.S)
MARGIN = 0.06          # share of the page height at top and bottom where only page furniture stands
RULE_SHARE = 0.25       # a horizontal rule at least this share of the page wide can bound a table row
GUTTER_EM = 0.3         # em: a gap this wide between two characters of a line separates two cells
CELL_GAP_EM = 0.3       # em: beyond the table's usual line gap, what still keeps two lines in one cell
WRAP_GAP_EM = 0.6       # em: lines of one cell stand at most this far apart (line spacing 1.6)
ROW_KEY_EM = 0.4        # em: cells whose centres (or tops) are this close stand in one row
RULE_SNAP = 4.0         # points: a text gap this close to a rule is that rule
HEADING_ROW_SEGMENTS = 4   # a row of this few cells may be a heading run over several columns
FIT_SHARE = 0.6         # share of a continuation page's lines that must keep within the columns
_HEADING_MARK = re.compile(r"^([一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+([)）].*)?$|[合总小]\s*计)")
_CAPTION = re.compile(r"单位|附件|计划表|明细表|一览表|填报")


@dataclass(frozen=True)
class Segment:
    """A run of characters on one line with no gutter inside: one cell's line of text."""
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    chars: tuple

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


def find_grids(plumb_page, number: int, edges: list[dict], chars: list[dict],
               settings: Settings | None = None, previous: Grid | None = None) -> list[Grid]:
    """The page's table grids: ruled ones, else one found by column alignment."""
    settings = settings or Settings()
    grids = ruled_grids(plumb_page, number, edges, chars)
    if grids or not chars:
        return grids
    grid = aligned_grid(plumb_page, number, edges, chars, settings, previous)
    return [grid] if grid is not None else []


def ruled_grids(plumb_page, number: int, edges: list[dict], chars: list[dict]) -> list[Grid]:
    """pdfplumber's table finder over explicit ruling lines → grids with text placed in cells."""
    v = [e for e in edges if e["height"] > 0]
    h = [e for e in edges if e["width"] > 0]
    if len(v) < 2 or len(h) < 2:
        return []
    return _finder_grids(plumb_page, number, v, h + closing_rules(v, h), chars)


def closing_rules(v: list[dict], h: list[dict]) -> list[dict]:
    """The rule a table cut by a page break does not draw: where the side rules run on past
    the last (or before the first) horizontal rule, a rule across their ends closes the row."""
    x0, x1 = min(e["x0"] for e in v), max(e["x1"] for e in v)
    out = []
    bottom, last = max(e["bottom"] for e in v), max(e["top"] for e in h)
    if bottom > last + TABLE_SETTINGS["snap_tolerance"]:
        out.append(_hline(x0, x1, bottom))
    top, first = min(e["top"] for e in v), min(e["top"] for e in h)
    if top < first - TABLE_SETTINGS["snap_tolerance"]:
        out.append(_hline(x0, x1, top))
    return out


def _finder_grids(plumb_page, number: int, v: list[dict], h: list[dict], chars: list[dict],
                  columns: list[float] | None = None, min_rows: int = 2) -> list[Grid]:
    """Grids of at least `min_rows` rows (a table going on from the page before may hold one)."""
    settings = {**TABLE_SETTINGS, "vertical_strategy": "explicit", "horizontal_strategy": "explicit",
                "explicit_vertical_lines": v, "explicit_horizontal_lines": h}
    tables = TableFinder(plumb_page, TableSettings.resolve(settings)).tables
    grids = [build_grid(number, list(t.cells), chars) for t in tables]
    for g in grids:
        g.columns = columns
    return [g for g in grids if g.n_rows >= min_rows and g.n_cols >= 3]


# ---- aligned columns ------------------------------------------------------------------

def text_lines(chars: list[dict], line_tol: float) -> list[list[Segment]]:
    """Characters → lines (by top) → segments split at gutters wider than GUTTER_EM."""
    out = []
    for row in group_lines([c for c in chars if c["text"].strip()], line_tol):
        segs: list[list[dict]] = [[row[0]]]
        for ch in row[1:]:
            size = ch.get("size") or (ch["bottom"] - ch["top"]) or 8.0
            if ch["x0"] - segs[-1][-1]["x1"] > GUTTER_EM * size:
                segs.append([ch])
            else:
                segs[-1].append(ch)
        out.append([_segment(s) for s in segs])
    return out


def _segment(chs: list[dict]) -> Segment:
    size = max((c.get("size") or (c["bottom"] - c["top"])) for c in chs)
    return Segment("".join(c["text"] for c in chs), min(c["x0"] for c in chs), max(c["x1"] for c in chs),
                   min(c["top"] for c in chs), max(c["bottom"] for c in chs), size, tuple(chs))


def _is_label(seg: Segment, settings: Settings) -> bool:
    """A header cell naming a field (项目名称); a labelled line of prose (实施地点：…) is none."""
    return not re.search(r"[：:，。]", seg.text) and match_label(seg.text)[1] >= settings.header_match_min


def header_band(lines: list[list[Segment]], rules: list[float], settings: Settings) -> tuple[int, int] | None:
    """(first, last) line index of the table header: a line with two or more field labels,
    the short label lines stacked above it, and the lines below it up to the first data row."""
    start = next((i for i, ln in enumerate(lines)
                  if len(ln) >= 3 and sum(_is_label(s, settings) for s in ln) >= 2), None)
    if start is None:
        return None
    first = start
    while first > 0 and _header_like(lines[first - 1]) and \
            lines[first][0].top - max(s.bottom for s in lines[first - 1]) <= 1.2 * lines[first][0].size:
        first -= 1
    last = start
    size = max(s.size for s in lines[start])
    under = [r for r in rules if max(s.bottom for s in lines[start]) < r < lines[start][0].top + 8 * size]
    if under:                                # a rule under the header (三线表): the header ends there
        while last + 1 < len(lines) and min(s.top for s in lines[last + 1]) < under[0]:
            last += 1
        return first, last
    while last + 1 < len(lines) and last - start < 8:
        nxt = lines[last + 1]
        top = min(s.top for s in nxt)
        gap = top - max(s.bottom for s in lines[last])
        if any(_DATA_TEXT.match(s.text.strip()) for s in nxt) or gap > 2 * size:
            break
        if gap > WRAP_GAP_EM * size and not any(_is_label(s, settings) for s in nxt):
            break                       # a wide gap, then text that is no label: the first row
        if any(not _is_label(s, settings) and (len(s.text) > 10 or re.search(r"\d", s.text)) for s in nxt):
            break                       # a cell's sentence or figures: the first row, however close
        above = [s for ln in lines[first:last + 1] for s in ln]
        if not any(_is_label(s, settings) or _wraps_under(s, above) for s in nxt):
            break                       # no label, nor the next line of one: a row's first line
        if any(max(s.bottom for s in lines[start]) - 1 < r < top for r in rules):
            break
        last += 1
    return first, last


def _wraps_under(s: Segment, above: list[Segment]) -> bool:
    """s is the next line of a header cell above it: under it, in its column, a line gap away."""
    return any(h.x1 > s.x0 and h.x0 < s.x1 and -1 <= s.top - h.bottom <= WRAP_GAP_EM * s.size + 1 for h in above)


def _header_like(line: list[Segment]) -> bool:
    return all(len(s.text) <= 16 and not _DATA_TEXT.match(s.text) and not _CAPTION.search(s.text) for s in line)


def column_stacks(header: list[Segment], settings: Settings
                  ) -> tuple[list[tuple[float, float]], list[Segment], list[str | None]]:
    """Header segments → one (x0, x1) per column, left to right, the group labels (a label over
    two or more separate labels below it: 资金来源 over 协作资金 | 县级配套), and the field each
    column's header text names."""
    header = join_wrapped(header)
    groups = [s for s in header if _covers_several(s, header)]
    rest = sorted((s for s in header if s not in groups), key=lambda s: s.x0)
    stacks: list[list] = []
    for s in rest:
        for st in stacks:
            overlap = min(st[1], s.x1) - max(st[0], s.x0)
            if overlap > 0.3 * min(st[1] - st[0], s.x1 - s.x0):
                st[0], st[1], st[2] = min(st[0], s.x0), max(st[1], s.x1), st[2] + [s]
                break
        else:
            stacks.append([s.x0, s.x1, [s]])
    stacks.sort(key=lambda st: st[0])
    fields = []
    for st in stacks:
        field, score = match_label("".join(x.text for x in sorted(st[2], key=lambda x: x.top)))
        fields.append(field if score >= settings.header_match_min else None)
    return [(a, b) for a, b, _ in stacks], groups, fields


def join_wrapped(segs: list[Segment]) -> list[Segment]:
    """The lines of one wrapped header cell as one segment: pieces stacked line under line (no
    wider apart than WRAP_GAP_EM), centred on one another, and as wide as the line above (a
    cell's lines fill its width) unless the piece is the cell's last line. A group label over
    narrow columns (计划投资 over 市中/区帮/扶资) is wider than the lines under it: not joined."""
    ordered = sorted(segs, key=lambda s: (s.top, s.x0))
    out: list[Segment] = []
    last_width: list[float] = []
    for s in ordered:
        below = any(o is not s and 0 <= o.top - s.bottom <= WRAP_GAP_EM * s.size + 1
                    and o.x1 > s.x0 and o.x0 < s.x1 for o in ordered)
        for k, o in enumerate(out):
            stacked = 0 <= s.top - o.bottom <= WRAP_GAP_EM * s.size + 1 and abs(s.centre - o.centre) <= 0.5 * s.size
            if stacked and (abs((s.x1 - s.x0) - last_width[k]) <= 1.2 * s.size or not below):
                out[k] = Segment(o.text + s.text, min(o.x0, s.x0), max(o.x1, s.x1), o.top, s.bottom,
                                 max(o.size, s.size), o.chars + s.chars)
                last_width[k] = s.x1 - s.x0
                break
        else:
            out.append(s)
            last_width.append(s.x1 - s.x0)
    return out


def _covers_several(s: Segment, header: list[Segment]) -> bool:
    """A group label: over two or more separate columns of header text below it (overlapping
    them, or centred over a run of them)."""
    spans: list[list[float]] = []
    for o in sorted((o for o in header if o is not s and o.top >= s.bottom - 1), key=lambda o: o.x0):
        if spans and o.x0 < spans[-1][1] - 1:
            spans[-1][1] = max(spans[-1][1], o.x1)
        else:
            spans.append([o.x0, o.x1])
    if sum(1 for x0, x1 in spans if x1 > s.x0 and x0 < s.x1) >= 2:
        return True
    for i in range(len(spans)):
        for j in range(i + 1, len(spans)):
            x0, x1 = spans[i][0], spans[j][1]
            if x1 - x0 >= s.x1 - s.x0 and abs((x0 + x1) / 2 - s.centre) <= 0.5 * s.size:
                return True
    return False


def boundaries(stacks: list[tuple[float, float]], data: list[Segment]) -> list[float]:
    """x of each boundary between neighbouring columns: the widest gap crossed by the fewest
    data segments between the two header stacks' centres."""
    out = []
    for (a0, a1), (b0, b1) in zip(stacks, stacks[1:]):
        lo, hi = (a1, b0) if a1 < b0 else ((a0 + a1) / 2, (b0 + b1) / 2)    # never through a header label
        inside = [s for s in data if s.x1 > lo and s.x0 < hi]
        cuts = sorted({lo, hi, a1, b0, *[x for s in inside for x in (s.x0, s.x1) if lo <= x <= hi]})
        best = None
        for x, y in zip(cuts, cuts[1:]):
            mid = (x + y) / 2
            crossing = sum(1 for s in inside if s.x0 < mid < s.x1)
            key = (crossing, -(y - x))
            if best is None or key < best[0]:
                best = (key, mid)
        out.append(best[1] if best else (a1 + b0) / 2)
    return out


@dataclass
class Block:
    """The lines of one cell as stacked in one column."""
    top: float
    bottom: float
    size: float

    @property
    def centre(self) -> float:
        return (self.top + self.bottom) / 2


def column_blocks(lines: list[list[Segment]], columns: list[float]) -> list[list[Block]]:
    """Each column's text cut into cells: a line under another no further than the table's usual
    line gap (plus CELL_GAP_EM) goes on the same cell."""
    per: list[list[Segment]] = [[] for _ in range(len(columns) - 1)]
    for ln in lines:
        for s in ln:
            per[_column(s.centre, columns)].append(s)
    heading = {id(s) for ln in lines if any(_HEADING_MARK.match(s.text.strip()) for s in ln) for s in ln}
    gaps = _line_gaps(per)
    within = gaps[len(gaps) // 4] if gaps else 0.0           # the gap between lines of one cell
    out = []
    for segs in per:
        blocks: list[Block] = []
        last = None
        for s in sorted(segs, key=lambda s: s.top):
            alone = id(s) in heading or (last is not None and id(last) in heading)   # a heading row is a row
            if blocks and not alone and s.top - blocks[-1].bottom <= within + CELL_GAP_EM * s.size:
                blocks[-1].bottom = max(blocks[-1].bottom, s.bottom)
            else:
                blocks.append(Block(s.top, s.bottom, s.size))
            last = s
        out.append(blocks)
    return out


def _line_gaps(per: list[list[Segment]]) -> list[float]:
    """Gaps under each line to the next line of the same column, where they are under an em."""
    out = []
    for segs in per:
        ordered = sorted(segs, key=lambda s: s.top)
        out += [b.top - a.bottom for a, b in zip(ordered, ordered[1:]) if -0.5 < b.top - a.bottom < a.size]
    return sorted(out)


def row_breaks(lines: list[list[Segment]], columns: list[float]) -> list[float]:
    """y between the rows of a table drawn without row rules.

    The cells of one row share their middle (cells set middle) or their top (set at the top):
    the key more cells of different columns share exactly is the table's; each group of cells
    sharing it is a row (not a group of cells run together over two rows), as is a heading line."""
    blocks = [b for col in column_blocks(lines, columns) for b in col]
    if not blocks:
        return []
    size = min(b.size for b in blocks)
    best: list[list[Block]] = []
    best_score = (-1, 0)
    key_of = _centre
    for key in (_centre, _top):
        rows: list[list[Block]] = []
        for b in sorted(blocks, key=key):
            if rows and key(b) - key(rows[-1][0]) <= ROW_KEY_EM * size:
                rows[-1].append(b)
            else:
                rows.append([b])
        shared = [r for r in rows if len(r) >= 2]
        # a cell of several lines and a one-line cell of its row share their middles or their tops,
        # never both: the key more such pairs share exactly is the table's (a tie: fewer rows)
        score = (sum(_mixed(r, key) for r in shared), -len(shared))
        if score > best_score:
            best, best_score, key_of = shared, score, key
    keys = [statistics.median(map(key_of, r)) for r in best]
    rows = []
    for k, r in zip(keys, best):    # cells run together over rows (no padding) hold other rows' keys
        clean = [b for b in r if not any(b.top < o < b.bottom for o in keys if abs(o - k) > 1)]
        if len(clean) >= 2:
            rows.append((k, clean))
    keys = sorted({round(k, 1) for k, _ in rows} | {round(k, 1) for k in heading_keys(lines, key_of)})
    if rows:        # the rest of a row broken by the page break, above the first row: a row of its own
        first_top = min(b.top for b in min(rows, key=lambda kr: kr[0])[1])
        lead = [b for b in blocks if b.bottom < first_top - 0.5]
        if lead and key_of(lead[0]) < keys[0]:
            keys.insert(0, round(min(key_of(b) for b in lead), 1))
    if len(keys) < 2:
        return []
    return walk(keys, lines, key_of is _centre)


def _mixed(row: list[Block], key) -> int:
    """Cells of several lines in the row whose key equals a one-line cell's key there."""
    single = [key(b) for b in row if b.bottom - b.top <= 1.5 * b.size]
    return sum(1 for b in row if b.bottom - b.top > 1.5 * b.size and any(abs(key(b) - k) <= 1.0 for k in single))


def _centre(b) -> float:
    return (b.top + b.bottom) / 2


def _top(b) -> float:
    return b.top


def heading_keys(lines: list[list[Segment]], key_of) -> list[float]:
    """A heading, 小计 or 合计 line is a row of its own."""
    return [key_of(s) for ln in lines for s in ln
            if _DATA_TEXT.match(s.text.strip()) and not re.fullmatch(r"[\d.,，\s%-]+", s.text.strip())
            and not re.fullmatch(r"[（(]?\d{1,3}[)）]?", s.text.strip())]


def walk(keys: list[float], lines: list[list[Segment]], middle: bool) -> list[float]:
    """Row boundaries from the rows' keys. Rows set at the top end just above the next top;
    rows set in the middle end as far below their middle as they began above it (each boundary
    moved to the nearest gap between text lines, so the walk never drifts into a cell)."""
    spans = sorted((min(s.top for s in ln), max(s.bottom for s in ln)) for ln in lines)
    gaps = [(a[1] + b[0]) / 2 for a, b in zip(spans, spans[1:]) if b[0] >= a[1] - 0.5]
    if not gaps:
        return []
    breaks, prev = [], spans[0][0] - 0.5
    for k, nxt in zip(keys, keys[1:]):
        want = (2 * k - prev) if middle else nxt - 0.5
        inside = [g for g in gaps if k < g < nxt]
        if not inside:
            continue
        prev = min(inside, key=lambda g: abs(g - want))
        breaks.append(prev)
    return breaks


@dataclass
class Frame:
    """A table located on a page by its text: header extent, column stacks, body lines."""
    top: float
    head_bottom: float
    stacks: list[tuple[float, float]]
    inner: list[float]                 # x of the boundaries between columns
    data: list[list[Segment]]
    groups: list[Segment]
    merging: list[int]                 # columns whose cells may span rows (类别)
    overflow: list[Segment] = field(default_factory=list)   # header text run past the header rule


def aligned_grid(plumb_page, number: int, edges: list[dict], chars: list[dict], settings: Settings,
                 previous: Grid | None = None) -> Grid | None:
    """A table without vertical rules, by the alignment of its text (None when there is none)."""
    lines = text_lines(chars, settings.line_tolerance)
    rules = sorted({round(e["top"], 1) for e in edges if e["width"] > RULE_SHARE * plumb_page.width})
    widest = max((e["width"] for e in edges), default=0.0)
    across = [r for r in rules if any(round(e["top"], 1) == r and e["width"] >= 0.9 * widest for e in edges)]
    frame = locate(lines, rules, plumb_page.height, settings, previous, across)
    if frame is None:
        return None
    segs = [s for ln in frame.data for s in ln]
    columns = [min([s.x0 for s in segs] + [frame.stacks[0][0]]) - 2, *frame.inner,
               max([s.x1 for s in segs] + [frame.stacks[-1][1]]) + 2]
    bands = row_bands(frame, rules, columns)
    spans = merged_spans(frame, bands, columns, settings)
    v, h = edges_for(frame, bands, columns, spans, segs)
    skip = {id(c) for g in frame.groups + frame.overflow for c in g.chars}
    grids = _finder_grids(plumb_page, number, v, h, [c for c in chars if id(c) not in skip], columns,
                          min_rows=1 if frame.head_bottom <= frame.top + 1 else 2)
    if not grids:
        return None
    grids[0].group_labels = " ".join(g.text for g in frame.groups)
    grids[0].merging = frame.merging
    return grids[0]


def locate(lines: list[list[Segment]], rules: list[float], height: float, settings: Settings,
           previous: Grid | None, across: list[float] | None = None) -> Frame | None:
    """The table under a header found by its labels, or the previous page's table going on.
    `across`: the rules drawn across the whole table (not a group label's underline)."""
    band = header_band(lines, rules, settings)
    if band is not None:
        first, last = band
        header = [s for ln in lines[first:last + 1] for s in ln]
        head_bottom, spill, overflow = _header_end(header, across or [])
        header = [s for s in header if s not in spill]
        stacks, groups, fields = column_stacks(header, settings)
        if len(stacks) < 3:
            return None
        data = table_body(([spill] if spill else []) + lines[last + 1:], head_bottom, rules, stacks, height)
        if not data:
            return None
        inner = boundaries(stacks, [s for ln in data for s in ln])
        if _fit(data, inner) < FIT_SHARE:
            return None                  # prose under a line that only looked like a header
        return Frame(min(s.top for s in header) - 1, head_bottom, stacks, inner, data, groups,
                     [j for j, f in enumerate(fields) if f == "category"], overflow)
    if previous is None or not previous.columns:
        return None
    inner = previous.columns[1:-1]
    stacks = list(zip(previous.columns, previous.columns[1:]))
    data = table_body(lines, None, rules, stacks, height)
    if not data or _fit(data, inner) < FIT_SHARE:
        return None
    top = min(s.top for s in data[0]) - 1
    return Frame(top, top, stacks, inner, data, [], list(previous.merging or []))


def _header_end(header: list[Segment], across: list[float]) -> tuple[float, list[Segment], list[Segment]]:
    """(bottom of the header, the first row's segments set tight under the header rule, header
    text running over the rule). The rule under a header ends it: a narrow header cell's last
    line may run past it (kept for the label, left out of the cells), and the first row's
    opening line (（三 of a wrapped numeral) may reach above the next header line's bottom."""
    bottom = max(s.bottom for s in header)
    cut = max((r for r in across if min(s.top for s in header) + 1 < r < bottom), default=None)
    if cut is None:
        return bottom + 1, [], []
    below = [s for s in header if s.bottom > cut and (_DATA_TEXT.match(s.text.strip()) or (s.top + s.bottom) / 2 > cut)]
    above = [s for s in header if s not in below]
    overflow = [s for s in below if not _DATA_TEXT.match(s.text.strip()) and _wraps_under(s, above)]
    return cut, [s for s in below if s not in overflow], overflow


def _column(x: float, columns: list[float]) -> int:
    return max(0, min(len(columns) - 2, bisect_right(columns, x) - 1))


def row_bands(frame: Frame, rules: list[float], columns: list[float]) -> list[tuple[float, float]]:
    """(top, bottom) of the header band and of each body row: rows from the rules inside the
    body and from the gaps between its lines (cells of merging columns left out, since a label
    merged over two rows stands across the gap between them)."""
    data = frame.data
    bottom = max(s.bottom for ln in data for s in ln) + 1
    data_top = min(s.top for s in data[0])
    inner_rules = [r for r in rules if data_top + 1 < r < bottom - 1]
    plain = [[s for s in ln if _column(s.centre, columns) not in frame.merging] for ln in data]
    breaks = row_breaks([ln for ln in plain if ln], columns)
    breaks = [y for y in breaks if all(abs(y - r) > RULE_SNAP for r in inner_rules)]
    ys = sorted({round(y, 2) for y in [frame.head_bottom, *inner_rules, *breaks, bottom]
                 if frame.head_bottom <= y <= bottom})
    head = [(frame.top, frame.head_bottom)] if frame.head_bottom > frame.top + 1 else []
    return head + list(zip(ys, ys[1:]))


def merged_spans(frame: Frame, bands: list[tuple[float, float]], columns: list[float], settings: Settings
                 ) -> dict[int, list[tuple[int, int]]]:
    """Column → (first, last) body bands each label of a merging column (类别) covers.

    The rows between two barriers (合计, 小计, a heading row) are shared out among the labels
    standing there: a label set at the top of its cell covers its row and the rows under it up
    to the next label; a label set in the middle covers the run of rows it is centred on."""
    first_body = 1 if frame.head_bottom > frame.top + 1 else 0
    body = list(range(first_body, len(bands)))
    out: dict[int, list[tuple[int, int]]] = {}
    barriers = {k for k in body if _barrier(frame, bands[k], columns)}
    for j in frame.merging:
        labels = _labels(frame, bands, columns, j, body, settings)
        if not labels:
            continue
        top_set = all(abs(top - bands[k][0]) <= 0.8 * size for k, top, _, size in labels) and \
            all(any(k == s for k, *_ in labels) for s in _section_starts(body, barriers, labels))
        starts = _numbering_starts(frame, bands, columns)
        for section in _sections(body, barriers):
            inside = [lb for lb in labels if lb[0] in section]
            restart = [k for k in section if k in starts]
            if len(restart) == len(inside) >= 2 and abs(restart[0] - inside[0][0]) <= 1:
                runs = [(a, b - 1) for a, b in zip(restart, restart[1:] + [section[-1] + 1])]
            else:
                runs = _top_runs(section, inside) if top_set else _centred_runs(section, inside, bands)
            out.setdefault(j, []).extend((a, b) for a, b in runs if b > a)
    return out


def _numbering_starts(frame: Frame, bands: list[tuple[float, float]], columns: list[float]) -> set[int]:
    """Bands where a numbering that starts again for each group (1, 2, 3, 1, 2, …) says 1: a
    column of small whole numbers only, holding 1 more than once."""
    per: dict[int, list[tuple[int, str]]] = {}
    for ln in frame.data:
        for s in ln:
            k = next((k for k, (y0, y1) in enumerate(bands) if y0 <= (s.top + s.bottom) / 2 <= y1), None)
            if k is not None:
                per.setdefault(_column(s.centre, columns), []).append((k, s.text.strip()))
    for j, cells in sorted(per.items()):
        if j in frame.merging or not all(re.fullmatch(r"\d{1,3}", t) for _, t in cells):
            continue
        ones = {k for k, t in cells if t == "1"}
        if len(ones) >= 2:
            return ones
    return set()


def _barrier(frame: Frame, band: tuple[float, float], columns: list[float]) -> bool:
    """A 合计/小计/heading row: no label's cell runs across it."""
    texts = [s.text.strip() for ln in frame.data for s in ln
             if band[0] <= (s.top + s.bottom) / 2 <= band[1] and _column(s.centre, columns) not in frame.merging]
    return any(re.fullmatch(r"[合总小]\s*计|[一二三四五六七八九十]+[、.．].*|[（(][一二三四五六七八九十]+[)）].*", t)
               for t in texts)


def _labels(frame: Frame, bands, columns, j: int, body: list[int], settings: Settings
            ) -> list[tuple[int, float, float, float]]:
    """(band, top, centre, size) of each label in column j: its lines stacked close together."""
    segs = sorted((s for ln in frame.data for s in ln if _column(s.centre, columns) == j), key=lambda s: s.top)
    blocks: list[list] = []
    for s in segs:
        if blocks and s.top - blocks[-1][-1].bottom <= WRAP_GAP_EM * s.size + 1:
            blocks[-1].append(s)
        else:
            blocks.append([s])
    out = []
    for bl in (part for b in blocks for part in split_labels(b, settings)):
        top, bottom = bl[0].top, max(s.bottom for s in bl)
        centre = (top + bottom) / 2
        k = next((k for k in body if bands[k][0] <= centre <= bands[k][1]), None)
        if k is not None:
            out.append((k, top, centre, bl[0].size))
    return out


def split_labels(lines: list[Segment], settings: Settings) -> list[list[Segment]]:
    """Two labels set line under line with no gap between them (就业/帮扶/类 over 人才/协作) apart:
    cut where the lines above and the lines below each name a different category."""
    best = (settings.category_match_min, 0)
    for i in range(1, len(lines)):
        (a, sa), (b, sb) = (canonical_category("".join(s.text for s in part)) for part in (lines[:i], lines[i:]))
        if a and b and a != b and min(sa, sb) >= best[0]:
            best = (min(sa, sb), i)
    i = best[1]
    return [lines[:i], *split_labels(lines[i:], settings)] if i else [lines]


def _sections(body: list[int], barriers: set[int]) -> list[list[int]]:
    out: list[list[int]] = [[]]
    for k in body:
        if k in barriers:
            out.append([])
        else:
            out[-1].append(k)
    return [s for s in out if s]


def _section_starts(body, barriers, labels) -> list[int]:
    """The first row of each section that holds a label."""
    return [s[0] for s in _sections(body, barriers) if any(lb[0] in s for lb in labels)]


def _top_runs(section: list[int], labels) -> list[tuple[int, int]]:
    ks = [lb[0] for lb in labels]
    return [(k, (ks[i + 1] - 1) if i + 1 < len(ks) else section[-1]) for i, k in enumerate(ks)]


def _centred_runs(section: list[int], labels, bands) -> list[tuple[int, int]]:
    """Cut the section into one run per label (rows before the first label or after the last
    may stay out), each run as nearly centred on its label as the cuts allow."""
    if not labels:
        return []
    ks = [lb[0] for lb in labels]
    first, last = section[0], section[-1]

    def cost(a: int, b: int, i: int) -> float:
        return abs((bands[a][0] + bands[b][1]) / 2 - labels[i][2])

    # best[i][b]: least cost of runs 0..i with run i ending at b (its start given by the previous end)
    best: list[dict[int, tuple[float, list[tuple[int, int]]]]] = []
    for i, k in enumerate(ks):
        ends = range(k, (ks[i + 1] if i + 1 < len(ks) else last + 1))
        row: dict[int, tuple[float, list[tuple[int, int]]]] = {}
        for b in ends:
            if i == 0:
                row[b] = min(((cost(a, b, 0), [(a, b)]) for a in range(first, k + 1)), key=lambda t: t[0])
            else:
                row[b] = min(((c + cost(e + 1, b, i), runs + [(e + 1, b)]) for e, (c, runs) in best[-1].items()
                              if e + 1 <= k), key=lambda t: t[0])
        best.append(row)
    return min(best[-1].values(), key=lambda t: t[0])[1]


def edges_for(frame: Frame, bands: list[tuple[float, float]], columns: list[float],
              spans: dict[int, list[tuple[int, int]]], segs: list[Segment]) -> tuple[list[dict], list[dict]]:
    """Explicit lines for the table finder: a vertical at each boundary of each band unless text
    runs across it there (a heading row over several columns: a row of few cells, or a 一、/合计
    line; in other rows a boundary crossed is text set too close), a horizontal under each band
    except across a cell merged over that row boundary."""
    v, h = [], []
    header = frame.head_bottom > frame.top + 1
    for k, (y0, y1) in enumerate(bands):
        inside = [s for s in segs if y0 <= (s.top + s.bottom) / 2 <= y1]
        marked = any(_HEADING_MARK.match(s.text.strip()) for s in inside)    # （三）民生保障类 across cells
        heading = [s for s in inside if len(inside) <= HEADING_ROW_SEGMENTS or marked or _DATA_TEXT.match(s.text.strip())]
        for j, x in enumerate(columns):
            spanned = 0 < j < len(columns) - 1 and not (k == 0 and header) and \
                any(s.x0 < x - 0.5 * s.size and s.x1 > x + 0.5 * s.size for s in heading)
            if not spanned:
                v.append(_vline(x, y0, y1))
        h += _row_line(columns, y0, [j for j, runs in spans.items() if any(a < k <= b for a, b in runs)])
    h.append(_hline(columns[0], columns[-1], bands[-1][1]))
    return v, h


def _row_line(columns: list[float], y: float, gaps: list[int]) -> list[dict]:
    """A horizontal rule across the table at y, broken where a merged cell continues."""
    out, x = [], columns[0]
    for j in sorted(gaps):
        if columns[j] > x:
            out.append(_hline(x, columns[j], y))
        x = columns[j + 1]
    if columns[-1] > x:
        out.append(_hline(x, columns[-1], y))
    return out


def table_body(lines: list[list[Segment]], head_bottom: float | None, rules: list[float],
               stacks: list[tuple[float, float]], height: float) -> list[list[Segment]]:
    """The lines of the table below its header: up to the bottom rule, a wide gap, prose running
    across the columns (a note under the table, a signature) or the page margin (furniture)."""
    x_left, x_right = stacks[0][0], stacks[-1][1]
    span = x_right - x_left
    tops = [min(s.top for s in ln) for ln in lines if head_bottom is None or min(s.top for s in ln) >= head_bottom - 1]
    below = [r for r in rules if tops and r > tops[0] + 1]
    limit = max(below) if below and head_bottom is not None else None
    out: list[list[Segment]] = []
    prev_bottom = head_bottom
    for ln in lines:
        top = min(s.top for s in ln)
        if head_bottom is not None and top < head_bottom - 1 or top < MARGIN * height:
            continue
        if max(s.bottom for s in ln) > (1 - MARGIN) * height:
            break
        if limit is not None and top > limit:
            break
        size = max(s.size for s in ln)
        if prev_bottom is not None and top - prev_bottom > 4 * size and limit is None:
            break
        if all(s.x1 < x_left - 2 * size or s.x0 > x_right + 2 * size for s in ln):
            continue
        if len(ln) == 1 and ln[0].x1 - ln[0].x0 > 0.6 * span and len(ln[0].text) > 30 and \
                not _DATA_TEXT.match(ln[0].text):
            break
        out.append(ln)
        prev_bottom = max(s.bottom for s in ln)
    return out


def _fit(lines: list[list[Segment]], xs: list[float]) -> float:
    """Share of lines none of whose segments runs across a column boundary."""
    ok = sum(all(not any(s.x0 < x - s.size and s.x1 > x + s.size for x in xs) for s in ln) for ln in lines)
    return ok / len(lines) if lines else 0.0


def _vline(x: float, top: float, bottom: float) -> dict:
    return {"object_type": "line", "x0": x, "x1": x, "top": top, "bottom": bottom, "width": 0.0,
            "height": bottom - top}


def _hline(x0: float, x1: float, y: float) -> dict:
    return {"object_type": "line", "x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0.0}
