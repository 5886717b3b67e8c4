"""A grid's header → which contract field each column holds, by its header text (fuzzy, never by
position), else by what its cells hold; a continuation without header takes the page before's
(column by column, or where its columns are counted otherwise, by where they stand)."""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, replace

from extractors.grid import Grid, own_label
from extractors.misread import misread_labels
from extractors.rowkind import _BARE_NUMERAL, _CATEGORY_NAME, _ITEM_NO, _SUBTOTAL, _TOTAL, _is_number
from normalizers.correct import scrambled_label
from normalizers.numbers import parse_amount
from normalizers.text import compact
from normalizers.vocab import (OFFICE_ENDINGS, PLACE_ENDINGS, label_owners, leading_places, match_label, name_endings,
                               names_column, names_field, office_bodies, owner_terms, person_name,
                               place_parts)
from schemas.settings import Settings
from schemas.types import Cell

DATE_FIELDS = ("deadline", "construction_period")
_MONTH = re.compile(r"(?<![\d.,])(?:19|20)\d{2}\s*[年.\-/]\s*\d{1,2}(?!\d)")   # not 5280000.00's 0000.00 (k5-012)
_LINED_MONTH = re.compile(r"((?:19|20)\d{2})\s*\n\s*(\d{1,2})(?![\d年])")   # 2024 | 09: not 202 | 3年 (a year cut)
_YEARS = re.compile(r"^\d{4}年?(\s*[-—–－~～至到]+\s*\d{4}年?)?$")


@dataclass
class Mapping:
    """Which field each grid column holds; `header_rows` counts the header lines; `guessed`: the
    columns no label read as printed named (their values get `low_confidence:<field>`)."""
    columns: dict[int, str]
    header_rows: int
    n_cols: int
    guessed: frozenset[int] = frozenset()
    spans: tuple[tuple[float, float] | None, ...] = ()   # x0, x1 of each column, where a cell shows it
    unnamed: frozenset[int] = frozenset()   # columns whose header names nothing (its label lost, or a rule
    # the scan made up): text standing in one is some field's, lost to it (spilled_cells)


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
            text = own_label(cell, c)
            field, score = match_label(text)
            guessed = False
            if not (field and score >= settings.header_match_min) and \
                    (field := scrambled_label(text, settings.scrambled_label_chars)):
                score, guessed = settings.header_match_min, True
            if field and score >= settings.header_match_min:
                if field in DATE_FIELDS:
                    field = date_column_kind(grid, c, n_header) or field
                # at one score, a label only that field's labels hold first (总投 over 投资, k14-035)
                scored.append((score, label_owners(text) == {field}, -r, c, field, guessed))
                break
    columns: dict[int, str] = {}
    unsure: set[int] = set()
    for score, _, _, c, field, guessed in sorted(scored, reverse=True):
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
    if "seq" not in columns.values() and (c := unlabelled_numbers(grid, n_header, columns, settings)) is not None:
        columns[c] = "seq"
    if "responsible_leader" not in columns.values() and \
            (c := unlabelled_people(grid, n_header, columns, settings)) is not None:
        columns[c] = "responsible_leader"
        if _head(grid, c, n_header).strip():
            unsure.add(c)
    if "ownership" not in columns.values() and (c := unlabelled_owners(grid, n_header, columns, settings)) is not None:
        columns[c] = "ownership"
        unsure.add(c)
    if "responsible_unit" not in columns.values() and \
            (c := unlabelled_offices(grid, n_header, columns, settings)) is not None:
        columns[c] = "responsible_unit"
        unsure.add(c)                    # offices fill the 实施主体 and 产权归属 columns too: a guess
    if "location" not in columns.values() and (c := unlabelled_places(grid, n_header, columns, settings)) is not None:
        columns[c] = "location"
        unsure.add(c)
    if "aid_funds_wan" not in columns.values() and (c := unlabelled_aid(grid, n_header, columns, settings)) is not None:
        columns[c] = "aid_funds_wan"
        unsure.add(c)
    heads = {c: [_head(grid, c, n_header)] + _head_lines(grid, c, n_header) for c in range(grid.n_cols) if c not in columns}
    for c, field in misread_labels(heads, columns, settings).items():
        columns[c] = field
        unsure.add(c)
    return columns, unsure


def _head(grid: Grid, c: int, n_header: int) -> str:
    """The header text of column c (its own cells only, not a group label spanning it)."""
    return "".join(_head_lines(grid, c, n_header))


def _head_lines(grid: Grid, c: int, n_header: int) -> list[str]:
    """The texts of column c's own header cells, top to bottom."""
    return [grid.owner(r, c).text for r in range(n_header) if grid.owner(r, c) is not None and grid.owner(r, c).col == c]


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
    when there is none. Rows of a table's structure are not counted: a 小计 or 合计 label, or a
    category heading spanning columns, which the name column holds where the table has them (k4-011)."""
    best = None
    for c in range(grid.n_cols):
        head = _head(grid, c, n_header)
        if c in columns or (head.strip() and names_column(head, settings.header_match_min)):
            continue
        texts = [t for t in _own_texts(grid, c, n_header)
                 if not (_TOTAL.match(t) or _SUBTOTAL.match(t) or _CATEGORY_NAME.match(t))]
        share = sum(t.endswith(name_endings()) for t in texts) / len(texts) if texts else 0.0
        if share >= settings.name_column_share and (best is None or share > best[0]):
            best = (share, c)
    return best[1] if best else None


def _own_texts(grid: Grid, c: int, n_header: int) -> list[str]:
    """The texts, compacted, of the body cells column c holds alone (not spanning it with others)."""
    owners = [grid.owner(r, c) for r in range(n_header, grid.n_rows)]
    return [t for o in owners if o is not None and o.col == c and o.colspan == 1 and (t := compact(o.text))]


def unlabelled_numbers(grid: Grid, n_header: int, columns: dict[int, str], settings: Settings) -> int | None:
    """The 序号 column whose header went unread (a seal over it, k4-015): the first column with no
    header text at all (a column headed by a label no field has, 带动户数, holds figures too: s707-024)
    whose cells are item numbers or a heading's numeral (1, (2), 三) in at least
    settings.name_column_share of them, three at least; None when there is none."""
    for c in range(grid.n_cols):
        if c in columns or _head(grid, c, n_header).strip():
            continue
        texts = _own_texts(grid, c, n_header)
        numbered = sum(bool(_ITEM_NO.match(t) or _BARE_NUMERAL.match(t)) for t in texts)
        if numbered >= 3 and numbered >= settings.name_column_share * len(texts):
            return c
    return None


def unlabelled_people(grid: Grid, n_header: int, columns: dict[int, str], settings: Settings) -> int | None:
    """The 责任领导 column whose header went unread (a seal over it, k5-027: 11 leaders lost unflagged):
    the first column no label names whose cells are people's names (a common surname and one or two
    hanzi, vocab.person_name)."""
    return _first_holding(grid, n_header, columns, settings, person_name)


def unlabelled_offices(grid: Grid, n_header: int, columns: dict[int, str], settings: Settings) -> int | None:
    """The 责任单位 (行业主管部门) column whose label went unread (a seal over it, k6-021: every project's
    unit lost): the first column no label names whose cells name a gazetteer office (农业农村局, 教育局 …)."""
    return _first_holding(grid, n_header, columns, settings, lambda t: any(body in t for body in office_bodies()))


def unlabelled_owners(grid: Grid, n_header: int, columns: dict[int, str], settings: Settings) -> int | None:
    """The 产权归属 column whose label went unread (k25-022: a text layer lost it): the first column no
    label names whose cells name an owner (受益群众, 村集体经济组织) or an office (平等乡人民政府), when
    one names an owner at least (no other column does); a guess."""
    def owner(t: str) -> bool:
        return any(o in t for o in owner_terms())
    c = _first_holding(grid, n_header, columns, settings, lambda t: owner(t) or t.endswith(_OFFICE_ONLY))
    return c if c is not None and any(map(owner, _own_texts(grid, c, n_header))) else None


def unlabelled_places(grid: Grid, n_header: int, columns: dict[int, str], settings: Settings) -> int | None:
    """The 建设地点 column whose label went unread (a seal over it, k23-011: every location lost): the
    first column no label names whose cells are gazetteer places (勒乌乡, 浙江省绍兴市柯桥区), no
    office's (勒乌乡人民政府 ends as an office does); a guess."""
    return _first_holding(grid, n_header, columns, settings, _place_cell)


def _place_cell(text: str) -> bool:
    return bool(place_parts(text)) and not text.endswith(_OFFICE_ONLY) and \
        (text.endswith(PLACE_ENDINGS) or leading_places(text) == text)


_OFFICE_ONLY = tuple(e for e in OFFICE_ENDINGS if e not in PLACE_ENDINGS)    # 局, 政府, 公司: never a place's end


def unlabelled_aid(grid: Grid, n_header: int, columns: dict[int, str], settings: Settings) -> int | None:
    """The 协作资金 (帮扶资金) column whose label went unread but its unit (醫元) for 东西部协作资金（万元）,
    k14-014: every project's aid lost): the column right of the total investment's, when no label names
    it (nor a known column: 县级配套, 群众自筹) and its header holds 元, whose cells are figures (three at
    least, settings.name_column_share of them) none over the total beside it; a guess."""
    total = next((c for c, f in columns.items() if f == "total_investment_wan"), None)
    c = None if total is None else total + 1
    if c is None or c >= grid.n_cols or c in columns or "元" not in _head(grid, c, n_header) \
            or _named(grid, c, n_header, settings):
        return None
    pairs = [(compact(a.text), compact(t.text)) for r in range(n_header, grid.n_rows)
             if (a := grid.owner(r, c)) is not None and a.col == c and a.text.strip()
             and (t := grid.owner(r, total)) is not None and t.col == total]
    figures = [(a, t) for a, t in pairs if _is_number(a)]
    if len(figures) < 3 or len(figures) < settings.name_column_share * len(pairs):
        return None
    amounts = [(parse_amount(a, errors="null"), parse_amount(t, errors="null")) for a, t in figures]
    return None if any(a is not None and t is not None and a > t for a, t in amounts) else c


def _first_holding(grid: Grid, n_header: int, columns: dict[int, str], settings: Settings, fits) -> int | None:
    """The first column no label names (its header text, if any, names no field) whose own cells
    `fits` in at least settings.name_column_share of them, three at least; None when there is none."""
    for c in range(grid.n_cols):
        head = _head(grid, c, n_header)
        if c in columns or (head.strip() and match_label(head)[1] >= settings.header_match_min):
            continue
        texts = _own_texts(grid, c, n_header)
        found = sum(bool(fits(t)) for t in texts)
        if found >= 3 and found >= settings.name_column_share * len(texts):
            return c
    return None


def date_column_kind(grid: Grid, c: int, n_header: int, share: float = 0.5) -> str | None:
    """建设期限 heads a deadline in some plans and a span of years in others: the cells say which
    (months written: deadline; years only: construction_period; None when they do not say, in at
    least `share` of the cells it holds alone: a heading or 小计 spanning it says nothing, k25-021). A year
    over a month on the next line is a month (2024 | 09 in a narrow column, k25-037: read as years, it
    took 建设年限's field)."""
    texts = [compact(_LINED_MONTH.sub(r"\1.\2", o.text)) for r in range(n_header, grid.n_rows)
             if (o := grid.owner(r, c)) is not None and o.col == c and o.colspan == 1 and o.text.strip()]
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
            unnamed = frozenset(c for c in range(grid.n_cols) if c not in columns and not _named(grid, c, n, settings))
            return Mapping(columns, n, grid.n_cols, frozenset(guessed), column_spans(grid), unnamed)
        return None
    if previous and previous.n_cols == grid.n_cols:
        return Mapping(previous.columns, 0, grid.n_cols, previous.guessed, previous.spans, previous.unnamed)
    if previous and previous.spans:
        return by_position(grid, previous)
    return None


def column_spans(grid: Grid) -> tuple[tuple[float, float] | None, ...]:
    """x0, x1 of each column of the grid: the median edges of its cells one column wide."""
    spans = []
    for c in range(grid.n_cols):
        own = [cell.bbox for cell in grid.cells if cell.col == c and cell.colspan == 1]
        spans.append((statistics.median(b[0] for b in own), statistics.median(b[2] for b in own)) if own else None)
    return tuple(spans)


def by_position(grid: Grid, previous: Mapping) -> Mapping | None:
    """A continuation grid with no header of its own and another count of columns than the page
    before (a seal's strokes or a lost rule there made columns of their own: k2-031): each of its
    columns takes the field of the column before that covers most of it, at least half its width."""
    columns: dict[int, str] = {}
    guessed: set[int] = set()
    spans = column_spans(grid)
    for c, span in enumerate(spans):
        if span is None or span[1] <= span[0]:
            continue
        cover = [(min(span[1], p[1]) - max(span[0], p[0]), k) for k, p in enumerate(previous.spans) if p is not None]
        best, k = max(cover, default=(0.0, None))
        if k in previous.columns and best >= 0.5 * (span[1] - span[0]) and previous.columns[k] not in columns.values():
            columns[c] = previous.columns[k]
            if k in previous.guessed:
                guessed.add(c)
    if "name" in columns.values() and len(columns) >= 3:
        return Mapping(columns, 0, grid.n_cols, frozenset(guessed), spans)
    return None


def _named(grid: Grid, c: int, n_header: int, settings: Settings) -> bool:
    """Some header cell over column c (its own, or one spanning it: 资金来源, 绩效目标 over two rows)
    names a field or a known column."""
    cells = {id(cell): cell for r in range(n_header) if (cell := grid.owner(r, c)) is not None}
    return any(names_column(own_label(cell, c), settings.header_match_min) for cell in cells.values())


def spilled_cells(grid: Grid, r: int, mapping: Mapping, cells: dict[str, Cell], settings: Settings) -> dict[str, Cell]:
    """The row's cells with each one that has text standing beside it in an unnamed column (the
    nearest mapped column to its left, else to its right) marked `spilled`: a content's line ends
    read into a column of their own (k11-025), or an ownership column whose label OCR lost (k10-023).
    Figures there are an amount column's, a label there the header's own, text beside a column the
    contract does not carry that column's: none a spill."""
    out = dict(cells)
    by_column = {c: f for c, f in mapping.columns.items() if f in cells}
    for c in sorted(mapping.unnamed - set(mapping.columns)):
        cell = grid.owner(r, c) if c < grid.n_cols else None
        if cell is None or cell.col != c or cell.row != r or not cell.text.strip() or _is_number(cell.text) \
                or names_column(cell.text, settings.header_match_min):
            continue          # figures: an amount column whose label was lost (白筹资金); a label: the header's
        if _beside_known(c, mapping):
            continue
        left = [k for k in by_column if k < c]
        k = max(left) if left else min((k for k in by_column if k > c), default=None)
        if k is not None:
            out[by_column[k]] = replace(out[by_column[k]], spilled=True)
    return out


def _beside_known(c: int, mapping: Mapping) -> bool:
    """The nearest named column on either side of unnamed column c is one the contract does not carry
    (绩效目标): the text is that column's, split off by a rule the scan made up (k8-033)."""
    unnamed = mapping.unnamed - set(mapping.columns)
    sides = (next((k for k in range(c - 1, -1, -1) if k not in unnamed), None),
             next((k for k in range(c + 1, mapping.n_cols) if k not in unnamed), None))
    return any(k is not None and k not in mapping.columns for k in sides)


def row_cells(grid: Grid, r: int, mapping: Mapping) -> dict[str, Cell]:
    """The mapped cells of row r; a cell merged from a row above carries its text and span. A cell
    spanning from the left belongs to its own column, or where that column is mapped to nothing, to
    the first mapped column it spans (a rule lost under the header's 项目总投资 and in every row: the
    figures stood in the column left of the label's, k5-012)."""
    out: dict[str, Cell] = {}
    for c, field in mapping.columns.items():
        cell = grid.owner(r, c)
        if cell is None or any(k in mapping.columns for k in range(cell.col, c)):
            continue
        out[field] = Cell(cell.text.strip(), grid.page, cell.bbox, cell.rowspan, cell.row < r, c in mapping.guessed,
                          unread=cell.unread)
    return out
