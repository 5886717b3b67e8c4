"""One plan's projects from its two readings: table rows given their categories, aligned with the
narrative items (align.py), merged (merge.py) and their amounts placed (amounts.py)."""
from __future__ import annotations

from normalizers.align import align, align_names
from normalizers.amounts import place_amounts, subtotals
from normalizers.merge import Merged, merge_pair
from normalizers.vocab import canonical_category
from schemas.settings import Settings
from schemas.types import SUBTOTAL_AFTER, NarrativeItem, TableRow


def reconcile(items: list[NarrativeItem], rows: list[TableRow], settings: Settings,
              witnesses: list[list[TableRow]] | None = None,
              stated: dict[str, float] | None = None, scanned: bool = False,
              counts: list[tuple[str, int]] | None = None) -> list[Merged]:
    """One Merged per project, in document order, with categories from the table's subtotal rows.

    `witnesses`: further readings of the table (a scan that holds it twice), aligned to the
    first by name; `stated`: category amounts the narrative states, for the arithmetic;
    `scanned`: the text was read from a scan (ties between readings may restore a dash);
    `counts`: (category, number of projects) as the task paragraph states them, in order.
    """
    category_of: dict[int, str] = {}
    heading_of: dict[int, TableRow] = {}
    current, heading = "", None
    for r in rows:
        if r.kind == "subtotal" and r.numeral != SUBTOTAL_AFTER:
            current, heading = r.label, r
        elif r.kind == "item":
            category_of[id(r)] = current or _category_cell(r, settings)
            if current:
                heading_of[id(r)] = heading
    table_items = [r for r in rows if r.kind == "item"]
    fill_by_counts(table_items, category_of, counts or [])
    seen_in: dict[int, list[TableRow]] = {id(r): [] for r in table_items}
    reading_of: dict[int, list[int]] = {id(r): [] for r in table_items}
    for number, reading in enumerate(witnesses or [], start=2):
        others = [r for r in reading if r.kind == "item"]
        pairs = align_names([r.text("name") or "" for r in table_items], [r.text("name") or "" for r in others],
                            settings.item_match_min)
        for i, j in pairs:
            if i is not None and j is not None:
                seen_in[id(table_items[i])].append(others[j])
                reading_of[id(table_items[i])].append(number)
    merged = []
    for item, row in align(items, table_items, settings):
        raw = _category_raw(category_of.get(id(row)) if row else "", item.heading if item else "", settings)
        alone = (item is None and bool(items)) or (row is None and bool(table_items))
        m = merge_pair(item, row, raw, settings, seen_in.get(id(row), []) if row else [], scanned, alone)
        m.readings = reading_of.get(id(row), []) if row else []
        m.category_row = heading_of.get(id(row)) if row else None
        merged.append(m)
    place_amounts(merged, settings, subtotals(rows, witnesses or [], stated or {}))
    return merged


def fill_by_counts(items: list[TableRow], category_of: dict[int, str], counts: list[tuple[str, int]]) -> None:
    """Blank categories (a 类别 label merged over rows it does not visibly reach) from the counts the
    plan states (产业发展类3个，就业帮扶类2个 …): the groups follow one another in the table, so the
    n-th group is the next `count` rows. Used only when the counts add up to the table's rows and
    every category the table does show falls in its group."""
    if not counts or all(category_of.get(id(r)) for r in items) or sum(c for _, c in counts) != len(items):
        return
    spans, start = [], 0
    for label, n in counts:
        spans.append((label, items[start:start + n]))
        start += n
    for label, group in spans:
        for r in group:
            shown = category_of.get(id(r))
            if shown and canonical_category(shown)[0] != canonical_category(label)[0]:
                return
    for label, group in spans:
        shown = next((category_of[id(r)] for r in group if category_of.get(id(r))), label)
        for r in group:
            category_of[id(r)] = category_of.get(id(r)) or shown


def _category_raw(table: str, heading: str, settings: Settings) -> str:
    """The category as printed: the table's label, or the narrative's heading where the table's
    names no category and the heading does (a scan cut the row's label to 一、产, k2-031)."""
    if table and heading and canonical_category(table)[1] < settings.category_match_min <= canonical_category(heading)[1]:
        return heading
    return table or heading


def _category_cell(row: TableRow, settings: Settings) -> str:
    """A 类别 cell that names a category (产业发展类), for tables with no category rows."""
    text = row.text("category") or ""
    return text if canonical_category(text)[1] >= settings.category_match_min else ""
