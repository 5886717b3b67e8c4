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
from dataclasses import dataclass

from pdfplumber.table import TableFinder, TableSettings

from extractors.grid import Grid, build_grid
from normalizers.vocab import match_label
from schemas.settings import Settings

TABLE_SETTINGS = {"snap_tolerance": 3, "join_tolerance": 3, "intersection_tolerance": 3}
_DATA_TEXT = re.compile(r"^([\d.,，\s%-]+|[（(]?\d{1,3}[)）]?|[一二三四五六七八九十]+[、.．].*|[（(][一二三四五六七八九十]+[)）].*"
                        r"|合\s*计|总\s*计|小\s*计|[一二三四五六七八九十]+)$", re.S)
MARGIN = 0.06          # share of the page height at top and bottom where only page furniture stands
RULE_SHARE = 0.25       # a horizontal rule at least this share of the page wide can bound a table row
GUTTER_EM = 0.3         # em: a gap this wide between two characters of a line separates two cells
WRAP_GAP_EM = 0.3       # em: lines of one header cell stand at most this far apart
RULE_SNAP = 4.0         # points: a text gap this close to a rule is that rule
FIT_SHARE = 0.6         # share of a continuation page's lines that must keep within the columns
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
    return _finder_grids(plumb_page, number, v, h, chars)


def _finder_grids(plumb_page, number: int, v: list[dict], h: list[dict], chars: list[dict],
                  columns: list[float] | None = None) -> list[Grid]:
    settings = {**TABLE_SETTINGS, "vertical_strategy": "explicit", "horizontal_strategy": "explicit",
                "explicit_vertical_lines": v, "explicit_horizontal_lines": h}
    tables = TableFinder(plumb_page, TableSettings.resolve(settings)).tables
    grids = [build_grid(number, list(t.cells), chars) for t in tables]
    for g in grids:
        g.columns = columns
    return [g for g in grids if g.n_rows >= 2 and g.n_cols >= 3]


# ---- aligned columns ------------------------------------------------------------------

def text_lines(chars: list[dict], line_tol: float) -> list[list[Segment]]:
    """Characters → lines (by top) → segments split at gutters wider than GUTTER_EM."""
    rows: list[list[dict]] = []
    for ch in sorted((c for c in chars if c["text"].strip()), key=lambda c: (c["top"], c["x0"])):
        if rows and abs(ch["top"] - rows[-1][0]["top"]) <= line_tol:
            rows[-1].append(ch)
        else:
            rows.append([ch])
    out = []
    for row in rows:
        row.sort(key=lambda c: c["x0"])
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
    return match_label(seg.text)[1] >= settings.header_match_min


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
    while last + 1 < len(lines) and last - start < 8:
        nxt = lines[last + 1]
        top = min(s.top for s in nxt)
        gap = top - max(s.bottom for s in lines[last])
        if any(_DATA_TEXT.match(s.text.strip()) for s in nxt) or gap > 2 * size:
            break
        if gap > WRAP_GAP_EM * size and not any(_is_label(s, settings) for s in nxt):
            break                       # a wide gap, then text that is no label: the first row
        if any(max(s.bottom for s in lines[start]) - 1 < r < top for r in rules):
            break
        last += 1
    return first, last


def _header_like(line: list[Segment]) -> bool:
    return all(len(s.text) <= 16 and not _DATA_TEXT.match(s.text) and not _CAPTION.search(s.text) for s in line)


def column_stacks(header: list[Segment]) -> tuple[list[tuple[float, float]], list[Segment]]:
    """Header segments → one (x0, x1) per column, left to right, and the group labels
    (a label over two or more separate labels below it: 资金来源 over 协作资金 | 县级配套)."""
    header = join_wrapped(header)
    groups = [s for s in header if _covers_several(s, header)]
    rest = sorted((s for s in header if s not in groups), key=lambda s: s.x0)
    stacks: list[list[float]] = []
    for s in rest:
        for st in stacks:
            overlap = min(st[1], s.x1) - max(st[0], s.x0)
            if overlap > 0.3 * min(st[1] - st[0], s.x1 - s.x0):
                st[0], st[1] = min(st[0], s.x0), max(st[1], s.x1)
                break
        else:
            stacks.append([s.x0, s.x1])
    stacks.sort()
    return [(a, b) for a, b in stacks], groups


def join_wrapped(segs: list[Segment]) -> list[Segment]:
    """The lines of one wrapped header cell as one segment: pieces stacked line under line
    (no wider apart than WRAP_GAP_EM) and centred on one another (计划投资（万 / 元）)."""
    out: list[Segment] = []
    for s in sorted(segs, key=lambda s: (s.top, s.x0)):
        for k, o in enumerate(out):
            if 0 <= s.top - o.bottom <= WRAP_GAP_EM * s.size + 1 and abs(s.centre - o.centre) <= 0.5 * s.size:
                out[k] = Segment(o.text + s.text, min(o.x0, s.x0), max(o.x1, s.x1), o.top, s.bottom,
                                 max(o.size, s.size), o.chars + s.chars)
                break
        else:
            out.append(s)
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
        lo, hi = (a0 + a1) / 2, (b0 + b1) / 2
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


def row_breaks(lines: list[list[Segment]]) -> list[float]:
    """y between rows of a table without row rules: the gaps between text lines that are
    clearly wider than the gaps inside a wrapped cell (two classes split at the largest jump)."""
    spans = sorted((min(s.top for s in ln), max(s.bottom for s in ln)) for ln in lines)
    merged: list[list[float]] = []
    for top, bottom in spans:
        if merged and top < merged[-1][1] - 0.5:
            merged[-1][1] = max(merged[-1][1], bottom)
        else:
            merged.append([top, bottom])
    gaps = [(b[0] - a[1], (a[1] + b[0]) / 2) for a, b in zip(merged, merged[1:])]
    if not gaps:
        return []
    sizes = sorted(g for g, _ in gaps)
    typical = sizes[len(sizes) // 2]
    sizes = [g for g in sizes if g <= 3 * max(typical, 1.0)] or sizes    # a far outlier is a break anyway
    jumps = [(sizes[i + 1] - sizes[i], i) for i in range(len(sizes) - 1)]
    size = min(ln[0].size for ln in lines)
    if not jumps or max(jumps)[0] < 0.25 * size:
        # one class of gaps: either every line is a row, or no line breaks a row
        return [y for _, y in gaps] if sizes[0] > 0.3 * size else []
    _, i = max(jumps)
    cut = (sizes[i] + sizes[i + 1]) / 2
    return [y for g, y in gaps if g > cut or g > sizes[-1]]


def aligned_grid(plumb_page, number: int, edges: list[dict], chars: list[dict], settings: Settings,
                 previous: Grid | None = None) -> Grid | None:
    """A table without vertical rules, by the alignment of its text (None when there is none)."""
    lines = text_lines(chars, settings.line_tolerance)
    width = plumb_page.width
    rules = sorted({round(e["top"], 1) for e in edges if e["width"] > RULE_SHARE * width})
    band = header_band(lines, rules, settings)
    if band is not None:
        first, last = band
        header = [s for ln in lines[first:last + 1] for s in ln]
        stacks, groups = column_stacks(header)
        if len(stacks) < 3:
            return None
        top = min(s.top for s in header) - 1
        head_bottom = max(s.bottom for s in header) + 1
        body = lines[last + 1:]
        data = table_body(body, head_bottom, rules, stacks, plumb_page.height)
        if not data:
            return None
        xs_inner = boundaries(stacks, [s for ln in data for s in ln])
        skip = {id(c) for s in groups for c in s.chars}
    elif previous is not None and previous.columns:
        xs_inner = previous.columns[1:-1]
        stacks = [(a, b) for a, b in zip(previous.columns, previous.columns[1:])]
        data = table_body(lines, None, rules, stacks, plumb_page.height)
        if not data or _fit(data, xs_inner) < FIT_SHARE:
            return None
        top = head_bottom = min(s.top for s in data[0]) - 1
        skip, groups = set(), []
    else:
        return None
    segs = [s for ln in data for s in ln]
    left = min([s.x0 for s in segs] + [stacks[0][0]]) - 2
    right = max([s.x1 for s in segs] + [stacks[-1][1]]) + 2
    bottom = max(s.bottom for s in segs) + 1
    data_top = min(s.top for s in data[0])
    inner_rules = [r for r in rules if data_top + 1 < r < bottom - 1]
    breaks = [y for y in row_breaks(data) if all(abs(y - r) > RULE_SNAP for r in inner_rules)]
    ys = sorted(set(round(y, 2) for y in [head_bottom, *inner_rules, *breaks, bottom] if head_bottom <= y <= bottom))
    bands = ([(top, head_bottom)] if head_bottom > top + 1 else []) + list(zip(ys, ys[1:]))
    columns = [left, *xs_inner, right]
    v, h = [], []
    for k, (y0, y1) in enumerate(bands):
        inside = [s for s in segs if y0 <= (s.top + s.bottom) / 2 <= y1]
        for j, x in enumerate(columns):
            spanned = 0 < j < len(columns) - 1 and not (k == 0 and band is not None) and \
                any(s.x0 < x - 0.5 * s.size and s.x1 > x + 0.5 * s.size for s in inside)
            if not spanned:
                v.append(_vline(x, y0, y1))
        h.append(_hline(left, right, y0))
    h.append(_hline(left, right, bands[-1][1]))
    placed = [c for c in chars if id(c) not in skip]
    grids = _finder_grids(plumb_page, number, v, h, placed, columns)
    if not grids:
        return None
    grids[0].group_labels = " ".join(s.text for s in groups) if band is not None else ""
    return grids[0]


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
