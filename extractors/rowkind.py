"""One data row of a plan table: its item number set apart from its name, and its kind (item,
category heading or subtotal, 合计, empty) told by its numerals and words."""
from __future__ import annotations

import re
from dataclasses import replace

from extractors.grid import Grid
from normalizers.numbers import chinese_to_int
from normalizers.text import compact
from normalizers.vocab import canonical_category, name_endings
from schemas.settings import Settings
from schemas.types import SUBTOTAL_AFTER, Cell

ITEM_WORDS = 3           # a row with figures and this many different words is a project's, named or not
KNOWN_WORDING = 100.0    # canonical_category's score of a category's own wording (not one merely holding it)
WORDING_HELD = 90.0      # canonical_category's score of a text holding a category's known wording (85: a keyword only)
LOST_NUMERAL_MARKS = "、.．"   # a heading's mark left where a scan lost its numeral (二 and 三: thin strokes)
BARE_CATEGORY_CHARS = 16   # a category heading alone on its line is this short at most (补齐基础短板及拓展基层治理: 13)
MAX_LABEL_PIECES = 3     # a heading's label cut by the grid over this many cells at most
SPREAD_PIECE = 3         # characters: a heading's word spread over narrow cells leaves pieces this short after its first

# a row's mark: an item's serial or a heading's numeral
ROW_MARK = re.compile(r"^[（(]?(?:(\d{1,3})|([一二三四五六七八九十]+))[)）.、．]?$")
_CATEGORY_NO = re.compile(r"^[（(]?([一二三四五六七八九十]+)[)）、.．]?\s*(.*)$", re.S)
_CATEGORY_NAME = re.compile(r"^(?:[（(]([一二三四五六七八九十]+)[)）]|([一二三四五六七八九十]+)[、.．])\s*(.+)$", re.S)
_HANZI = re.compile(r"[\u4e00-\u9fff]")
_BARE_NUMERAL = re.compile(r"^[（(]?([一二三四五六七八九十]+)[)）、.．]?$")
_COUNTED = re.compile(r"[（(]\d{1,2}个[)）]$")     # a heading's count of its projects: 产业协作（4个）
_COUNT_CUT = re.compile(r"[（(]\d{1,2}个?$")      # ... its close lost under a seal: 业帮扶项目（3 (k24-015)
# what stands beside a heading's label in cells of their own: its numeral's marks, its count ((21) for (2个))
_COUNTED_HEADING = re.compile(r"(.{2,20}?)\s*[（(]\s*\d{1,2}\s*个\s*[)）]")
_STRAY_MARKS = re.compile(r"[A-Za-z|!:;'`]")    # specks OCR reads as Latin marks beside a numeral (i六, k24-002)
_HEADING_PIECE = re.compile(r"[（(]?[一二三四五六七八九十]*[)）、.．]?|[（(]\d{1,2}个?[)）]?")
# an item number OCR garbled ((1) read () or d)), standing apart at the start of a name's line: no hanzi
_MARK_MISREAD = re.compile(r"^\s*[（(]?[0-9A-Za-z]{0,2}[)）]\s+(?=\S)")
# (1)名称, or 3 名称 with a space between (k8-014: a tesseract layer's 序号 column lost into the name's)
_NAME_NUMERAL = re.compile(r"^\s*([（(]\d{1,3}[)）]|\d{1,3}(?=[ \t]))\s*(\S.*)$", re.S)
_ITEM_NO = re.compile(r"^[（(]?\d{1,3}[)）.、．]?$")
_TOTAL = re.compile(r"^(合计|总计|合\s*计|总\s*计)$")
_SUBTOTAL = re.compile(r"^(小计|小\s*计)$")
AMOUNT_FIELDS = ("aid_funds_wan", "total_investment_wan")


def numeral_apart(cells: dict[str, Cell]) -> dict[str, Cell]:
    """An item's number read into its name's cell ((1)“四季文旅”消费帮扶项目, or on a line of its own
    between the name's: 序号's rule or gutter lost, no 序号 column found) set apart as the row's
    number; one OCR garbled standing apart at a line's start (() 地建, d) 专业技术人才培养: k1-011)
    taken out of the name."""
    name = cells.get("name")
    if name is None or "seq" in cells:
        return cells
    lines = name.text.split("\n")
    alone = [k for k, ln in enumerate(lines) if _ITEM_NO.match(ln.strip())]
    if len(alone) == 1 and len(lines) > 1:    # beside a wrapped name, on a line of its own: 建设项 | (1) | 目,
        # or a bare number (宜坪乡林下经济示 | 4 | 范园建设项目, k5-037: 序号's rule lost, the 4 inside the name)
        rest = "\n".join(ln for k, ln in enumerate(lines) if k != alone[0])
        return {**cells, "seq": replace(name, text=lines[alone[0]].strip()), "name": replace(name, text=rest)}
    m = _NAME_NUMERAL.match(name.text)
    if m:
        return {**cells, "seq": replace(name, text=m.group(1)), "name": replace(name, text=m.group(2))}
    marks = [_MARK_MISREAD.match(ln) for ln in lines]
    if sum(1 for mk in marks if mk) != 1:
        return cells
    rest = "\n".join(ln[mk.end():] if mk else ln for ln, mk in zip(lines, marks))
    return {**cells, "name": replace(name, text=rest)}


def classify(grid: Grid, r: int, cells: dict[str, Cell], settings: Settings) -> tuple[str, str, str]:
    """(kind, label, numeral) of a data row."""
    texts = [grid.owner(r, c).text.strip() for c in range(grid.n_cols)
             if grid.owner(r, c) is not None and grid.owner(r, c).row == r and grid.owner(r, c).col == c]
    texts = [t for t in texts if t]
    if not texts:
        return "empty", "", ""
    seq = compact(cells["seq"].text) if "seq" in cells and not cells["seq"].merged_from_above else ""
    name = cells.get("name")
    has_name = bool(name and name.text and not name.merged_from_above)
    if any(_TOTAL.match(compact(t)) for t in texts):
        return "total", "合计", seq
    if any(_SUBTOTAL.match(compact(t)) for t in texts):
        return "subtotal", "", SUBTOTAL_AFTER     # its group's category is settled in settle_subtotals
    if not seq and has_name and (m := _BARE_NUMERAL.match(compact(name.text))):
        # a heading's numeral read under 项目名称 and its label under a column beside: no name is a numeral alone
        label = next((compact(t) for t in texts if compact(t) != compact(name.text) and not _is_number(t)), "")
        return "subtotal", label, m.group(1)
    if not seq:     # a heading row 一、产业发展类 wherever it stands when 序号 is blank
        heads = [c for c in map(_CATEGORY_NAME.match, map(compact, texts)) if c]
        # beside a numbered heading whole, a lone glyph is a seal's or a speck's (有 under 项目名称, k25-010)
        if len(heads) == 1 and all(_is_number(t) or _CATEGORY_NAME.match(compact(t)) or len(compact(t)) == 1
                                   for t in texts):
            c = heads[0]
            return "subtotal", c.group(3), c.group(1) or c.group(2)
        words = [compact(t) for t in texts if not _is_number(t)]
        bare = [w for w in words if _BARE_NUMERAL.match(w)]
        label = next((w for w in words if w not in bare), "")
        if len(bare) == 1 and len(words) == 2 and canonical_category(label)[1] >= settings.category_match_min:
            return "subtotal", label, _BARE_NUMERAL.match(bare[0]).group(1)   # （一） | 产业帮扶项目, cells apart
        joined = "".join(words)
        if len(words) == 2 and (canonical_category(joined)[1] >= KNOWN_WORDING or _COUNTED.search(joined)
                                and not _CATEGORY_NAME.match(joined)):     # numbered: its numeral kept below
            return "subtotal", joined, ""   # 产 | 业合作（5个）: a heading cut over two cells, numeral lost; 产业 |
            # 发展类（3个） set across the name's and content's columns, worded otherwise but counted (k16-005);
            # 帮扶 | 项目（5个）, 一、产业 lost under a seal, a count as a lone word's is (k21-012)
        if (heading := _cut_heading(words, settings)) is not None:
            return "subtotal", *heading           # （ | 产业协作 | （5个）: a heading cut over cells, its numeral lost
        if (heading := _spread_heading(words, settings)) is not None:
            return "subtotal", *heading           # （一）产业 | 帮 | 扶项 | 目: a numbered heading spread over cells
        named = {compact(cells[f].text) for f in ("name", "category") if f in cells and cells[f].text}
        score = canonical_category(words[0])[1] if len(set(words)) == 1 else -1.0
        if score >= 0 and (_COUNTED.search(words[0]) or _COUNT_CUT.search(words[0]) or score >= KNOWN_WORDING or
                           words[0] in named and score >= settings.category_match_min):
            return "subtotal", words[0], ""         # 产业合作 alone in its row or beside its sum, its 一、 under a
                                                    # seal or lost (k4-011, k5-038), or worded otherwise where a
                                                    # name or category stands (产业帮扶项目, k5-004), not the rest
                                                    # of a content cut by a page break (路等基础设施); or
                                                    # 业协作（4个） by its figures: a group's count (k4-015),
                                                    # its close under a seal too (业帮扶项目（3, k24-015)
    m = _CATEGORY_NO.match(seq) if seq else None
    if m and len({compact(t) for t in texts if not _is_number(t)} - {seq}) >= ITEM_WORDS:
        return "item", "", seq  # a project's full row whose number OCR read as a numeral (-1 as 二, k2-034)
    if m:           # 一 / （一）: a category heading, its label beside the numeral or in a cell of its own (a
        # stroke read after the numeral is none: 五i | 民生改善13个, k14-005)
        own = m.group(2) if _HANZI.search(m.group(2)) else ""
        label = own or next((compact(t) for t in texts if compact(t) != seq and not _is_number(t)), "")
        return "subtotal", label, m.group(1)
    if seq and not _ITEM_NO.match(seq) and (label := _heading_label(texts, seq, settings)):
        return "subtotal", label, ""     # a heading whose numeral OCR misread: （二） as に
    if _ITEM_NO.match(seq) or has_name:
        return "item", "", seq
    amounts = any(_is_number(cells[f].text) for f in AMOUNT_FIELDS if f in cells)
    words = [t for t in texts if not _is_number(t)]
    if amounts and len(set(words)) >= ITEM_WORDS:
        return "item", "", seq      # a project's row whose name a seal hid (k4-037): place, content, offices
    label = next((compact(t) for t in texts if not _is_number(t)), "")
    if amounts and not label and _under_seal(grid, r):
        return "subtotal", "", ""      # a heading's sums, its label under a seal (k8-018): no project
    return ("subtotal", label, "") if amounts and label else ("empty", "", "")


def _under_seal(grid: Grid, r: int) -> bool:
    """A seal found on the page lies across the row's height."""
    boxes = [grid.owner(r, c).bbox for c in range(grid.n_cols) if grid.owner(r, c) is not None]
    top, bottom = min(b[1] for b in boxes), max(b[3] for b in boxes)
    return any(s[1] < bottom and s[3] > top for s in grid.seals)


def _cut_heading(words: list[str], settings: Settings) -> tuple[str, str] | None:
    """(label, numeral) of a heading a table found by alignment cut over several cells: one label
    naming a category (once, or twice over merged cells, or cut over two or three cells), the other
    pieces only its numeral's marks and its count, a stray Latin mark OCR read beside them aside
    ((三)消费协作 | (三)消费协作 | (21); （ | 产业协作 | （5个）, k5-033: taken for a project whose name a
    seal hid, a spurious record and every category after it one off; i六 | 补齐基础短板及拓展 | 基层治理,
    k24-002)."""
    pieces = [w for w in words if (bare := _STRAY_MARKS.sub("", w)) and _HEADING_PIECE.fullmatch(bare)]
    labels = list(dict.fromkeys(w for w in words if w not in pieces))
    if len(pieces) < 1 or not labels or len(labels) > MAX_LABEL_PIECES:
        return None
    label = "".join(labels)       # 补齐基础短板及拓展 | 基层治理: a long label over two cells (k24-002)
    named = _CATEGORY_NAME.match(label)
    text = named.group(3) if named else label
    if canonical_category(text)[1] < settings.category_match_min:
        return None
    numeral = (named.group(1) or named.group(2)) if named else \
        next((m.group(1) for w in pieces if (m := re.search("([一二三四五六七八九十]+)", w))), "")
    return text, numeral


def _spread_heading(words: list[str], settings: Settings) -> tuple[str, str] | None:
    """(label, numeral) of a numbered heading whose words the grid spread over two or more cells
    ((一）产业 | 帮 | 扶项 | 目 over a merged cell whose rules the scan kept, k7-030: read as a
    project with no name, a spurious record; 一、产业发展类（2 | 个）, k11-031): the words read in order
    make （一）产业帮扶项目, every piece after the first a fragment (a project's row holds whole words:
    县农业农村局)."""
    if len(words) < 2 or any(len(w) > SPREAD_PIECE for w in words[1:]):
        return None
    return numbered_category("".join(w for k, w in enumerate(words) if k == 0 or w != words[k - 1]), settings)


def numeral_lost(text: str) -> bool:
    """A numeral's mark, then a category's known wording: a heading whose numeral a scan lost (、片区任务
    for 二、片区任务, k9-039; category_label takes the mark off)."""
    t = text.strip()
    return t[:1] in LOST_NUMERAL_MARKS and canonical_category(t)[1] >= WORDING_HELD


def counted_heading(text: str) -> bool:
    """A category's known wording with its count of projects (劳务协作（1个）): a heading, though its
    numeral stands in another column or went unread (under a seal, k12-026)."""
    m = _COUNTED_HEADING.fullmatch(text.strip())
    return bool(m) and canonical_category(m.group(1))[1] >= WORDING_HELD


def bare_category(text: str) -> bool:
    """A category's name and nothing else (人才交流, its numeral unread, k12-039): alone on its line, a
    heading set tight over its first project's row, not a line of that project's name."""
    t = text.strip().lstrip(LOST_NUMERAL_MARKS)
    return canonical_category(t)[1] >= KNOWN_WORDING and len(t) <= BARE_CATEGORY_CHARS \
        and not t.endswith(name_endings())


def numbered_category(text: str, settings: Settings) -> tuple[str, str] | None:
    """(label, numeral) of a numbered category heading (四、片区任务, （二）就业帮扶类); None for other text."""
    named = _CATEGORY_NAME.match(text)
    if named is None or canonical_category(named.group(3))[1] < settings.category_match_min:
        return None
    return named.group(3), named.group(1) or named.group(2)


def _heading_label(texts: list[str], seq: str, settings: Settings) -> str:
    """The category a row names when its only words are one category label (产业发展 | 类, or
    就业帮扶类 twice across merged cells) beside figures; "" for an item's row of many fields."""
    words = list(dict.fromkeys(compact(t) for t in texts if not _is_number(t) and compact(t) != seq))
    label = "".join(words)
    if not words or len(words) > 2 or canonical_category(label)[1] < settings.category_match_min:
        return ""
    return label


def figures_only(text: str) -> bool:
    """The text holds figures and their marks only, or nothing (a heading's sums beside it: 1,380,000 25%)."""
    return _FIGURES_ONLY.fullmatch(text) is not None


_FIGURES_ONLY = re.compile(r"[\d.,，%\s-]*")


def _is_number(text: str) -> bool:
    return bool(re.fullmatch(r"[\d.,，\s]+", text or ""))


def numbers_rows(upper: str, lower: str) -> bool:
    """Two row marks that number two rows: a heading's numeral and an item's serial (四 over 6, 3
    over 二), or serials one apart ((1) over (2))."""
    marks = [ROW_MARK.match(t.strip()) for t in (upper, lower)]
    if not all(marks):
        return False
    kinds = [m.group(1) is not None for m in marks]          # digits, or a Chinese numeral
    if kinds[0] != kinds[1]:
        return True
    values = [int(m.group(1)) if m.group(1) else chinese_to_int(m.group(2)) for m in marks]
    return values[1] == values[0] + 1
