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

from normalizers.correct import agrees, fix_lookalikes, fix_variants, repair_chars, vote, without_amounts
from normalizers.dates import parse_date, parse_period
from normalizers.numbers import parse_amount, regrouped, row_amount
from normalizers.pairing import pair_by_amounts
from normalizers.text import as_text, compact, squeeze
from normalizers.vocab import (abbreviation, canonical_category, contains_place, expand_offices, name_endings,
                               place_ancestors, place_parts)
from schemas.settings import Settings
from schemas.tables import column_names
from schemas.types import SUBTOTAL_AFTER, Cell, Correction, NarrativeItem, TableRow

TEXT_FIELDS = column_names("projects", merged=True)      # declared in schemas/tables.py
AID_CLAUSE = re.compile(r"(?:(?:拟|计划)?(?:投入|安排)?(?:帮扶|协作|衔接)?资金|规划投资|计划投资)(\d+(?:\.\d+)?)万元")
TOTAL_CLAUSE = re.compile(r"总投资(\d+(?:\.\d+)?)万元")
_LEAD_AMOUNTS = re.compile(r"^(?:(?:总投资|(?:拟|计划)?(?:投入|安排)?(?:帮扶|协作|衔接)?资金|规划投资|计划投资)"
                           r"\d+(?:\.\d+)?万元[，,、]?)+")


NAMED_FIELDS = ("responsible_unit", "implementing_entity", "ownership", "responsible_leader")
DATE_PARSERS = {"deadline": parse_date, "construction_period": parse_period}


@dataclass
class Merged:
    """A project as merged from its readings, before ids are given."""
    item: NarrativeItem | None
    row: TableRow | None
    category_raw: str
    witnesses: list[TableRow] = field(default_factory=list)   # the same row in other table readings
    readings: list[int] = field(default_factory=list)         # each witness's reading number (2: the second …)
    category_row: TableRow | None = None                      # the subtotal row that named the category
    values: dict[str, object] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    pages: set[int] = field(default_factory=set)
    corrections: list[Correction] = field(default_factory=list)


def name_similarity(a: tuple[str, str], b: tuple[str, str]) -> float:
    """0..100 between two names as name_forms gives them: fuzz ratio, 95 where one abbreviates the other."""
    (x, ex), (y, ey) = a, b
    if not x or not y:
        return 0.0
    return max(fuzz.ratio(x, y), 95.0 if abbreviation(ex, ey, 0.5) else 0.0)


def name_forms(name: str) -> tuple[str, str]:
    """A name's comparison form, and that with short office names spelled out (made once per name)."""
    return compact(name), expand_offices(compact(name))


def align(items: list[NarrativeItem], rows: list[TableRow], settings: Settings
          ) -> list[tuple[NarrativeItem | None, TableRow | None]]:
    """Pairs in document order, by name, then by amount where names left an item and a row apart;
    an unmatched reading stands alone."""
    pairs = align_names([it.name for it in items], [r.text("name") or "" for r in rows], settings.item_match_min)
    pairs = pair_by_amounts(pairs, [narrative_amounts(it) for it in items],
                            [(row_amount(r, "aid_funds_wan"), row_amount(r, "total_investment_wan")) for r in rows],
                            settings.amount_tolerance)
    return [(items[i] if i is not None else None, rows[j] if j is not None else None) for i, j in pairs]


def align_names(a: list[str], b: list[str], min_score: float) -> list[tuple[int | None, int | None]]:
    """Index pairs of two name lists in order (a weighted longest common subsequence)."""
    n, m = len(a), len(b)
    fb = [name_forms(y) for y in b]
    sim = [[name_similarity(x, y) for y in fb] for x in map(name_forms, a)]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            take = best[i + 1][j + 1] + sim[i][j] if sim[i][j] >= min_score else -1.0
            best[i][j] = max(take, best[i + 1][j], best[i][j + 1])
    pairs: list[tuple[int | None, int | None]] = []
    i = j = 0
    while i < n and j < m:
        if sim[i][j] >= min_score and best[i][j] == best[i + 1][j + 1] + sim[i][j]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            pairs.append((i, None))
            i += 1
        else:
            pairs.append((None, j))
            j += 1
    return pairs + [(k, None) for k in range(i, n)] + [(None, k) for k in range(j, m)]


def narrative_amounts(item: NarrativeItem | None) -> tuple[float | None, float | None]:
    """(aid, total investment) stated in an item's sentence, in 万元."""
    if item is None:
        return None, None
    text = compact(item.body)
    aid, total = AID_CLAUSE.search(text), TOTAL_CLAUSE.search(text)
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
    if agrees(t, n, settings.min_subsequence_share):
        if fieldname == "location" and _depth(n) > _depth(t):
            return n, None
        return t, None
    if fieldname == "location":
        if contains_place(t, n):
            return n, None
        if contains_place(n, t):
            return t, None
    if fieldname == "name" and n.endswith(name_endings()) and not t.endswith(name_endings()):
        return n, "conflict:name"          # the table's reading is no name (a seal over it: 川菌种車)
    return t, f"conflict:{fieldname}"


def narrative_content(item: NarrativeItem) -> str | None:
    """The item's sentence without its leading funding clause (总投资…，投入资金…万元，)."""
    return squeeze(_LEAD_AMOUNTS.sub("", item.body)) or None


def merge_pair(item: NarrativeItem | None, row: TableRow | None, category_raw: str,
               settings: Settings, witnesses: list[TableRow] | None = None, scanned: bool = False,
               alone: bool | None = None) -> Merged:
    """One project from its narrative item and table row; `alone`: one reading is missing
    where the plan has both (a table-only plan is not a reason for review)."""
    m = Merged(item, row, category_raw, list(witnesses or []))
    nf = dict(item.fields) if item else {}
    if item:
        nf["name"] = item.name
        nf["content"] = narrative_content(item)
        m.pages.add(item.page)
    tv: dict[str, str | None] = {}
    if row:
        m.pages.add(row.page)
        tv = _values(row)
        for f in NAMED_FIELDS:                 # a neighbour's amounts in a name's cell: out, in doubt
            if tv.get(f) and (kept := without_amounts(tv[f])) != tv[f]:
                m.corrections.append(Correction("", None, f, tv[f], kept, "stray_amount", 100.0, row.page))
                m.flags.append(f"low_confidence:{f}")
                tv[f] = kept or None
    others = [_values(w) for w in m.witnesses]
    page = row.page if row else (item.page if item else None)
    for f in TEXT_FIELDS:
        value, flag = _merge_field(f, tv.get(f), nf.get(f), settings)
        if settings.correct:
            fixed, fixed_flag, rules, score, ambiguous = _corrected_field(
                f, [tv.get(f)] + [o.get(f) for o in others], nf.get(f), settings, scanned, ((tv.get(f), nf.get(f)), (value, flag)))
            if fixed != value:
                rule = "cross_witness" if "cross_witness" in rules else (rules[0] if rules else "cross_witness")
                m.corrections.append(Correction("", None, f, str(value or ""), str(fixed or ""), rule, score, page))
                value, flag = fixed, fixed_flag
            elif fixed_flag is None:
                flag = None
            if ambiguous:
                m.flags.append(f"low_confidence:{f}")
        m.values[f] = value
        if flag:
            m.flags.append(flag)
    sub = compact(tv.get("category") or "")
    canon_sub, score = canonical_category(sub)
    same = canon_sub is not None and score >= settings.category_match_min and canon_sub == canonical_category(category_raw)[0]
    m.values["subcategory"] = sub if sub and sub != compact(category_raw) and not same else None
    if (not item or not row) if alone is None else alone:
        m.flags.append("needs_review")
    m.flags += [f"low_confidence:{f}" for f, c in (row.cells.items() if row else ()) if c.guessed and c.text]
    m.flags += [f"low_confidence:{f}" for f in DATE_PARSERS if tv.get(f) and m.values.get(f) is None]   # a cell no date read
    return m


def _values(row: TableRow) -> dict[str, str | None]:
    return {k: (squeeze(c.text) if c.text else None) for k, c in row.cells.items()}


def _merge_field(f: str, table: str | None, narrative: str | None, settings: Settings
                 ) -> tuple[object, str | None]:
    """One field's value from its table and narrative readings, as read (no correction).
    Dates are compared by meaning (2025.11 is 2025年11月底); one written more precisely agrees."""
    if f in DATE_PARSERS:
        t, n = (DATE_PARSERS[f](v, errors="null") if v else None for v in (table, narrative))
        if t and n and not (t.startswith(n) or n.startswith(t)):
            return t, f"conflict:{f}"
        return t or n, None
    value, flag = merge_text(f, table, narrative, settings)
    if f == "content" and table:
        value, flag = table, None          # the table's cell is the content when it has one
    return value, flag


def _fixed(text: str | None, settings: Settings, scanned: bool) -> tuple[str | None, list, bool]:
    """fix_lookalikes, and in a scan's reading fix_variants too (a born-digital plan's characters are as written)."""
    v, fixes, amb = fix_lookalikes(text, settings.correction_min)
    if scanned:
        v, more = fix_variants(v)
        fixes += more
    return v, fixes, amb


def _corrected_field(f: str, readings: list[str | None], narrative: str | None, settings: Settings, scanned: bool = False,
                     merged: tuple[tuple, tuple] | None = None) -> tuple[object, str | None, list[str], float | None, bool]:
    """(value, flag, rules applied, score, ambiguous): look-alikes fixed in every reading, the
    table readings voted on, the winner's characters repaired from the others. `merged`:
    ((table, narrative), _merge_field of them), reused when nothing changed."""
    rules: list[str] = []
    scores: list[float] = []
    fixed: list[str | None] = []
    ambiguous = False
    done: dict[str | None, tuple] = {}          # readings often repeat: each text is fixed once
    for k, r in enumerate(readings):
        text = squeeze(r)
        if text not in done:
            done[text] = _fixed(text, settings, scanned)
        v, fixes, amb = done[text]
        fixed.append(v)
        if k == 0:
            rules += [x.rule for x in fixes]
            scores += [x.score for x in fixes]
            ambiguous |= amb
    n, n_fixes, _ = _fixed(squeeze(narrative), settings, scanned)
    chosen, share, amb = vote(fixed, n, settings.min_subsequence_share, settings.ambiguity_margin)
    ambiguous |= amb
    if chosen is not None and chosen != fixed[0]:
        rules, scores = ["cross_witness"], [round(100 * share, 1)]
        ambiguous = False
    if chosen:
        chosen, repairs = repair_chars(chosen, [r for r in fixed if r and r != chosen] + [n], scanned)
        rules += [x.rule for x in repairs]
        scores += [x.score for x in repairs]
        if n:
            n, _ = repair_chars(n, [chosen], scanned)
    if not readings[0] and n_fixes and not chosen:
        rules += [x.rule for x in n_fixes]
        scores += [x.score for x in n_fixes]
    value, flag = merged[1] if merged and merged[0] == (chosen, n) else _merge_field(f, chosen, n, settings)
    return value, flag, rules, (min(scores) if scores else None), ambiguous


def place_amounts(merged: list[Merged], settings: Settings, subtotals: dict[str, set[float]] | None = None
                  ) -> None:
    """Amounts from the table, checked against the narrative and the other table readings.

    A merged amount cell is placed once. Where the readings disagree, the majority wins;
    a tie is settled by the arithmetic (the candidate that makes the category's items add up
    to its subtotal: 90, not the subtotal 1370 slipped into the row), else kept and flagged.
    """
    said = {id(m): narrative_amounts(m.item) for m in merged}          # (aid, total) each sentence states
    for fieldname, idx in (("aid_funds_wan", 0), ("total_investment_wan", 1)):
        spans: dict[tuple, list[Merged]] = {}
        undecided: list[tuple[Merged, list[float]]] = []
        for m in merged:
            cell: Cell | None = m.row.cells.get(fieldname) if m.row else None
            stated = said[id(m)][idx]
            if cell is None or not cell.text:
                m.values[fieldname] = stated
                continue
            if cell.span > 1:
                spans.setdefault((cell.page, cell.bbox), []).append(m)
                continue
            value = row_amount(m.row, fieldname)
            m.values[fieldname] = value
            if value is not None and regrouped(cell.text):      # separators OCR misread: 2.090.200.00
                m.corrections.append(Correction("", None, fieldname, cell.text, regrouped(cell.text), "number",
                                                100.0, m.row.page))
            if value is not None and m.row.unit != "万元":
                m.corrections.append(Correction("", None, fieldname, f"{cell.text} {m.row.unit}", as_text(value),
                                                "unit", 100.0, m.row.page))
            if value is None:
                m.flags.append(f"low_confidence:{fieldname}")
                continue
            others = [row_amount(w, fieldname) for w in m.witnesses
                      if w.cells.get(fieldname) is not None and w.cells[fieldname].text]
            votes = [value] + [o for o in others if o is not None] + ([stated] if stated is not None else [])
            counts = {v: sum(abs(v - w) <= settings.amount_tolerance for w in votes) for v in votes}
            top = max(counts.values())
            leaders = [v for v in dict.fromkeys(votes) if counts[v] == top]
            if len(leaders) == 1 and leaders[0] != value:
                if settings.correct:
                    _set_amount(m, fieldname, value, leaders[0], "cross_witness", 100.0 * top / len(votes))
                else:
                    m.flags.append(f"conflict:{fieldname}")
            elif len(leaders) > 1:
                undecided.append((m, leaders))
        for m, leaders in undecided:
            chosen = _by_arithmetic(m, merged, fieldname, leaders, subtotals or {}, settings)
            if chosen is not None and chosen != m.values[fieldname] and settings.correct:
                _set_amount(m, fieldname, m.values[fieldname], chosen, "arithmetic", 100.0)
            elif chosen is None:
                m.flags.append(f"conflict:{fieldname}")
        for (_, _), group in spans.items():
            value = row_amount(group[0].row, fieldname)
            owner = next((g for g in group if value is not None and said[id(g)][idx] is not None
                          and abs(said[id(g)][idx] - value) <= settings.amount_tolerance), None)
            if owner is None and fieldname == "total_investment_wan":
                owner = next((g for g in group if g.values.get("aid_funds_wan") is not None), None)
            owner = owner or group[0]
            for g in group:
                g.values[fieldname] = value if g is owner else None
                if "shared_amount" not in g.flags:
                    g.flags.append("shared_amount")


def _set_amount(m: Merged, fieldname: str, old: float, new: float, rule: str, score: float) -> None:
    m.values[fieldname] = new
    m.corrections.append(Correction("", None, fieldname, as_text(old), as_text(new), rule, round(score, 1),
                                    m.row.page if m.row else None))


def _by_arithmetic(m: Merged, merged: list[Merged], fieldname: str, candidates: list[float],
                   subtotals: dict[str, set[float]], settings: Settings) -> float | None:
    """The one candidate with which m's category adds up to a stated subtotal, else None."""
    cat = canonical_category(m.category_raw)[0]
    targets = subtotals.get(cat or "", set())
    if not targets:
        return None
    rest = sum(x.values.get(fieldname) or 0.0 for x in merged
               if x is not m and canonical_category(x.category_raw)[0] == cat)
    fits = [c for c in candidates if any(abs(rest + c - t) <= settings.amount_tolerance for t in targets)]
    return fits[0] if len(fits) == 1 else None


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
        raw = (category_of.get(id(row)) if row else "") or (item.heading if item else "")
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


def _category_cell(row: TableRow, settings: Settings) -> str:
    """A 类别 cell that names a category (产业发展类), for tables with no category rows."""
    text = row.text("category") or ""
    return text if canonical_category(text)[1] >= settings.category_match_min else ""


def subtotals(rows: list[TableRow], witnesses: list[list[TableRow]], stated: dict[str, float]
              ) -> dict[str, set[float]]:
    """Every subtotal printed or stated for each canonical category (any reading, the narrative)."""
    out: dict[str, set[float]] = {}
    for reading in [rows, *witnesses]:
        for r in reading:
            if r.kind != "subtotal":
                continue
            cat = canonical_category(r.label)[0]
            amount = row_amount(r, "aid_funds_wan")
            if cat and amount is not None:
                out.setdefault(cat, set()).add(amount)
    for label, amount in stated.items():
        cat = canonical_category(label)[0]
        if cat and amount is not None:
            out.setdefault(cat, set()).add(amount)
    return out
