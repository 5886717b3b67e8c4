"""The unit a plan table prints its amounts in (万元 or 元): said by a caption over the table or a
note in its header, else told by the size of its figures, a guess the records flag."""
from __future__ import annotations

import re
import statistics

from extractors.columns import grid_mapping, header_rows
from extractors.grid import Grid
from extractors.rowkind import AMOUNT_FIELDS
from normalizers.numbers import parse_amount
from normalizers.text import compact
from schemas.settings import Settings
from schemas.types import Page

_UNIT = re.compile(r"单位[:：]?\s*(万元|元)")        # the colon may be lost to OCR: 填报单位 单位元
_HEADER_UNIT = re.compile(r"[（(]\s*(万元|元)\s*[)）]")


def amount_unit(grids: list[Grid], pages: list[Page], settings: Settings) -> tuple[str, bool]:
    """(unit, said): a caption 单位：元 over the table, else a unit in its header (总投资（元）); when
    neither says, 元 if the table's typical amount is at least settings.yuan_figure_min (too large
    for 万元), else 万元; `said` is False for a unit told by the figures alone."""
    grid = next((g for g in grids if header_rows(g, settings)), None)
    if grid is None:
        return "万元", True
    page = next((p for p in pages if p.number == grid.page), None)
    above = [ln.text for ln in (page.lines if page else []) if ln.top + ln.bottom <= 2 * grid.bbox[1]]   # centre above the table
    for text in reversed(above[-6:]):
        m = _UNIT.search(compact(text))
        if m:
            return m.group(1), True
    n = header_rows(grid, settings)
    header = [grid.owner(r, c).text for r in range(n) for c in range(grid.n_cols) if grid.owner(r, c)]
    units = {m.group(1) for t in header + [grid.group_labels] for m in _HEADER_UNIT.finditer(compact(t))}
    if units:
        return ("元" if units == {"元"} else "万元"), True
    figures = table_figures(grids, settings)
    if figures and statistics.median(figures) >= settings.yuan_figure_min:
        return "元", False
    return "万元", True


def table_figures(grids: list[Grid], settings: Settings) -> list[float]:
    """Every amount read in the plan table's amount columns, as printed."""
    out: list[float] = []
    mapping = None
    for grid in grids:
        mapping = grid_mapping(grid, mapping, settings)
        if mapping is None:
            continue
        for c, field in mapping.columns.items():
            if field not in AMOUNT_FIELDS:
                continue
            for r in range(mapping.header_rows, grid.n_rows):
                cell = grid.owner(r, c)
                value = parse_amount(cell.text, errors="null") if cell is not None and cell.row == r else None
                if value:
                    out.append(value)
    return out
