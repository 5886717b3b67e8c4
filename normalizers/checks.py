"""Arithmetic checks: items vs category subtotals vs the 合计 row vs the totals the text states.

A failed check flags the document (`subtotal_mismatch:<category>`, `total_mismatch`,
`count_mismatch`); it never drops or changes anything.
"""
from __future__ import annotations

from normalizers.numbers import row_amount
from normalizers.text import compact
from normalizers.vocab import canonical_category
from schemas.settings import Settings
from schemas.types import Metadata, ProjectRecord, TableRow

AMOUNTS = ("aid_funds_wan", "total_investment_wan")
UNCATEGORISED = "未分类"      # the category of projects no heading names (normalizers.records)


def _cell_amount(row: TableRow, fieldname: str) -> float | None:
    return row_amount(row, fieldname)


def _differs(a: float | None, b: float | None, tol: float) -> bool:
    return a is not None and b is not None and abs(a - b) > tol


def arithmetic_flags(records: list[ProjectRecord], rows: list[TableRow], md: Metadata,
                     settings: Settings, witnesses: list[list[TableRow]] = ()) -> list[str]:
    """Document flags for every sum that does not add up.

    A scan's table may be read more than once (`witnesses`): a subtotal that one reading
    misread while another reading of the same subtotal adds up is not a mismatch."""
    tol = settings.amount_tolerance
    flags: list[str] = []
    subtotals = [r for r in rows if r.kind == "subtotal"]
    totals = [r for r in rows if r.kind == "total"]
    readings: dict[tuple[str, str], list[float]] = {}
    for r in (r for w in witnesses for r in w if r.kind == "subtotal"):
        for f in AMOUNTS:
            v = _cell_amount(r, f)
            if v is not None:
                readings.setdefault((canonical_category(r.label)[0] or r.label, f), []).append(v)
    if witnesses:   # a scan: the narrative's category amounts confirm a subtotal as well
        for st in md.categories_stated:
            if st.amount_wan is not None:
                cat = canonical_category(st.label)[0] or compact(st.label)
                readings.setdefault((cat, "aid_funds_wan"), []).append(st.amount_wan)
    for sub in subtotals:
        cat = canonical_category(sub.label)[0] or compact(sub.label) or UNCATEGORISED
        members = [p for p in records if p.category == cat]
        for f in AMOUNTS:
            stated = _cell_amount(sub, f)
            got = sum(getattr(p, f) or 0.0 for p in members)
            confirmed = any(not _differs(v, got, tol) for v in readings.get((cat, f), []))
            if stated is not None and _differs(stated, got, tol) and not confirmed:
                flags.append(f"subtotal_mismatch:{cat}")
    for total in totals:
        for f in AMOUNTS:
            stated = _cell_amount(total, f)
            if stated is None:
                continue
            if _differs(stated, sum(getattr(p, f) or 0.0 for p in records), tol):
                flags.append("total_mismatch")
            sub_sum = [_cell_amount(s, f) for s in subtotals]
            if subtotals and all(v is not None for v in sub_sum) and _differs(stated, sum(sub_sum), tol):
                flags.append("total_mismatch")
    table_total = next((_cell_amount(t, "aid_funds_wan") for t in totals), None)
    aid_sum = sum(p.aid_funds_wan or 0.0 for p in records)
    if _differs(md.total_aid_funds_wan, table_total if table_total is not None else aid_sum, tol):
        flags.append("total_mismatch")
    if _differs(md.total_aid_funds_wan, md.total_aid_funds_capital_wan, tol):
        flags.append("total_mismatch")
    for st in md.categories_stated:
        cat = canonical_category(st.label)[0] or compact(st.label) or UNCATEGORISED
        members = [p for p in records if p.category == cat]
        if _differs(st.amount_wan, sum(p.aid_funds_wan or 0.0 for p in members), tol) or \
                (st.count is not None and st.count != len(members)):
            flags.append(f"subtotal_mismatch:{cat}")
    if md.project_count_stated is not None and md.project_count_stated != len(records):
        flags.append("count_mismatch")
    if md.category_count_stated is not None and \
            md.category_count_stated != len({p.category for p in records}):
        flags.append("count_mismatch")
    return list(dict.fromkeys(flags))
