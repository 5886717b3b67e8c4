"""Columns of a table without vertical rules judged by the gutters of its body, not only by its
header: a column whose header went unread (a seal over 项目名称 or 项目类别) put in, and a piece of
header text that heads no column of its own (a seal's words over the header) left out."""
from __future__ import annotations

import re

import numpy as np

from extractors.rowkind import KNOWN_WORDING, figures_only
from extractors.segments import Segment
from normalizers.vocab import canonical_category, name_endings
from schemas.settings import Settings

_ITEM_NUMBER = re.compile(r"[（(]?(?:\d{1,3}|[一二三四五六七八九十]+)[)）.、．]?")
MIN_ITEM_NUMBERS = 3     # numbers standing apart down the table that make a 序号 column however few its lines
_STRUCTURE = re.compile(r"^(?:小计|合计|总计)$|^[（(]?[一二三四五六七八九十]+[)）、.．]")


def unfounded(stacks: list[tuple[float, float]], fields: list[str | None], data: list[list[Segment]],
              settings: Settings) -> tuple[list[tuple[float, float]], list[str | None]]:
    """The stacks and fields without a stack that names nothing and holds no column of its own:
    the body's text runs on under it from a neighbouring column, no gutter (crossed by
    settings.gutter_cross_share of the lines at most) between their middles (k1-036: the words
    of a seal over the header, read above 项目名称, split the names' column in two). Only a piece
    at most settings.unfounded_max_em wide: a seal's word or two; a wider one is a label misread
    over a column whose text OCR joined to its neighbour's (k1-001: 项目建成后带动… | 新建…). Only
    in a table OCR read (characters with a confidence): a seal is an image, its words are read by
    OCR alone, and a text layer's narrow label naming nothing heads a column (s505-033)."""
    segs = [s for ln in data for s in ln]
    if not segs or len(stacks) < 2 or not any("conf" in c for s in segs for c in s.chars):
        return stacks, fields
    gutter, most = _gutter(segs, settings), settings.gutter_cross_share * len(data)
    narrow = settings.unfounded_max_em * float(np.median([s.size for s in segs]))
    left, right = min(s.x0 for s in segs) - gutter, max(s.x1 for s in segs) + gutter
    keep = []
    for k, ((x0, x1), field) in enumerate(zip(stacks, fields)):
        mid = (x0 + x1) / 2
        before = (stacks[k - 1][0] + stacks[k - 1][1]) / 2 if k else left
        after = (stacks[k + 1][0] + stacks[k + 1][1]) / 2 if k + 1 < len(stacks) else right
        if field is not None or x1 - x0 > narrow or (_uncovered(before, mid, segs, gutter, most) and
                                 _uncovered(mid, after, segs, gutter, most)):
            keep.append(k)
    return [stacks[k] for k in keep], [fields[k] for k in keep]


def unlabelled(stacks: list[tuple[float, float]], fields: list[str | None], data: list[list[Segment]],
               settings: Settings) -> tuple[list[tuple[float, float]], list[str | None]]:
    """The stacks and fields with a column whose header went unread (a seal over 项目名称) put in:
    between two header labels or beside the outer ones, text standing apart from its neighbours' (a gutter each side down the
    table, crossed by settings.gutter_cross_share of its lines at most) on at least
    settings.unlabelled_line_share of the table's lines or settings.unlabelled_column_share of the
    lines the labelled columns usually hold text on (责任/领导 unread over 杨德/贵 in rows of four
    lines, k1-026), or text on fewer lines that reads as
    category labels only (a 类别 column's merged cells: 产业/合作 | 人才/交流), the category column."""
    segs = [s for ln in data for s in ln]
    if not segs:
        return stacks, fields
    gutter = _gutter(segs, settings)
    left, right = min(s.x0 for s in segs) - gutter, max(s.x1 for s in segs) + gutter    # the table's sides
    data = [[s for s in ln if not _heading(s, ln)] for ln in data]      # 小计 and headings span columns
    segs = [s for ln in data for s in ln]
    stacks = [(left - 1, left)] + stacks + [(right, right + 1)]
    fields = [None] + fields + [None]
    usual = _usual_lines(stacks[1:-1], fields[1:-1], data)
    enough = min(settings.unlabelled_line_share * len(data), settings.unlabelled_column_share * usual) if usual \
        else settings.unlabelled_line_share * len(data)
    out, names = [stacks[0]], [fields[0]]
    for (_, a1), b, field in zip(stacks, stacks[1:], fields[1:]):
        gaps = _uncovered(a1, b[0], segs, gutter, settings.gutter_cross_share * len(data))
        found = len(out)
        for (_, start), (end, _) in zip(gaps, gaps[1:]):
            held = [[s for s in ln if start <= s.centre <= end and a1 <= s.x0 and s.x1 <= b[0]] for ln in data]
            if sum(map(bool, held)) >= enough:
                out.append((start, end))
                labels = "category" not in fields + names and category_labels([s for ln in held for s in ln], settings)
                names.append("category" if labels else None)
        if len(out) == found and "category" not in fields + names:
            out += _sparse_column(a1, b[0], segs, gutter, lambda found: category_labels(found, settings))
            names += ["category"] * (len(out) - found)
        if len(out) == found:
            out += _sparse_column(a1, b[0], segs, gutter, _item_numbers)
            names += [None] * (len(out) - found)
        out.append(b)
        names.append(field)
    return out[1:-1], names[1:-1]


def _item_numbers(segs: list[Segment]) -> bool:
    """The pieces are items' numbers only (1, (2), 3.; a heading's 一 among them), MIN_ITEM_NUMBERS at
    least, two of them different: a 序号 column, its header under a seal, whose numbers stand on too few
    of the lines of tall rows to make a column by their count (k20-008: read into the offices beside)."""
    texts = [s.text.strip() for s in segs if s.text.strip()]
    numbers = [t for t in texts if _ITEM_NUMBER.fullmatch(t)]
    return len(numbers) == len(texts) and sum(any(ch.isdigit() for ch in t) for t in numbers) >= MIN_ITEM_NUMBERS \
        and len(set(numbers)) >= 2


def spans_columns(text: str) -> bool:
    """A label of the table's structure, set across columns: 小计, 合计, or a category heading (二、人才
    培育, or a category's own wording alone where a seal hid the numeral, k4-025)."""
    t = "".join(text.split())
    return bool(_STRUCTURE.match(t)) or canonical_category(t)[1] >= KNOWN_WORDING


def _heading(seg: Segment, line: list[Segment]) -> bool:
    """A structure label set across columns (spans_columns) on a line with nothing but figures beside it;
    a category's wording beside other words is a 类别 column's cell (k25-025: 人才交流 between 项目业主
    and 项目名称 was left out, the column not found, its labels cut between the two)."""
    return spans_columns(seg.text) and all(o is seg or figures_only(o.text.strip()) for o in line)


def _usual_lines(stacks: list[tuple[float, float]], fields: list[str | None], data: list[list[Segment]]) -> float:
    """The median number of lines holding text under the labelled columns (0 without any): a
    table of tall rows (a content cell of four lines) holds its short cells on few of its lines."""
    counts = sorted(sum(any(s.x1 > x0 and s.x0 < x1 for s in ln) for ln in data)
                    for (x0, x1), field in zip(stacks, fields) if field is not None)
    return counts[len(counts) // 2] if counts else 0.0


def _sparse_column(lo: float, hi: float, segs: list[Segment], gutter: float, holds) -> list[tuple[float, float]]:
    """[(x0, x1)] of a column whose header went unread between lo and hi, or []: text on a few lines
    only, no line crossing the gutters either side, whose pieces `holds` says are such a column's (a
    类别 column's labels in merged cells, category_labels; a 序号 column's numbers by tall rows,
    _item_numbers)."""
    gaps = _uncovered(lo, hi, segs, gutter, 0)
    for (_, start), (end, _) in zip(gaps, gaps[1:]):
        if holds([s for s in segs if start <= s.centre <= end]):
            return [(start, end)]
    return []


def category_labels(segs: list[Segment], settings: Settings) -> bool:
    """The pieces, top to bottom, make up one or more category labels and nothing else: each run
    of at most settings.category_label_lines of them reads as a category (settings.category_match_min), and two
    runs name two categories (产业/合作 over 人才/交流), so one label read twice is not a column. A
    run that ends as a project's name ends (项目, 工程) is a name, however like a category it reads
    (k20-010: 稳岗就业奖补项目, 消费帮扶项目 under a seal over 项目名称, taken for a 类别 column)."""
    texts = [s.text.strip() for s in sorted(segs, key=lambda s: s.top) if s.text.strip()]
    if len(texts) < 2:
        return False
    best: list[list[str] | None] = [[]] + [None] * len(texts)      # best[i]: most labels covering texts[:i]
    for i in range(1, len(texts) + 1):
        for j in range(max(0, i - settings.category_label_lines), i):
            if best[j] is None:
                continue
            run = "".join(texts[j:i])
            label, score = canonical_category(run)
            if score >= settings.category_match_min and not run.endswith(name_endings()) and \
                    (best[i] is None or len(best[j]) + 1 > len(best[i])):
                best[i] = best[j] + [label]
    return best[-1] is not None and len(set(best[-1])) >= 2


def _gutter(segs: list[Segment], settings: Settings) -> float:
    """The narrowest gap between two columns: settings.gutter_em of the body's usual text size."""
    return settings.gutter_em * sorted(s.size for s in segs)[len(segs) // 2]


def _uncovered(lo: float, hi: float, segs: list[Segment], gutter: float, most: float) -> list[tuple[float, float]]:
    """The stretches from lo to hi, at least `gutter` wide, that at most `most` segments cross
    (a heading row spanning columns may), left to right, in whole points."""
    xs = np.arange(np.floor(lo), np.ceil(hi) + 1)
    crossed = np.zeros(len(xs), int)
    for s in segs:
        crossed[(xs > s.x0) & (xs < s.x1)] += 1
    out, start = [], None
    for x, n in zip(xs, crossed):
        if n <= most and start is None:
            start = x
        elif n > most and start is not None:
            if x - start >= gutter:
                out.append((float(start), float(x)))
            start = None
    if start is not None and xs[-1] - start >= gutter:
        out.append((float(start), float(xs[-1])))
    return out
