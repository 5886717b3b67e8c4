"""A table without vertical rules located by its text: the header found by its labels, a column
for each stack of header text, the boundaries between columns in the emptiest gutters of the
rows below, and the body down to the table's end."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.grid import Grid
from extractors.gutters import spans_columns, unfounded, unlabelled
from extractors.segments import DATA_TEXT, Segment, segment_of
from normalizers.vocab import exact_label, label_text, match_label, names_column, office_bodies
from schemas.settings import Settings


_CAPTION = re.compile(r"单位|附件|计划表|明细表|一览表|填报")
_TITLE = re.compile(r"计划表|明细表|一览表|安排表|实施方案|填报")
_SENTENCE = re.compile(r"[，。；]")
_UNIT_PIECE = re.compile(r"[（(]\s*万?元?\s*[)）]?|[（(]?\s*万?元\s*[)）]")
EXACT_LABEL = 100.0      # match_label's score of a label word for word


@dataclass
class Frame:
    """A table located on a page by its text: header extent, column stacks, body lines."""
    top: float
    head_bottom: float
    stacks: list[tuple[float, float]]
    inner: list[float]                 # x of the boundaries between columns
    data: list[list[Segment]]
    groups: list[Segment]
    merging: list[int]                 # columns whose cells may span rows (类别)
    overflow: list[Segment] = field(default_factory=list)   # header text run past the header rule


def locate(lines: list[list[Segment]], rules: list[float], height: float, settings: Settings,
           previous: Grid | None, across: list[float] | None = None) -> Frame | None:
    """The table under a header found by its labels, or the previous page's table going on.
    `across`: the rules drawn across the whole table (not a group label's underline)."""
    band = header_band(lines, rules if across is None else across, settings)   # not a group label's underline
    if band is not None:
        first, last = band
        header = [s for ln in lines[first:last + 1] for s in ln]
        head_bottom, spill, overflow = _header_end(header, across or [], settings)
        header = [s for s in header if s not in spill]
        below = [ln for ln in lines[last + 1:last + 3] if not spill]
        past = label_tails(header, [s for ln in below for s in ln], settings)
        overflow += past
        header += past
        taken = {id(c) for s in past for c in s.chars}
        rest = [[segment_of(left) for s in ln if (left := [c for c in s.chars if id(c) not in taken])]
                for ln in lines[last + 1:]]
        stacks, groups, fields = column_stacks(header, settings)
        if len(stacks) < 3:
            return None
        data = table_body(([spill] if spill else []) + [ln for ln in rest if ln], head_bottom, rules, stacks,
                          height, settings)
        if not data:
            return None
        stacks, fields = unlabelled(*unfounded(stacks, fields, data, settings), data, settings)
        inner = boundaries(stacks, [s for ln in data for s in ln])
        if _fit(data, inner) < settings.fit_share:
            return None                  # prose under a line that only looked like a header
        return Frame(min(s.top for s in header) - 1, head_bottom, stacks, inner, data, groups,
                     [j for j, f in enumerate(fields) if f == "category"], overflow)
    if previous is None or not previous.columns:
        return None
    inner = previous.columns[1:-1]
    stacks = list(zip(previous.columns, previous.columns[1:]))
    data = table_body(lines, None, rules, stacks, height, settings)
    if not data or _fit(data, inner) < settings.fit_share:
        return None
    top = min(s.top for s in data[0]) - 1
    return Frame(top, top, stacks, inner, data, [], list(previous.merging or []))


def label_tails(header: list[Segment], under: list[Segment], settings: Settings) -> list[Segment]:
    """The last lines of narrow header cells run out under the header (责/任/领 over 导): a piece
    stacked right under a header cell's lines that makes its label name a field better."""
    out = []
    for s in under:
        if DATA_TEXT.match(s.text.strip()) or not _wraps_under(s, header, settings):
            continue
        cell = sorted((h for h in header if h.x0 < s.centre < h.x1 or s.x0 < h.centre < s.x1), key=lambda h: h.top)
        text = "".join(h.text for h in cell)
        best = (max(match_label(text)[1], settings.header_match_min), 0)
        for k in range(1, min(len(s.chars), settings.header_tail_chars) + 1):   # 期至: 期 | 至2027年
            score = match_label(text + "".join(c["text"] for c in s.chars[:k]))[1]
            if score > best[0]:
                best = (score, k)
        if cell and best[1]:
            out.append(segment_of(s.chars[:best[1]]))
    return out


def _header_end(header: list[Segment], across: list[float], settings: Settings
                ) -> tuple[float, list[Segment], list[Segment]]:
    """(bottom of the header, the first row's segments set tight under the header rule, header
    text running over the rule). The rule under a header ends it: a narrow header cell's last
    line may run past it (kept for the label, left out of the cells), and the first row's
    opening line (（三 of a wrapped numeral) may reach above the next header line's bottom."""
    bottom = max(s.bottom for s in header)
    # a rule with no header line's middle above it is the table's top rule, touched by a tilted line
    cut = max((r for r in across if min(s.top for s in header) + 1 < r < bottom
               and any((s.top + s.bottom) / 2 < r for s in header)), default=None)
    if cut is None:
        return bottom + 1, [], []
    below = [s for s in header if s.bottom > cut and (DATA_TEXT.match(s.text.strip()) or (s.top + s.bottom) / 2 > cut)]
    above = [s for s in header if s not in below]
    overflow = [s for s in below if not DATA_TEXT.match(s.text.strip()) and _wraps_under(s, above, settings)]
    return cut, [s for s in below if s not in overflow], overflow


def header_band(lines: list[list[Segment]], rules: list[float], settings: Settings) -> tuple[int, int] | None:
    """(first, last) line index of the table header: a line with two or more field labels,
    the short label lines stacked above it, and the lines below it up to the first data row."""
    start = next((i for i, ln in enumerate(lines)
                  if len(ln) >= 3 and not _TITLE.search("".join(s.text for s in ln))   # a title read in pieces
                  and (labels := sum(_is_label(s, settings) and not _tail(s, lines[max(0, i - 3):i], settings)
                                     for s in ln)) >= 2
                  and not _prose(ln, labels)), None)
    if start is None:
        return None
    first = start
    below = lines[start:start + 4]           # the label line and what may be header under it, not a row of figures
    below = below[:next((k for k, ln in enumerate(below) if k and any(DATA_TEXT.match(s.text.strip()) for s in ln)),
                        len(below))]        # (k23-018: 有, a seal's stroke, stood over a first row's text only)
    while first > 0 and _header_like(lines[first - 1]) and _over(lines[first - 1], lines[first:start] + below) and \
            lines[first][0].top - max(s.bottom for s in lines[first - 1]) <= 1.2 * lines[first][0].size:
        first -= 1
    last = start
    size = max(s.size for s in lines[start])
    under = [r for r in rules if max(s.bottom for s in lines[start]) < r < lines[start][0].top + 8 * size]
    if under:                                # a rule under the header (三线表): the header ends there
        while last + 1 < len(lines) and min(s.top for s in lines[last + 1]) < under[0]:
            last += 1
        return first, last
    while last + 1 < len(lines) and last - start < 8:
        nxt = lines[last + 1]
        top = min(s.top for s in nxt)
        gap = top - max(s.bottom for s in lines[last])
        above = [s for ln in lines[first:last + 1] for s in ln]
        labelled = any(_is_label(s, settings) for s in nxt)
        own = [s for s in nxt if not (labelled and _in_label(s, above, settings))]
        if any(DATA_TEXT.match(s.text.strip()) for s in own) or gap > 2 * size:
            break
        if gap > settings.wrap_gap_em * size and not any(_is_label(s, settings) for s in nxt):
            break                       # a wide gap, then text that is no label: the first row
        if any(not _is_label(s, settings) and (len(s.text) > 10 or re.search(r"\d", s.text)) for s in own):
            break                       # a cell's sentence or figures: the first row, however close
        if any(max(s.bottom for s in lines[start]) - 1 < r < top for r in rules):
            break
        if gap >= 0 and not all(_is_label(s, settings) or _wraps_under(s, above, settings)
                                and (len(nxt) > 1 or _goes_on(s, above)) for s in nxt):
            break                       # a piece neither label nor the next line of one: a row's first line
        # (a line reaching up into the one above is a lower header row: 县级配 beside 项目总投)
        last += 1
    return first, last


def _prose(line: list[Segment], labels: int) -> bool:
    """A sentence read in pieces (（教育） | 项目 | 。拟 | 投入 | 帮扶资 | 金85.25万 | 元，): a piece holds
    a sentence's punctuation, which no header cell does, and labels are fewer than half the pieces."""
    return any(_SENTENCE.search(s.text) for s in line) and 2 * labels < len(line)


def _over(line: list[Segment], below: list[list[Segment]]) -> bool:
    """Every piece of the line stands over header text below it (a group label over its columns;
    a seal's words read beside the table's corner do not)."""
    return all(any(b.x1 > s.x0 and b.x0 < s.x1 for ln in below for b in ln) for s in line)


def _is_label(seg: Segment, settings: Settings) -> bool:
    """A header cell naming a field (项目名称); a labelled line of prose (实施地点：…) is none."""
    floor = settings.header_match_min
    return not re.search(r"[：:，。]", seg.text) and match_label(seg.text, floor)[1] >= floor


def _tail(s: Segment, above: list[list[Segment]], settings: Settings) -> bool:
    """s ends a cell's longer text on the line above (项目 of 干部人才交流培训|项目): no label."""
    return any(u.x1 > s.x0 and u.x0 < s.x1 and -1 <= s.top - u.bottom <= settings.wrap_gap_em * s.size + 1
               and len(u.text) > 6 and not _is_label(u, settings) for ln in above for u in ln)


def _wraps_under(s: Segment, above: list[Segment], settings: Settings) -> bool:
    """s is the next line of a header cell above it: under it, in its column, a line gap away."""
    return any(h.x1 > s.x0 and h.x0 < s.x1 and -1 <= s.top - h.bottom <= settings.wrap_gap_em * s.size + 1 for h in above)


def _in_label(s: Segment, above: list[Segment], settings: Settings) -> bool:
    """s is a piece of the header label above it boxed apart by OCR, its box grown up into the
    label's (门 of 行业主管部门 read 0 under 行业主管部, k1-011): in its column, starting below
    the label's middle and no further under it than a line gap."""
    return any(h.x1 > s.x0 and h.x0 < s.x1 and (h.top + h.bottom) / 2 < s.top <= h.bottom + settings.wrap_gap_em * s.size + 1
               for h in above)


def _goes_on(s: Segment, above: list[Segment]) -> bool:
    """A lone piece under the header reads on from the header text above it naming its field no
    worse (限 under 建设期 does; 东 of a first row's 东西部协作资金 under 资金来源 does not)."""
    if _UNIT_PIECE.fullmatch(s.text.strip()):
        return True                      # the unit of the column, wrapped: （万 | 元）
    text = "".join(h.text for h in sorted((h for h in above if h.x1 > s.x0 and h.x0 < s.x1), key=lambda h: h.top))
    return match_label(text + s.text)[1] >= match_label(text)[1]


def _header_like(line: list[Segment]) -> bool:
    """A line that may head columns above the line of labels: short pieces, no figures, no caption
    or title (its words read apart: 资金项 | 目计划 | 表) and no issuing office (填报单位 under a seal
    read 峨 | 族自治县发展和改革局, k5-007: both were taken into the header, no table found)."""
    text = label_text("".join(s.text for s in line))
    return all(len(s.text) <= 16 and not DATA_TEXT.match(s.text) for s in line) and not _CAPTION.search(text) \
        and not text.endswith(tuple(office_bodies()))


def column_stacks(header: list[Segment], settings: Settings
                  ) -> tuple[list[tuple[float, float]], list[Segment], list[str | None]]:
    """Header segments → one (x0, x1) per column, left to right, the group labels (a label over
    two or more separate labels below it: 资金来源 over 协作资金 | 县级配套), and the field each
    column's header text names."""
    header = join_wrapped(join_split(split_run_together(header), settings), settings)
    groups = [s for s in header if _covers_several(s, header, settings)]
    rest = sorted((s for s in header if s not in groups), key=lambda s: s.x0)
    stacks: list[list] = []
    for s in rest:
        for st in stacks:
            overlap = min(st[1], s.x1) - max(st[0], s.x0)
            if overlap > 0.3 * min(st[1] - st[0], s.x1 - s.x0):
                st[0], st[1], st[2] = min(st[0], s.x0), max(st[1], s.x1), st[2] + [s]
                break
        else:
            stacks.append([s.x0, s.x1, [s]])
    stacks.sort(key=lambda st: st[0])
    fields = []
    for st in stacks:
        field, score = match_label("".join(x.text for x in sorted(st[2], key=lambda x: x.top)))
        fields.append(field if score >= settings.header_match_min else None)
    return [(a, b) for a, b, _ in stacks], groups, fields


def split_run_together(segs: list[Segment]) -> list[Segment]:
    """Header labels set close enough to read as one piece (实施地点 项目总投资（元）, 3 pt apart in a
    table without vertical rules, k17-011) apart again: a piece that names no field word for word
    but reads as two or more labels each naming one word for word (项目总投资 stays whole)."""
    out = []
    for s in segs:
        cut = None if exact_label(s.text) else _label_cuts(s.chars)
        out += [segment_of(s.chars[a:b]) for a, b in zip(cut, cut[1:])] if cut else [s]
    return out


def _label_cuts(chars: tuple[dict, ...]) -> list[int] | None:
    """[0, …, len(chars)]: where the characters part into two or more labels each naming a field
    word for word (fewest pieces), or None."""
    n = len(chars)
    best: list[list[int] | None] = [[0]] + [None] * n
    for b in range(1, n + 1):
        for a in range(b):
            if best[a] is not None and (best[b] is None or len(best[a]) + 1 < len(best[b])) and \
                    exact_label("".join(c["text"] for c in chars[a:b])):
                best[b] = best[a] + [b]
    return best[n] if best[n] is not None and len(best[n]) > 2 else None


def join_split(segs: list[Segment], settings: Settings) -> list[Segment]:
    """Two pieces of one header label an OCR engine read apart on a line (绩效 | 目标; 行业 |
    主管部门; 总投资 | （元)) as one segment: side by side, no further apart than
    settings.label_split_em, and one label (_one_label) or a label and its unit (序号 | 责任单位
    and 帮扶资金（元） | 自筹资金（元） stay apart; so do two that each wrap onto a line of their own:
    建设 | 联农带农机 over 周期 | 制, s707-029)."""
    out: list[Segment] = []
    for s in sorted(segs, key=lambda s: (round(s.top), s.x0)):
        o = out[-1] if out else None
        if o is not None and abs(s.top - o.top) <= 0.5 * s.size and \
                0 <= s.x0 - o.x1 <= settings.label_split_em * s.size and \
                not (_goes_on_below(o, segs, settings) and _goes_on_below(s, segs, settings)) and \
                (_UNIT_PIECE.fullmatch(s.text.strip()) and names_column(o.text, settings.header_match_min) or
                 _one_label(o.text, s.text, settings, s.x0 - o.x1 <= settings.label_tight_em * s.size)):
            out[-1] = segment_of(o.chars + s.chars)
        else:
            out.append(s)
    return out


def _goes_on_below(s: Segment, segs: list[Segment], settings: Settings) -> bool:
    """A piece whose cell wraps onto the line under it (建设 over 周期, 行业主管 over 部门): centred
    over a piece of its own there, it is the first line of a column's label, not half of one."""
    return any(0 <= o.top - s.bottom <= settings.wrap_gap_em * s.size + 1 and abs(o.centre - s.centre) <= 0.5 * s.size
               for o in segs if o is not s)


def _one_label(a: str, b: str, settings: Settings, tight: bool = False) -> bool:
    """Two pieces that together name a column where neither does alone, or one does and the other
    is a fragment naming nothing (settings.label_fragment_chars: 行业 | 主管部门, not 帮扶资金 | 自筹资金),
    or, `tight` (no further apart than characters of one word), one label word for word (项目总投资)."""
    if not names_column(a + b, settings.header_match_min):
        return False
    alone = [names_column(t, settings.header_match_min) for t in (a, b)]
    if not any(alone):
        return True
    other = b if alone[0] else a
    if all(alone) and tight:      # 项目 | 总投资 a character's space apart: one label, though 项目 names a column (k4-017)
        return match_label(a + b)[1] >= EXACT_LABEL
    return not all(alone) and len(label_text(other)) <= settings.label_fragment_chars


def join_wrapped(segs: list[Segment], settings: Settings) -> list[Segment]:
    """The lines of one wrapped header cell as one segment: pieces stacked line under line (no
    wider apart than settings.wrap_gap_em), centred on one another, and as wide as the line above (a
    cell's lines fill its width) unless the piece is the cell's last line or closes a bracket the
    line above opened. A group label over
    narrow columns (计划投资 over 市中/区帮/扶资) is wider than the lines under it: not joined."""
    ordered = sorted(segs, key=lambda s: (s.top, s.x0))
    out: list[Segment] = []
    last_width: list[float] = []
    for s in ordered:
        below = any(o is not s and -_overlap(o, s, settings) <= o.top - s.bottom <= settings.wrap_gap_em * s.size + 1
                    and o.x1 > s.x0 and o.x0 < s.x1 for o in ordered)
        for k in sorted(range(len(out)), key=lambda k: -out[k].bottom):     # the nearest line above first
            o = out[k]
            stacked = -_overlap(o, s, settings) <= s.top - o.bottom <= settings.wrap_gap_em * s.size + 1 \
                and abs(s.centre - o.centre) <= 0.5 * s.size
            if stacked and (abs((s.x1 - s.x0) - last_width[k]) <= 1.2 * s.size or not below and not _closed(o.text)
                            or _closes(o.text, s.text)):
                out[k] = Segment(o.text + s.text, min(o.x0, s.x0), max(o.x1, s.x1), o.top, s.bottom,
                                 max(o.size, s.size), o.chars + s.chars)
                last_width[k] = s.x1 - s.x0
                break
        else:
            out.append(s)
            last_width.append(s.x1 - s.x0)
    return out


def _overlap(a: Segment, b: Segment, settings: Settings) -> float:
    """How far two stacked lines' boxes may overlap: OCR boxes of lines set tight do, by a share of
    the smaller box's height (k7-021: 市中 over 区帮 by 2 points)."""
    return settings.wrap_overlap_share * min(a.bottom - a.top, b.bottom - b.top)


def _closed(text: str) -> bool:
    """A label ending with its unit's bracket closed (计划投资（万元）): it does not wrap on to a narrower
    line under it, whose own next line OCR boxes may overlap (帮扶资 over 金, k13-005)."""
    return text.rstrip()[-1:] in "）)" and text.count("（") + text.count("(") == text.count("）") + text.count(")")


def _closes(upper: str, lower: str) -> bool:
    """lower closes a bracket left open in upper (计划投资（万 over 元）): one label wrapped."""
    opened = sum(upper.count(b) for b in "（(") - sum(upper.count(b) for b in "）)")
    return opened > 0 and any(b in lower for b in "）)")


def _covers_several(s: Segment, header: list[Segment], settings: Settings) -> bool:
    """A group label: over two or more separate columns of header text below it (overlapping
    them, or centred over a run of them)."""
    under = [o for o in header if o is not s and o.top >= s.bottom - 1]
    leaves = [o for o in under if not any(u.top >= o.bottom - 1 and u.x1 > o.x0 and u.x0 < o.x1 for u in under)]
    spans: list[list[float]] = []            # the lowest header text: a group under s is no column
    for o in sorted(leaves, key=lambda o: o.x0):
        if spans and o.x0 < spans[-1][1] - 1:
            spans[-1][1] = max(spans[-1][1], o.x1)
        else:
            spans.append([o.x0, o.x1])
    if sum(1 for x0, x1 in spans if x1 > s.x0 and x0 < s.x1) >= 2:
        return True
    for i in range(len(spans)):
        for j in range(i + 1, len(spans)):
            x0, x1 = spans[i][0], spans[j][1]
            if x1 - x0 >= s.x1 - s.x0 and abs((x0 + x1) / 2 - s.centre) <= settings.group_centre_em * s.size:
                return True
    return False


def boundaries(stacks: list[tuple[float, float]], data: list[Segment]) -> list[float]:
    """x of each boundary between neighbouring columns: the widest gap crossed by the fewest
    data segments between the two header stacks' centres. 合计 and category headings, set across
    columns, are not counted (k16-030: six headings over the gutter before the names outweighed
    the names' own characters, and the cut went two characters into every name)."""
    data = [s for s in data if not spans_columns(s.text)]
    out = []
    for (a0, a1), (b0, b1) in zip(stacks, stacks[1:]):
        lo, hi = (a1, b0) if a1 < b0 else ((a0 + a1) / 2, (b0 + b1) / 2)    # never through a header label
        inside = [s for s in data if s.x1 > lo and s.x0 < hi]
        cuts = sorted({lo, hi, a1, b0, *[x for s in inside for x in (s.x0, s.x1) if lo <= x <= hi]})
        best = None
        for x, y in zip(cuts, cuts[1:]):
            mid = (x + y) / 2
            crossing = sum(1 for s in inside if s.x0 < mid < s.x1)
            key = (crossing, -(y - x))
            if best is None or key < best[0]:
                best = (key, mid)
        out.append(best[1] if best else (a1 + b0) / 2)
    return out


def table_body(lines: list[list[Segment]], head_bottom: float | None, rules: list[float],
               stacks: list[tuple[float, float]], height: float, settings: Settings) -> list[list[Segment]]:
    """The lines of the table below its header: up to the bottom rule, a wide gap, prose running
    across the columns (a note under the table, a signature) or the page margin (furniture)."""
    x_left, x_right = stacks[0][0], stacks[-1][1]
    span = x_right - x_left
    body = [ln for ln in lines if head_bottom is None or not _above(ln, head_bottom)]
    first = (min(s.top for s in body[0]) + max(s.bottom for s in body[0])) / 2 if body else 0.0
    below = [r for r in rules if body and r > first]    # not the header's rule an OCR box of 合计 grew past (k7-009)
    limit = max(below) if below and head_bottom is not None else None
    out: list[list[Segment]] = []
    prev_bottom = head_bottom
    for i, ln in enumerate(lines):
        top = min(s.top for s in ln)
        if head_bottom is not None and _above(ln, head_bottom):
            continue
        if top < settings.table_margin * height and not _runs_on(ln, lines[i + 1:i + 2], settings):
            continue                     # a running header; a row's first line goes on into the table
        if max(s.bottom for s in ln) > (1 - settings.table_margin) * height:
            break
        if limit is not None and top > limit:
            break
        size = max(s.size for s in ln)
        if prev_bottom is not None and top - prev_bottom > 4 * size and limit is None:
            break
        if all(s.x1 < x_left - 2 * size or s.x0 > x_right + 2 * size for s in ln):
            continue
        if len(ln) == 1 and ln[0].x1 - ln[0].x0 > 0.6 * span and len(ln[0].text) > 30 and \
                not DATA_TEXT.match(ln[0].text):
            break
        out.append(ln)
        prev_bottom = max(s.bottom for s in ln)
    return out


def _above(line: list[Segment], y: float) -> bool:
    """The line stands above y: its top more than a point above, and its middle too (an OCR box
    grown up past the header's bottom, 合计 set tight under it, is the first row's)."""
    top, bottom = min(s.top for s in line), max(s.bottom for s in line)
    return top < y - 1 and (top + bottom) / 2 < y


def _runs_on(line: list[Segment], following: list[list[Segment]], settings: Settings) -> bool:
    """The next line follows this one at a cell's line spacing."""
    size = max(s.size for s in line)
    return bool(following) and min(s.top for s in following[0]) - max(s.bottom for s in line) <= \
        settings.wrap_gap_em * size + 1


def _fit(lines: list[list[Segment]], xs: list[float]) -> float:
    """Share of lines none of whose segments runs across a column boundary."""
    ok = sum(all(not any(s.x0 < x - s.size and s.x1 > x + s.size for x in xs) for s in ln) for ln in lines)
    return ok / len(lines) if lines else 0.0
