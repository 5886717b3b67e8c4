"""Table grids → plan table rows keyed by contract field, whatever the column order.

A chain of small steps: find the header rows → map columns to fields by their header
text (fuzzy, never by position) → classify each data row (item, category subtotal,
合计, empty) → carry merged cells down. Tables continued on later pages are joined;
their repeated headers are dropped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.grid import Grid
from normalizers.text import compact
from normalizers.vocab import match_label
from schemas.settings import Settings
from schemas.types import Cell, TableRow

_CATEGORY_NO = re.compile(r"^[（(]?([一二三四五六七八九十]+)[)）、.．]?\s*(.*)$", re.S)
_ITEM_NO = re.compile(r"^\d{1,3}$")
_TOTAL = re.compile(r"^(合计|总计|合\s*计|总\s*计)$")
AMOUNT_FIELDS = ("aid_funds_wan", "total_investment_wan")


@dataclass
class Mapping:
    """Which field each grid column holds; `header_rows` counts the header lines."""
    columns: dict[int, str]
    header_rows: int
    n_cols: int


def header_rows(grid: Grid, settings: Settings) -> int:
    """How many rows at the top of the grid are header lines (0: a continuation without header)."""
    n = 0
    for r in range(min(grid.n_rows, 4)):
        origins = [grid.owner(r, c) for c in range(grid.n_cols)]
        own = [cell for c, cell in enumerate(origins) if cell is not None and cell.row == r and cell.col == c]
        hits = sum(1 for cell in own if cell.text and match_label(cell.text)[1] >= settings.header_match_min)
        from_above = all(cell is None or cell.row < r or not cell.text or
                         match_label(cell.text)[1] >= settings.header_match_min for cell in origins)
        if hits >= 2 or (n and hits >= 1 and from_above):
            n = r + 1
        else:
            break
    return n


def map_columns(grid: Grid, n_header: int, settings: Settings) -> dict[int, str]:
    """Column → field, from the lowest header text over each column; each field used once."""
    scored = []
    for c in range(grid.n_cols):
        for r in range(n_header - 1, -1, -1):
            cell = grid.owner(r, c)
            if cell is None or not cell.text or (cell.colspan > 1 and r < n_header - 1):
                continue
            field, score = match_label(cell.text)
            if field and score >= settings.header_match_min:
                scored.append((score, -r, c, field))
                break
    columns: dict[int, str] = {}
    for score, _, c, field in sorted(scored, reverse=True):
        if field not in columns.values() and c not in columns:
            columns[c] = field
    return columns


def grid_mapping(grid: Grid, previous: Mapping | None, settings: Settings) -> Mapping | None:
    """The grid's own header mapping, or the previous page's for a continuation of the same table."""
    n = header_rows(grid, settings)
    if n:
        columns = map_columns(grid, n, settings)
        if "name" in columns.values() and len(columns) >= 3:
            return Mapping(columns, n, grid.n_cols)
        return None
    if previous and previous.n_cols == grid.n_cols:
        return Mapping(previous.columns, 0, grid.n_cols)
    return None


def row_cells(grid: Grid, r: int, mapping: Mapping) -> dict[str, Cell]:
    """The mapped cells of row r; a cell merged from a row above carries its text and span."""
    out: dict[str, Cell] = {}
    for c, field in mapping.columns.items():
        cell = grid.owner(r, c)
        if cell is None:
            continue
        if cell.col != c:       # covered by a cell spanning from the left: belongs to that column
            continue
        out[field] = Cell(cell.text.strip(), grid.page, cell.bbox, cell.rowspan, cell.row < r)
    return out


def classify(grid: Grid, r: int, cells: dict[str, Cell]) -> tuple[str, str, str]:
    """(kind, label, numeral) of a data row."""
    texts = [grid.owner(r, c).text.strip() for c in range(grid.n_cols)
             if grid.owner(r, c) is not None and grid.owner(r, c).row == r and grid.owner(r, c).col == c]
    texts = [t for t in texts if t]
    if not texts:
        return "empty", "", ""
    seq = compact(cells["seq"].text) if "seq" in cells and not cells["seq"].merged_from_above else ""
    name = cells.get("name")
    has_name = bool(name and name.text and not name.merged_from_above)
    if any(_TOTAL.match(compact(t)) for t in texts):
        return "total", "合计", seq
    m = _CATEGORY_NO.match(seq) if seq else None
    if m and not has_name or (m and m.group(2)):
        label = m.group(2) or next((compact(t) for t in texts if compact(t) != seq and not _is_number(t)), "")
        return "subtotal", label, m.group(1)
    if _ITEM_NO.match(seq) or has_name:
        return "item", "", seq
    amounts = any(_is_number(cells[f].text) for f in AMOUNT_FIELDS if f in cells)
    label = next((compact(t) for t in texts if not _is_number(t)), "")
    return ("subtotal", label, "") if amounts and label else ("empty", "", "")


def _is_number(text: str) -> bool:
    return bool(re.fullmatch(r"[\d.,，\s]+", text or ""))


def table_rows(grids: list[Grid], settings: Settings) -> list[TableRow]:
    """Every row of the document's (first reading of its) plan table, in order, across pages."""
    readings = table_readings(grids, settings)
    return readings[0] if readings else []


def table_readings(grids: list[Grid], settings: Settings) -> list[list[TableRow]]:
    """The plan table's readings: usually one; a scan may hold the table twice.

    A new reading starts where the table starts over: a 合计 row or a category numeral that
    the current reading, already holding items, has had before.
    """
    readings: list[list[TableRow]] = [[]]
    mapping: Mapping | None = None
    for grid in grids:
        mapping = grid_mapping(grid, mapping, settings)
        if mapping is None:
            continue
        for r in range(mapping.header_rows, grid.n_rows):
            cells = row_cells(grid, r, mapping)
            if r == mapping.header_rows and not mapping.header_rows == 0 and _repeats_header(cells):
                continue
            kind, label, numeral = classify(grid, r, cells)
            if kind == "empty":
                continue
            row = TableRow(kind, cells, grid.page, label, numeral)
            if _starts_over(readings[-1], row):
                readings.append([])
            readings[-1].append(row)
    return [rd for rd in readings if rd]


def _starts_over(reading: list[TableRow], row: TableRow) -> bool:
    if not any(r.kind == "item" for r in reading):
        return False
    if row.kind == "total":
        return any(r.kind == "total" for r in reading)
    return row.kind == "subtotal" and bool(row.numeral) and any(
        r.kind == "subtotal" and r.numeral == row.numeral for r in reading)


def _repeats_header(cells: dict[str, Cell]) -> bool:
    """A column-number row (1 2 3 …) or a second copy of the header under the header."""
    texts = [compact(c.text) for c in cells.values() if c.text]
    return bool(texts) and all(match_label(t)[1] >= 95 for t in texts)
