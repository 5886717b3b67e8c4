"""Ruling segments → the cells of each table they draw: snap, join, intersect, close cells.

The steps and their results are those of pdfplumber's table finder given explicit lines
(pdfplumber.table.TableFinder with both strategies "explicit", every tolerance 3), written
without its page object and with points indexed by row and column, so finding the cells of a
page costs a few ms less; tests/test_cells.py compares the two on random rulings.
"""
from __future__ import annotations

from itertools import groupby
from operator import itemgetter

SNAP = JOIN = MEET = 3        # pdfplumber's snap, join and intersection tolerances (pt)
MIN_LENGTH = 3                # an edge shorter than this after joining is no rule (edge_min_length)

_X0, _TOP = itemgetter("x0"), itemgetter("top")


def table_cells(vertical: list[dict], horizontal: list[dict]) -> list[list[tuple[float, float, float, float]]]:
    """Cells (x0, top, x1, bottom) of each table the rules draw, tables top to bottom (then
    left to right), each of two cells or more. A rule listed as vertical whose top is its
    bottom counts as horizontal and is dropped from the verticals, and the other way round."""
    v = [e for e in vertical if e["top"] != e["bottom"]]
    h = [e for e in horizontal if e["top"] == e["bottom"]]
    v = _joined(_snapped(v, "x0", "x1"), "top", "bottom", "height")
    h = _joined(_snapped(h, "top", "bottom"), "x0", "x1", "width")
    return _tables(_cells(_intersections(v, h)))


def _snapped(edges: list[dict], key: str, other: str) -> list[dict]:
    """Edges whose `key` lies within SNAP of the next one's (a chain) moved to their mean, moved as
    pdfplumber moves them (by mean - value), clusters in order of value."""
    clusters: dict[float, list[dict]] = {}
    starts: dict[float, float] = {}
    start = last = None
    for value in sorted({e[key] for e in edges}):
        if last is None or value > last + SNAP:
            start = value
        starts[value] = start
        last = value
    for e in edges:
        clusters.setdefault(starts[e[key]], []).append(e)
    out = []
    for start in sorted(clusters):
        group = clusters[start]
        mean = sum(map(itemgetter(key), group)) / len(group)
        for e in group:
            shift = mean - e[key]
            out.append({**e, key: e[key] + shift, other: e[other] + shift})
    return out


def _joined(edges: list[dict], lo: str, hi: str, length: str) -> list[dict]:
    """Edges on one line (the same x0 for verticals, top for horizontals) joined where one starts
    within JOIN of the last one's end; those shorter than MIN_LENGTH dropped."""
    along = "x0" if lo == "top" else "top"
    out = []
    for _, line in groupby(sorted(edges, key=itemgetter(along)), key=itemgetter(along)):
        joined: list[dict] = []
        for e in sorted(line, key=itemgetter(lo)):
            last = joined[-1] if joined else None
            if last is not None and e[lo] <= last[hi] + JOIN:
                if e[hi] > last[hi]:
                    grown = e[hi] - last[hi] + last[length] if length == "height" else e[hi] - last[lo]
                    joined[-1] = {**last, hi: e[hi], length: grown}
            else:
                joined.append(e)
        out += joined
    return [e for e in out if e[length] >= MIN_LENGTH]


def _box(e: dict) -> tuple[float, float, float, float]:
    return e["x0"], e["top"], e["x1"], e["bottom"]


def _intersections(v: list[dict], h: list[dict]) -> dict[tuple[float, float], tuple[set, set]]:
    """Each point where a vertical meets a horizontal (within MEET) → the boxes of the vertical
    and of the horizontal edges through it."""
    points: dict[tuple[float, float], tuple[set, set]] = {}
    hs = sorted(h, key=itemgetter("top", "x0"))
    for ve in sorted(v, key=itemgetter("x0", "top")):
        x, top, bottom = ve["x0"], ve["top"], ve["bottom"]
        for he in hs:
            y = he["top"]
            if top <= y + MEET and bottom >= y - MEET and he["x0"] - MEET <= x <= he["x1"] + MEET:
                at = points.setdefault((x, y), (set(), set()))
                at[0].add(_box(ve))
                at[1].add(_box(he))
    return points


def _cells(points: dict[tuple[float, float], tuple[set, set]]) -> list[tuple[float, float, float, float]]:
    """From each point, the smallest cell it opens: the first point below joined to it by a
    vertical, the first to its right joined by a horizontal, whose corner opposite is a point
    joined to both (below in order of y, right in order of x, as pdfplumber searches)."""
    below: dict[float, list[float]] = {}
    right: dict[float, list[float]] = {}
    for x, y in sorted(points):
        below.setdefault(x, []).append(y)
        right.setdefault(y, []).append(x)
    out = []
    for (x, y), (vs, hs) in sorted(points.items()):
        cell = None
        for y1 in below[x]:
            if y1 <= y or vs.isdisjoint(points[(x, y1)][0]):
                continue
            for x1 in right[y]:
                if x1 <= x or hs.isdisjoint(points[(x1, y)][1]):
                    continue
                corner = points.get((x1, y1))
                if corner is not None and not corner[0].isdisjoint(points[(x1, y)][0]) and \
                        not corner[1].isdisjoint(points[(x, y1)][1]):
                    cell = (x, y, x1, y1)
                    break
            if cell:
                break
        if cell:
            out.append(cell)
    return out


def _tables(cells: list[tuple[float, float, float, float]]) -> list[list[tuple[float, float, float, float]]]:
    """Cells grouped into tables: cells sharing a corner are one table."""
    parent: dict[tuple[float, float], tuple[float, float]] = {}

    def root(p: tuple[float, float]) -> tuple[float, float]:
        while parent.setdefault(p, p) != p:
            parent[p] = parent[parent[p]]
            p = parent[p]
        return p

    for x0, top, x1, bottom in cells:
        a = root((x0, top))
        for corner in ((x0, bottom), (x1, top), (x1, bottom)):
            b = root(corner)
            if b != a:
                parent[b] = a
    tables: dict[tuple[float, float], list] = {}
    for c in cells:
        tables.setdefault(root((c[0], c[1])), []).append(c)
    found = sorted(tables.values(), key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in found if len(t) > 1]
