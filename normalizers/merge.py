"""One project's two readings (narrative item, table row) merged field by field: readings that agree or
abbreviate one another (县卫健局 / 县卫生健康局) keep the table's wording, a location the most specific place
stated, a real disagreement the table's value flagged `conflict:<field>`; OCR look-alikes fixed and voted on."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz.distance import LCSseq

from normalizers.correct import agrees, repair_chars, vote, without_amounts, without_stray_letter
from normalizers.dates import parse_date, parse_period
from normalizers.lookalikes import (fix_bracket_marks, fix_cut_start, fix_digit_letters, fix_dropped, fix_lookalikes,
                                    fix_name_ending, fix_own_county, fix_period_dash, fix_split_mouth, fix_variants)
from normalizers.numbers import parse_amount
from normalizers.offices import OFFICE_FIELDS, restore_office
from normalizers.text import compact, squeeze
from normalizers.vocab import (PLACE_ENDINGS, canonical_category, contains_place, leading_places, name_endings,
                               place_ancestors, place_parts, stated_fields)
from schemas.settings import Settings
from schemas.tables import column_names
from schemas.types import Correction, NarrativeItem, TableRow

TEXT_FIELDS = column_names("projects", merged=True)      # declared in schemas/tables.py
AID_CLAUSE = re.compile(r"(?:(?:拟|计划)?(?:投入|安排)?(?:帮扶|协作|衔接)?资金|规划投资|计划投资)(\d+(?:\.\d+)?)万元")
TOTAL_CLAUSE = re.compile(r"总投资(\d+(?:\.\d+)?)万元")
_LEAD_AMOUNTS = re.compile(r"^(?:(?:总投资|(?:拟|计划)?(?:投入|安排)?(?:帮扶|协作|衔接)?资金|规划投资|计划投资)"
                           r"\d[\d.\s]*万元[，,、]?)+")      # a space OCR set inside a figure (172.2 2万元, k2-031)
_CONTENT_END = re.compile(r"[\s，,。.．；;、]+$")
CLAUSE_MARKS = "，,。.．；;、：:"


NAMED_FIELDS = OFFICE_FIELDS + ("responsible_leader",)
DATE_PARSERS = {"deadline": parse_date, "construction_period": parse_period}
SEAL_CLEAR = ("seq", "category")     # under a seal, still settled: numbered in order, mapped to a list
# a serial (1, (2), 3.) and a space before a year in a date or period cell: the 序号 column's rule or gutter
# lost in a scan (k9-002: 2 2023年至2024年 read as no period)
_SERIAL_BEFORE_YEAR = re.compile(r"^\s*[（(]?\d{1,3}[)）.、]?\s+(\d{4}\D.*|\d{4})$", re.S)
STRAY_LETTER_SCORE = 90.0     # a lone Latin letter at a scanned name's end (政府f): a stroke OCR read, near sure


@dataclass
class Merged:
    """A project as merged from its readings, before ids are given."""
    item: NarrativeItem | None
    row: TableRow | None
    category_raw: str
    witnesses: list[TableRow] = field(default_factory=list)   # the same row in other table readings
    readings: list[int] = field(default_factory=list)         # each witness's reading number (2: the second …)
    category_row: TableRow | None = None                      # the subtotal row that named the category
    values: dict[str, object] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    pages: set[int] = field(default_factory=set)
    corrections: list[Correction] = field(default_factory=list)


def narrative_amounts(item: NarrativeItem | None) -> tuple[float | None, float | None]:
    """(aid, total investment) stated in an item's sentence, in 万元."""
    if item is None:
        return None, None
    text = compact(item.body)
    aid, total = AID_CLAUSE.search(text), TOTAL_CLAUSE.search(text)
    return (parse_amount(aid.group(1), errors="null") if aid else None,
            parse_amount(total.group(1), errors="null") if total else None)


def _depth(location: str) -> int:
    parts = place_parts(location)
    return max((len(place_ancestors(p)) for p in parts), default=-1)


def merge_text(fieldname: str, table: str | None, narrative: str | None, settings: Settings,
               scanned: bool = False) -> tuple[str | None, str | None]:
    """(value, flag) for one text field from its two readings (`scanned`: both read by OCR)."""
    t, n = squeeze(table), squeeze(narrative)
    if not t or not n:
        return t or n, None
    if agrees(t, n, settings.min_subsequence_share):
        if fieldname == "location" and _depth(n) > _depth(t):
            return n, None
        if fieldname == "name" and scanned and len(compact(t)) - len(compact(n)) >= 2 and compact(t).endswith(compact(n)):
            return t, "conflict:name"      # text before the name in its cell: a neighbour's (a 类别 label, k8-021)
        if fieldname == "content" and scanned and _cut_mid_clause(compact(t), compact(n)):
            return n, "conflict:content"   # lines of the next row's cell read into this one's, or lost to the row above
        return t, None
    if fieldname == "location":
        if contains_place(t, n):
            return n, None
        if contains_place(n, t):
            return t, None
    if fieldname == "name" and n.endswith(name_endings()) and not t.endswith(name_endings()):
        return n, "conflict:name"          # the table's reading is no name (a seal over it: 川菌种車)
    if fieldname == "name" and scanned and n.endswith(name_endings()) and len(n) > len(t) and \
            LCSseq.similarity(t, n) >= settings.garbled_name_share * len(t):
        return n, "conflict:name"          # the table's reading is the narrative's with garbage in it (下经济科辑投项目)
    return t, f"conflict:{fieldname}"


def _cut_mid_clause(t: str, n: str) -> bool:
    """A scan's table content that is the narrative's run on into more text, or its tail, the two parting
    inside a clause (…统一运营管理 | 新建标准化圈舍约160平方米，养殖; 养殖 | 规模约300头…, k9-001: a row
    boundary found a line off where the scan's line boxes overlap), or the narrative's cut short inside a
    clause (…及食堂设施设 | 备；项目建成后…, k14-020: its last lines lost to the next row); a part cut at a
    clause mark (；项目建成后…) is a fuller or shorter wording, and a narrative's opening up to its 在<place>,
    or a place, that the place's misreading left on it (在峨边萝族自治县开展…, k13-029) no cut."""
    for whole, part in ((t, n), (n, t)):
        if len(whole) - len(part) >= 2 and whole.startswith(part):
            return whole[len(part)] not in CLAUSE_MARKS and part[-1] not in CLAUSE_MARKS
        if len(whole) - len(part) >= 2 and whole.endswith(part):
            lead = whole[:-len(part)]
            return lead[-1] not in CLAUSE_MARKS and part[0] not in CLAUSE_MARKS \
                and not (whole is n and ("在" in lead or lead.endswith(PLACE_ENDINGS)))
    return False


def narrative_content(item: NarrativeItem, places: tuple[str | None, ...] = ()) -> str | None:
    """The item's sentence without its leading funding clause (总投资…，投入资金…万元，), the clauses
    stating its other fields (责任单位为…，计划于…完成) and its opening 在<place> when that is the
    project's location as read (`places`) or, that read otherwise (峨边葬族自治县, k14-008), a gazetteer
    place: each is a field of its own (k2-031)."""
    cut = stated_fields(item.body)[1]
    text = _LEAD_AMOUNTS.sub("", item.body[:cut])
    if cut < len(item.body):
        text = _CONTENT_END.sub("", text)          # the mark before the stated fields
    known = leading_places(text[1:]) if text.startswith("在") else ""
    for place in sorted({p for p in (*places, known) if p}, key=len, reverse=True):
        if text.startswith("在" + place) and len(text) > len(place) + 2:
            text = text[len(place) + 1:].lstrip("，,、 ")
            break
    return squeeze(text) or None


def merge_pair(item: NarrativeItem | None, row: TableRow | None, category_raw: str,
               settings: Settings, witnesses: list[TableRow] | None = None, scanned: bool = False,
               alone: bool | None = None) -> Merged:
    """One project from its narrative item and table row; `alone`: one reading is missing
    where the plan has both (a table-only plan is not a reason for review)."""
    m = Merged(item, row, category_raw, list(witnesses or []))
    nf = dict(item.fields) if item else {}
    if item:
        nf["name"] = item.name
        m.pages.add(item.page)
    tv: dict[str, str | None] = {}
    if row:
        m.pages.add(row.page)
        tv = _values(row)
        for f in NAMED_FIELDS:                 # a neighbour's amounts in a name's cell: out, in doubt
            if tv.get(f) and (kept := without_amounts(tv[f])) != tv[f]:
                m.corrections.append(Correction("", None, f, tv[f], kept, "stray_amount", 100.0, row.page))
                m.flags.append(f"low_confidence:{f}")
                tv[f] = kept or None
        for f in NAMED_FIELDS + ("location",):   # a stroke read as a letter beside a name or place (f渡镇, k26-038)
            if scanned and tv.get(f) and (kept := without_stray_letter(tv[f])) != tv[f]:
                m.corrections.append(Correction("", None, f, tv[f], kept, "stray_letter", STRAY_LETTER_SCORE, row.page))
                tv[f] = kept
        for f in DATE_PARSERS:                 # an item's serial before a date or period: its cell's, not the date's
            if scanned and tv.get(f) and (serial := _SERIAL_BEFORE_YEAR.match(tv[f])):
                m.corrections.append(Correction("", None, f, tv[f], serial.group(1), "stray_serial", 100.0, row.page))
                tv[f] = serial.group(1)
    if item:
        nf["content"] = narrative_content(item, (tv.get("location"), nf.get("location")))
    others = [_values(w) for w in m.witnesses]
    page = row.page if row else (item.page if item else None)
    for f in TEXT_FIELDS:
        value, flag = _merge_field(f, tv.get(f), nf.get(f), settings, scanned)
        if settings.correct:
            fixed, fixed_flag, rules, score, ambiguous = _corrected_field(
                f, [tv.get(f)] + [o.get(f) for o in others], nf.get(f), settings, scanned, ((tv.get(f), nf.get(f)), (value, flag)))
            if fixed != value:
                rule = "cross_witness" if "cross_witness" in rules else (rules[0] if rules else "cross_witness")
                m.corrections.append(Correction("", None, f, str(value or ""), str(fixed or ""), rule, score, page))
                value, flag = fixed, fixed_flag
            elif fixed_flag is None:
                flag = None
            if ambiguous:
                m.flags.append(f"low_confidence:{f}")
        m.values[f] = value
        if flag:
            m.flags.append(flag)
    if scanned and settings.correct:
        _restore_offices(m, settings, page)
    sub = compact(tv.get("category") or "")
    canon_sub, score = canonical_category(sub)
    same = canon_sub is not None and score >= settings.category_match_min and canon_sub == canonical_category(category_raw)[0]
    m.values["subcategory"] = sub if sub and sub != compact(category_raw) and not same else None
    if (not item or not row) if alone is None else alone:
        m.flags.append("needs_review")
    doubted = [f"low_confidence:{f}" for f, c in (row.cells.items() if row else ())
               if c.guessed and c.text or c.sealed and f not in SEAL_CLEAR      # read, or lost, under a seal
               or c.spilled                                                     # text beside it, in no field
               or c.unread and f not in SEAL_CLEAR and not _told(m.values.get(f), nf.get(f))]   # a glyph lost
    m.flags += [flag for flag in dict.fromkeys(doubted) if flag not in m.flags]
    m.flags += [f"low_confidence:{f}" for f in DATE_PARSERS if tv.get(f) and m.values.get(f) is None]   # a cell no date read
    return m


def _told(value: object, narrative: str | None) -> bool:
    """The narrative states the value taken as it is: a glyph the table's reading lost is no doubt then."""
    return bool(narrative) and isinstance(value, str) and compact(value) == compact(narrative)


def _values(row: TableRow) -> dict[str, str | None]:
    return {k: (squeeze(c.text) if c.text else None) for k, c in row.cells.items()}


def _merge_field(f: str, table: str | None, narrative: str | None, settings: Settings, scanned: bool = False
                 ) -> tuple[object, str | None]:
    """One field's value from its table and narrative readings, as read (no correction).
    Dates are compared by meaning (2025.11 is 2025年11月底); one written more precisely agrees."""
    if f in DATE_PARSERS:
        t, n = (DATE_PARSERS[f](v, errors="null") if v else None for v in (table, narrative))
        if t and n and not (t.startswith(n) or n.startswith(t)):
            return t, f"conflict:{f}"
        return t or n, None
    value, flag = merge_text(f, table, narrative, settings, scanned)
    if f == "content" and table and not (flag and value != table):
        value, flag = table, None          # the table's cell is the content when it has one, unless a scan's
    return value, flag                     # cell parts from the narrative's inside a clause (_cut_mid_clause)


def _restore_offices(m: Merged, settings: Settings, page: int | None) -> None:
    """A scanned office value several misreads away from one gazetteer office set to it (rule
    `office_gazetteer`, normalizers/offices.py) and flagged for review."""
    for f in OFFICE_FIELDS:
        value = compact(str(m.values.get(f) or ""))
        restored = restore_office(value, settings.office_restore_min_chars, settings.office_restore_max_edits,
                                  settings.office_restore_margin)
        if restored is not None:
            m.corrections.append(Correction("", None, f, str(m.values[f]), restored.office, "office_gazetteer",
                                            restored.score, page))
            m.values[f] = restored.office
            if f"low_confidence:{f}" not in m.flags:
                m.flags.append(f"low_confidence:{f}")


def fix_reading(text: str | None, settings: Settings, scanned: bool) -> tuple[str | None, list, bool]:
    """fix_lookalikes, and in a scan's reading fix_digit_letters, fix_period_dash, fix_bracket_marks, fix_name_ending,
    fix_variants, fix_split_mouth, fix_dropped, fix_cut_start and fix_own_county too (a born-digital plan's
    characters are as written)."""
    v, fixes, amb = fix_lookalikes(text, settings.correction_min)
    if scanned:
        v, digits = fix_digit_letters(v)
        v, dash = fix_period_dash(v)
        v, marks = fix_bracket_marks(v)
        v, ending = fix_name_ending(v)
        fixes += digits + dash + marks + ending
        v, more = fix_variants(v)
        v, mouth = fix_split_mouth(v)
        v, lost, amb_lost = fix_dropped(v, settings.correction_min)
        v, cut, amb_cut = fix_cut_start(v)
        v, county = fix_own_county(v)
        fixes += more + mouth + lost + cut + county
        amb |= amb_lost or amb_cut
    return v, fixes, amb


def _corrected_field(f: str, readings: list[str | None], narrative: str | None, settings: Settings, scanned: bool = False,
                     merged: tuple[tuple, tuple] | None = None) -> tuple[object, str | None, list[str], float | None, bool]:
    """(value, flag, rules applied, score, ambiguous): look-alikes fixed in every reading, the
    table readings voted on, the winner's characters repaired from the others. `merged`:
    ((table, narrative), _merge_field of them), reused when nothing changed."""
    rules: list[str] = []
    scores: list[float] = []
    fixed: list[str | None] = []
    ambiguous = False
    done: dict[str | None, tuple] = {}          # readings often repeat: each text is fixed once
    for k, r in enumerate(readings):
        text = squeeze(r)
        if text not in done:
            done[text] = fix_reading(text, settings, scanned)
        v, fixes, amb = done[text]
        fixed.append(v)
        if k == 0:
            rules += [x.rule for x in fixes]
            scores += [x.score for x in fixes]
            ambiguous |= amb
    n, n_fixes, _ = fix_reading(squeeze(narrative), settings, scanned)
    chosen, share, amb = vote(fixed, n, settings.min_subsequence_share, settings.ambiguity_margin)
    ambiguous |= amb
    if chosen is not None and chosen != fixed[0]:
        rules, scores = ["cross_witness"], [round(100 * share, 1)]
        ambiguous = False
    if chosen:
        chosen, repairs = repair_chars(chosen, [r for r in fixed if r and r != chosen] + [n], scanned)
        rules += [x.rule for x in repairs]
        scores += [x.score for x in repairs]
        if n:
            n, _ = repair_chars(n, [chosen], scanned)
    if not readings[0] and n_fixes and not chosen:
        rules += [x.rule for x in n_fixes]
        scores += [x.score for x in n_fixes]
    value, flag = merged[1] if merged and merged[0] == (chosen, n) else _merge_field(f, chosen, n, settings, scanned)
    return value, flag, rules, (min(scores) if scores else None), ambiguous
