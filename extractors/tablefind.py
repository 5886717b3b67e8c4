"""Where the plan table stands on a page: ruled cells (explicit rules) handed to pdfplumber's table finder."""
from __future__ import annotations

from pdfplumber.table import TableFinder, TableSettings

from extractors.grid import Grid, build_grid

TABLE_SETTINGS = {"snap_tolerance": 3, "join_tolerance": 3, "intersection_tolerance": 3}


def find_grids(plumb_page, number: int, edges: list[dict], chars: list[dict]) -> list[Grid]:
    """pdfplumber's table finder over explicit ruling lines → grids with text placed in cells."""
    v = [e for e in edges if e["height"] > 0]
    h = [e for e in edges if e["width"] > 0]
    if len(v) < 2 or len(h) < 2:
        return []
    settings = {**TABLE_SETTINGS, "vertical_strategy": "explicit", "horizontal_strategy": "explicit",
                "explicit_vertical_lines": v, "explicit_horizontal_lines": h}
    tables = TableFinder(plumb_page, TableSettings.resolve(settings)).tables
    grids = [build_grid(number, list(t.cells), chars) for t in tables]
    return [g for g in grids if g.n_rows >= 2 and g.n_cols >= 3]
