"""Where the plan table stands on a page, as grids of cells.

Two ways, tried in order:
- ruled cells: the page's own rules, made into cells by extractors.cells (pdfplumber's table
  finder given explicit lines);
- aligned columns, for tables drawn without vertical rules (三线表, Word/WPS tables with the
  side borders off, whitespace-aligned columns): the header row is found by its labels, each
  column is a stack of header text, the boundary between two columns is the emptiest gutter
  of the rows below, and the rows come from the horizontal rules or, without them, from the
  gaps between text lines. The inferred lines go to the same cell finder, so both ways
  give the same kind of grid.
"""
from __future__ import annotations

from extractors.cells import SNAP, table_cells
from extractors.columns import header_rows
from extractors.grid import Grid, build_grid, own_label
from extractors.header import locate
from extractors.lostrules import lost_column_rules, lost_row_rules, previous_columns
from extractors.merged import merged_spans
from extractors.rows import edges_for, row_bands
from extractors.segments import Segment, hline, in_pieces, text_lines, without_towers
from normalizers.vocab import match_label
from schemas.settings import Settings


def table_grids(size: tuple[float, float], number: int, edges: list[dict], broken: list[list[dict]], chars: list[dict],
                lines: list[list[dict]], settings: Settings, previous: Grid | None = None) -> list[Grid]:
    """The page's table grids (find_grids), or those drawn by `broken`, a scan's rules joined from dashes
    (strictly, then along straight lines: tried in turn), where its own rules draw no plan table's
    (pieces of a broken grid pass for rules, k6-034; a tight one, k11-010) or by alignment only, less
    well (_finer); a page going on from the table before with a column fewer is given the column
    rules it lost (lostrules.previous_columns)."""
    grids = find_grids(size, number, edges, chars, lines, settings, previous)
    for dashes in broken if not _ruled_anchored(grids, settings, previous) else ():
        dashed = find_grids(size, number, dashes, chars, lines, settings, previous)
        if not grids or anchored(dashed, settings, previous) and not anchored(grids, settings, previous) \
                or _finer(dashed, grids, settings, previous):
            grids = dashed                       # a header under the rules joined from dashes
        if _ruled_anchored(grids, settings, previous):
            break
    if previous is not None and previous.columns is None and grids and grids[0].columns is None \
            and not anchored(grids, settings, previous):
        lost = previous_columns(grids[0], previous, chars, settings)
        again = find_grids(size, number, edges + lost, chars, lines, settings, previous) if lost else []
        grids = again if anchored(again, settings, previous) else grids
    return grids


def _ruled_anchored(grids: list[Grid], settings: Settings, previous: Grid | None) -> bool:
    """Some grid drawn by rules is a plan table's."""
    return anchored([g for g in grids if g.columns is None], settings, previous)


def _finer(dashed: list[Grid], grids: list[Grid], settings: Settings, previous: Grid | None) -> bool:
    """A plan table drawn by rules joined from dashes, with the columns (their boundaries within
    settings.rule_snap) and as many body rows as the one found by alignment (anchored) it would replace,
    and its header on top where that has one: its rows are the rules', not guessed from the text's gaps
    (k25-011: 4-line cells cut between rows). A rule lost or made up (k21-000: 项目地点 | 建设内容 one
    column; k21-006: 项目 | 建设内容 one, 责任领导 two), the table's width not spanned, or a title taken in (a
    row over the header) keeps it."""
    ruled = next((g for g in dashed if g.columns is None and anchored([g], settings, previous)), None)
    aligned = next((g for g in grids if g.columns is not None and anchored([g], settings, previous)), None)
    if ruled is None or aligned is None or ruled.n_cols != aligned.n_cols:
        return False
    drawn = ruled.boundaries
    snap = settings.rule_snap
    if any(all(abs(x - d) > snap for d in drawn) for x in aligned.columns[1:-1]) or \
            ruled.bbox[0] > aligned.columns[0] + snap or ruled.bbox[2] < aligned.columns[-1] - snap:
        return False                         # a column lost (k22-004: the last, a rule made up inside 项目名称)
    head = header_rows(ruled, settings)
    return (head > 0 or not aligned.head_rows) and ruled.n_rows - head >= aligned.n_rows - (aligned.head_rows or 0)


def find_grids(size: tuple[float, float], number: int, edges: list[dict], chars: list[dict],
               lines: list[list[dict]], settings: Settings, previous: Grid | None = None) -> list[Grid]:
    """The page's table grids: ruled ones, else one found by column alignment. Ruled grids with
    no header that go on from no table before (a scan's glyph strokes taken for faint rules) give
    way to a table found by alignment under a header.
    `size`: the page's (width, height); `lines`: its characters as lines (grid.group_lines)."""
    grids = ruled_grids(number, edges, chars, previous, settings)
    if grids and anchored(grids, settings, previous) or not chars:
        return grids
    return aligned_grids(size, number, edges, chars, lines, settings, previous) or grids


def anchored(grids: list[Grid], settings: Settings, previous: Grid | None = None) -> bool:
    """Some grid is a plan table's: under its header, or going on from the table of the page before."""
    return any(_continues(g, previous) or _headed(g, settings) for g in grids)


def _headed(grid: Grid, settings: Settings) -> bool:
    """The cells of the grid's first rows name the project name and two more fields: a plan
    table's header (what extractors/columns.py needs of one)."""
    found = set()
    for text in {own_label(grid.owner(r, c), c) for r in range(min(grid.n_rows, 3)) for c in range(grid.n_cols)
                 if grid.owner(r, c) is not None and grid.owner(r, c).text.strip()}:
        field, score = match_label(text, settings.header_match_min)
        if score >= settings.header_match_min:
            found.add(field)
    return "name" in found and len(found) >= 3


def ruled_grids(number: int, edges: list[dict], chars: list[dict], previous: Grid | None = None,
                settings: Settings | None = None) -> list[Grid]:
    """The cells the page's ruling lines draw → grids with text placed in cells; a grid of one
    row only where it goes on from the table of the page before, none without text. Row rules
    a scan lost around a heading line are put back (extractors.lostrules)."""
    v = [e for e in edges if e["height"] > 0]
    h = [e for e in edges if e["width"] > 0]
    if len(v) < 2 or len(h) < 2:
        return []
    h += closing_rules(v, h)
    grids = _finder_grids(number, v, h, chars, min_rows=1)
    settings = settings or Settings()
    lost = [e for g in grids for e in lost_row_rules(g, chars, settings)]
    lost_v = [e for g in grids for e in lost_column_rules(g, chars, settings)]
    if lost or lost_v:
        grids = _finder_grids(number, v + lost_v, h + lost, chars, min_rows=1)
    return [g for g in grids if (g.n_rows >= 2 or _continues(g, previous))
            and any(c.text.strip() for c in g.cells)]          # an empty box (glyph strokes taken for rules) is none


def _continues(grid: Grid, previous: Grid | None) -> bool:
    """A one-row grid is the rest of the previous page's table: on the next page, as many columns."""
    return previous is not None and previous.page == grid.page - 1 and grid.n_cols == previous.n_cols


def closing_rules(v: list[dict], h: list[dict]) -> list[dict]:
    """The rule a table cut by a page break does not draw: where the side rules run on past
    the last (or before the first) horizontal rule, a rule across their ends closes the row."""
    x0, x1 = min(e["x0"] for e in v), max(e["x1"] for e in v)
    out = []
    bottom, last = max(e["bottom"] for e in v), max(e["top"] for e in h)
    if bottom > last + SNAP:
        out.append(hline(x0, x1, bottom))
    top, first = min(e["top"] for e in v), min(e["top"] for e in h)
    if top < first - SNAP:
        out.append(hline(x0, x1, top))
    return out + unruled_breaks(v, h)


def unruled_breaks(v: list[dict], h: list[dict]) -> list[dict]:
    """A row boundary drawn by no rule (a header repeated over the rest of a broken row): where
    every side rule of the table ends and starts again at the same height and no rule runs."""
    tol = SNAP
    xs = {round(e["x0"]) for e in v}
    ends: dict[float, set[int]] = {}
    for e in v:
        ends.setdefault(round(e["bottom"]), set()).add(round(e["x0"]))
    starts = {(round(e["top"]), round(e["x0"])) for e in v}
    out = []
    for y, at in sorted(ends.items()):
        again = {x for x in at if any((y + d, x) in starts for d in range(-int(tol), int(tol) + 1))}
        if len(xs) >= 3 and len(again) == len(xs) and not any(abs(e["top"] - y) <= tol for e in h):
            out.append(hline(min(e["x0"] for e in v), max(e["x1"] for e in v), y))
    return out


def _finder_grids(number: int, v: list[dict], h: list[dict], chars: list[dict],
                  columns: list[float] | None = None, min_rows: int = 2) -> list[Grid]:
    """Grids of at least `min_rows` rows (a table going on from the page before may hold one)."""
    grids = [build_grid(number, cells, chars) for cells in table_cells(v, h)]
    for g in grids:
        g.columns = columns
    return [g for g in grids if g.n_rows >= min_rows and g.n_cols >= 3]


def aligned_grids(size: tuple[float, float], number: int, edges: list[dict], chars: list[dict],
                  lines: list[list[dict]], settings: Settings, previous: Grid | None = None) -> list[Grid]:
    """Tables without vertical rules, by the alignment of their text, top to bottom: a table
    ends where its header is printed again (one table per group on a page), and the next goes
    on from there. `size`: the page's (width, height); `lines`: its characters as lines
    (grid.group_lines)."""
    if (previous is None or not previous.columns) and not any(in_pieces(ln, settings, 3) for ln in lines):
        return []                        # no line in three pieces holds a header, no table goes on
    width, height = size
    lines = without_towers(text_lines(lines, settings), settings)
    rules = sorted({round(e["top"], 1) for e in edges if e["width"] > settings.rule_share * width})
    rules += lost_bottom(edges, rules)
    widest = max((e["width"] for e in edges), default=0.0)
    across = [r for r in rules if any(round(e["top"], 1) == r and e["width"] >= 0.9 * widest for e in edges)]
    out: list[Grid] = []
    while (frame := locate(lines, rules, height, settings, previous, across)) is not None:
        rest = _header_again(frame, lines, rules, height, settings, across)
        if rest is not None:
            frame.data = [ln for ln in frame.data if max(s.bottom for s in ln) <= rest]
        grid = _frame_grid(number, frame, chars, rules, settings,
                           goes_on=previous is not None and previous.page in (number - 1, number))
        if grid is not None:
            out.append(grid)
            previous = grid
        if rest is None or (grid is None and not out):
            break
        lines = [ln for ln in lines if min(s.top for s in ln) >= rest]
    return out


def lost_bottom(edges: list[dict], rules: list[float]) -> list[float]:
    """The table's bottom rule a scan lost (faint rules broken up in a 1-bit scan, k8-035): the
    foot of a column rule that crosses two or more of the wide rules and runs on below the lowest.
    `rules`: the wide rules' heights, sorted."""
    feet = [e["bottom"] for e in edges if e["height"] > 0 and rules and e["bottom"] > rules[-1] + SNAP
            and sum(e["top"] - SNAP <= r <= e["bottom"] for r in rules) >= 2]
    return [round(max(feet), 1)] if feet else []


def _header_again(frame, lines: list[list[Segment]], rules: list[float], height: float, settings: Settings,
                  across: list[float]) -> float | None:
    """Where a second table starts under the frame's (the top of its header), when a body line
    prints the frame's header texts again (header_again_pieces of them); else None. The header
    is looked for from as far above that line as the frame's labels stand below its top."""
    head = [ln for ln in lines if frame.top <= min(s.top for s in ln) and max(s.bottom for s in ln) <= frame.head_bottom + 1]
    said = {s.text.strip() for ln in head for s in ln}
    again = next((ln for ln in frame.data if sum(s.text.strip() in said for s in ln) >= settings.header_again_pieces), None)
    if again is None:
        return None
    labels = max(head, key=lambda ln: sum(s.text.strip() in said for s in ln))
    start = min(s.top for s in again) - (min(s.top for s in labels) - frame.top) - 1
    nxt = locate([ln for ln in lines if min(s.top for s in ln) >= start], rules, height, settings, None, across)
    return nxt.top if nxt is not None and nxt.top > frame.head_bottom else None


def _frame_grid(number: int, frame, chars: list[dict], rules: list[float], settings: Settings,
                goes_on: bool = False) -> Grid | None:
    """The located table as a grid: columns from its boundaries, rows from its bands, 类别 spans
    (`goes_on`: from a table on the page before or above)."""
    if not frame.data:
        return None
    segs = [s for ln in frame.data for s in ln]
    columns = [min([s.x0 for s in segs] + [frame.stacks[0][0]]) - 2, *frame.inner,
               max([s.x1 for s in segs] + [frame.stacks[-1][1]]) + 2]
    bands = row_bands(frame, rules, columns, settings)
    spans = merged_spans(frame, bands, columns, settings, goes_on)
    v, h = edges_for(frame, bands, columns, spans, segs, settings)
    skip = {id(c) for g in frame.groups + frame.overflow for c in g.chars}
    placed = [c for c in chars if id(c) not in skip]
    min_rows = 1 if frame.head_bottom <= frame.top + 1 else 2
    grids = _finder_grids(number, v, h, placed, columns, min_rows)
    lost = [e for g in grids for e in lost_row_rules(g, placed, settings)]
    lost_v = [e for g in grids for e in lost_column_rules(g, placed, settings)]
    if lost or lost_v:
        columns = sorted(columns + [e["x0"] for e in lost_v])
        grids = _finder_grids(number, v + lost_v, h + lost, placed, columns, min_rows)
    if not grids:
        return None
    grids[0].group_labels = " ".join(g.text for g in frame.groups)
    grids[0].merging = frame.merging
    grids[0].head_rows = 1 if frame.head_bottom > frame.top + 1 else 0
    return grids[0]
