"""Two readings of each project — the narrative item and the table row — merged into one record.

Alignment keeps document order (a weighted longest-common-subsequence on name similarity).
Field by field: readings that agree, or where one abbreviates the other (县卫健局 /
县卫生健康局), are the same fact and the table's wording is kept; a location keeps the most
specific place stated; a real disagreement keeps the table's value and is flagged
`conflict:<field>`. A merged amount cell goes to the row whose narrative states it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from normalizers.dates import parse_date, parse_period
from normalizers.numbers import parse_amount
from normalizers.text import compact, squeeze
from normalizers.vocab import abbreviates, canonical_category, contains_place, place_ancestors, place_parts
from schemas.settings import Settings
from schemas.types import Cell, Correction, NarrativeItem, TableRow

TEXT_FIELDS = ("name", "content", "location", "construction_period", "responsible_leader",
               "responsible_unit", "implementing_entity", "deadline", "beneficiary_linkage",
               "ownership", "notes")
_AID = re.compile(r"(?:(?:拟|计划)?(?:投入|安排)?(?:帮扶|协作|衔接)?资金|规划投资|计划投资)(\d+(?:\.\d+)?)万元")
_TOTAL = re.compile(r"总投资(\d+(?:\.\d+)?)万元")
_LEAD_AMOUNTS = re.compile(r"^(?:(?:总投资|(?:拟|计划)?(?:投入|安排)?(?:帮扶|协作|衔接)?资金|规划投资|计划投资)"
                           r"\d+(?:\.\d+)?万元[，,、]?)+")


@dataclass
class Merged:
    """A project as merged from its readings, before ids are given."""
    item: NarrativeItem | None
    row: TableRow | None
    category_raw: str
    values: dict[str, object] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    pages: set[int] = field(default_factory=set)
    corrections: list[Correction] = field(default_factory=list)


def name_similarity(a: str, b: str) -> float:
    x, y = compact(a), compact(b)
    if not x or not y:
        return 0.0
    return max(fuzz.ratio(x, y), 95.0 if abbreviates(x, y, 0.5) else 0.0)


def align(items: list[NarrativeItem], rows: list[TableRow], settings: Settings
          ) -> list[tuple[NarrativeItem | None, TableRow | None]]:
    """Pairs in document order; an unmatched reading stands alone."""
    n, m = len(items), len(rows)
    sim = [[name_similarity(it.name, r.text("name") or "") for r in rows] for it in items]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            take = best[i + 1][j + 1] + sim[i][j] if sim[i][j] >= settings.item_match_min else -1.0
            best[i][j] = max(take, best[i + 1][j], best[i][j + 1])
    pairs: list[tuple[NarrativeItem | None, TableRow | None]] = []
    i = j = 0
    while i < n and j < m:
        if sim[i][j] >= settings.item_match_min and best[i][j] == best[i + 1][j + 1] + sim[i][j]:
            pairs.append((items[i], rows[j]))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            pairs.append((items[i], None))
            i += 1
        else:
            pairs.append((None, rows[j]))
            j += 1
    pairs += [(it, None) for it in items[i:]] + [(None, r) for r in rows[j:]]
    return pairs


def narrative_amounts(item: NarrativeItem | None) -> tuple[float | None, float | None]:
    """(aid, total investment) stated in an item's sentence, in 万元."""
    if item is None:
        return None, None
    text = compact(item.body)
    aid, total = _AID.search(text), _TOTAL.search(text)
    return (parse_amount(aid.group(1), errors="null") if aid else None,
            parse_amount(total.group(1), errors="null") if total else None)


def _depth(location: str) -> int:
    parts = place_parts(location)
    return max((len(place_ancestors(p)) for p in parts), default=-1)


def merge_text(fieldname: str, table: str | None, narrative: str | None, settings: Settings
               ) -> tuple[str | None, str | None]:
    """(value, flag) for one text field from its two readings."""
    t, n = squeeze(table), squeeze(narrative)
    if not t or not n:
        return t or n, None
    if compact(t) == compact(n) or abbreviates(t, n, settings.min_subsequence_share):
        if fieldname == "location" and _depth(n) > _depth(t):
            return n, None
        return t, None
    if fieldname == "location":
        if contains_place(t, n):
            return n, None
        if contains_place(n, t):
            return t, None
    return t, f"conflict:{fieldname}"


def narrative_content(item: NarrativeItem) -> str | None:
    """The item's sentence without its leading funding clause (总投资…，投入资金…万元，)."""
    return squeeze(_LEAD_AMOUNTS.sub("", item.body)) or None


def merge_pair(item: NarrativeItem | None, row: TableRow | None, category_raw: str,
               settings: Settings) -> Merged:
    m = Merged(item, row, category_raw)
    nf = dict(item.fields) if item else {}
    if item:
        nf["name"] = item.name
        nf["content"] = narrative_content(item)
        m.pages.add(item.page)
    tv: dict[str, str | None] = {}
    if row:
        m.pages.add(row.page)
        tv = {k: (squeeze(c.text) if c.text else None) for k, c in row.cells.items()}
    for f in TEXT_FIELDS:
        value, flag = merge_text(f, tv.get(f), nf.get(f), settings)
        if f == "content" and tv.get(f):
            value, flag = tv[f], None          # the table's cell is the content when it has one
        if f == "deadline":
            value = parse_date(value, errors="null") if value else None
        if f == "construction_period":
            value = parse_period(value, errors="null") if value else None
        m.values[f] = value
        if flag:
            m.flags.append(flag)
    sub = compact(tv.get("category") or "")
    canon_sub, score = canonical_category(sub)
    same = canon_sub is not None and score >= 80 and canon_sub == canonical_category(category_raw)[0]
    m.values["subcategory"] = sub if sub and sub != compact(category_raw) and not same else None
    if not item or not row:
        m.flags.append("needs_review")
    return m


def place_amounts(merged: list[Merged], settings: Settings) -> None:
    """Amounts from the table, checked against the narrative; a merged amount cell is placed once."""
    for fieldname, idx in (("aid_funds_wan", 0), ("total_investment_wan", 1)):
        spans: dict[tuple, list[Merged]] = {}
        for m in merged:
            cell: Cell | None = m.row.cells.get(fieldname) if m.row else None
            stated = narrative_amounts(m.item)[idx]
            if cell is None or not cell.text:
                m.values[fieldname] = stated
                continue
            if cell.span > 1:
                spans.setdefault((cell.page, cell.bbox), []).append(m)
                continue
            value = parse_amount(cell.text, errors="null")
            if value is None:
                m.flags.append(f"low_confidence:{fieldname}")
            elif stated is not None and abs(stated - value) > settings.amount_tolerance:
                m.flags.append(f"conflict:{fieldname}")
            m.values[fieldname] = value
        for (_, _), group in spans.items():
            value = parse_amount(group[0].row.cells[fieldname].text, errors="null")
            owner = next((g for g in group if value is not None and narrative_amounts(g.item)[idx] is not None
                          and abs(narrative_amounts(g.item)[idx] - value) <= settings.amount_tolerance), None)
            if owner is None and fieldname == "total_investment_wan":
                owner = next((g for g in group if g.values.get("aid_funds_wan") is not None), None)
            owner = owner or group[0]
            for g in group:
                g.values[fieldname] = value if g is owner else None
                if "shared_amount" not in g.flags:
                    g.flags.append("shared_amount")


def reconcile(items: list[NarrativeItem], rows: list[TableRow], settings: Settings) -> list[Merged]:
    """One Merged per project, in document order, with categories from the table's subtotal rows."""
    category_of: dict[int, str] = {}
    current = ""
    for r in rows:
        if r.kind == "subtotal":
            current = r.label
        elif r.kind == "item":
            category_of[id(r)] = current
    table_items = [r for r in rows if r.kind == "item"]
    merged = []
    for item, row in align(items, table_items, settings):
        raw = (category_of.get(id(row)) if row else "") or (item.heading if item else "")
        merged.append(merge_pair(item, row, raw, settings))
    place_amounts(merged, settings)
    return merged
