"""Narrative items and table rows the name alignment left apart, paired where another reading of
the same project agrees: the money both state (a seal or a scan's misread over a name: 川菌种車 in
the table for 红花镇食用菌种植基地建设项目), or, where a seal took the amounts too, a table content
only one item's text holds (k26-014)."""
from __future__ import annotations

from collections.abc import Callable

from rapidfuzz import fuzz

Amounts = tuple[float | None, float | None]     # (aid, total investment) in 万元; None: not stated
Agree = Callable[[int, int], bool]              # (item index, row index) → one project's readings


def pair_left_apart(pairs: list[tuple[int | None, int | None]], agree: Agree) -> list[tuple[int | None, int | None]]:
    """`pairs` (align_names' index pairs, in document order) with the items and rows left unmatched
    between the same two matched neighbours paired in order where `agree`; the rest stay alone."""
    out: list[tuple[int | None, int | None]] = []
    run: list[tuple[int | None, int | None]] = []
    for p in pairs + [(-1, -1)]:                  # a sentinel closes the last run
        if p[0] is not None and p[1] is not None:
            out += _paired(run, agree)
            run = []
            out.append(p)
        else:
            run.append(p)
    return out[:-1]


def amounts_agree(items: list[Amounts], rows: list[Amounts], tolerance: float) -> Agree:
    """An amount the item states is the row's (aid or total investment, within `tolerance`)."""
    def agree(i: int, j: int) -> bool:
        return any(a is not None and b is not None and abs(a - b) <= tolerance for a, b in zip(items[i], rows[j]))
    return agree


def contents_agree(items: list[str], rows: list[str], min_score: float, min_chars: int) -> Agree:
    """The row's content (at least `min_chars` long) stands in one item's text and no other's (a
    rapidfuzz partial ratio of `min_score` or more): a cell of boilerplate alone (配套完善水、电、路等基础
    设施) stands in many and pairs nothing. `items`, `rows`: compacted texts."""
    held: dict[int, int | None] = {}              # row → the one item holding its content (asked rows only)

    def agree(i: int, j: int) -> bool:
        if j not in held:
            h = [k for k, t in enumerate(items)
                 if len(rows[j]) >= min_chars and t and fuzz.partial_ratio(rows[j], t) >= min_score]
            held[j] = h[0] if len(h) == 1 else None
        return held[j] == i
    return agree


def _paired(run: list[tuple[int | None, int | None]], agree: Agree) -> list[tuple[int | None, int | None]]:
    """One run of unmatched items and rows, those that agree paired in order."""
    alone_items = [i for i, j in run if j is None]
    alone_rows = [j for i, j in run if i is None]
    if not alone_items or not alone_rows:
        return run
    matched: dict[int, int] = {}
    start = 0
    for i in alone_items:
        for k in range(start, len(alone_rows)):
            if agree(i, alone_rows[k]):
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
