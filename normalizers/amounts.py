"""A project's amounts: the table's cell checked against the narrative and the other table readings (the
majority, a tie settled by the category's subtotal), a merged amount cell given to the row whose narrative states it."""
from __future__ import annotations

from normalizers.merge import Merged, narrative_amounts
from normalizers.numbers import regrouped, row_amount
from normalizers.text import as_text
from normalizers.vocab import canonical_category
from schemas.settings import Settings
from schemas.types import Cell, Correction, TableRow


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
