"""Ruling segments → the cells of each table they draw, by pdfplumber's table finder.

What pdfplumber.table.TableFinder does with explicit lines (both strategies "explicit", every
tolerance 3), by pdfplumber.table's own functions and without a page object: edges snapped and
joined (merge_edges), short ones dropped, intersections found, cells grouped into tables. One
step is our own: pdfplumber's intersections_to_cells compares each point with every later one
(13 ms for the four table pages of the two samples, 1 ms here); `cells` finds the same cells with
the points indexed by column and row. tests/test_cells.py checks both against pdfplumber.
"""
from __future__ import annotations

from pdfplumber.table import cells_to_tables, edges_to_intersections, merge_edges
from pdfplumber.utils import filter_edges, line_to_edge, obj_to_bbox

SNAP = JOIN = MEET = 3        # pdfplumber's snap, join and intersection tolerances (pt)
MIN_LENGTH = 3                # an edge shorter than this after joining is no rule (edge_min_length)

Box = tuple[float, float, float, float]


def table_cells(vertical: list[dict], horizontal: list[dict]) -> list[list[Box]]:
    """Cells (x0, top, x1, bottom) of each table the rules draw, tables top to bottom (then
    left to right), each of two cells or more. A rule listed as vertical whose top is its
    bottom counts as horizontal and is dropped from the verticals, and the other way round."""
    v = [e for e in map(line_to_edge, vertical) if e["orientation"] == "v"]
    h = [e for e in map(line_to_edge, horizontal) if e["orientation"] == "h"]
    edges = filter_edges(merge_edges(v + h, SNAP, SNAP, JOIN, JOIN), min_length=MIN_LENGTH)
    return cells_to_tables(cells(edges_to_intersections(edges, MEET, MEET)))


def cells(intersections: dict[tuple[float, float], dict[str, list[dict]]]) -> list[Box]:
    """pdfplumber.table.intersections_to_cells, the same cells in the same order: from each
    point, the smallest cell it opens, whose corners below and to the right are the first
    points (in order of y, then of x) joined to it by an edge and joined to each other."""
    points = {p: (set(map(obj_to_bbox, at["v"])), set(map(obj_to_bbox, at["h"])))
              for p, at in intersections.items()}
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
