"""Values the pipeline let through without a flag that a person should still look at, found in the
dataset itself (provenance, projects, documents): each rule gives (doc_id, project_id or None, field).

- `readings_differ`: a scan's two readings of a value nearly agree but not quite (one was misread);
- `value_interleaved`: a value holds another field's value in pieces with other text between them
  (two cells read as one, taken by the merge for a longer wording of the same fact);
- `name_misread`: a document's title or issuer, or a scan's place, office or owner, names the plan's
  donor or recipient almost but not quite, or a scan's place or office one of the county's towns;
- `value_missing`: a scan's empty value in a field most of the plan's projects fill or its table has
  a column for (a lost cell), and a scan's issuer or date not found (most plans print them);
- `name_truncated`: a scan's place, office or owner not ending as such names end (its last characters lost),
  a person's name of one character or of four and more, a project's name not ending as names do or
  opening with a town's name that lost its 镇 or 乡, a content opening or ending mid-sentence, or a
  deadline to the month where most of the plan's give the day;
- `stray_digits`: a scan's place, office, owner or person beginning or ending with a figure, or a
  project name with a figure no count or date explains (加工厂1房);
- `stray_mark`: a scan's value holding a symbol no plan prints in one (☑, ■, �) or a hanzi outside GB 2312
  (憂), unpaired brackets, a run read twice over, or a character before a location's first place;
- `seq_uncertain`: in a plan whose project count is not the stated one, the numbers of the projects
  from the first one doubted as a project (`needs_review`, `conflict:name`) on (a project too many
  or too few before them shifts them); in a plan numbered through, a number not the one printed;
- `low_ocr_confidence`: a value whose every OCR reading holds a character read with less confidence
  than the threshold;
- `year_apart`: a scan's title that does not state the plan's year (its figures lost), the year
  having been read from the attached table's title or the task section.

`flag_doubts` writes the doubts that say a value itself is uncertain (FLAGGED) into a scanned
plan's records as `low_confidence:<field>`, so the dataset points at them without the queue; an
`accept` decision takes the flag off again (normalizers/overrides.py).
"""
from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache

import pandas as pd
from rapidfuzz import fuzz

from normalizers.lookalikes import fix_lookalikes, fix_variants
from normalizers.dates import parse_date, parse_period
from normalizers.offices import OFFICE_FIELDS
from normalizers.records import NormalizedDocument
from normalizers.text import compact
from normalizers.vocab import (OFFICE_ENDINGS, PLACE_ENDINGS, counties, known_offices, name_endings, office_bodies,
                               place_parts, township_stems)
from schemas.models import frame
from schemas.settings import DEFAULT_CORRECTION_MIN, Settings
from schemas.tables import column_names

READINGS_DIFFER = "readings_differ"
VALUE_INTERLEAVED = "value_interleaved"
NAME_MISREAD = "name_misread"
VALUE_MISSING = "value_missing"
SEQ_UNCERTAIN = "seq_uncertain"
LOW_OCR_CONFIDENCE = "low_ocr_confidence"
NAME_TRUNCATED = "name_truncated"
STRAY_DIGITS = "stray_digits"
STRAY_MARK = "stray_mark"
YEAR_APART = "year_apart"
NAME_REPEATED = "name_repeated"
HANZI = re.compile("[\u4e00-\u9fff]")
TWICE_RUN = 3               # a run of this many hanzi or more right after itself is one read twice
_TWICE = re.compile(rf"([\u4e00-\u9fff]{{{TWICE_RUN},}})\1")
_PLACE_END_CHARS = frozenset("".join(PLACE_ENDINGS))
_PAST_ENDING = re.compile("(?:项目|工程)[\u4e00-\u9fff]$")
_BRACKETED_END = re.compile(r"[（(][^（()）]*[)）]$")     # a name's place or phase after its ending: …项目（大堡镇）
# what a figure in a name counts or dates (5个村, 2022年, 3号楼, 二期, 10千伏): after it, no stray
COUNTERS = set("个年月日号期条座栋户人亩村组届批次类级处所间台套米公千万元吨头只株家名场次门层")
STRAY_CATEGORIES = ("So", "Co", "Cn")      # other symbols, private use, unassigned
# the doubts written into the records as flags; low_ocr_confidence and value_missing stay in the queue
# only: over 40 generated scans they fell on 51 and 27 records whose values were all right, and flagged
# no wrong value the others missed but the 黃 read for 黄 (now the `variant` rule)
FLAGGED = (READINGS_DIFFER, VALUE_INTERLEAVED, NAME_MISREAD, NAME_TRUNCATED, STRAY_DIGITS, STRAY_MARK, SEQ_UNCERTAIN,
           YEAR_APART, NAME_REPEATED)
CHECKED_FILLED = column_names("projects", merged=True) + ("aid_funds_wan", "total_investment_wan")
# a scan's readings compared: the narrative paraphrases these, so only the table's readings are compared
PARAPHRASED = ("content", "beneficiary_linkage")
# … and these are headings worded otherwise in the narrative and the table, mapped to one category
NOT_COMPARED = ("category", "category_raw", "subcategory", "seq")      # seq: items are numbered per category
# fields whose value may hold a neighbour's text by right (a name holds its place, notes anything)
NOT_INTERLEAVED = PARAPHRASED + NOT_COMPARED + ("name", "notes")
# values checked for a neighbour's value read into them, and the values looked for
INTERLEAVE_CHECKED = ("location", "responsible_unit", "implementing_entity", "responsible_leader",
                      "beneficiary_linkage", "ownership", "notes")
INTERLEAVE_PIECES = ("location", "responsible_unit", "implementing_entity", "ownership", "recipient")
MIN_PIECE = 4               # a value this long at least is looked for in pieces
INTERLEAVE_SPAN = 3.0       # … its pieces within this many times its length
MIN_RUN = 2                 # … most of it (RUN_SHARE) in pieces this long at least
RUN_SHARE = 0.75
MIN_EXTRA = 2               # … in a value this many characters longer (县中医院 in 县中医医院 is a shorter wording)
LIST_MARK = "、"            # a list of units names each in full (峨边彝族自治县卫生健康局、县中医院): left alone
NAMED_FIELDS = ("title", "issuer")
USUALLY_PRINTED = ("issuer", "issue_date")
LEVEL = re.compile(r"[省市州盟]")
DOUBTED_PROJECT = ("needs_review", "conflict:name")
NAMED_VALUES = ("location", "responsible_leader") + OFFICE_FIELDS
ENDINGS = {"location": PLACE_ENDINGS, **{f: OFFICE_ENDINGS for f in OFFICE_FIELDS}}
Key = tuple[str, "str | None", str]


def printed(provenance: pd.DataFrame) -> pd.DataFrame:
    """The readings printed in the plan (not computed by the pipeline, not an override)."""
    if not len(provenance):
        return provenance
    return provenance[~provenance["reading"].isin(["pipeline", "override"])]


def reading_key(fieldname: str, text_read: str) -> str:
    """What a reading says, compared by meaning where the plan writes a fact several ways
    (2023年10月30日 / 2023.10.30; 投入资金90万元 / 90)."""
    if fieldname == "deadline":
        return parse_date(text_read, errors="null") or compact(text_read)
    if fieldname == "construction_period":
        return parse_period(text_read, errors="null") or compact(text_read)
    if fieldname.endswith("_wan"):
        digits = re.findall(r"\d+(?:\.\d+)?", compact(text_read))
        return f"{float(digits[-1]):g}" if digits else compact(text_read)
    return compact(text_read)


def differing_readings(provenance: pd.DataFrame, scanned: set[str], near: float,
                       correction_min: float = DEFAULT_CORRECTION_MIN) -> list[Key]:
    """A scan's values two of whose readings are nearly the same but not quite (rapidfuzz ratio ≥
    `near`, below 100): a slip of OCR in one of them, even where the merge or a vote settled it without
    a flag. Readings further apart are other wordings of one fact (宜坪乡 / 宜坪乡人民政府), which the
    merge handles; readings the gazetteers repair alike (峨边到族自治县 / 峨边彝族自治县, at
    `correction_min`) agree."""
    rows = printed(provenance)
    if not len(rows):
        return []
    rows = rows[rows["doc_id"].isin(scanned) & ~rows["field"].isin(NOT_COMPARED)]
    out = []
    for (doc_id, pid, f), group in rows.groupby(["doc_id", rows["project_id"].fillna(""), "field"], sort=True):
        if f in PARAPHRASED:
            group = group[group["reading"].str.startswith("table")]
        said = sorted({repaired(reading_key(f, t), correction_min) for t in group["text"]})
        if any(near <= fuzz.ratio(a, b) < 100 for i, a in enumerate(said) for b in said[i + 1:]):
            out.append((doc_id, pid or None, f))
    return out


def repaired(key: str, correction_min: float) -> str:
    """A reading's key with the look-alikes and misreads the gazetteers repair, and traditional forms, set right."""
    fixed, _, _ = fix_lookalikes(key, correction_min)
    return fix_variants(fixed)[0] or ""


def tight_subsequence(short: str, long: str, span: float) -> bool:
    """`short` stands in `long` in pieces (a subsequence, not a substring) within `span` times its length,
    RUN_SHARE of its characters in pieces of MIN_RUN or more (县民宗局 takes single characters of
    县民族宗教事务局: an abbreviation, not two cells)."""
    if not short or short in long:
        return False
    limit = span * len(short)
    for start, ch in enumerate(long):
        if ch != short[0]:
            continue
        i, at, runs = 0, start, []
        while at < len(long) and i < len(short) and at - start < limit:
            if long[at] == short[i]:
                if runs and runs[-1][1] == at - 1:
                    runs[-1][1] = at
                else:
                    runs.append([at, at])
                i += 1
            at += 1
        if i == len(short) and sum(b - a + 1 for a, b in runs if b - a + 1 >= MIN_RUN) >= RUN_SHARE * len(short):
            return True
    return False


def interleaved_values(projects: pd.DataFrame) -> list[Key]:
    """Project values that hold another field's value of the project in pieces, other characters between
    them: 县民族宗教大堡镇人民事务局政府 is the unit 县民族宗教事务局 and the entity 大堡镇人民政府 (the next
    column) read as one cell; 年内峨边彝族民工自治县 holds the county with a neighbour's text inside. The
    merge took such a reading for a longer wording of the plain one. The content, a paraphrase, is not
    checked; a value listing units (、) is not either."""
    out = []
    for p in projects.to_dict("records"):
        said = {f: compact(text(p.get(f))) for f in INTERLEAVE_CHECKED + INTERLEAVE_PIECES}
        pieces = {f: v for f, v in said.items() if f in INTERLEAVE_PIECES and len(v) >= MIN_PIECE}
        for f in INTERLEAVE_CHECKED:
            if LIST_MARK not in said[f] and any(g != f and len(said[f]) - len(v) >= MIN_EXTRA and
                                                tight_subsequence(v, said[f], INTERLEAVE_SPAN) for g, v in pieces.items()):
                out.append((p["doc_id"], p["project_id"], f))
    return out


def misread_names(documents: pd.DataFrame, near: float) -> list[Key]:
    """A document's title or issuer that names the plan's own donor or recipient (as the plan spells them
    elsewhere) almost but not exactly (rapidfuzz partial ratio ≥ `near`, not printed whole or by a
    shorter official ending: 绍兴市柯桥区 for 浙江省绍兴市柯桥区): 峨边芋族自治县 for 峨边彝族自治县."""
    out = []
    for d in documents.to_dict("records"):
        names = [compact(text(d.get(f))) for f in ("recipient", "donor")]
        for f in NAMED_FIELDS:
            said = compact(text(d.get(f)))
            if said and any(n and not any(e in said for e in official_endings(n)) and
                            fuzz.partial_ratio(n, said) >= near for n in names):
                out.append((d["doc_id"], None, f))
    return out


def misread_places(documents: pd.DataFrame, projects: pd.DataFrame, scanned: set[str], near: float) -> list[Key]:
    """A scan's place, office or owner that names the plan's recipient or donor almost but not
    exactly, as misread_names does for the title: 峨边环族自治有具杨河乡 for 峨边彝族自治县杨河乡."""
    names = {d["doc_id"]: [compact(text(d.get(f))) for f in ("recipient", "donor")] for d in documents.to_dict("records")}
    out = []
    for p in projects[projects["doc_id"].isin(scanned)].to_dict("records"):
        for f in NAMED_VALUES:
            said = compact(text(p.get(f)))
            if said and any(n and len(said) >= len(n) and not any(e in said for e in official_endings(n)) and
                            fuzz.partial_ratio(n, said) >= near for n in names.get(p["doc_id"], [])):
                out.append((p["doc_id"], p["project_id"], f))     # 峨边 alone is a short form, not a misreading
    return out


def misread_towns(projects: pd.DataFrame, scanned: set[str]) -> list[Key]:
    """A scan's place or office naming a county's town or township with one character misread (白物乡 for
    白杨乡, 红花镶 for 红花镇): too short to repair with confidence, and a village named after its town
    (新林村) is no misreading."""
    towns = tuple(township_stems().values())
    out = []
    for p in projects[projects["doc_id"].isin(scanned)].to_dict("records"):
        for f in ("location",) + OFFICE_FIELDS:
            said = compact(text(p.get(f)))
            for known in place_parts(said):                        # a place read right is no misreading
                said = said.replace(known, "\0" * len(known))
            if said and any(_one_off(said[i:i + len(t)], t) for t in towns for i in range(len(said) - len(t) + 1)):
                out.append((p["doc_id"], p["project_id"], f))
    return out


def _one_off(window: str, town: str) -> bool:
    """The window reads the town with one hanzi other, its ending no other place's (新林村)."""
    diff = [i for i, (a, b) in enumerate(zip(window, town)) if a != b]
    return len(diff) == 1 and HANZI.match(window[diff[0]]) is not None and \
        not (diff[0] == len(town) - 1 and window[-1] in _PLACE_END_CHARS)


def official_endings(name: str) -> list[str]:
    """A place name and its endings after each level (浙江省绍兴市柯桥区 → 绍兴市柯桥区, 柯桥区)."""
    return [name] + [name[m.end():] for m in LEVEL.finditer(name) if m.end() < len(name)]


def missing_document_values(documents: pd.DataFrame, scanned: set[str]) -> list[Key]:
    """A scan's document fields most plans print (the issuer, the date) that the pipeline did not find
    (a plan may print neither, as the 2026 sample: the archivist accepts the empty value)."""
    return [(d["doc_id"], None, f) for d in documents.to_dict("records") if d["doc_id"] in scanned
            for f in USUALLY_PRINTED if not text(d.get(f))]


def year_apart(documents: pd.DataFrame, scanned: set[str]) -> list[Key]:
    """A scan's title and plan year where the title does not state the year (read elsewhere)."""
    return [(d["doc_id"], None, f) for d in documents.to_dict("records") if d["doc_id"] in scanned
            and not re.search(rf"(?<!\d){d.get('plan_year')}(?!\d)", compact(text(d.get("title"))))
            for f in ("title", "plan_year")]


def tabled_fields(provenance: pd.DataFrame) -> set[tuple[str, str]]:
    """(doc_id, field) of every field a plan's table was read for: the table has its column."""
    if not len(provenance):
        return set()
    rows = provenance[provenance["reading"].astype(str).str.startswith("table")]
    return set(zip(rows["doc_id"], rows["field"]))


def missing_values(projects: pd.DataFrame, scanned: set[str], share: float,
                   tabled: set[tuple[str, str]] = frozenset()) -> list[Key]:
    """A scan's empty values in a field that at least `share` of the plan's projects fill, or that the
    plan's table has a column for (`tabled`): a cell the scan lost more likely than a fact the plan
    leaves out."""
    out = []
    for doc_id, group in projects[projects["doc_id"].isin(scanned)].groupby("doc_id", sort=True):
        for f in CHECKED_FILLED:
            filled = group[f].map(lambda v: text(v) != "")
            if filled.mean() < share and (doc_id, f) not in tabled:
                continue
            for p in group[~filled].to_dict("records"):
                if not (f.endswith("_wan") and "shared_amount" in list(p["flags"])):
                    out.append((doc_id, p["project_id"], f))
    return out


def truncated_names(projects: pd.DataFrame, scanned: set[str]) -> list[Key]:
    """A scan's place, office or owner that does not end as such names end (县, 镇, 村 …; 局, 中心,
    人民政府, 公司, 群众 …): a cell whose last characters the scan lost (县国有资产管理中, 峨边彝族自治);
    and an office that is a known office's name with a run of characters lost (育和旅游局, 县人力资源和社会局);
    and a place ending in a township and 村, the village's name lost (宜坪乡村); and a person's name of one
    character or of four and more (明 for 罗云明, 有罗丽华, k4-003: a name has two or three, a compound
    surname's four is rare); and a project's name not ending as names do
    (山蔬菜种基地建设项, 玲薯种基地建设项团, k5-009, k5-028: a seal or blur over its ends); and a content
    cut mid-sentence, with the next project's when cut at its end (the rest went there); and a deadline
    to the month among days. Each key once."""
    scans = projects[projects["doc_id"].isin(scanned)].to_dict("records")
    return list(dict.fromkeys([(p["doc_id"], p["project_id"], f) for p in scans
            for f, endings in ENDINGS.items() if (v := compact(text(p.get(f)))) and LIST_MARK not in v
            and (not v.endswith(endings) or f in OFFICE_FIELDS and office_cut(v)
                 or f == "location" and _village_cut(v))] + \
        [(p["doc_id"], p["project_id"], "responsible_leader") for p in scans
         if (v := compact(text(p.get("responsible_leader")))) and not 2 <= len(v) <= 3] + \
        [(p["doc_id"], p["project_id"], "name") for p in scans
         if (v := _BRACKETED_END.sub("", compact(text(p.get("name"))))) and
         (not v.endswith(name_endings()) or _township_cut(v))] + \
        [(p["doc_id"], p["project_id"], "content") for p in scans if _cut_content(text(p.get("content")).strip())] + \
        [(q["doc_id"], q["project_id"], "content") for p, q in zip(scans, scans[1:])
         if q["doc_id"] == p["doc_id"] and _ENDS_CUT.search(text(p.get("content")).strip())] + \
        _short_deadlines(scans)))


_OPENS_CUT = re.compile(r"^(?:[，。；、,;）)]|[米个头亩台套口处座条户人次场间][，。；、,;])")
# a comma, a clause of one character (；项 of ；项目建成后…, k14-006), or a unit's first half (平方 of 平方米, 公 of 公里)
_ENDS_CUT = re.compile(r"(?:[，,、（(]|[，,；;。][\u4e00-\u9fff]|平方|立方|公)$")


def _cut_content(content: str) -> bool:
    """A content opening or ending mid-sentence: the rest of the row above's (米，养殖规模…, a row
    break set a line off), or cut before its unit (…约80平方), after a comma (k7-020, k7-025) or one
    character into a clause (…设施设备；项, k14-006: the rest opening the next row's content, flagged too)."""
    return bool(content) and bool(_OPENS_CUT.match(content) or _ENDS_CUT.search(content))


def _township_cut(name: str) -> bool:
    """A project name opening with a town's or township's name that lost its 镇 or 乡 and more (新林金猪养区
    建设项目 for 新林镇乌金猪…, 杨河笋种植… for 杨河乡竹笋…: k6-006, k6-003)."""
    return any(name.startswith(stem) and not name.startswith(whole) for stem, whole in township_stems().items())


def _village_cut(place: str) -> bool:
    """A place ending in a township and a lone 村: the village's name between them lost (宜坪乡村 for
    宜坪乡宜坪村, k26-028); no plan writes a village so."""
    return any(place.endswith(whole + "村") for whole in township_stems().values())


def _short_deadlines(scans: list[dict]) -> list[Key]:
    """A deadline to the month where most of the plan's deadlines give the day (2021-10 among
    2021-10-31s: the cell's last lines, 月31 | 日前, lost; k7-025)."""
    out = []
    for doc_id in {p["doc_id"] for p in scans}:
        dated = [p for p in scans if p["doc_id"] == doc_id and text(p.get("deadline"))]
        days = sum(len(text(p["deadline"])) == len("2021-10-31") for p in dated)
        if days > len(dated) / 2:
            out += [(doc_id, p["project_id"], "deadline") for p in dated if len(text(p["deadline"])) == len("2021-10")]
    return out


def office_cut(value: str) -> bool:
    """The value is a gazetteer office's name with a run of characters lost: its start cut inside a
    word (育和旅游局 of 文化广播电视体育和旅游局; 农业农村局 after its county is whole), a run inside it
    (县人力资源和社会局, 保障 lost: k3-056) or its end after its county (峨边彝族自治县委组织, 部 lost: k7-021),
    and no known name or short form itself."""
    if value in known_offices():
        return False
    bodies = office_bodies()
    after_county = [value[k + 1:] for k, ch in enumerate(value) if ch == "县" and len(value) - k > 2]
    return any(len(body) > len(value) and body.endswith(value) for body in bodies) or \
        any(len(whole) > len(value) and _run_lost(whole, value) for whole in bodies | {"县" + b for b in bodies}) or \
        any(len(body) > len(tail) and body.startswith(tail) for tail in after_county for body in bodies)


def _run_lost(whole: str, value: str) -> bool:
    """value is whole with one run of inner characters left out, its first and last kept."""
    head = next((i for i, (a, b) in enumerate(zip(whole, value)) if a != b), len(value))
    return 0 < head < len(value) and whole.endswith(value[head:])


def stray_digits(projects: pd.DataFrame, scanned: set[str]) -> list[Key]:
    """A scan's place, office, owner or person that begins or ends with a figure, or an office, owner
    or person holding one anywhere: a neighbouring cell's number (序号, an amount) read into it
    (4毛坪镇, 2宜坪乡宜坪村3黑竹沟镇, 县住房和城乡建设130000.00局); and names by stray_in_name."""
    out = [(p["doc_id"], p["project_id"], f) for p in projects[projects["doc_id"].isin(scanned)].to_dict("records")
           for f in NAMED_VALUES if (v := compact(text(p.get(f)))) and (v[0].isdigit() or v[-1].isdigit() or
                                                                        f != "location" and re.search(r"\d", v))]
    return out + [(p["doc_id"], p["project_id"], "name") for p in projects[projects["doc_id"].isin(scanned)].to_dict("records")
                  if stray_in_name(compact(text(p.get("name"))))]


def stray_in_name(name: str) -> bool:
    """A figure in a project's name no count or date explains: between two hanzi and not before a
    counter (加工厂1房, 基2地), or first and not a year or number (1稳岗就业奖补项目; 2022年… is one);
    or a lone hanzi after the name's closing 项目 or 工程 (…厂房建设项目可: a neighbour's stroke, k4-015)."""
    if _PAST_ENDING.search(name):
        return True
    for m in re.finditer(r"\d+", name):
        after = name[m.end():m.end() + 1]
        if m.start() == 0 and after and not (after in COUNTERS or after.isascii()):     # 5G, 2022-2023
            return True
        if m.start() > 0 and HANZI.match(name[m.start() - 1]) and HANZI.match(after or "a") and after not in COUNTERS:
            return True
    return False


def stray_marks(projects: pd.DataFrame, scanned: set[str]) -> list[Key]:
    """A scan's text value holding a symbol no plan prints in a value (☑, ■, ◆, �, a private-use
    character): a tick box, bullet or blot the engine read as a character (杨村乡中心小学☑提升改造项目),
    or a hanzi outside GB 2312 (憂); a run of characters read twice over (沙坪镇人民政府民政府, k22-012);
    or brackets or quotes that do not pair up; or a location with a character before its first
    place (上峨边彝族自治县五渡镇: a neighbour's stroke read into it, k7-010), or an office or owner with
    one or two before its county (、产峨边彝族自治县农业农村局: a heading's characters, k8-023)."""
    return [(p["doc_id"], p["project_id"], f) for p in projects[projects["doc_id"].isin(scanned)].to_dict("records")
            for f, v in p.items() if isinstance(v, str) and (any(_stray(ch) for ch in v) or _unpaired(v) or _read_twice(v)
                                                             or f == "location" and _before_place(v)
                                                             or f in OFFICE_FIELDS and _before_county(v))]


def _read_twice(value: str) -> bool:
    """The value holds a run of TWICE_RUN hanzi or more right after itself (人民政府民政府)."""
    return _TWICE.search(compact(value)) is not None


def _before_county(office: str) -> bool:
    """A character or two stand before the county's full name that opens the office."""
    t = compact(office)
    return any(0 < t.find(c) <= 2 for c in counties())


def _before_place(location: str) -> bool:
    """A character or two stand before the location's first gazetteer place, and are no place
    themselves (浙江省 before 绍兴市 is one the gazetteer lacks)."""
    t = compact(location)
    parts = place_parts(t)
    lead = t[:t.find(parts[0])] if parts else ""
    return 0 < len(lead) <= 2 and not lead.endswith(PLACE_ENDINGS)


def repeated_names(projects: pd.DataFrame, scanned: set[str]) -> list[Key]:
    """A scan's projects of one plan that share one name: two rows read as one, each project given
    both names (黑竹沟镇供水一张网新建工程勒乌乡人居环境整治提升项目 twice, k8-030), or a row read twice."""
    out: list[Key] = []
    for doc_id, group in projects[projects["doc_id"].isin(scanned)].groupby("doc_id", sort=True):
        names = group["name"].map(lambda v: compact(v) if isinstance(v, str) else "")
        twice = names.ne("") & names.duplicated(keep=False)
        out += [(doc_id, pid, "name") for pid in group.loc[twice, "project_id"]]
    return out


def _unpaired(value: str) -> bool:
    """Brackets or quotes that do not pair up: a mark the engine read twice or lost (民族文化传承保护（二）期）项目,
    k5-039); printed values pair theirs."""
    t = unicodedata.normalize("NFKC", value)
    return t.count("(") != t.count(")") or t.count("“") != t.count("”")


def _stray(ch: str) -> bool:
    return unicodedata.category(ch) in STRAY_CATEGORIES or ch == "\ufffd" or _outside_gb2312(ch)


@lru_cache(maxsize=4096)
def _outside_gb2312(ch: str) -> bool:
    """A hanzi outside GB 2312, the simplified set the plans are printed in: an OCR engine's reading
    (助残融憂 for 助残融爱, k22-016; a traditional form fix_variants does not know)."""
    if not "\u3400" <= ch <= "\u9fff":
        return False
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return True
    return False


def uncertain_numbers(documents: pd.DataFrame, projects: pd.DataFrame, provenance: pd.DataFrame) -> list[Key]:
    """The `seq` of projects that may be numbered wrong (a project's number is its place in the plan,
    so a project too many or too few before it shifts it):
    - in a plan where the projects found are not as many as the plan states, or that states no
      count, those from the first project doubted as one (DOUBTED_PROJECT, itself queued for that)
      on (with a count that does not agree and none doubted: every project);
    - in a plan numbered through (the numbers printed before its projects never go down), a project
      whose printed number is not its `seq`."""
    out = set()
    stated = {d["doc_id"]: d["project_count_stated"] for d in documents.to_dict("records")}
    for doc_id, group in projects.groupby("doc_id", sort=True):
        n = stated.get(doc_id)
        unstated = n is None or (isinstance(n, float) and math.isnan(n))
        if not unstated and int(n) == len(group):
            continue
        flags = {p["project_id"]: {str(f) for f in (p["flags"] if p["flags"] is not None else [])}
                 for p in group.to_dict("records")}
        if unstated and not any(fl & set(DOUBTED_PROJECT) for fl in flags.values()):
            continue                    # no count to miss and no project in doubt: the numbers stand
        doubted = not any(fl & set(DOUBTED_PROJECT) for fl in flags.values())   # none doubted: every number
        for p in group.sort_values("seq").to_dict("records"):
            mine = bool(flags[p["project_id"]] & set(DOUBTED_PROJECT))
            if doubted and not mine:
                out.add((doc_id, p["project_id"], "seq"))
            doubted = doubted or mine
    out.update(misnumbered(projects, provenance))
    return sorted(out, key=lambda k: (k[0], k[1] or "", k[2]))


def misnumbered(projects: pd.DataFrame, provenance: pd.DataFrame) -> list[Key]:
    """Projects of a plan numbered through whose printed number (a reading of `seq` that is a number)
    is not their `seq`. Numbered through: the printed numbers never go down and most go up; a plan that
    numbers per category (1, 2, 1, 2, 3, or 1, 1, 1 with one project each) is left alone."""
    rows = printed(provenance)
    if not len(rows) or not len(projects):
        return []
    rows = rows[(rows["field"] == "seq") & rows["text"].str.strip().str.fullmatch(r"\d{1,4}")]
    said: dict[str, set[int]] = {}
    for pid, t in zip(rows["project_id"], rows["text"]):
        said.setdefault(pid, set()).add(int(t))
    out = []
    for doc_id, group in projects.groupby("doc_id", sort=True):
        numbered = [(int(p["seq"]), p["project_id"], said[p["project_id"]])
                    for p in group.to_dict("records") if p["project_id"] in said]
        numbered.sort()
        lows = [min(n) for _, _, n in numbered]
        steps = list(zip(lows, lows[1:]))
        if not steps or any(b < a for a, b in steps) or sum(b > a for a, b in steps) * 2 <= len(steps):
            continue              # numbered per category: restarting (1, 2, 1), or one project each (1, 1, 1)
        out += [(doc_id, pid, "seq") for seq, pid, n in numbered if n != {seq}]
    return out


def doubts(documents: pd.DataFrame, projects: pd.DataFrame, provenance: pd.DataFrame, near: float,
           filled_share: float, near_name: float, min_confidence: float,
           correction_min: float = DEFAULT_CORRECTION_MIN) -> list[tuple[Key, str, str]]:
    """Every doubtful value the rules above find, as (key, kind of doubt, rule); the thresholds are
    the review settings (review_near_reading, review_filled_share, review_near_name, review_min_confidence)."""
    scanned = set(documents.loc[documents["source_kind"] == "scanned", "doc_id"]) if len(documents) else set()
    found = [(k, "readings", READINGS_DIFFER) for k in differing_readings(provenance, scanned, near, correction_min)]
    found += [(k, "readings", VALUE_INTERLEAVED) for k in interleaved_values(projects)]
    found += [(k, "readings", NAME_MISREAD) for k in misread_names(documents, near_name)
              + misread_places(documents, projects, scanned, near_name) + misread_towns(projects, scanned)]
    found += [(k, "missing", VALUE_MISSING) for k in missing_values(projects, scanned, filled_share,
                                                                    tabled_fields(provenance))
              + missing_document_values(documents, scanned)]
    found += [(k, "readings", NAME_TRUNCATED) for k in truncated_names(projects, scanned)]
    found += [(k, "readings", STRAY_DIGITS) for k in stray_digits(projects, scanned)]
    found += [(k, "readings", STRAY_MARK) for k in stray_marks(projects, scanned)]
    found += [(k, "readings", NAME_REPEATED) for k in repeated_names(projects, scanned)]
    found += [(k, "numbering", SEQ_UNCERTAIN) for k in uncertain_numbers(documents, projects, provenance)]
    found += [(k, "readings", YEAR_APART) for k in year_apart(documents, scanned)]
    found += [(k, "ocr", LOW_OCR_CONFIDENCE) for k, v in ocr_confidence(provenance).items() if v < min_confidence]
    return found


def flag_doubts(doc: NormalizedDocument, settings: Settings) -> NormalizedDocument:
    """A scanned plan's records with `low_confidence:<field>` on each value a FLAGGED rule doubts, and
    on a signature's issuer or date not found beside the other (k7-025: its date line misread; a plan
    printing neither, as the 2026 sample, is not flagged) (in place; a born-digital plan's values are
    as printed and are left alone)."""
    if doc.document.source_kind != "scanned":
        return doc
    frames = {t: frame(t, recs) for t, recs in (("documents", [doc.document]), ("projects", doc.projects),
                                                  ("provenance", doc.provenance))}
    by_id = {p.project_id: p for p in doc.projects}
    for (_, pid, fieldname), _, rule in doubts(frames["documents"], frames["projects"], frames["provenance"],
                                               settings.review_near_reading, settings.review_filled_share,
                                               settings.review_near_name, settings.review_min_confidence,
                                               settings.correction_min):
        target = doc.document if pid is None else by_id.get(pid)
        flag = f"low_confidence:{fieldname}"
        half_signed = rule == VALUE_MISSING and pid is None and any(getattr(doc.document, f) for f in USUALLY_PRINTED)
        if (rule in FLAGGED or half_signed) and target is not None and flag not in target.flags:
            target.flags.append(flag)
    for p in doc.projects:      # in a scan, a category no list knows may be a misread one ((一) for 产业合作)
        if "new_category" in p.flags and "low_confidence:category" not in p.flags:
            p.flags.append("low_confidence:category")
    return doc


def ocr_confidence(provenance: pd.DataFrame) -> dict[Key, float]:
    """Per value, the confidence of its most confident OCR reading (each reading: its least sure character)."""
    rows = printed(provenance)
    if not len(rows) or "confidence" not in rows:
        return {}
    rows = rows[rows["confidence"].notna()]
    best = rows.groupby(["doc_id", rows["project_id"].fillna(""), "field"], sort=True)["confidence"].max()
    return {(d, p or None, f): float(c) for (d, p, f), c in best.items()}


def text(v) -> str:
    """A value as the queue shows it: '' for none, 90 not 90.0, lists joined."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if hasattr(v, "tolist"):
        v = v.tolist()
    if isinstance(v, (list, tuple)):
        return ", ".join(map(str, v))
    if isinstance(v, float):
        return f"{v:g}"
    if hasattr(v, "isoformat"):
        return v.isoformat()[:10]
    return str(v)
