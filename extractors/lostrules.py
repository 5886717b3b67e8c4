"""Row rules a scan lost around a heading, 小计 or 合计 line: where a broken or faint rule went
unfound, a ruled grid holds a heading row together with the row above or below it (k7-035: 四、片区任务
read into the next project's content; 小计 | 六、基础设施与基层治理 | a project's first line in one row).
A line that is such a row's text alone, beside nothing but figures, is given back its rules."""
from __future__ import annotations

import re

from extractors.grid import Grid, group_lines
from extractors.rowkind import counted_heading, numbered_category, numeral_lost
from extractors.segments import hline
from normalizers.text import compact
from schemas.settings import Settings

_TOTALS = re.compile(r"^(?:合计|总计|小计)$")
_FIGURES = re.compile(r"^[\d.,，%-]*$")


def lost_row_rules(grid: Grid, chars: list[dict], settings: Settings) -> list[dict]:
    """Rules across the grid at each lost row boundary, above and below a heading line that shares
    its row with other text, or whose row a cell holding only the next (or last) row's text runs into."""
    x0, _, x1, _ = grid.bbox
    return [hline(x0, x1, y) for band in _row_bands(grid)
            for y in _cuts(grid, band, chars, settings) or _run_into(grid, band, chars, settings)]


def _row_bands(grid: Grid) -> list[tuple[float, float]]:
    """(top, bottom) of each grid row, from the cells of one row."""
    bands = []
    for r in range(grid.n_rows):
        own = [c.bbox for c in grid.cells if c.row == r and c.rowspan == 1]
        if own:
            bands.append((min(b[1] for b in own), max(b[3] for b in own)))
    return bands


def _cuts(grid: Grid, band: tuple[float, float], chars: list[dict], settings: Settings) -> list[float]:
    """Cuts above and below the band's heading line with the lines that are its own (its wrapped
    rest, its sums), where other text stands above or below them."""
    top, bottom = band
    inside = [c for c in chars if top < (c["top"] + c["bottom"]) / 2 < bottom and c["text"].strip()]
    lines = group_lines(inside, settings.line_tolerance)
    for k, ln in enumerate(lines):
        if not _heading_alone(_pieces(grid, ln), settings):
            continue
        first, last = k, k
        while first > 0 and _own(lines[first - 1], ln, grid):
            first -= 1
        while last + 1 < len(lines) and _own(lines[last + 1], ln, grid):
            last += 1
        out = []
        if first > 0:
            out.append((_bottom(lines[first - 1]) + _top(lines[first])) / 2)
        if last + 1 < len(lines):
            out.append((_bottom(lines[last]) + _top(lines[last + 1])) / 2)
        return out
    return []


def _run_into(grid: Grid, band: tuple[float, float], chars: list[dict], settings: Settings) -> list[float]:
    """The band's edges a cell spanning rows crosses where the band holds a heading line alone (beside
    figures) and that cell's text all stands beyond the edge: the rule lost in one column between a
    heading and a project (三、补齐…治理（4个） over 农村危房改造项目, k13-004: the name taken for both rows)."""
    top, bottom = band
    inside = [c for c in chars if top < (c["top"] + c["bottom"]) / 2 < bottom and c["text"].strip()]
    lines = group_lines(inside, settings.line_tolerance)
    if len(lines) != 1:
        return []
    if not _heading_alone(_pieces(grid, lines[0]), settings):
        return []
    out = []
    for cell in grid.cells:
        if cell.rowspan < 2 or not (cell.bbox[1] < top - 1 or cell.bbox[3] > bottom + 1) \
                or not (cell.bbox[1] <= (top + bottom) / 2 <= cell.bbox[3]):
            continue
        x0, y0, x1, y1 = cell.bbox
        held = [(c["top"] + c["bottom"]) / 2 for c in chars if c["text"].strip()
                and x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and y0 <= (c["top"] + c["bottom"]) / 2 <= y1]
        if held and min(held) > bottom:
            out.append(bottom)
        elif held and max(held) < top:
            out.append(top)
    return sorted(set(out))


def _own(line: list[dict], heading: list[dict], grid: Grid) -> bool:
    """The line belongs to the heading's row: figures (its sums) and, within the heading's width,
    the rest of its label wrapped (三、基础设施与基层治理（5 | 个）)."""
    size = max(c.get("size") or (c["bottom"] - c["top"]) for c in heading)
    x0, x1 = min(c["x0"] for c in heading) - size / 2, max(c["x1"] for c in heading) + size / 2
    rest = [c for c in line if not (x0 <= c["x0"] and c["x1"] <= x1)]
    return all(_FIGURES.match(t) for t in _pieces(grid, rest)) if rest else True


def _pieces(grid: Grid, line: list[dict]) -> list[str]:
    """The line's text cell by cell (by the grid's cells its characters' middles fall in)."""
    by_cell: dict[int, str] = {}
    for c in line:
        cx, cy = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
        k = next((i for i, cell in enumerate(grid.cells)
                  if cell.bbox[0] <= cx <= cell.bbox[2] and cell.bbox[1] <= cy <= cell.bbox[3]), -1)
        by_cell[k] = by_cell.get(k, "") + c["text"]
    return [compact(t) for t in by_cell.values()]


def _heading_alone(pieces: list[str], settings: Settings) -> bool:
    """A line's cell texts are one heading beside nothing but figures (its sums)."""
    heads = [t for t in pieces if _heading(t, settings)]
    return len(heads) == 1 and all(t in heads or _FIGURES.match(t) for t in pieces)


def _heading(text: str, settings: Settings) -> bool:
    """合计, 小计, or a category heading: numbered (四、片区任务, （二）就业帮扶类), its numeral lost
    (、产业合作（2个）, k13-004) or with its count of projects (劳务协作（1个）)."""
    return bool(_TOTALS.match(text)) or numbered_category(text, settings) is not None or numeral_lost(text) \
        or counted_heading(text)


def _top(line: list[dict]) -> float:
    return min(c["top"] for c in line)


def _bottom(line: list[dict]) -> float:
    return max(c["bottom"] for c in line)
