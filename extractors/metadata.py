"""Document metadata from the body paragraphs: title, 文号, issuer, date, year, program, parties, stated totals."""
from __future__ import annotations

import re

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from extractors.narrative import SECTION, TASK_TITLE, Paragraph
from normalizers.dates import parse_date
from normalizers.numbers import parse_amount, parse_capital_amount, parse_count
from normalizers.text import compact, squeeze
from normalizers.lookalikes import fix_lookalikes
from normalizers.vocab import _rows, county_shorts, find_party, find_program
from schemas.settings import Settings
from schemas.types import CategoryStatement, Metadata

# 文号: the year in 〔〕 (GB/T 9704); OCR writes those as [ ], 【】, （）, 《》 or 〈〉
# OCR may read a bracket twice over (【2022]】, k17-025)
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{2,10}\s*[〔\[【（(《〈]{1,2}\s*(\d{4})\s*[〕\]】）)》〉]{1,2}\s*\d{1,4}\s*号")
_YEAR_BRACKETS = re.compile(r"[〔\[【（(《〈]{1,2}(\d{4})[〕\]】）)》〉]{1,2}")
_ISSUER = re.compile(r"^([\u4e00-\u9fff]{4,30}(?:人民政府办公室|人民政府|办公室|委员会|领导小组|局|中心))(?:文件)?$")
_TITLE_ENDS = ("实施方案", "工作方案", "项目计划")
_TABLE_TITLE = re.compile(r"(?:计划|明细|一览|安排)表$")
TASK_SPAN = 3            # paragraphs: a broken-off task paragraph's total and counts stand this close
_TITLE_TAIL = 8          # characters: a paragraph this short may be a title's wrapped end
_DATE_LINE = re.compile(r"^(\d{4}年\d{1,2}月\d{1,2}日)(印发)?$")
# a signature's date line whose month or day OCR misread (2022年1月：日, k7-027): it still closes the signature
_DATE_SHAPE = re.compile(r"^\d{4}年\S{1,2}月\S{1,2}日(印发)?$")
_NUM = r"(\d+(?:\.\d+)?)"
_YEAR = re.compile(r"(?<!\d)(20\d{2})\s*年")
_YEAR_ALONE = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_TOTAL = re.compile(r"(?:帮扶资金|协作资金|项目资金|衔接资金|资金)(?:共计|合计|总计)?" + _NUM + r"万元")
# 万元 at a line's end whose 元 a layer lost (项目总投资3380万 | 实施项目…, k17-000)
_TOTAL_INVESTMENT = re.compile(r"总投资" + _NUM + r"万(?:元|$|(?=实施|安排|共))")
_CAPITAL = re.compile(r"大写[：:]?([零壹贰叁肆伍陆柒捌玖拾佰仟万亿元整正]+)")
# 3类7个; OCR may put a mark between (3类？7个, k1-005)
_COUNTS = re.compile(r"([\d一二三四五六七八九十]+)类[^\w\s]?([\d一二三四五六七八九十]+)个")
_CLAUSE = re.compile(r"^(.+?)(?:项目)?([\d一二三四五六七八九十]+)个[，,]?[^\d；;]*?" + _NUM + r"万元")
# the task section's heading; OCR may read a stray character before its title (二、了工作任务, k1-000)
_TASKS = re.compile(SECTION.pattern + r"\s*.?\s*(" + TASK_TITLE + ")")


def extract_metadata(paras: list[Paragraph], settings: Settings | None = None) -> Metadata:
    """Everything the contract's documents table needs from the text; None where not stated.
    Program and parties are looked up through OCR misreads (`_lookup`); values are as printed."""
    settings = settings or Settings()
    texts = [compact(p.text) for p in paras]
    md = Metadata()
    ti = _title_index(texts)
    if ti is not None:
        title = "".join(texts[_title_start(paras, texts, ti):ti + 1])
        md.title = title
        md.plan_year = _title_year(title, texts)
    front = texts[:ti] if ti else texts[:8]
    for t in front:
        m = _DOC_NUMBER.search(t)
        if m and md.doc_number is None:
            md.doc_number = _from_place(_YEAR_BRACKETS.sub(r"〔\1〕", re.sub(r"\s+", "", m.group(0))))
        if _ISSUER.match(t) and md.issuer is None:
            md.issuer = _ISSUER.match(t).group(1)
        d = _DATE_LINE.match(t)
        if d and md.issue_date is None:
            md.issue_date = parse_date(d.group(1), errors="null")
    if md.issue_date is None or md.issuer is None:
        _signature(md, texts[ti + 1:] if ti is not None else texts)
    title, alltext = _lookup(md.title or "", settings), "".join(texts)
    md.program = find_program(title) or find_program(alltext) or _near_alias(title, "programs.csv", settings)
    md.donor = find_party(title, "donor", md.program) or find_party(alltext, "donor", md.program)
    md.recipient = find_party(title, "recipient") or find_party(alltext, "recipient")
    _stated_totals(md, _task_text(texts))
    return md


def _title_year(title: str, texts: list[str]) -> int | None:
    """The plan's year as its title prints it; where OCR read a digit into it (20256年, k11-035),
    the year one digit less that the plan's other text names; where the title has none, `_year_elsewhere`
    (a title year no other text confirms is not guessed: its digit is not repaired, and the year is doubted)."""
    if y := _YEAR.search(title) or _YEAR_ALONE.search(title):
        return int(y.group(1))
    runs = [m.group() for m in re.finditer(r"\d{5,6}", title)]
    among = [int(c) for r in runs for i in range(len(r)) if re.fullmatch(r"20\d{2}", c := r[:i] + r[i + 1:])]
    if not among:
        return _year_elsewhere(texts)
    return _year_elsewhere(texts, set(among)) or _most_named(texts, set(among)) or _year_elsewhere(texts)


def _year_elsewhere(texts: list[str], among: set[int] | None = None) -> int | None:
    """The plan's year where its title's was lost (an OCR layer dropped 2023 from it, k4-034): the
    year in the attached table's title (…2023年…计划表), else the year the task section opens with
    (2023年实施…); only one of `among` if given. The plan is flagged for review (normalizers.doubts, `year_apart`)."""
    for t in [t for t in texts if _TABLE_TITLE.search(t)] + [_task_text(texts)]:
        if (y := _YEAR.search(t)) and (among is None or int(y.group(1)) in among):
            return int(y.group(1))
    return None


def _most_named(texts: list[str], among: set[int]) -> int | None:
    """Of `among`, the year the text names most often (为全面做好2026年…), None if it names none."""
    named = [int(y) for t in texts for y in _YEAR.findall(t) if int(y) in among]
    return max(set(named), key=named.count) if named else None


def _signature(md: Metadata, texts: list[str]) -> None:
    """Issuer and date from the signature closing the body (an office line, then a date line),
    for plans with no covering notice. A date line whose figures OCR misread still marks the
    signature; its date is left unread (None), not guessed."""
    for k in range(len(texts) - 1, -1, -1):
        if not _DATE_SHAPE.match(texts[k]):
            continue
        d = _DATE_LINE.match(texts[k])
        if md.issue_date is None and d:
            md.issue_date = parse_date(d.group(1), errors="null")
        office = next((_ISSUER.match(t).group(1) for t in reversed(texts[max(0, k - 3):k]) if _ISSUER.match(t)), None)
        if md.issuer is None and office:
            md.issuer = office
        return


def _from_place(doc_number: str) -> str:
    """The 文号 from its office's place on (峨边府办发…): the end of a line read into it before (the
    issuer's 政府办公室 on the same line of a red header, k8-038)."""
    starts = [i for short in county_shorts() if (i := doc_number.find(short)) > 0]
    return doc_number[min(starts):] if starts else doc_number


def _title_start(paras: list[Paragraph], texts: list[str], ti: int) -> int:
    """First paragraph of a title set on several lines that were not joined (an OCR layer's
    line boxes make centred lines look uneven): the paragraphs just before it on its page in
    the same type size, larger than the body's, none a sentence, an office or a 文号."""
    weight: dict[float, int] = {}
    for p, t in zip(paras, texts):
        weight[round(p.size)] = weight.get(round(p.size), 0) + len(t)
    body = max(weight, key=weight.get) if weight else 0
    k = ti
    if len(texts[ti]) <= _TITLE_TAIL and ti > 0 and paras[ti - 1].page == paras[ti].page \
            and texts[ti - 1][-1:] not in "。；：，:;,.":
        k = ti = ti - 1      # a title's last characters wrapped onto a line of their own (sized apart by OCR)
    while k > 0 and paras[k - 1].page == paras[ti].page and abs(paras[k - 1].size - paras[ti].size) <= 0.5 \
            and paras[ti].size > body + 1 and texts[k - 1] and texts[k - 1][-1] not in "。；：，:;,." \
            and len("".join(texts[k - 1:ti + 1])) < 60 and not _ISSUER.match(texts[k - 1]) \
            and not _DOC_NUMBER.search(texts[k - 1]):
        k -= 1
    if k == ti and re.match(r"^\d{4}年", texts[ti]) and ti > 0 and len(texts[ti - 1]) <= 15 \
            and texts[ti - 1][-1:] in "县市区州旗":
        k = ti - 1          # the county on its own line above the year (same size or not)
    return k


def _title_index(texts: list[str]) -> int | None:
    """The paragraph ending the title: it ends with 实施方案 (or one of its look-alike misreads:
    one character off, 实施方桉), is no 关于…通知 line and quotes no other document."""
    for i, t in enumerate(texts):
        whole = texts[i - 1] + t if i > 0 and len(t) <= _TITLE_TAIL else t   # 实 | 施方案 wrapped
        if any(Levenshtein.distance(whole[-len(e):], e) <= (1 if len(whole) > len(e) + 4 else 0) for e in _TITLE_ENDS) \
                and "关于" not in whole and "《" not in whole and len(whole) < 60:
            return i
    return None


def _lookup(text: str, settings: Settings) -> str:
    """A copy of `text` with misread gazetteer words restored, to look names up in (the value
    stored stays as printed; correcting it is normalizers' work, with a corrections row)."""
    return fix_lookalikes(text, settings.correction_min)[0] or ""


def _near_alias(text: str, table: str, settings: Settings) -> str | None:
    """The program whose alias `text` holds with an OCR misread or two (rapidfuzz partial
    ratio at least `metadata_match_min`); None when two programs match as well."""
    scores: dict[str, float] = {}
    for r in _rows(table):
        if len(r["alias"]) >= 4:
            scores[r["program"]] = max(scores.get(r["program"], 0.0), fuzz.partial_ratio(r["alias"], text))
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    if ranked and ranked[0][1] >= settings.metadata_match_min and (len(ranked) == 1 or ranked[1][1] < ranked[0][1]):
        return ranked[0][0]
    return None


def _task_text(texts: list[str]) -> str:
    """The 工作任务 section's opening paragraphs, up to its first （一） heading; where no such
    heading can be read (an OCR misread of it), from the first paragraph stating the total with
    the counts in it or in the next TASK_SPAN paragraphs (a layer that lost a line's last
    characters breaks the paragraph there: 项目总投资3380万 | 实施项目3类10个, k17-000)."""
    start = next((i for i, t in enumerate(texts) if _TASKS.match(t)), None)
    if start is None:
        start = next((i - 1 for i, t in enumerate(texts) if _TOTAL.search(t)
                      and _COUNTS.search("".join(texts[i:i + TASK_SPAN]))), None)
    for i, t in enumerate(texts):
        if i == start:
            out = []
            for s in texts[i + 1:]:
                # a heading or an item's number; not an amount (3217.4万元) opening a paragraph a scan broke off
                if re.match(r"^[（(][一二三四五六七八九十]+[)）]|^[一二三四五六七八九十]+、|^\d+[.．、](?!\d*万)", s):
                    break
                out.append(s)
            return "".join(out)
    return ""


def _stated_totals(md: Metadata, text: str) -> None:
    if not text:
        return
    m = _TOTAL.search(text)
    md.total_aid_funds_wan = parse_amount(m.group(1), errors="null") if m else None
    ti = _TOTAL_INVESTMENT.search(text)
    md.total_investment_wan = parse_amount(ti.group(1), errors="null") if ti else None
    c = _CAPITAL.search(text)
    md.total_aid_funds_capital_wan = parse_capital_amount(c.group(1), errors="null") if c else None
    n = _COUNTS.search(text)
    if n:
        md.category_count_stated = parse_count(n.group(1), errors="null")
        md.project_count_stated = parse_count(n.group(2), errors="null")
        rest = text[n.end():]
        rest = rest[rest.find("其中") + 2:] if "其中" in rest else rest
        for clause in re.split(r"[；;。]", rest.lstrip("，,：:")):
            k = _CLAUSE.match(clause.strip("，,：: "))
            if k:
                md.categories_stated.append(CategoryStatement(
                    squeeze(k.group(1)) or "", parse_count(k.group(2), errors="null"),
                    parse_amount(k.group(3), errors="null")))
