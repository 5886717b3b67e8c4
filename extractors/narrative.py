"""Body lines → paragraphs → the numbered project items with their labelled lines.

A paragraph starts where a line is indented, follows a short line, or changes type size;
a wrapped line never starts an item, so '约\\n1.6万平方米' stays inside its sentence.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from normalizers.text import squeeze
from normalizers.vocab import canonical_category, field_labels, match_label, name_endings, stated_fields
from schemas.settings import Settings
from schemas.types import Line, NarrativeItem, Page

# a section heading's numeral and its 、 (or what OCR read for it: 三“工作任务, k1-005)
SECTION = re.compile(r"^[一二三四五六七八九十]+(?:[、.．]|[，,“”\"'`‘’]{1,2})")
# a numeral in brackets, its （ as OCR reads it too (《1）助残融爱建设项目, 〈1）…: k22-002's tesseract layer)
_HEADING = re.compile(r"^(?:[（(《〈]([一二三四五六七八九十]+)[)）》〉]|([一二三四五六七八九十]+)是)\s*(.*)$", re.S)
# an item's number: 1. 1、 （1）, its （ read 《 or 〈 (k22-002), or its figure read as a letter or two, its （
# maybe lost ((G）, QT）: a tesseract layer, k26-007; the number then unknown; an item only with its money
# or offices stated: a heading's numeral is read so too)
_ITEM = re.compile(r"^(?:(\d{1,2})\s*[.．、]|[（(《〈](\d{1,2})[)）》〉]|[（(《〈]?([A-Za-z]{1,2})[)）》〉])\s*(?=[^\d\s])(.*)$", re.S)
# an item printed without a number: a short name, then the sentence stating its money (its ， read
# as ． or . by OCR: 总投资117万元．拟投入…, k1-007)
_UNNUMBERED = re.compile(r"^([^，,。；;：:]{4,40})[。.．*]\s*((?:项目)?总投资[\d.]+万元[，,、.．]?)?(?:拟|计划)?(?:投入|安排)")
# a category heading whose numeral a scan lost or misread (.三，补齐基础短板…。 深化产业合作。): a short phrase
# naming a category, closed by 。, after at most a mark and a numeral
_LOOSE_HEADING = re.compile(r"^[^\u4e00-\u9fff\d]{0,3}(?:[一二三四五六七八九十][^\u4e00-\u9fff\d]{1,2})?"
                            r"([\u4e00-\u9fff][^。；;，,：:\d]{3,19})[。；;](.+)$", re.S)
_BARE_ITEM = re.compile(r"^(\d{1,2})(?![个年月日号期项类万元])([\u4e00-\u9fff“\"].*)$", re.S)
_ITEM_SENTENCE = re.compile(r"责任单位|实施主体|实施单位|总投资|拟投入")
# the mark ending an item's name where its money sentence begins: 。 as printed, or as OCR reads it (. ，)
_NAME_END = re.compile(r"[。.．，,;；、*]\s*(?=(?:项目)?总投资\s*[\d.]|(?:拟|计划)(?:投入|安排|投资))")
_CLOSING = set("。：:；;！？!?）)”")
# a labelled line (实施地点：…), its ： as a tesseract layer reads it too (责任单位；…, 实施主体，…: k14-008)
_LABEL = re.compile(r"^([\u4e00-\u9fff]{2,8})\s*[：:；;，,]\s*(.*)$", re.S)
LABEL_SCORE = 95.0        # a labelled line names a field at this score or more
# the fields a labelled line states after an item (实施地点：…, 完成时限：…): their labels, read exactly,
# open one even with the ： lost
BARE_LABEL_FIELDS = ("location", "responsible_leader", "responsible_unit", "implementing_entity", "deadline")
BARE_LABEL_CHARS = 4      # ... labels this long (a shorter one is too likely a sentence's words)
_SENTENCE_GOES_ON = tuple("要应须需为是和及对在将把负")   # 责任单位要…, 责任单位为…: the label's words in a sentence
SAME_LINE_OVERLAP = 0.6   # two lines whose heights overlap this much, side by side, are one
# the task section's title, one character of 工作任务 misread (二、平作任务, k5-034)
TASK_TITLE = r"工作任务|[\u4e00-\u9fff]作任务|工[\u4e00-\u9fff]任务|工作[\u4e00-\u9fff]务|主要任务|建设任务|项目安排"
_TASKS = re.compile(TASK_TITLE + r"|建设内容")


@dataclass
class Paragraph:
    text: str
    page: int
    size: float


def paragraphs(pages: list[Page]) -> list[Paragraph]:
    """Join wrapped lines into paragraphs, across page breaks."""
    out: list[Paragraph] = []
    prev: Line | None = None
    prev_left = 0.0
    for page in pages:
        body = same_lines([ln for ln in page.lines if ln.text.strip()])
        if not body:
            continue
        weight: dict[int, int] = {}
        for ln in body:                       # the page's body type size: the size most text is set in
            weight[round(ln.size)] = weight.get(round(ln.size), 0) + len(ln.text)
        body_size = max(weight, key=weight.get)
        left = min(ln.x0 for ln in body)
        right = sorted(ln.x1 for ln in body)[int(0.9 * (len(body) - 1))]
        for ln in body:
            size = ln.size or (ln.bottom - ln.top)
            indented = ln.x0 > left + 0.8 * size
            if prev is not None and size > body_size + 1 and _centred(prev, page.width) \
                    and _centred(ln, page.width) and prev.page == ln.page and ln.x1 < right - body_size \
                    and abs(size - prev.size) <= 0.5 and ln.top - prev.bottom < size:
                # a title set on two centred lines (not a body line that runs to the margin, sized
                # like the title by an OCR layer: k2-004)
                out[-1].text += ln.text.strip()
                prev, prev_left = ln, left
                continue
            starts = (prev is None or indented or abs(size - (prev.size or size)) > 0.5
                      or (prev.page == ln.page and prev.x1 < right - 2.0 * size and _ends(prev, left, right))
                      or prev.x0 > prev_left + 3.0 * size        # a line set apart (a signature) stands alone
                      or prev.page != ln.page and ln.x0 > prev_left + 3.0 * size   # ... also atop a page
                      or labelled(ln.text, marked_only=not prev.text.rstrip().endswith("。")) is not None)
            if starts or not out:
                out.append(Paragraph(ln.text.strip(), ln.page, size))
            else:
                out[-1].text += ln.text.strip()
            prev, prev_left = ln, left
    return out


def same_lines(lines: list[Line]) -> list[Line]:
    """Lines one after the other that stand side by side at the same height (their heights overlap by
    SAME_LINE_OVERLAP of the lower one's, their widths by a quarter em at most) as one line, left to
    right: an OCR layer sets a title's words a few points apart (峨边关族自治县20 | 26年…项目实, k2-019:
    read right part first, no plan year, rejected)."""
    out: list[Line] = []
    for ln in lines:
        last = out[-1] if out else None
        high = min(last.bottom, ln.bottom) - max(last.top, ln.top) if last is not None else 0.0
        if last is not None and last.page == ln.page \
                and high >= SAME_LINE_OVERLAP * min(last.bottom - last.top, ln.bottom - ln.top) \
                and min(last.x1, ln.x1) - max(last.x0, ln.x0) <= 0.25 * max(last.size, ln.size):
            a, b = sorted((last, ln), key=lambda x: x.x0)
            out[-1] = Line(a.text + b.text, a.page, a.x0, min(a.top, b.top), b.x1, max(a.bottom, b.bottom),
                           max(a.size, b.size))
        else:
            out.append(ln)
    return out


def _ends(prev: Line, left: float, right: float) -> bool:
    """A short line ends its paragraph when it closes a sentence or is short indeed; a line cut
    short only because the next word (a number) did not fit goes on."""
    return prev.text.rstrip()[-1:] in _CLOSING or prev.x1 - left < 0.5 * (right - left)


def _centred(ln: Line, width: float) -> bool:
    size = ln.size or (ln.bottom - ln.top)
    return abs((ln.x0 + ln.x1) / 2 - width / 2) < size


def item_name(text: str) -> tuple[str, str]:
    """(name, the rest) of an item's text: the name ends at its 。, or sooner where its money sentence
    begins after another mark (名称.总投资…, 名称，总投资…: a scan's 。 read as . or ，)."""
    name, _, body = text.partition("。")
    m = _NAME_END.search(name)
    if m:
        return text[:m.start()], text[m.end():]
    return name, body


def _bare_number(text: str) -> tuple[str, str]:
    """(number, rest) of an item sentence whose number's mark OCR lost (1五渡镇魔芋种植基地建设项目。总投资…,
    k5-034): a number of one or two digits before its name, no counter after it; ("", text) otherwise."""
    m = _BARE_ITEM.match(text)
    return (m.group(1), m.group(2)) if m else ("", text)


def loose_heading(text: str, settings: Settings) -> str | None:
    """The category heading a paragraph is though its numeral was lost or misread: a short phrase
    naming a category (settings.category_match_min), not ending as project names do, followed by a
    sentence that is no item's (no 总投资, 责任单位 …); None for any other paragraph."""
    m = _LOOSE_HEADING.match(text)
    if not m or m.group(1).endswith(name_endings()) or _ITEM_SENTENCE.search(m.group(2)):
        return None
    return m.group(1) if canonical_category(m.group(1))[1] >= settings.category_match_min else None


def labelled(text: str, marked_only: bool = False) -> tuple[str, str] | None:
    """(field, value) of a labelled line or paragraph (实施地点：…); with its ： lost (实施地点峨边…,
    k14-008) only when it opens with a BARE_LABEL_FIELDS label of BARE_LABEL_CHARS or more read exactly,
    and not `marked_only` (a wrapped line may start with a label's words; one after a sentence's 。 is a
    labelled line's start)."""
    lab = _LABEL.match(text.strip())
    if lab:
        field, score = match_label(lab.group(1), LABEL_SCORE)
        if field and score >= LABEL_SCORE:
            return field, lab.group(2)
    if marked_only:
        return None
    t = text.strip()
    for field, label in field_labels():
        if field in BARE_LABEL_FIELDS and len(label) >= BARE_LABEL_CHARS and t.startswith(label) \
                and len(t) > len(label) and not t[len(label):].startswith(_SENTENCE_GOES_ON):
            return field, t[len(label):]
    return None


def narrative_items(paras: list[Paragraph], settings: Settings | None = None) -> list[NarrativeItem]:
    """Numbered project items in the task section, each with its heading and labelled lines."""
    settings = settings or Settings()
    start = next((i for i, p in enumerate(paras) if SECTION.match(p.text) and _TASKS.search(p.text[:12])), None)
    if start is None:       # the section's heading misread (工作分): from the first item, with its heading
        first = next((i for i, p in enumerate(paras) if _ITEM.match(p.text)), len(paras))
        start = first - 2 if first >= 1 and _HEADING.match(paras[first - 1].text) else first - 1
    items: list[NarrativeItem] = []
    heading = ""
    for p in paras[start + 1:]:
        text = p.text.strip()
        if SECTION.match(text) and items:
            break
        h = _HEADING.match(text)
        if h:
            heading = re.split(r"[。；]", h.group(3), maxsplit=1)[0].strip()
            continue
        m = _ITEM.match(text)
        if m and m.group(3) and not _ITEM_SENTENCE.search(text):
            m = None                    # a letter for a heading's numeral: 〈X）夯实基础设施。补齐… (k26-021)
        u = None if m else _UNNUMBERED.match(text)
        if m or u:
            number, rest = (m.group(1) or m.group(2) or "", m.group(4)) if m else _bare_number(text)
            name, body = item_name(rest)
            items.append(NarrativeItem(len(items) + 1, number, heading, squeeze(name) or "",
                                       squeeze(body) or "", stated_fields(body)[0], p.page))
            continue
        if (loose := loose_heading(text, settings)) is not None:
            heading = loose
            continue
        if not items:
            continue
        if (lab := labelled(text)) is not None:
            items[-1].fields[lab[0]] = squeeze(lab[1]) or ""
        else:
            items[-1].body = (items[-1].body + text).strip()
    return items
