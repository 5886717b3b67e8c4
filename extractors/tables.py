"""Table grids → plan table rows keyed by contract field, whatever the column order.

A chain of small steps: find the header rows → map columns to fields by their header
text (fuzzy, never by position) → classify each data row (item, category subtotal,
合计, empty) → carry merged cells down. Tables continued on later pages are joined;
their repeated headers are dropped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from extractors.grid import Grid
from extractors.misread import misread_labels
from normalizers.correct import scrambled_label
from normalizers.text import compact
from normalizers.vocab import canonical_category, match_label, name_endings, names_column, names_field
from schemas.settings import Settings
from schemas.types import SUBTOTAL_AFTER, Cell, TableRow

_CATEGORY_NO = re.compile(r"^[（(]?([一二三四五六七八九十]+)[)）、.．]?\s*(.*)$", re.S)
_CATEGORY_NAME = re.compile(r"^(?:[（(]([一二三四五六七八九十]+)[)）]|([一二三四五六七八九十]+)[、.．])\s*(.+)$", re.S)
_BARE_NUMERAL = re.compile(r"^[（(]?([一二三四五六七八九十]+)[)）、.．]?$")
_ITEM_MARK = re.compile(r"[（(]\d{1,3}[)）]")
# an item number OCR garbled ((1) read () or d)), standing apart at the start of a name's line: no hanzi
_MARK_MISREAD = re.compile(r"^\s*[（(]?[0-9A-Za-z]{0,2}[)）]\s+(?=\S)")
_NAME_NUMERAL = re.compile(r"^\s*([（(]\d{1,3}[)）])\s*(\S.*)$", re.S)
_ITEM_NO = re.compile(r"^[（(]?\d{1,3}[)）.、．]?$")
_TOTAL = re.compile(r"^(合计|总计|合\s*计|总\s*计)$")
_SUBTOTAL = re.compile(r"^(小计|小\s*计)$")
AMOUNT_FIELDS = ("aid_funds_wan", "total_investment_wan")
DATE_FIELDS = ("deadline", "construction_period")
_MONTH = re.compile(r"\d{4}\s*[年.\-/]\s*\d{1,2}(?!\d)")
_YEARS = re.compile(r"^\d{4}年?(\s*[-—–－~～至到]+\s*\d{4}年?)?$")


@dataclass
class Mapping:
    """Which field each grid column holds; `header_rows` counts the header lines; `guessed`: the
    columns no label read as printed named (their values get `low_confidence:<field>`)."""
    columns: dict[int, str]
    header_rows: int
    n_cols: int
    guessed: frozenset[int] = frozenset()


def header_rows(grid: Grid, settings: Settings) -> int:
    """How many rows at the top of the grid are header lines (0: a continuation without header):
    a row naming two fields or more, and the rows under it that hold only short labels
    (资金来源 over 协作资金 | 县级配套: a header of two or three rows)."""
    if grid.head_rows is not None:                      # a grid found by alignment: its header band, or none
        return grid.head_rows
    n = 0
    for r in range(min(grid.n_rows, 4)):
        own = [cell.text for c in range(grid.n_cols)
               if (cell := grid.owner(r, c)) is not None and cell.row == r and cell.col == c and cell.text.strip()]
        hits = sum(1 for t in own if names_field(t, settings.header_match_min))
        if hits >= 2 or (n and hits and all(_header_text(t) for t in own)):   # not the rest of a broken row
            n = r + 1
        else:
            break
    return n


def _header_text(text: str) -> bool:
    t = compact(text)
    return len(t) <= 16 and not re.search(r"\d", t) and not _TOTAL.match(t) and not _SUBTOTAL.match(t) \
        and not _CATEGORY_NAME.match(t)


def map_columns(grid: Grid, n_header: int, settings: Settings) -> tuple[dict[int, str], set[int]]:
    """(column → field, from the lowest header text over each column, each field used once; the
    columns found otherwise than by a label read as printed: a label read out of order or in
    look-alikes, or a column of dates whose label names nothing)."""
    scored = []
    for c in range(grid.n_cols):
        for r in range(n_header - 1, -1, -1):
            cell = grid.owner(r, c)
            if cell is None or not cell.text or (cell.colspan > 1 and r < n_header - 1):
                continue
            field, score = match_label(cell.text)
            guessed = False
            if not (field and score >= settings.header_match_min) and \
                    (field := scrambled_label(cell.text, settings.scrambled_label_chars)):
                score, guessed = settings.header_match_min, True
            if field and score >= settings.header_match_min:
                if field in DATE_FIELDS:
                    field = date_column_kind(grid, c, n_header) or field
                scored.append((score, -r, c, field, guessed))
                break
    columns: dict[int, str] = {}
    unsure: set[int] = set()
    for score, _, c, field, guessed in sorted(scored, reverse=True):
        if field not in columns.values() and c not in columns:
            columns[c] = field
            if guessed:
                unsure.add(c)
    if "name" not in columns.values() and (c := unlabelled_names(grid, n_header, columns, settings)) is not None:
        columns[c] = "name"
        if _head(grid, c, n_header).strip():          # a label read as nothing (项解 for 项目名称): guessed
            unsure.add(c)
    for c in grid.merging or []:                       # a 类别 column found by its labels, its header unread
        if c not in columns and "category" not in columns.values():
            columns[c] = "category"
    for c, field in date_columns(grid, n_header, columns, settings).items():
        columns[c] = field
        unsure.add(c)
    heads = {c: _head(grid, c, n_header) for c in range(grid.n_cols) if c not in columns}
    for c, field in misread_labels(heads, columns, settings).items():
        columns[c] = field
        unsure.add(c)
    return columns, unsure


def _head(grid: Grid, c: int, n_header: int) -> str:
    """The header text of column c (its own cells only, not a group label spanning it)."""
    return "".join(grid.owner(r, c).text for r in range(n_header) if grid.owner(r, c) is not None
                   and grid.owner(r, c).col == c)


def date_columns(grid: Grid, n_header: int, columns: dict[int, str], settings: Settings) -> dict[int, str]:
    """Columns of dates whose label went unread (建设年限 misread past matching): a column no label
    names, whose header text names no other column, with dates in at least
    settings.date_column_share of its cells → the date field they are (years: construction_period;
    months: deadline), when no other column holds that field."""
    out: dict[int, str] = {}
    for c in range(grid.n_cols):
        if c in columns:
            continue
        head = _head(grid, c, n_header)
        if head.strip() and names_column(head, settings.header_match_min):
            continue
        field = date_column_kind(grid, c, n_header, settings.date_column_share)
        if field and field not in columns.values() and field not in out.values():
            out[c] = field
    return out


def unlabelled_names(grid: Grid, n_header: int, columns: dict[int, str], settings: Settings) -> int | None:
    """The column of project names whose header went unread (a seal over 项目名称) or was read as
    nothing (项解, k1-007): a column no label names, whose header text names no other column, whose
    cells end as project names do (项目, 工程) in at least settings.name_column_share of them; None
    when there is none."""
    best = None
    for c in range(grid.n_cols):
        head = _head(grid, c, n_header)
        if c in columns or (head.strip() and names_column(head, settings.header_match_min)):
            continue
        texts = [compact(grid.owner(r, c).text) for r in range(n_header, grid.n_rows)
                 if grid.owner(r, c) is not None and grid.owner(r, c).col == c and grid.owner(r, c).text.strip()]
        share = sum(t.endswith(name_endings()) for t in texts) / len(texts) if texts else 0.0
        if share >= settings.name_column_share and (best is None or share > best[0]):
            best = (share, c)
    return best[1] if best else None


def date_column_kind(grid: Grid, c: int, n_header: int, share: float = 0.5) -> str | None:
    """建设期限 heads a deadline in some plans and a span of years in others: the cells say which
    (months written: deadline; years only: construction_period; None when they do not say, in at
    least `share` of the column's cells)."""
    texts = [compact(grid.owner(r, c).text) for r in range(n_header, grid.n_rows)
             if grid.owner(r, c) is not None and grid.owner(r, c).col == c and grid.owner(r, c).text.strip()]
    months = sum(bool(_MONTH.search(t)) for t in texts)
    years = sum(bool(_YEARS.match(t)) for t in texts)
    if not texts:
        return None
    if months > years and months >= share * len(texts):
        return "deadline"
    if years > months and years >= share * len(texts):
        return "construction_period"
    return None


def grid_mapping(grid: Grid, previous: Mapping | None, settings: Settings) -> Mapping | None:
    """The grid's own header mapping, or the previous page's for a continuation of the same table."""
    n = header_rows(grid, settings)
    if n:
        columns, guessed = map_columns(grid, n, settings)
        if previous and previous.n_cols == grid.n_cols:     # the header repeated, a label cut short (建设)
            for c, field in previous.columns.items():
                if c not in columns and field not in columns.values():
                    columns[c] = field
                    if c in previous.guessed:
                        guessed.add(c)
        if "name" in columns.values() and len(columns) >= 3:
            return Mapping(columns, n, grid.n_cols, frozenset(guessed))
        return None
    if previous and previous.n_cols == grid.n_cols:
        return Mapping(previous.columns, 0, grid.n_cols, previous.guessed)
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
        out[field] = Cell(cell.text.strip(), grid.page, cell.bbox, cell.rowspan, cell.row < r, c in mapping.guessed)
    return out


def numeral_apart(cells: dict[str, Cell]) -> dict[str, Cell]:
    """An item's number read into its name's cell ((1)“四季文旅”消费帮扶项目: 序号's rule or gutter lost,
    no 序号 column found) set apart as the row's number; one OCR garbled standing apart at a line's
    start (() 地建, d) 专业技术人才培养: k1-011) taken out of the name."""
    name = cells.get("name")
    if name is None or "seq" in cells:
        return cells
    lines = name.text.split("\n")
    alone = [k for k, ln in enumerate(lines) if _ITEM_MARK.fullmatch(ln.strip())]
    if len(alone) == 1 and len(lines) > 1:    # beside a wrapped name, on a line of its own: 建设项 | (1) | 目
        rest = "\n".join(ln for k, ln in enumerate(lines) if k != alone[0])
        return {**cells, "seq": replace(name, text=lines[alone[0]].strip()), "name": replace(name, text=rest)}
    m = _NAME_NUMERAL.match(name.text)
    if m:
        return {**cells, "seq": replace(name, text=m.group(1)), "name": replace(name, text=m.group(2))}
    marks = [_MARK_MISREAD.match(ln) for ln in lines]
    if sum(1 for mk in marks if mk) != 1:
        return cells
    rest = "\n".join(ln[mk.end():] if mk else ln for ln, mk in zip(lines, marks))
    return {**cells, "name": replace(name, text=rest)}


def classify(grid: Grid, r: int, cells: dict[str, Cell], settings: Settings) -> tuple[str, str, str]:
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
    if any(_SUBTOTAL.match(compact(t)) for t in texts):
        return "subtotal", "", SUBTOTAL_AFTER     # its group's category is settled in settle_subtotals
    if not seq and has_name and (m := _BARE_NUMERAL.match(compact(name.text))):
        # a heading's numeral read under 项目名称 and its label under a column beside: no name is a numeral alone
        label = next((compact(t) for t in texts if compact(t) != compact(name.text) and not _is_number(t)), "")
        return "subtotal", label, m.group(1)
    if not seq:     # a heading row 一、产业发展类 wherever it stands when 序号 is blank
        heads = [c for c in map(_CATEGORY_NAME.match, map(compact, texts)) if c]
        if len(heads) == 1 and all(_is_number(t) or _CATEGORY_NAME.match(compact(t)) for t in texts):
            c = heads[0]
            return "subtotal", c.group(3), c.group(1) or c.group(2)
        words = [compact(t) for t in texts if not _is_number(t)]
        bare = [w for w in words if _BARE_NUMERAL.match(w)]
        label = next((w for w in words if w not in bare), "")
        if len(bare) == 1 and len(words) == 2 and canonical_category(label)[1] >= settings.category_match_min:
            return "subtotal", label, _BARE_NUMERAL.match(bare[0]).group(1)   # （一） | 产业帮扶项目, cells apart
    m = _CATEGORY_NO.match(seq) if seq else None
    if m:           # 一 / （一）: a category heading, its label beside the numeral or in a cell of its own
        label = m.group(2) or next((compact(t) for t in texts if compact(t) != seq and not _is_number(t)), "")
        return "subtotal", label, m.group(1)
    if seq and not _ITEM_NO.match(seq) and (label := _heading_label(texts, seq, settings)):
        return "subtotal", label, ""     # a heading whose numeral OCR misread: （二） as に
    if _ITEM_NO.match(seq) or has_name:
        return "item", "", seq
    amounts = any(_is_number(cells[f].text) for f in AMOUNT_FIELDS if f in cells)
    label = next((compact(t) for t in texts if not _is_number(t)), "")
    return ("subtotal", label, "") if amounts and label else ("empty", "", "")


def _heading_label(texts: list[str], seq: str, settings: Settings) -> str:
    """The category a row names when its only words are one category label (产业发展 | 类, or
    就业帮扶类 twice across merged cells) beside figures; "" for an item's row of many fields."""
    words = list(dict.fromkeys(compact(t) for t in texts if not _is_number(t) and compact(t) != seq))
    label = "".join(words)
    if not words or len(words) > 2 or canonical_category(label)[1] < settings.category_match_min:
        return ""
    return label


def _is_number(text: str) -> bool:
    return bool(re.fullmatch(r"[\d.,，\s]+", text or ""))


def table_readings(grids: list[Grid], settings: Settings, unit: str = "万元", unit_sure: bool = True
                   ) -> list[list[TableRow]]:
    """The plan table's readings: usually one; a scan may hold the table twice. `unit_sure`: False
    when the unit was told by the figures' size alone (its amounts get `low_confidence:`).

    A new reading starts where the table starts over: a 合计 row or a category numeral that
    the current reading, already holding items, has had before. A row broken by a page break
    is joined again, and a merged cell cut by one carries its text onto the next page.
    """
    readings: list[list[TableRow]] = [[]]
    mapping: Mapping | None = None
    open_cells: dict[str, Cell] = {}
    for grid in grids:
        mapping = grid_mapping(grid, mapping, settings)
        if mapping is None:
            continue
        first, joined = True, {}
        for r in range(mapping.header_rows, grid.n_rows):
            cells = numeral_apart(row_cells(grid, r, mapping))
            if not unit_sure:
                cells = {f: replace(c, guessed=True) if f in AMOUNT_FIELDS else c for f, c in cells.items()}
            if r == mapping.header_rows and not mapping.header_rows == 0 and _repeats_header(cells):
                continue
            _carry_merged(grid, r, cells, open_cells, mapping)
            for f, c in cells.items():
                if (f, c.bbox) in joined:
                    cells[f] = replace(c, text=joined[f, c.bbox])
            kind, label, numeral = classify(grid, r, cells, settings)
            row = TableRow(kind, cells, grid.page, label, numeral, unit)
            if first and _continues(readings[-1], row):
                joined = _join(readings[-1][-1], row)
                first = False
                continue
            if kind == "empty":
                continue
            first = False
            if _starts_over(readings[-1], row):
                readings.append([])
            readings[-1].append(row)
        open_cells = _open_at_bottom(grid, mapping)
    for reading in readings:
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


def _starts_over(reading: list[TableRow], row: TableRow) -> bool:
    if not any(r.kind == "item" for r in reading):
        return False
    if row.kind == "total":
        return any(r.kind == "total" for r in reading)
    return row.kind == "subtotal" and bool(row.numeral) and row.numeral != SUBTOTAL_AFTER and any(
        r.kind == "subtotal" and r.numeral == row.numeral for r in reading)


def _repeats_header(cells: dict[str, Cell]) -> bool:
    """A column-number row (1 2 3 …) or a second copy of the header under the header."""
    texts = [compact(c.text) for c in cells.values() if c.text]
    return bool(texts) and all(match_label(t, 95)[1] >= 95 for t in texts)
