"""Row rules a scan lost: where a broken or faint rule went unfound, a ruled grid holds a heading,
小计 or 合计 row together with the row above or below it (k7-035: 四、片区任务 read into the next
project's content; 小计 | 六、基础设施与基层治理 | a project's first line in one row), or two projects'
rows in one ((4) over (5), k14-034). A line that is such a row's text alone, beside nothing but
figures, is given back its rules; two serials stacked in one cell, the rule between their rows. And a
column rule lost: a header cell holding two fields' labels over cells holding two values apart
(建设年限项目总投资 over 2024 371, k15-037) is cut where its values part; one the table on the page before
draws, where a page going on from it has a column fewer (previous_columns)."""
from __future__ import annotations

import re

from extractors.grid import Grid, group_lines
from extractors.rowkind import ROW_MARK, counted_heading, figures_only, numbered_category, numbers_rows, numeral_lost
from extractors.rows import open_gaps
from extractors.segments import hline, vline
from normalizers.text import compact
from normalizers.vocab import match_label, names_column
from schemas.settings import Settings

_TOTALS = re.compile(r"^(?:合计|总计|小计)$")
_AMOUNT = re.compile(r"[\d,，.]*\d[\d,，.]*")
TWO_VALUES_SHARE = 0.6   # a column whose header holds two labels is cut when this share of its cells hold two values
VALUE_GAP_EM = 0.6       # two values in one cell stand at least this far apart (a word's characters are closer)


def lost_row_rules(grid: Grid, chars: list[dict], settings: Settings) -> list[dict]:
    """Rules across the grid at each lost row boundary, above and below a heading line that shares
    its row with other text, or whose row a cell holding only the next (or last) row's text runs into."""
    x0, _, x1, _ = grid.bbox
    return [hline(x0, x1, y) for band in _row_bands(grid)
            for y in _cuts(grid, band, chars, settings) or _run_into(grid, band, chars, settings)
            or _between_serials(grid, band, chars, settings)]


def lost_column_rules(grid: Grid, chars: list[dict], settings: Settings) -> list[dict]:
    """A rule down the grid where TWO_VALUES_SHARE of a column's body cells hold two values VALUE_GAP_EM
    apart, at the median gap: two figures (an amount is never written in two pieces: 157 157, k15-034,
    项目总投资 | 财政援助资金 in one column), or any two under a header cell naming two fields one after
    the other (建设年限项目总投资 over 2024 371, k15-037)."""
    _, y0, _, y1 = grid.bbox
    out = []
    for c in range(grid.n_cols):
        head = [grid.owner(r, c) for r in range(min(grid.head_rows or 1, grid.n_rows))]
        labelled = any(cell is not None and cell.colspan == 1 and _two_labels(cell.text, settings) for cell in head)
        body = [grid.owner(r, c) for r in range(len(head), grid.n_rows)]
        cells = [cell for cell in body if cell is not None and cell.col == c and cell.colspan == 1 and cell.text.strip()]
        parts = [p for cell in cells if (p := _parting(cell.bbox, chars)) is not None]
        gaps = [x for x, figures in parts if labelled or figures]
        if cells and len(gaps) >= 2 and len(gaps) >= TWO_VALUES_SHARE * len(cells):
            out.append(vline(sorted(gaps)[len(gaps) // 2], y0, y1))
    return out


def previous_columns(grid: Grid, previous: Grid, chars: list[dict], settings: Settings) -> list[dict]:
    """Column rules of the table on the page before that this page's grid, going on from it with fewer
    columns, lost (k23-024: a faint rule between 项目地点 and 建设周期 not found, 峨边彝族 2021-2 in one
    cell), each where no character stands across it: shifted as the rules both pages draw are (a scan
    lies a little off on each page)."""
    mine, theirs = grid.boundaries, previous.boundaries
    shifts = sorted(x - p for x in mine for p in theirs if abs(x - p) <= settings.rule_snap)
    if grid.n_cols >= previous.n_cols or not shifts:
        return []
    shift = shifts[len(shifts) // 2]
    x0, top, x1, bottom = grid.bbox
    lost = [p + shift for p in theirs
            if x0 < p + shift < x1 and all(abs(x - p - shift) > settings.rule_snap for x in mine)]
    return [vline(x, top, bottom) for x in lost
            if not any(c["x0"] < x < c["x1"] and c["bottom"] > top and c["top"] < bottom for c in chars)]


def _two_labels(text: str, settings: Settings) -> bool:
    """The text is two fields' labels one after the other (建设年限项目总投资), not one label, or, read
    line by line over two wrapped labels, a line naming one field word for word and the other lines
    another (资金来 | 总投资 | 源, k18-019)."""
    lines = [compact(ln) for ln in text.split("\n") if compact(ln)]
    text = "".join(lines)
    if match_label(text)[1] >= 100.0:
        return False                     # one label wrapped (项目 | 总投 | 资)
    if len(lines) > 2:
        for k, ln in enumerate(lines):
            rest = "".join(lines[:k] + lines[k + 1:])
            field = match_label(ln)
            if field[1] >= 100.0 and match_label(rest)[0] != field[0] and names_column(rest, 100.0):
                return True
    for k in range(2, len(text) - 1):
        a, b = match_label(text[:k]), match_label(text[k:])
        if a[0] and b[0] and a[0] != b[0] and min(a[1], b[1]) >= max(settings.header_match_min, 90.0):
            return True
    return False


def _parting(bbox, chars: list[dict]) -> tuple[float, bool] | None:
    """(the x between the two values a cell holds on a line, whether both are figures): their
    characters VALUE_GAP_EM apart or more; None for a cell of one value. In a cell of several lines
    (two wrapped values side by side: 东西部 | 480000 协作资 | 金, k18-019) one line must part them and no
    line stand across the cut, and the values are taken for no pair of figures."""
    inside = [c for c in chars if c["text"].strip() and bbox[0] <= (c["x0"] + c["x1"]) / 2 <= bbox[2]
              and bbox[1] <= (c["top"] + c["bottom"]) / 2 <= bbox[3]]
    lines = group_lines(inside)
    found = [(ln, cut) for ln in lines if (cut := _one_gap(ln)) is not None]
    if len(found) != 1 or any(len(_gaps(ln)) > 1 for ln in lines):
        return None
    inside, k = found[0]
    x = (inside[k - 1]["x1"] + inside[k]["x0"]) / 2
    if len(lines) > 1:
        return (x, False) if not any(c["x0"] < x < c["x1"] for ln in lines for c in ln) else None
    left, right = ("".join(c["text"] for c in part) for part in (inside[:k], inside[k:]))
    figures = all(_AMOUNT.fullmatch(t) for t in (left, right)) and not left.endswith((",", "，", ".")) \
        and not right.startswith((",", "，", "."))           # 5,919, 200.00: one figure OCR spaced
    return x, figures


def _gaps(line: list[dict]) -> list[int]:
    """Where the line's characters stand VALUE_GAP_EM apart or more (k: before line[k])."""
    size = max((c["bottom"] - c["top"] for c in line), default=0.0)
    return [k for k, (a, b) in enumerate(zip(line, line[1:]), 1) if b["x0"] - a["x1"] >= VALUE_GAP_EM * size]


def _one_gap(line: list[dict]) -> int | None:
    """The line's one gap between two values (as _gaps gives it), or None for none or several."""
    gaps = _gaps(line)
    return gaps[0] if len(gaps) == 1 else None


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


def _between_serials(grid: Grid, band: tuple[float, float], chars: list[dict], settings: Settings) -> list[float]:
    """Where one cell of the band holds two row marks on lines of their own that number two rows ((4)
    over (5): the rule between two projects lost, k14-034, their texts joined), a cut at the gap across
    the band between them nearest where the rows meet when each is set middle about its mark (halfway
    between where the upper one ends, measured from where it begins, and the last one begins,
    measured from the band's bottom: a cell taller than the mark's shifts either)."""
    top, bottom = band
    inside = [c for c in chars if top < (c["top"] + c["bottom"]) / 2 < bottom and c["text"].strip()]
    lines = group_lines(inside, settings.line_tolerance)
    marks: dict[int, list[tuple[str, list[dict]]]] = {}
    for ln in lines:
        for k, text in _by_cell(grid, ln).items():
            if ROW_MARK.match(text):
                marks.setdefault(k, []).append((text, ln))
    gaps = open_gaps([(_top(ln), _bottom(ln)) for ln in lines])
    out = []
    for stacked in marks.values():
        above = top                                   # where the upper row begins: the band's top, or the last cut
        for k, ((upper, a), (lower, b)) in enumerate(zip(stacked, stacked[1:])):
            ends = _top(a) + _bottom(a) - above      # a row set middle ends as far below its mark as it began above
            begins = _top(b) + _bottom(b) - bottom if k == len(stacked) - 2 else ends
            between = [g for g in gaps if _bottom(a) <= g <= _top(b)]
            if numbers_rows(upper, lower) and between:
                above = min(between, key=lambda g: abs(g - (ends + begins) / 2))
                out.append(above)
    return out


def _own(line: list[dict], heading: list[dict], grid: Grid) -> bool:
    """The line belongs to the heading's row: figures (its sums) and, within the heading's width,
    the rest of its label wrapped (三、基础设施与基层治理（5 | 个）)."""
    size = max(c.get("size") or (c["bottom"] - c["top"]) for c in heading)
    x0, x1 = min(c["x0"] for c in heading) - size / 2, max(c["x1"] for c in heading) + size / 2
    rest = [c for c in line if not (x0 <= c["x0"] and c["x1"] <= x1)]
    return all(figures_only(t) for t in _pieces(grid, rest)) if rest else True


def _pieces(grid: Grid, line: list[dict]) -> list[str]:
    """The line's text cell by cell."""
    return list(_by_cell(grid, line).values())


def _by_cell(grid: Grid, line: list[dict]) -> dict[int, str]:
    """The line's text by the grid's cell its characters' middles fall in (-1: none)."""
    by_cell: dict[int, str] = {}
    for c in line:
        cx, cy = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
        k = next((i for i, cell in enumerate(grid.cells)
                  if cell.bbox[0] <= cx <= cell.bbox[2] and cell.bbox[1] <= cy <= cell.bbox[3]), -1)
        by_cell[k] = by_cell.get(k, "") + c["text"]
    return {k: compact(t) for k, t in by_cell.items()}


def _heading_alone(pieces: list[str], settings: Settings) -> bool:
    """A line's cell texts are one heading beside nothing but figures (its sums)."""
    heads = [t for t in pieces if _heading(t, settings)]
    return len(heads) == 1 and all(t in heads or figures_only(t) for t in pieces)


def _heading(text: str, settings: Settings) -> bool:
    """合计, 小计, or a category heading: numbered (四、片区任务, （二）就业帮扶类), its numeral lost
    (、产业合作（2个）, k13-004) or with its count of projects (劳务协作（1个）)."""
    return bool(_TOTALS.match(text)) or numbered_category(text, settings) is not None or numeral_lost(text) \
        or counted_heading(text)


def _top(line: list[dict]) -> float:
    return min(c["top"] for c in line)


def _bottom(line: list[dict]) -> float:
    return max(c["bottom"] for c in line)
