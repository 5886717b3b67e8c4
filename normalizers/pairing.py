"""Narrative items and table rows the name alignment left apart, paired by the money they state
(a seal or a scan's misread over a name: 川菌种車 in the table for 红花镇食用菌种植基地建设项目)."""
from __future__ import annotations

Amounts = tuple[float | None, float | None]     # (aid, total investment) in 万元; None: not stated


def pair_by_amounts(pairs: list[tuple[int | None, int | None]], items: list[Amounts], rows: list[Amounts],
                    tolerance: float) -> list[tuple[int | None, int | None]]:
    """`pairs` (align_names' index pairs, in document order) with the items and rows left unmatched
    between the same two matched neighbours paired in order where an amount the item states is the
    row's (aid or total investment, within `tolerance`); the rest stay alone."""
    out: list[tuple[int | None, int | None]] = []
    run: list[tuple[int | None, int | None]] = []
    for p in pairs + [(-1, -1)]:                  # a sentinel closes the last run
        if p[0] is not None and p[1] is not None:
            out += _paired(run, items, rows, tolerance)
            run = []
            out.append(p)
        else:
            run.append(p)
    return out[:-1]


def _paired(run: list[tuple[int | None, int | None]], items: list[Amounts], rows: list[Amounts],
            tolerance: float) -> list[tuple[int | None, int | None]]:
    """One run of unmatched items and rows, those whose amounts agree paired in order."""
    alone_items = [i for i, j in run if j is None]
    alone_rows = [j for i, j in run if i is None]
    if not alone_items or not alone_rows:
        return run
    matched: dict[int, int] = {}
    start = 0
    for i in alone_items:
        for k in range(start, len(alone_rows)):
            if _agree(items[i], rows[alone_rows[k]], tolerance):
                matched[i] = alone_rows[k]
                start = k + 1
                break
    if not matched:
        return run
    out: list[tuple[int | None, int | None]] = []
    rest = list(alone_rows)
    for i in alone_items:
        if i in matched:
            j = matched[i]
            out += [(None, r) for r in rest[:rest.index(j)]]
            rest = rest[rest.index(j) + 1:]
            out.append((i, j))
        else:
            out.append((i, None))
    return out + [(None, r) for r in rest]


def _agree(item: Amounts, row: Amounts, tolerance: float) -> bool:
    return any(a is not None and b is not None and abs(a - b) <= tolerance for a, b in zip(item, row))
