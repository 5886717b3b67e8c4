"""Which rows a label of a merging column (类别) covers in a table drawn without row rules: a
merged cell is no rectangle there, only a label standing among blank cells."""
from __future__ import annotations

import re

from extractors.header import Frame
from extractors.segments import Segment, column_at
from normalizers.vocab import canonical_category
from schemas.settings import DEFAULT_LABEL_GAP_EM, Settings


def merged_spans(frame: Frame, bands: list[tuple[float, float]], columns: list[float], settings: Settings,
                 goes_on: bool = False) -> dict[int, list[tuple[int, int]]]:
    """Column → (first, last) body bands each label of a merging column (类别) covers.

    The rows between two barriers (合计, 小计, a heading row) are shared out among the labels
    standing there: a label set at the top of its cell covers its row and the rows under it up
    to the next label; a label set in the middle covers the run of rows it is centred on.
    `goes_on`: the table goes on from the page before (also under a header printed again), so
    the rows above the page's first label may be its label's."""
    first_body = 1 if frame.head_bottom > frame.top + 1 else 0
    goes_on = goes_on or not first_body
    body = list(range(first_body, len(bands)))
    out: dict[int, list[tuple[int, int]]] = {}
    barriers = {k for k in body if _barrier(frame, bands[k], columns)}
    for j in frame.merging:
        labels = _labels(frame, bands, columns, j, body, settings)
        if not labels:
            continue
        starts = _section_starts(body, barriers, labels)
        top_set = all(abs(top - bands[k][0]) <= 0.8 * size for k, top, _, size in labels) and \
            all(any(k == s for k, *_ in labels) for s in starts[1 if goes_on else 0:])
        starts = _numbering_starts(frame, bands, columns)
        for section in _sections(body, barriers):
            inside = [lb for lb in labels if lb[0] in section]
            restart = [k for k in section if k in starts]
            numbered = [(a, b - 1) for a, b in zip(restart, restart[1:] + [section[-1] + 1])]
            if len(restart) == len(inside) >= 2 and all(a - 1 <= lb[0] <= b for (a, b), lb in zip(numbered, inside)):
                runs = numbered          # each label stands in (or just over) its own numbered run
            else:
                runs = _top_runs(section, inside) if top_set else \
                    _centred_runs(section, inside, bands, settings.label_slack_em, goes_on=goes_on,
                                  gap=settings.label_gap_em)
            out.setdefault(j, []).extend((a, b) for a, b in runs if b > a)
    return out


def _numbering_starts(frame: Frame, bands: list[tuple[float, float]], columns: list[float]) -> set[int]:
    """Bands where a numbering that starts again for each group (1, 2, 3, 1, 2, …) says 1: a
    column of small whole numbers only, holding 1 more than once."""
    per: dict[int, list[tuple[int, str]]] = {}
    for ln in frame.data:
        for s in ln:
            k = next((k for k, (y0, y1) in enumerate(bands) if y0 <= (s.top + s.bottom) / 2 <= y1), None)
            if k is not None:
                per.setdefault(column_at(s.centre, columns), []).append((k, s.text.strip()))
    for j, cells in sorted(per.items()):
        if j in frame.merging or not all(re.fullmatch(r"\d{1,3}", t) for _, t in cells):
            continue
        ones = {k for k, t in cells if t == "1"}
        if len(ones) >= 2:
            return ones
    return set()


def _barrier(frame: Frame, band: tuple[float, float], columns: list[float]) -> bool:
    """A 合计/小计/heading row: no label's cell runs across it."""
    texts = [s.text.strip() for ln in frame.data for s in ln
             if band[0] <= (s.top + s.bottom) / 2 <= band[1] and column_at(s.centre, columns) not in frame.merging]
    return any(re.fullmatch(r"[合总小]\s*计|[一二三四五六七八九十]+[、.．].*|[（(][一二三四五六七八九十]+[)）].*", t)
               for t in texts)


def _labels(frame: Frame, bands, columns, j: int, body: list[int], settings: Settings
            ) -> list[tuple[int, float, float, float]]:
    """(band, top, centre, size) of each label in column j: its lines stacked close together."""
    segs = sorted((s for ln in frame.data for s in ln if column_at(s.centre, columns) == j), key=lambda s: s.top)
    blocks: list[list] = []
    for s in segs:
        if blocks and s.top - blocks[-1][-1].bottom <= settings.wrap_gap_em * s.size + 1:
            blocks[-1].append(s)
        else:
            blocks.append([s])
    out = []
    for bl in (part for b in blocks for part in split_labels(b, settings)):
        top, bottom = bl[0].top, max(s.bottom for s in bl)
        centre = (top + bottom) / 2
        k = next((k for k in body if bands[k][0] <= centre <= bands[k][1]), None)
        if k is not None:
            out.append((k, top, centre, bl[0].size))
    return out


def split_labels(lines: list[Segment], settings: Settings) -> list[list[Segment]]:
    """Two labels set line under line with no gap between them (就业/帮扶/类 over 人才/协作) apart:
    cut where the lines above and the lines below each name a different category, and each
    side again (three labels in one block). Of cuts as good, the lowest: a label's wrapped tail
    (人才支撑 | 类) stays with it."""
    best, cut = settings.category_match_min, 0
    for i in range(1, len(lines)):
        (a, sa), (b, sb) = (canonical_category("".join(s.text for s in part)) for part in (lines[:i], lines[i:]))
        if a and b and a != b and min(sa, sb) >= best:
            best, cut = min(sa, sb), i
    return [*split_labels(lines[:cut], settings), *split_labels(lines[cut:], settings)] if cut else [lines]


def _sections(body: list[int], barriers: set[int]) -> list[list[int]]:
    out: list[list[int]] = [[]]
    for k in body:
        if k in barriers:
            out.append([])
        else:
            out[-1].append(k)
    return [s for s in out if s]


def _section_starts(body, barriers, labels) -> list[int]:
    """The first row of each section that holds a label."""
    return [s[0] for s in _sections(body, barriers) if any(lb[0] in s for lb in labels)]


def _top_runs(section: list[int], labels) -> list[tuple[int, int]]:
    ks = [lb[0] for lb in labels]
    return [(k, (ks[i + 1] - 1) if i + 1 < len(ks) else section[-1]) for i, k in enumerate(ks)]


def _centred_runs(section: list[int], labels, bands, slack: float, goes_on: bool = False,
                  gap: float = DEFAULT_LABEL_GAP_EM) -> list[tuple[int, int]]:
    """Cut the section into one run per label, each run as nearly centred on its label as the
    cuts allow. Rows before the first label or after the last may stay out, at a cost of
    `slack` ems each: a run centred as well that covers them wins (a 类别 column is seldom blank).
    Rows between two runs may stay out at `gap` ems each (a blank amid the column is rarer than
    at its ends): a label that went unread (k1-036: 消费/帮扶) leaves its rows out rather than
    pull its neighbours' runs off their labels.
    On a page the table `goes_on` to, rows before the first label stay out freely: they may
    belong to the label of the page before."""
    ks = [lb[0] for lb in labels]
    if not labels or len(set(ks)) < len(ks):          # two labels in one row: no runs to share out
        return []
    first, last = section[0], section[-1]

    def cost(a: int, b: int, i: int) -> float:
        out = (a - first if i == 0 and not goes_on else 0) + (last - b if i == len(ks) - 1 else 0)
        return abs((bands[a][0] + bands[b][1]) / 2 - labels[i][2]) + slack * labels[i][3] * out

    # best[i][b]: least cost of runs 0..i with run i ending at b (its start given by the previous end)
    best: list[dict[int, tuple[float, list[tuple[int, int]]]]] = []
    for i, k in enumerate(ks):
        ends = range(k, (ks[i + 1] if i + 1 < len(ks) else last + 1))
        row: dict[int, tuple[float, list[tuple[int, int]]]] = {}
        for b in ends:
            if i == 0:
                row[b] = min(((cost(a, b, 0), [(a, b)]) for a in range(first, k + 1)), key=lambda t: t[0])
            else:
                row[b] = min(((c + gap * labels[i][3] * (a - e - 1) + cost(a, b, i), runs + [(a, b)])
                              for e, (c, runs) in best[-1].items() for a in range(e + 1, k + 1)),
                             key=lambda t: t[0])
        best.append(row)
    return min(best[-1].values(), key=lambda t: t[0])[1]
