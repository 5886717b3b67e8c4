"""Characters → lines → segments (one cell's line of text), and the ruling lines handed to
the cell finder (extractors.cells): what the ways of finding tables share."""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import islice

from schemas.settings import Settings


# a cell that is data, never a header label: figures, item and category numerals, 合计/小计
DATA_TEXT = re.compile(r"^([\d.,，\s%-]+|[（(]?\d{1,3}[)）]?|[一二三四五六七八九十]+[、.．].*|[（(][一二三四五六七八九十]+([)）].*)?"
                        r"|合\s*计|总\s*计|小\s*计|[一二三四五六七八九十]+)$", re.S)
# the mark of a heading, 合计 or 小计 row, which may run across columns
HEADING_MARK = re.compile(r"^([一二三四五六七八九十]+([、.．]|$)|[（(][一二三四五六七八九十]+([)）].*)?$|[合总小]\s*计)")


@dataclass(frozen=True)
class Segment:
    """A run of characters on one line with no gutter inside: one cell's line of text."""
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    chars: tuple

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


def text_lines(lines: list[list[dict]], settings: Settings) -> list[list[Segment]]:
    """Lines of characters (group_lines) → segments split at gutters wider than settings.gutter_em."""
    return [[segment_of(p) for p in pieces(row, settings)] for row in lines]


def without_towers(lines: list[list[Segment]], settings: Settings) -> list[list[Segment]]:
    """The lines without pieces boxed settings.tower_ratio times taller than the page's usual line in
    type settings.tower_type times larger: OCR reading a seal's ring as text (梦族自, 62 pt high, 16 pt
    a character, over lines of 8: k26-014), no line of a table, which would stretch a header band over
    the rows under it. A tall box of type as the lines' (a name set a character a line, read as one)
    stays. Their characters still reach cells."""
    heights = sorted(s.bottom - s.top for ln in lines for s in ln)
    if not heights:
        return lines
    usual = heights[len(heights) // 2]
    kept = [[s for s in ln if not (s.bottom - s.top > settings.tower_ratio * usual
                                   and (s.x1 - s.x0) / max(len(s.chars), 1) > settings.tower_type * usual)]
            for ln in lines]
    return [ln for ln in kept if ln]


def pieces(row: list[dict], settings: Settings) -> list[list[dict]]:
    """A line's characters in runs split at gutters wider than settings.gutter_em."""
    cuts = [0, *_gutters(row, settings), len(row)]
    return [row[a:b] for a, b in zip(cuts, cuts[1:])]


def in_pieces(row: list[dict], settings: Settings, n: int) -> bool:
    """The line falls into n pieces or more (gutters counted up to n - 1, no piece made)."""
    return next(islice(_gutters(row, settings), n - 2, None), None) is not None


def _gutters(row: list[dict], settings: Settings):
    """Places k in the line with a gutter wider than settings.gutter_em before row[k]."""
    em, prev = settings.gutter_em, row[0]
    for k in range(1, len(row)):
        ch = row[k]
        if ch["x0"] - prev["x1"] > em * (ch.get("size") or (ch["bottom"] - ch["top"]) or 8.0):
            yield k
        prev = ch


def segment_of(chs) -> Segment:
    """The segment of these characters (one line, no gutter)."""
    size = max((c.get("size") or (c["bottom"] - c["top"])) for c in chs)
    return Segment("".join(c["text"] for c in chs), min(c["x0"] for c in chs), max(c["x1"] for c in chs),
                   min(c["top"] for c in chs), max(c["bottom"] for c in chs), size, tuple(chs))


def column_at(x: float, columns: list[float]) -> int:
    return max(0, min(len(columns) - 2, bisect_right(columns, x) - 1))


def vline(x: float, top: float, bottom: float) -> dict:
    return {"object_type": "line", "x0": x, "x1": x, "top": top, "bottom": bottom, "width": 0.0,
            "height": bottom - top}


def hline(x0: float, x1: float, y: float) -> dict:
    return {"object_type": "line", "x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0.0}
