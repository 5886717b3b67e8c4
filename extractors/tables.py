"""Table grids → plan table rows keyed by contract field, whatever the column order.

A chain of small steps: find the header rows → map columns to fields by their header
text (columns.py) → classify each data row (rowkind.py) → carry merged cells down. Tables
continued on later pages are joined; their repeated headers are dropped.
"""
from __future__ import annotations

from dataclasses import replace

from extractors.columns import Mapping, grid_mapping, row_cells, spilled_cells
from extractors.grid import Grid
from extractors.rowkind import AMOUNT_FIELDS, _is_number, classify, numeral_apart
from normalizers.numbers import parse_amount
from normalizers.text import compact
from normalizers.vocab import canonical_category, match_label, name_endings
from schemas.settings import Settings
from schemas.types import SUBTOTAL_AFTER, Cell, TableRow

SEALED_SHARE = 0.2          # a seal over this share of a cell (or a cell over this share of a seal) puts it in doubt
REPRINTED_HEADER_ROWS = 3    # a table going on from the page before may open with its header printed again this deep


def table_readings(grids: list[Grid], settings: Settings, unit: str = "万元", unit_sure: bool = True
                   ) -> list[list[TableRow]]:
    """The plan table's readings: usually one; a scan may hold the table twice. `unit_sure`: False
    when the unit was told by the figures' size alone (its amounts get `low_confidence:`).

    A new reading starts where the table starts over: a 合计 row or a category numeral that
    the current reading, already holding items, has had before. A row broken by a page break
    (or, in a table found by alignment, by a wide gap between a cell's lines) is joined again,
    and a merged cell cut by a page break carries its text onto the next page.
    """
    readings: list[list[TableRow]] = [[]]
    mapping: Mapping | None = None
    open_cells: dict[str, Cell] = {}
    lead: TableRow | None = None
    labels = _labels_by_width(grids, settings)
    for grid in grids:
        mapping = grid_mapping(grid, mapping, settings)
        if mapping is None:
            continue
        if mapping.header_rows:
            mapping = _filled(mapping, labels.get(mapping.n_cols, {}))
        first, joined = True, {}
        for r in range(_body_start(grid, mapping, settings), grid.n_rows):
            cells = _sealed(numeral_apart(row_cells(grid, r, mapping)), grid.seals)
            if not unit_sure:
                cells = {f: replace(c, guessed=True) if f in AMOUNT_FIELDS else c for f, c in cells.items()}
            if r == mapping.header_rows and not mapping.header_rows == 0 and _repeats_header(cells):
                continue
            _carry_merged(grid, r, cells, open_cells, mapping)
            for f, c in cells.items():
                if (f, c.bbox) in joined:
                    cells[f] = replace(c, text=joined[f, c.bbox])
            kind, label, numeral = classify(grid, r, cells, settings)
            if kind == "item":
                cells = spilled_cells(grid, r, mapping, cells, settings)
            row = TableRow(kind, cells, grid.page, label, numeral, unit)
            if first and _continues(readings[-1], row) or grid.columns is not None and _gap_cut(readings[-1], row):
                joined = _join(readings[-1][-1], row)
                first = False
                continue
            if lead is not None and kind == "item":
                _join(lead, row)
                row = replace(row, cells=lead.cells)
            lead = row if grid.columns is not None and _leads(readings[-1], row) else None
            if kind == "empty":
                continue
            first = False
            if _starts_over(readings[-1], row):
                readings.append([])
            readings[-1].append(row)
        open_cells = _open_at_bottom(grid, mapping)
    for reading in readings:
        settle_total(reading)
        settle_subtotals(reading)
    return [rd for rd in readings if rd]


def _continues(reading: list[TableRow], row: TableRow) -> bool:
    """The first row on a page is the rest of the last row of the page before: it has no
    number of its own where the items have numbers (and not amounts of its own as well as the
    row before: amounts never wrap, k1-012's unread 1), or no name while other cells go on."""
    if not reading or reading[-1].kind != "item" or row.kind not in ("item", "empty") \
            or not any(c.text for c in row.cells.values()):
        return False
    last = reading[-1]
    if last.numeral:
        return not row.numeral and not (_has_amount(last) and _has_amount(row))
    if not row.text("name"):
        return True
    # no numbers to go by: amounts never wrap, so only one part of a broken row holds them
    return _has_amount(last) != _has_amount(row)


def _gap_cut(reading: list[TableRow], row: TableRow) -> bool:
    """In a table found by alignment, the row is the rest of a numbered item's row cut by a wide gap
    between a cell's lines (k5-010: 勒乌乡供水一张 | 网新建工程): no number and no amount of its own, and
    not a whole name after one; in a table without numbers, no name either (k11-038: 套完善水、电、路等
    基础 | 收，其中脱贫户25户 under a project's row, dropped)."""
    return bool(reading) and reading[-1].kind == "item" and (bool(reading[-1].numeral) or not row.text("name")) \
        and row.kind in ("item", "empty") and not row.numeral and not _has_amount(row) \
        and any(c.text for c in row.cells.values()) and not (_whole_name(reading[-1]) and _whole_name(row))


def _leads(reading: list[TableRow], row: TableRow) -> bool:
    """In a table found by alignment, the row is the first lines of the item under it, cut off by a
    row break set too high: right after a heading, text with no name, number or amount (k7-035:
    改造农户人居环境590户… | 2027年10 | 带动脱贫人口188人，户 over the row naming the project)."""
    return bool(reading) and reading[-1].kind == "subtotal" and row.kind == "empty" and not row.numeral \
        and not row.text("name") and not _has_amount(row) and any(c.text for c in row.cells.values())


def _whole_name(row: TableRow) -> bool:
    """The row's name ends as project names do (项目, 工程): two such are two projects, not one cut in
    two (k2-014: 3农村危房改造项目, its number inside the name, joined to the project above)."""
    return compact(row.text("name") or "").endswith(name_endings())


def _has_amount(row: TableRow) -> bool:
    return any(_is_number(row.cells[f].text) for f in AMOUNT_FIELDS if f in row.cells)


def _join(last: TableRow, rest: TableRow) -> dict[tuple[str, tuple], str]:
    """Append the rest of a row broken by a page break to its first part. Returns the joined
    text of each cell that goes on merged over more rows of the new page (a 类别 label cut in
    two by the break: 片区 | 任务), keyed by (field, cell box), for those rows to take too."""
    joined = {}
    for f, c in rest.cells.items():
        if not c.text or c.merged_from_above:
            continue
        before = last.cells.get(f)
        text = (before.text + c.text) if before is not None and before.text else c.text
        last.cells[f] = Cell(text, before.page if before else c.page, before.bbox if before else c.bbox,
                             before.span if before else 1, before.merged_from_above if before else False)
        if c.span > 1:
            joined[f, c.bbox] = text
    return joined


def _open_at_bottom(grid: Grid, mapping: Mapping) -> dict[str, Cell]:
    """Text cells of the grid's last row that were merged over several rows down to the page end
    (in a table found by alignment, only those of its merging columns: 类别)."""
    if grid.n_rows == 0:
        return {}
    out = {}
    r = grid.n_rows - 1
    for c, f in mapping.columns.items():
        if grid.columns is not None and c not in (grid.merging or []):
            continue
        cell = grid.owner(r, c)
        if cell is not None and cell.text and cell.rowspan > 1 and cell.row < r and f not in AMOUNT_FIELDS \
                and f not in ("seq", "name"):
            out[f] = Cell(cell.text.strip(), grid.page, cell.bbox, cell.rowspan, True)
    return out


def _carry_merged(grid: Grid, r: int, cells: dict[str, Cell], open_cells: dict[str, Cell],
                  mapping: Mapping) -> None:
    """A blank cell at the top of a page, under a merged cell cut by the page break, takes its text."""
    for c, f in mapping.columns.items():
        carried, cell = open_cells.get(f), grid.owner(r, c)
        if carried is not None and cell is not None and cell.row == mapping.header_rows and not cell.text.strip() \
                and f in cells:
            cells[f] = Cell(carried.text, grid.page, cell.bbox, cell.rowspan, True)


def settle_total(reading: list[TableRow]) -> None:
    """A reading with no 合计 row whose first or last row, taken for a category's or a project's (its
    合计 label hidden by a seal or lost; k2-026, k8-018), states what all the items add up to, in a
    table of several categories: that row is the total."""
    if any(r.kind == "total" for r in reading):
        return
    items = [r for r in reading if r.kind == "item"]
    cats = {canonical_category(r.label)[0] for r in reading if r.kind == "subtotal" and r.label} | \
        {canonical_category(r.text("category"))[0] for r in items if r.text("category")}
    if len(cats - {None}) < 2:
        return
    for row in {id(reading[0]): reading[0], id(reading[-1]): reading[-1]}.values():
        others = [r for r in items if r is not row]
        if (row.kind == "subtotal" and not row.numeral or _sealed_label(row)) and _adds_up(row, others):
            row.kind, row.label = "total", "合计"


def _sealed_label(row: TableRow) -> bool:
    """An item row with no serial whose name a seal covers: what was read there may be the seal's
    own text over 合计 (合证县发, k8-018)."""
    return row.kind == "item" and not row.text("seq") and "name" in row.cells and row.cells["name"].sealed


def _adds_up(row: TableRow, items: list[TableRow]) -> bool:
    """Some amount of `row` is the sum of the items' (to the cent, as printed)."""
    for f in AMOUNT_FIELDS:
        value = parse_amount(row.text(f), errors="null")
        parts = [parse_amount(r.text(f), errors="null") for r in items]
        if value and all(p is not None for p in parts) and abs(sum(parts) - value) < 0.005:
            return True
    return False


def settle_subtotals(reading: list[TableRow]) -> None:
    """A 小计 row printed after its group takes the group's category: the heading row above
    the group, or else the 类别 cell of the group's items."""
    current, last_category = "", ""
    for r in reading:
        if r.kind == "subtotal" and r.numeral != SUBTOTAL_AFTER:
            current, last_category = r.label, ""
        elif r.kind == "item" and r.text("category"):
            last_category = compact(r.text("category"))
        elif r.kind == "subtotal" and not r.label:
            r.label = current or last_category


def _labels_by_width(grids: list[Grid], settings: Settings) -> dict[int, dict[int, str]]:
    """For each count of columns, the field each column's header names as printed (not guessed) on
    any page of that many columns, the first page's first: a label the scan cut on one page (资金
    for 财政援助资金, whose field a guess then gave to 自筹资金) is read whole where the header is
    printed again (k4-021)."""
    out: dict[int, dict[int, str]] = {}
    for grid in grids:
        own = grid_mapping(grid, None, settings)
        if own is not None and own.header_rows:
            for c, field in own.columns.items():
                if c not in own.guessed:
                    out.setdefault(own.n_cols, {}).setdefault(c, field)
    return out


def _filled(mapping: Mapping, labels: dict[int, str]) -> Mapping:
    """The mapping with the columns it leaves unnamed, or names by a guess only, named as another
    page's header names them as printed; a guess giving that field to another column is dropped."""
    columns, guessed = dict(mapping.columns), set(mapping.guessed)
    for c, field in labels.items():
        if columns.get(c) == field:
            guessed.discard(c)            # a guess another page's header prints: no guess (责/任 for 责任领导)
            continue
        if c in columns and c not in guessed:
            continue
        other = next((k for k, f in columns.items() if f == field), None)
        if other is not None and other not in guessed:
            continue
        if other is not None:
            del columns[other]
            guessed.discard(other)
        columns[c] = field
        guessed.discard(c)
    if columns == mapping.columns and guessed == set(mapping.guessed):
        return mapping
    return replace(mapping, columns=columns, guessed=frozenset(guessed))


def _starts_over(reading: list[TableRow], row: TableRow) -> bool:
    if not any(r.kind == "item" for r in reading):
        return False
    if row.kind == "total":
        return any(r.kind == "total" for r in reading)
    return row.kind == "subtotal" and bool(row.numeral) and row.numeral != SUBTOTAL_AFTER and any(
        r.kind == "subtotal" and r.numeral == row.numeral and _same_heading(r.label, row.label) for r in reading)


def _same_heading(a: str, b: str) -> bool:
    """Two headings that may be one printed again: the same category, or a label unread. 三、劳务协作 and
    三、人才交流 are not (OCR read 二 as 三, k4-024: the table's second half was taken for a second copy)."""
    return not (a and b) or canonical_category(a)[0] == canonical_category(b)[0]


def _sealed(cells: dict[str, Cell], seals: list) -> dict[str, Cell]:
    """The row's cells with those a seal covers a share of (SEALED_SHARE of the cell or of the seal) marked."""
    if not seals:
        return cells
    return {f: replace(c, sealed=True) if any(_covers(s, c.bbox) for s in seals) else c for f, c in cells.items()}


def _covers(seal: tuple, box: tuple) -> bool:
    w = min(seal[2], box[2]) - max(seal[0], box[0])
    h = min(seal[3], box[3]) - max(seal[1], box[1])
    if w <= 0 or h <= 0:
        return False
    area = lambda b: max((b[2] - b[0]) * (b[3] - b[1]), 1e-6)     # noqa: E731
    return w * h >= SEALED_SHARE * min(area(seal), area(box))


def _body_start(grid: Grid, mapping: Mapping, settings: Settings) -> int:
    """The grid's first body row: under its header, or, in a table going on from the page before,
    under the header printed again there (its rows above the labels, 资金规模, with it)."""
    if mapping.header_rows:
        return mapping.header_rows
    top = range(min(REPRINTED_HEADER_ROWS, grid.n_rows))
    return next((r + 1 for r in reversed(top) if _reprinted_header(row_cells(grid, r, mapping), settings)), 0)


def _reprinted_header(cells: dict[str, Cell], settings: Settings) -> bool:
    """In a table going on from the page before, a row of the header printed again that was not
    found as a header (its labels read in pieces, k7-009: 序号 | 项目名称 | 主要建设内容 | 资金/帮扶资金 |
    完成时管部门体 …, a spurious project named 项目名称): three labels or more, most of them naming a
    column, and no figure."""
    texts = [compact(c.text) for c in cells.values() if c.text]
    if len(texts) < 3 or any(_is_number(t) for t in texts):
        return False
    return sum(match_label(t)[1] >= settings.header_match_min for t in texts) > len(texts) / 2


def _repeats_header(cells: dict[str, Cell]) -> bool:
    """A column-number row (1 2 3 …) or a second copy of the header under the header."""
    texts = [compact(c.text) for c in cells.values() if c.text]
    return bool(texts) and all(match_label(t, 95)[1] >= 95 for t in texts)
