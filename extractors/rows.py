"""The rows of a table drawn without row rules, from the gaps between its text lines and the
cells that share their middles or tops; and the ruling lines that draw its rows and columns."""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from extractors.header import Frame
from extractors.segments import DATA_TEXT, HEADING_MARK, Segment, column_at, hline, vline
from extractors.rowkind import bare_category, counted_heading, numbers_rows, numeral_lost
from normalizers.vocab import name_endings
from schemas.settings import Settings

_FIGURE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")      # a whole amount
MIN_AMOUNT_DIGITS = 3    # two stacked figures this long are two rows' amounts (a wrapped one leaves fewer)
_YEAR = re.compile(r"(?:19|20)\d\d")
TAIL_WIDTH_SHARE = 0.8   # a line this share of its column's widest or wider is a wrapped line, no row's last


def row_bands(frame: Frame, rules: list[float], columns: list[float], settings: Settings
              ) -> list[tuple[float, float]]:
    """(top, bottom) of the header band and of each body row: rows from the rules inside the
    body and from the gaps between its lines (cells of merging columns left out, since a label
    merged over two rows stands across the gap between them)."""
    data = frame.data
    bottom = max(s.bottom for ln in data for s in ln) + 1
    data_top = min(s.top for s in data[0])
    inner_rules = [r for r in rules if data_top + 1 < r < bottom - 1]
    plain = [[s for s in ln if column_at(s.centre, columns) not in frame.merging] for ln in data]
    breaks = row_breaks([ln for ln in plain if ln], columns, settings)
    breaks = [y for y in breaks if all(abs(y - r) > settings.rule_snap for r in inner_rules)]
    ys = sorted({round(y, 2) for y in [frame.head_bottom, *inner_rules, *breaks, bottom]
                 if frame.head_bottom <= y <= bottom})
    head = [(frame.top, frame.head_bottom)] if frame.head_bottom > frame.top + 1 else []
    return head + list(zip(ys, ys[1:]))


@dataclass
class Block:
    """The lines of one cell as stacked in one column (`first`: the bottom of its first line)."""
    top: float
    bottom: float
    size: float
    first: float | None = None

    @property
    def first_middle(self) -> float:
        """The middle of the cell's first line."""
        return (self.top + (self.bottom if self.first is None else self.first)) / 2

    @property
    def centre(self) -> float:
        return (self.top + self.bottom) / 2


def per_column(lines: list[list[Segment]], columns: list[float]) -> list[list[Segment]]:
    """The table's line pieces by the column they stand in."""
    per: list[list[Segment]] = [[] for _ in range(len(columns) - 1)]
    for ln in lines:
        for s in ln:
            per[column_at(s.centre, columns)].append(s)
    return per


def column_blocks(lines: list[list[Segment]], columns: list[float], settings: Settings,
                  apart: list[float] = ()) -> list[list[Block]]:
    """Each column's text cut into cells: a line under another no further than the table's usual
    line gap (plus settings.cell_gap_em) goes on the same cell, unless a row ends between them
    (`apart`, from entry_breaks)."""
    per = per_column(lines, columns)
    heading = {id(s) for ln in lines if any(HEADING_MARK.match(s.text.strip()) for s in ln) for s in ln}
    gaps = _line_gaps(per)
    within = gaps[len(gaps) // 4] if gaps else 0.0           # the gap between lines of one cell
    out = []
    for segs in per:
        blocks: list[Block] = []
        last = None
        for s in sorted(segs, key=lambda s: s.top):
            # a heading row's cell goes on only at the table's own line gap: the next row may touch it
            slack = 0.0 if id(s) in heading or (last is not None and id(last) in heading) else settings.cell_gap_em
            parted = last is not None and (any(_middle(last) < y < _middle(s) for y in apart) or _two_amounts(last, s))
            if blocks and not parted and s.top - blocks[-1].bottom <= within + slack * s.size + 0.5:
                blocks[-1].bottom = max(blocks[-1].bottom, s.bottom)
            else:
                blocks.append(Block(s.top, s.bottom, s.size, s.bottom))
            last = s
        out.append(blocks)
    return out


def _two_amounts(upper: Segment, lower: Segment) -> bool:
    """Two lines of one column that are each a whole amount of several digits: two rows' cells, since an
    amount is not wrapped (k8-018: a 合计 and the heading under it, both labels under a seal). A
    figure wrapped in a narrow column leaves a digit or two, or starts with what it broke at; two
    years are a period wrapped, its dash lost (2022 | 2023, k3-071)."""
    a, b = upper.text.strip(), lower.text.strip()
    return all(_FIGURE.fullmatch(t) and sum(ch.isdigit() for ch in t) >= MIN_AMOUNT_DIGITS and not _YEAR.fullmatch(t)
               for t in (a, b)) and not a.endswith((",", ".")) and not b.startswith(("0", ",", "."))


def entry_breaks(per: list[list[Segment]]) -> list[float]:
    """y between two rows set with no gap between them (k3-056: one line each, the next row's
    line at the table's own line pitch): where one column holds two lines right one under the other
    (less than a line apart) that each end as a project's name ends, and another column a whole
    figure on each of the two lines.
    A name wrapped after a 项目 inside it (产业发展项目 | 配套工程) has one figure beside it."""
    names = [(a, b) for segs in per for a, b in _pairs(segs) if b.top - a.bottom < min(a.size, b.size)
             and a.text.strip().endswith(name_endings()) and b.text.strip().endswith(name_endings())]
    figures = [s for segs in per for s in segs if _FIGURE.fullmatch(s.text.strip())]
    out = []
    for a, b in names:
        on_a = [f for f in figures if abs(_middle(f) - _middle(a)) <= 0.5 * a.size]
        on_b = [f for f in figures if abs(_middle(f) - _middle(b)) <= 0.5 * b.size]
        if any(min(f.x1, g.x1) > max(f.x0, g.x0) for f in on_a for g in on_b):
            out.append((a.bottom + b.top) / 2)
    return out


def _pairs(segs: list[Segment]) -> list[tuple[Segment, Segment]]:
    """Each line of a column with the line right under it."""
    ordered = sorted(segs, key=lambda s: s.top)
    return list(zip(ordered, ordered[1:]))


def _middle(s) -> float:
    return (s.top + s.bottom) / 2


def _line_gaps(per: list[list[Segment]]) -> list[float]:
    """Gaps under each line to the next line of the same column, where they are under an em."""
    out = []
    for segs in per:
        ordered = sorted(segs, key=lambda s: s.top)
        out += [b.top - a.bottom for a, b in zip(ordered, ordered[1:]) if -0.5 < b.top - a.bottom < a.size]
    return sorted(out)


def row_breaks(lines: list[list[Segment]], columns: list[float], settings: Settings) -> list[float]:
    """y between the rows of a table drawn without row rules.

    The cells of one row share their middle (cells set middle) or their top (set at the top):
    the key more cells of different columns share exactly is the table's; each group of cells
    sharing it is a row (not a group of cells run together over two rows), as is a heading line."""
    apart = entry_breaks(per_column(lines, columns))
    blocks = [b for col in column_blocks(lines, columns, settings, apart) for b in col]
    if not blocks:
        return []
    size = statistics.median(b.size for b in blocks)     # OCR boxes: digits are shorter than hanzi
    best: list[list[Block]] = []
    best_score = (-1, 0)
    key_of = _centre
    for key in (_centre, _top):
        shared = [r for r in key_groups(blocks, key, settings.row_key_em * size) if len(r) >= 2]
        # a cell of several lines and a one-line cell of its row share their middles or their tops,
        # never both: the key more such pairs share exactly is the table's (a tie: fewer rows)
        score = (sum(_mixed(r, key) for r in shared), -len(shared))
        if score > best_score:
            best, best_score, key_of = shared, score, key
    if key_of is _top:
        best = [r for r in best if not _runs_over(blocks, r, size)]
    keys = [statistics.median(map(key_of, r)) for r in best]
    rows = []
    for k, r in zip(keys, best):    # cells run together over rows (no padding) hold other rows' keys
        clean = [b for b in r if not any(b.top < o < b.bottom for o in keys if abs(o - k) > 1)]
        if len(clean) >= 2:
            rows.append((k, clean))
    headings = {round(k, 1) for k in heading_keys(lines, key_of)}
    keys = sorted({round(k, 1) for k, _ in rows} | headings)
    if rows:        # the rest of a row broken by the page break, above the first row: a row of its own
        k0, first = min(rows, key=lambda kr: kr[0])
        first_top = min(b.top for b in first)
        lead = [b for b in blocks if b.bottom < first_top - 0.5]
        if not lead and key_of is _centre:
            lead = _tails_above(per_column(lines, columns), k0, first_top, settings.row_key_em * size)
        if lead and key_of(lead[0]) < keys[0]:
            keys.insert(0, round(min(key_of(b) for b in lead), 1))
    if len(keys) < 2:
        return []
    return walk(keys, lines, key_of is _centre, settings, apart, headings)


def _tails_above(per: list[list[Segment]], key: float, top: float, tol: float) -> list[Block]:
    """Lines above a table's first row set in the middle (its cells from `top` on), each run on in its
    column into a cell centred on the row's middle `key` only without them, and short of the column's
    widest line: the rest of the row above, broken by the page break, its rule lost (k22-023: 会 of
    残疾人联合会 over a cell of the next project), as blocks; [] unless every line above the row is
    such. A line as wide as the column's is a cell's first line, wrapped (k22-003: 改造教学楼约210平方米，购)."""
    out = []
    for segs in per:
        above = [s for s in segs if s.bottom < top - 0.5]
        if not above:
            continue
        widest = max(s.x1 - s.x0 for s in segs)
        start = min((s.top for s in segs if max(a.bottom for a in above) < s.top < key), default=None)
        if start is None or any(a.x1 - a.x0 >= TAIL_WIDTH_SHARE * widest for a in above):
            return []
        cell = [s for s in segs if s.top >= start and s.bottom <= 2 * key - start + tol]
        if abs((start + max(s.bottom for s in cell)) / 2 - key) > tol:
            return []
        out.append(Block(min(s.top for s in above), max(s.bottom for s in above), max(s.size for s in above)))
    return sorted(out, key=_centre)


def _runs_over(blocks: list[Block], group: list[Block], size: float) -> bool:
    """More cells run on across a group's top key (their first line ended above it, a line or more
    of them below it) than start there, ending with them: the cells starting there are second lines
    whose first lines OCR joined to a neighbouring column's (k20-030: 县人力资源和社 | 会保障局 split
    off a project's row). Cells running on further down are cells run together over rows (k19-029),
    and a line OCR boxed taller than the figures beside it is their own line (k3-056): no sign."""
    k, end = statistics.median(b.top for b in group), max(b.bottom for b in group)
    return sum(1 for b in blocks if b.top < k and b.first is not None and b.first <= k + 1.0
               and k + 0.5 * size < b.bottom <= end + 0.5 * size) > len(group)


def key_groups(blocks: list[Block], key, tol: float) -> list[list[Block]]:
    """Cells whose keys stand within `tol` of a group's first key, as groups; neighbouring groups
    whose keys all stand within twice that are one (a scanned row's cells scatter around its key)."""
    groups: list[list[Block]] = []
    for b in sorted(blocks, key=key):
        if groups and key(b) - key(groups[-1][0]) <= tol:
            groups[-1].append(b)
        else:
            groups.append([b])
    out: list[list[Block]] = []
    for g in groups:
        if out and key(g[-1]) - key(out[-1][0]) <= 2 * tol:
            out[-1] += g
        else:
            out.append(g)
    return out


def _mixed(row: list[Block], key) -> int:
    """Cells of several lines in the row whose key equals a one-line cell's key there. Set at the
    top, a cell's first line and a one-line cell share their middles too: OCR boxes figures
    shorter than hanzi, so their tops differ (k20-011: 95.8 under 94.3)."""
    single = [b for b in row if b.bottom - b.top <= 1.5 * b.size]
    return sum(1 for b in row if b.bottom - b.top > 1.5 * b.size and any(
        abs(key(b) - key(o)) <= 1.0 or key is _top and abs(b.first_middle - _centre(o)) <= 1.0 for o in single))


def _centre(b) -> float:
    return (b.top + b.bottom) / 2


def _top(b) -> float:
    return b.top


def heading_keys(lines: list[list[Segment]], key_of) -> list[float]:
    """A heading, 小计 or 合计 line is a row of its own, with the lines its text wraps onto; so is a
    category's known wording after the mark of a numeral the scan lost (、片区任务 for 二、片区任务, k9-039:
    run into the next project's row, every project after it in the category before), or with its
    count of projects (`counted_heading`), or alone on its line (`bare_category`)."""
    return [key_of(Block(s.top, _wrapped_bottom(s, lines), s.size)) for ln in lines for s in ln
            if DATA_TEXT.match(s.text.strip()) and not re.fullmatch(r"[\d.,，\s%-]+", s.text.strip())
            and not re.fullmatch(r"[（(]?\d{1,3}[)）]?", s.text.strip()) or numeral_lost(s.text) or counted_heading(s.text)
            or len(ln) == 1 and bare_category(s.text)]


def _wrapped_bottom(s: Segment, lines: list[list[Segment]]) -> float:
    """The bottom of a heading's text with the lines it wraps onto: lines right under it (within an
    em) holding only text within its width (s707-039: 三、补齐基础短板及拓 | 展基层治理), not
    themselves a heading; a line wider or set further left is the next row's (s505-017)."""
    bottom = s.bottom
    for ln in sorted(lines, key=lambda ln: min(x.top for x in ln)):
        top = min(x.top for x in ln)
        if top <= s.top or top - bottom < -0.5:
            continue
        if top - bottom > s.size or len(ln) != 1 or DATA_TEXT.match(ln[0].text.strip()) or \
                not (ln[0].x0 >= s.x0 - 0.5 * s.size and ln[0].x1 <= s.x1 + 0.5 * s.size):
            break
        bottom = ln[0].bottom
    return bottom


def walk(keys: list[float], lines: list[list[Segment]], middle: bool, settings: Settings,
         apart: list[float] = (), headings: set[float] = frozenset()) -> list[float]:
    """Row boundaries from the rows' keys (`headings`: those of heading lines, kept apart from the
    keys of the rows they head, k12-039). Rows set at the top end just above the next top;
    rows set in the middle end as far below their middle as their first line began above it (each boundary
    moved to the nearest gap between text lines, or where none runs across the table, to the
    height cutting fewest text boxes, so the walk never drifts into a cell)."""
    spans = sorted((min(s.top for s in ln), max(s.bottom for s in ln)) for ln in lines)
    gaps = open_gaps(spans)
    segs = [s for ln in lines for s in ln]
    near = settings.row_wrap_em * statistics.median(s.size for s in segs)
    tol = 2 * settings.row_key_em * statistics.median(s.size for s in segs)
    key = _centre if middle else _top
    clusters: list[list[float]] = []
    for k in keys:   # close keys with no gap between them are one row's (a wrapped heading row's)
        if clusters and k - clusters[-1][-1] <= near and not any(clusters[-1][-1] < g < k for g in gaps) \
                and not stacked_marks(segs, clusters[-1][-1], k, key, tol) \
                and not any(clusters[-1][-1] < y < k for y in apart) \
                and not ((k in headings) != (clusters[-1][-1] in headings) and k - clusters[-1][-1] > tol):
            clusters[-1].append(k)
        else:
            clusters.append([k])
    keys = [(c[0] + c[-1]) / 2 if middle else c[0] for c in clusters]
    breaks, prev = [], spans[0][0] - 0.5
    for k, nxt in zip(keys, keys[1:]):
        # set in the middle: as far below its middle as its first line starts above it (not the break
        # above it, which may stand well over that line: k25-005)
        want = 2 * k - min((s.top for s in segs if prev - 0.5 <= s.top < k), default=prev) if middle else nxt - 0.5
        if not middle:       # a row set at the top holds every line that starts before the next row's
            k = max([k] + [s.top for s in segs if k < s.top < nxt - tol])     # top (k8-016: its second line)
        inside = [g for g in gaps if k < g < nxt] or least_crossed(segs, k, nxt, settings)
        if not inside:
            continue
        prev = min(inside, key=lambda g: abs(g - want))
        breaks.append(prev)
    return breaks


def stacked_marks(segs: list[Segment], upper: float, lower: float, key, tol: float) -> bool:
    """Two rows' marks stacked in one column, one at each row key (within `tol`), that number two
    rows (numbers_rows; k1-027: 四 of a heading over 6 of its first project, the rule between them
    broken), or two whole amounts (_two_amounts; k8-018: a 合计 over a heading's subtotal). A cell
    wrapped (202 over 4 in a narrow column, k1-004; 3150000 over 0) is one row's."""
    above = [s for s in segs if abs(key(s) - upper) <= tol]
    below = [s for s in segs if abs(key(s) - lower) <= tol]
    pairs = [(a, b) for a in above for b in below if a.bottom <= b.top + 0.5 and min(a.x1, b.x1) > max(a.x0, b.x0)]
    return any(numbers_rows(a.text, b.text) or _two_amounts(a, b) for a, b in pairs)


def open_gaps(spans: list[tuple[float, float]]) -> list[float]:
    """Middles of the gaps no line crosses, for (top, bottom) spans sorted by top (a tall line
    above covers the gap under its shorter neighbour)."""
    out, low = [], spans[0][1] if spans else 0.0
    for top, bottom in spans[1:]:
        if top >= low - 0.5:
            out.append((low + top) / 2)
        low = max(low, bottom)
    return out


def least_crossed(segs: list[Segment], k: float, nxt: float, settings: Settings) -> list[float]:
    """Where no gap runs across the whole table between two rows' keys (a scan: text boxes of
    neighbouring columns overlap in height, tilted or grown by OCR), the heights between them
    that cut through the fewest text boxes (cutting a box near its top or bottom, by
    settings.row_cut_edge_share of its height, does not count: OCR grows boxes)."""
    edges = sorted({round(e, 2) for s in segs for e in (s.top, s.bottom) if k < e < nxt})
    ys = edges + [(a + b) / 2 for a, b in zip([k, *edges], [*edges, nxt])]
    edge = settings.row_cut_edge_share
    cost = {y: sum(1 for s in segs if s.top + edge * (s.bottom - s.top) < y < s.bottom - edge * (s.bottom - s.top))
            for y in ys}
    least = min(cost.values(), default=0)
    return [y for y in ys if cost[y] == least]


def edges_for(frame: Frame, bands: list[tuple[float, float]], columns: list[float],
              spans: dict[int, list[tuple[int, int]]], segs: list[Segment], settings: Settings
              ) -> tuple[list[dict], list[dict]]:
    """Explicit lines for the table finder: a vertical at each boundary of each band unless text
    runs across it there (a heading row over several columns: a row of few cells, or a 一、/合计
    line; in other rows a boundary crossed is text set too close), a horizontal under each band
    except across a cell merged over that row boundary."""
    v, h = [], []
    header = frame.head_bottom > frame.top + 1
    for k, (y0, y1) in enumerate(bands):
        inside = [s for s in segs if y0 <= (s.top + s.bottom) / 2 <= y1]
        marked = any(HEADING_MARK.match(s.text.strip()) for s in inside)    # （三）民生保障类 across cells
        heading = [s for s in inside if len(inside) <= settings.heading_row_cells or marked or DATA_TEXT.match(s.text.strip())]
        for j, x in enumerate(columns):
            spanned = 0 < j < len(columns) - 1 and not (k == 0 and header) and \
                any(s.x0 < x - 0.5 * s.size and s.x1 > x + 0.5 * s.size for s in heading)
            if not spanned:
                v.append(vline(x, y0, y1))
        h += _row_line(columns, y0, [j for j, runs in spans.items() if any(a < k <= b for a, b in runs)])
    h.append(hline(columns[0], columns[-1], bands[-1][1]))
    return v, h


def _row_line(columns: list[float], y: float, gaps: list[int]) -> list[dict]:
    """A horizontal rule across the table at y, broken where a merged cell continues."""
    out, x = [], columns[0]
    for j in sorted(gaps):
        if columns[j] > x:
            out.append(hline(x, columns[j], y))
        x = columns[j + 1]
    if columns[-1] > x:
        out.append(hline(x, columns[-1], y))
    return out
