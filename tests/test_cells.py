"""extractors.cells finds the cells pdfplumber's table finder finds from the same explicit lines:
on random rulings (jittered within the snap tolerance, rules broken into pieces, cells merged,
stray ticks, two tables on a page) and on the rules of every born-digital plan page under tests/data."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from extractors.cells import MEET, cells, table_cells
from extractors.pdfpages import page_edges, page_objects
from extractors.segments import hline, vline

plumber = pytest.importorskip("pdfplumber.table")

ROOT = Path(__file__).parent.parent
LAYOUTS = ROOT / "tests" / "data" / "layouts"
PLANS = sorted((ROOT / "raw" / "samples").glob("*.pdf")) + sorted(LAYOUTS.glob("*.pdf"))
RULING = {k: v.get("ruling") for k, v in json.loads((LAYOUTS / "index.json").read_text(encoding="utf-8")).items()}


def plumber_cells(v: list[dict], h: list[dict]) -> list[list[tuple]]:
    settings = {"snap_tolerance": 3, "join_tolerance": 3, "intersection_tolerance": 3,
                "vertical_strategy": "explicit", "horizontal_strategy": "explicit",
                "explicit_vertical_lines": v, "explicit_horizontal_lines": h}
    finder = plumber.TableFinder(None, plumber.TableSettings.resolve(settings))
    return [list(t.cells) for t in finder.tables]


def same(ours: list[list[tuple]], theirs: list[list[tuple]]) -> bool:
    """The same tables in the same order, each the same set of cells (their order inside a table
    is not used: grids sort cells by place)."""
    return [sorted(t) for t in ours] == [sorted(t) for t in theirs]


def ruling(rnd: random.Random, x0: float, top: float) -> tuple[list[dict], list[dict]]:
    """One table's rules: jittered column and row lines, broken into pieces, some left out."""
    xs = [x0]
    for _ in range(rnd.randint(2, 8)):
        xs.append(xs[-1] + rnd.choice([4.0, 20.0, 35.5, 60.25]) + rnd.random() * 30)
    ys = [top]
    for _ in range(rnd.randint(1, 10)):
        ys.append(ys[-1] + rnd.choice([4.0, 12.0, 18.5, 30.0]) + rnd.random() * 20)
    jig = lambda: rnd.choice([0.0, 0.0, 0.5, -0.5, 1.0, 2.9, -3.0, rnd.uniform(-3.5, 3.5)])  # noqa: E731
    v, h = [], []
    for x in xs:
        for a, b in zip(ys, ys[1:]):
            if rnd.random() < 0.1 and x not in (xs[0], xs[-1]):
                continue                                            # a merged cell
            if rnd.random() < 0.2:                                  # drawn in two pieces
                m = rnd.uniform(a, b)
                v += [vline(x + jig(), a + jig(), m), vline(x + jig(), m + rnd.uniform(0, 4), b + jig())]
            else:
                v.append(vline(x + jig(), a + jig(), b + jig()))
    for y in ys:
        for a, b in zip(xs, xs[1:]):
            if rnd.random() < 0.08 and y not in (ys[0], ys[-1]):
                continue
            h.append(hline(a + jig(), b + jig(), y + jig()))
    if rnd.random() < 0.3:                                          # a stray tick, a dot, a duplicate
        v.append(vline(xs[0] + rnd.uniform(0, 50), ys[-1] + 1, ys[-1] + rnd.uniform(0.5, 6)))
        h.append(hline(xs[0], xs[0] + rnd.uniform(0, 5), ys[0] + rnd.uniform(-8, 8)))
        h.append(dict(rnd.choice(h)))
    if rnd.random() < 0.2:                                          # listed on the wrong side
        v.append(hline(xs[0], xs[-1], ys[-1]))
        h.append(vline(xs[1], ys[0], ys[-1]))
    return v, h


@pytest.mark.parametrize("seed", range(300))
def test_cells_match_pdfplumber_on_random_rulings(seed):
    rnd = random.Random(seed)
    v, h = ruling(rnd, rnd.uniform(20, 80), rnd.uniform(20, 80))
    if rnd.random() < 0.4:                                          # a second table below or beside
        v2, h2 = ruling(rnd, rnd.uniform(20, 400), rnd.uniform(100, 500))
        v, h = v + v2, h + h2
    rnd.shuffle(v)
    rnd.shuffle(h)
    assert same(table_cells(v, h), plumber_cells(v, h))


@pytest.mark.parametrize("seed", range(100))
def test_cells_step_is_pdfplumbers_intersections_to_cells(seed):
    """Our one own step gives pdfplumber's cells in pdfplumber's order (cells_to_tables uses the order)."""
    rnd = random.Random(1000 + seed)
    v, h = ruling(rnd, rnd.uniform(20, 80), rnd.uniform(20, 80))
    edges = [plumber.utils.line_to_edge(e) for e in v + h]
    points = plumber.edges_to_intersections(plumber.merge_edges(edges, 3, 3, 3, 3), MEET, MEET)
    assert cells(points) == plumber.intersections_to_cells(points)


@pytest.mark.parametrize("pdf", PLANS, ids=lambda p: p.stem)
def test_cells_match_pdfplumber_on_plan_pages(pdf):
    doc = pdfium.PdfDocument(str(pdf))
    try:
        ruled = 0
        for i in range(len(doc)):
            page = doc[i]
            edges = page_edges(page_objects(page)[0], page.get_size()[1])
            v = [e for e in edges if e["height"] > 0]
            h = [e for e in edges if e["width"] > 0]
            page.close()
            if len(v) >= 2 and len(h) >= 2:
                ours = table_cells(v, h)
                assert same(ours, plumber_cells(v, h))
                ruled += bool(ours)
        if RULING.get(pdf.stem, "grid") == "grid":
            assert ruled                                            # the plan table's cells were found
    finally:
        doc.close()
