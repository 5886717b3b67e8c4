"""Controlled vocabularies and gazetteers, read from normalizers/data/*.csv (each entry names its source).

They hold field labels, categories, programs, donors and recipients, places and office
short forms; never project names.
"""
from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz

from normalizers.text import compact, is_subsequence, squeeze

DATA = Path(__file__).parent / "data"
LOOKALIKE_LABEL_SCORE = 95.0   # a label whose every misread character is a look-alike of the label's
SHORT_LABEL = 2    # labels this short (项目, 备注) name a field only when they are the whole text


@lru_cache(maxsize=None)
def _rows(name: str) -> tuple[dict[str, str], ...]:
    with open(DATA / name, encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(fh))


@lru_cache(maxsize=None)
def field_labels() -> tuple[tuple[str, str], ...]:
    """(contract field, printed label) pairs for table headers and narrative labels."""
    return tuple((r["field"], r["label"]) for r in _rows("fields.csv"))


# a unit note, or its end when OCR read its opening bracket into the line above (项目总 | 万元), k23-003)
_UNIT_NOTE = re.compile(r"[（(][^)）]*元[)）]|(?<=[\u4e00-\u9fff])万?元[)）]$")


@lru_cache(maxsize=None)
def column_labels() -> frozenset[str]:
    """Labels of table columns the contract does not carry (绩效目标, 县级配套): header text all the same."""
    return frozenset(r["label"] for r in _rows("column_labels.csv"))


def names_column(text: str, min_score: float) -> bool:
    """The text is a table header's label: it names a contract field or another known column."""
    return label_text(text) in column_labels() or match_label(text)[1] >= min_score


@lru_cache(maxsize=None)
def name_endings() -> tuple[str, ...]:
    """How project names end (项目, 工程: normalizers/data/name_endings.csv)."""
    return tuple(r["ending"] for r in _rows("name_endings.csv"))


@lru_cache(maxsize=None)
def variants() -> dict[str, str]:
    """Traditional character → its simplified form (normalizers/data/variants.csv)."""
    return {r["traditional"]: r["simplified"] for r in _rows("variants.csv")}


@lru_cache(maxsize=None)
def confusables() -> dict[str, frozenset[str]]:
    """Character → its look-alikes, both ways (normalizers/data/confusables.csv)."""
    out: dict[str, set[str]] = {}
    for r in _rows("confusables.csv"):
        out.setdefault(r["a"], set()).add(r["b"])
        out.setdefault(r["b"], set()).add(r["a"])
    return {k: frozenset(v) for k, v in out.items()}


def label_text(text: str) -> str:
    """A header's text as labels are compared: compacted, one line, unit notes (（万元）, （元）) dropped,
    an OCR engine's traditional characters in their simplified form (項目 is 项目)."""
    folded = "".join(variants().get(ch, ch) for ch in compact(text).replace("\n", ""))
    return _UNIT_NOTE.sub("", folded)


def exact_label(text: str) -> bool:
    """The text names a field word for word (match_label's 100), looked up without scoring."""
    return label_text(text) in _label_set()


def match_label(text: str, floor: float = 0.0) -> tuple[str | None, float]:
    """The contract field a header or label names, with a 0..100 score.

    A label contained in the text scores by how much of the text it explains, so
    '其中：市中区拟安排帮扶资金' names aid_funds_wan and '建设\\n地点' names location.
    `floor`: the caller wants only a score of at least this (labels that cannot reach it are not
    scored); the answer is exact when it reaches the floor.
    """
    t = label_text(text)
    if not t:
        return None, 0.0
    best: tuple[str | None, float] = (None, 0.0)
    for field, label in field_labels():
        if label == t:
            return field, 100.0
        if _read_alike(label, t):
            score = LOOKALIKE_LABEL_SCORE     # the label read with look-alikes (项日 for 项目, k19-029)
        elif label in t and len(label) > SHORT_LABEL:
            score = 80.0 + 20.0 * len(label) / len(t)
        elif len(label) <= SHORT_LABEL:
            continue                      # 项目, 序号, 备注: only the label itself names the field
        elif 200.0 * min(len(label), len(t)) / (len(label) + len(t)) < max(best[1], floor) - 1e-6:
            continue                      # fuzz.ratio cannot reach the best so far or the floor (lengths alone)
        else:
            score = fuzz.ratio(label, t)
        if score > best[1]:
            best = (field, score)
    return best


def label_owners(text: str) -> frozenset[str]:
    """The fields some label of which holds the text (总投 → total_investment_wan; 投资 → also
    aid_funds_wan, of 规划投资): a piece of a label names its field alone only when one field owns it."""
    t = label_text(text)
    return frozenset(f for f, label in field_labels() if t and t in label)


OPENING = 2        # a label's first characters that may name its field when the rest is misread past matching


@lru_cache(maxsize=None)
def _openings() -> dict[str, str]:
    """The first OPENING characters of the labels longer than SHORT_LABEL that open one field's labels
    only (产权 → ownership, 完成 → deadline; 建设 opens three fields' labels and names none)."""
    fields: dict[str, set[str]] = {}
    for field, label in field_labels():
        if len(label) > SHORT_LABEL:
            fields.setdefault(label[:OPENING], set()).add(field)
    return {head: next(iter(f)) for head, f in fields.items() if len(f) == 1}


def opening_field(text: str) -> str | None:
    """The field whose labels alone open as this header does, its rest read past matching (产权リ坛 for
    产权归属: 归属 misread), the opening itself maybe read with look-alikes (产树掘, k25-018); None when
    the opening is another field's too or no label's."""
    t = label_text(text)
    if len(t) <= OPENING:
        return None
    head = t[:OPENING]
    if head in _openings():
        return _openings()[head]
    fields = {f for h, f in _openings().items() if _read_alike(h, head)}
    return fields.pop() if len(fields) == 1 else None


# how the names of Chinese offices, bodies, companies and owners end (机构名称的通名)
OFFICE_ENDINGS = ("局", "中心", "政府", "办公室", "办", "委", "委员会", "部", "院", "所", "站", "队", "处", "厅",
                  "公司", "集团", "社", "会", "组织", "群众", "学校", "小学", "中学", "幼儿园", "医院", "卫生院",
                  "村", "镇", "乡", "县", "区", "馆", "室", "科", "团", "所有", "农户", "企业", "合作社")
# how the names of places end (行政区划和居民点的通名)
PLACE_ENDINGS = ("省", "市", "州", "县", "区", "乡", "镇", "村", "组", "社区", "街道")
# fields an item's sentence states: 责任单位为…，实施主体为…，计划于2025年11月底前完成
_SENTENCE_FIELD = re.compile(r"(责任单位|实施主体|实施单位|责任领导|建设地点|实施地点)(?:为|是)([^，,。；;]+)")
_SENTENCE_DEADLINE = re.compile(r"(?:计划|预计)?于(\d{4}年[^，,。；;]{0,12}?)(?:前)?完成")
_BETWEEN_CLAUSES = re.compile(r"^[\s，,。.．；;、]*$")
STATED_LABEL_SCORE = 95.0   # a sentence's 责任单位为… names its field at this match_label score or more


def stated_fields(body: str) -> tuple[dict[str, str], int]:
    """(fields, where they begin) of the clauses an item's sentence states its fields in; the
    clauses count only as the sentence's tail (nothing but marks after or between them), so
    '在X…。责任单位为…，计划于…完成。' is content up to the returned index and fields after it."""
    found: list[tuple[int, int, str, str]] = []
    for m in _SENTENCE_FIELD.finditer(body):
        field, score = match_label(m.group(1))
        if field and score >= STATED_LABEL_SCORE:
            found.append((m.start(), m.end(), field, squeeze(m.group(2)) or ""))
    found += [(d.start(), d.end(), "deadline", squeeze(d.group(1)) or "") for d in _SENTENCE_DEADLINE.finditer(body)]
    found.sort()
    start = len(body)
    for a, b, _, _ in reversed(found):
        if b > start or not _BETWEEN_CLAUSES.match(body[b:start]):
            break
        start = a
    out: dict[str, str] = {}
    for _, _, field, value in found:
        out.setdefault(field, value)
    return out, start


def names_field(text: str, min_score: float) -> bool:
    """match_label(text)[1] >= min_score, stopping at the first label that scores enough
    (the best score is the highest of the labels' scores, so any one reaching it decides)."""
    if min_score <= 0.0:
        return True
    t = label_text(text)
    if not t:
        return False
    if t in _label_set():
        return True
    if min_score <= LOOKALIKE_LABEL_SCORE and any(_read_alike(label, t) for label in _label_set()):
        return True
    n = len(t)
    for label, k in _long_labels():
        if label in t:
            if 80.0 + 20.0 * k / n >= min_score:
                return True
        elif 200.0 * min(k, n) / (k + n) >= min_score - 1e-6 and fuzz.ratio(label, t) >= min_score:
            return True                   # (past the bound fuzz.ratio cannot reach min_score: lengths alone)
    return False


def _read_alike(label: str, text: str) -> bool:
    """The text is the label with some characters read as their look-alikes (confusables.csv)."""
    return len(label) == len(text) and label != text and \
        all(a == b or b in confusables().get(a, ()) for a, b in zip(label, text))


@lru_cache(maxsize=None)
def _label_set() -> frozenset[str]:
    return frozenset(label for _, label in field_labels())


@lru_cache(maxsize=None)
def _long_labels() -> tuple[tuple[str, int], ...]:
    """Labels longer than SHORT_LABEL with their lengths (a short one names a field only whole)."""
    return tuple((label, len(label)) for _, label in field_labels() if len(label) > SHORT_LABEL)


@lru_cache(maxsize=None)
def _categories() -> dict[str, str]:
    return {r["printed"]: r["canonical"] for r in _rows("categories.csv")}


# a heading's numbering (or the mark of one a scan lost: 、片区任务), its count, a closing mark
_CATEGORY_DECOR = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]+[)）、.．]?|[、.．])|[（(][^)）]*[个项][)）]|[：:。，,]$")


def category_label(printed: str | None) -> str:
    """A category heading without its numbering and count: '一、产业帮扶项目（4个）' → '产业帮扶项目'."""
    t = compact(printed or "")
    t = _CATEGORY_DECOR.sub("", t)
    return _CATEGORY_DECOR.sub("", t)


def canonical_category(printed: str | None) -> tuple[str | None, float]:
    """Canonical category for a printed heading ('强化人才培育' → 人才交流), with a score:
    100 a known wording, 90 one contained in the heading, 85 a keyword of its meaning
    (产业发展类, 做强特色产业 → 产业合作), else the closest wording's similarity."""
    t = category_label(printed)
    if not t:
        return None, 0.0
    cats = _categories()
    if t in cats:
        return cats[t], 100.0
    hits = [(len(p), cats[p]) for p in cats if p in t]
    if hits:
        return max(hits)[1], 90.0
    keys = [(t.index(k), -len(k), c) for k, c in _category_keywords() if k in t]
    if keys:
        return min(keys)[2], 85.0
    scored = max(((fuzz.ratio(p, t), c) for p, c in cats.items()), default=(0.0, None))
    return scored[1], float(scored[0])


@lru_cache(maxsize=None)
def _category_keywords() -> tuple[tuple[str, str], ...]:
    return tuple((r["keyword"], r["canonical"]) for r in _rows("category_keywords.csv"))


def find_program(text: str) -> str | None:
    """The program a title or paragraph names (longest alias first)."""
    t = compact(text)
    for r in sorted(_rows("programs.csv"), key=lambda r: -len(r["alias"])):
        if r["alias"] in t:
            return r["program"]
    return None


def find_party(text: str, role: str, program: str | None = None) -> str | None:
    """Donor or recipient named in `text`: the official name of the most mentioned party."""
    t = compact(text)
    counts: dict[str, int] = {}
    for r in sorted(_rows("parties.csv"), key=lambda r: -len(r["alias"])):
        if r["role"] != role or (program and r["program"] and r["program"] != program):
            continue
        n = t.count(r["alias"])
        if n:
            counts[r["name"]] = counts.get(r["name"], 0) + n
            t = t.replace(r["alias"], "\0")
    return max(counts, key=counts.get) if counts else None


@lru_cache(maxsize=None)
def _places() -> dict[str, str]:
    return {r["name"]: r["parent"] for r in _rows("places.csv")}


@lru_cache(maxsize=None)
def township_stems() -> dict[str, str]:
    """The gazetteer's towns and townships by their names without 镇 or 乡 (新林 → 新林镇)."""
    return {r["name"][:-1]: r["name"] for r in _rows("places.csv")
            if r["kind"] in ("town", "township") and len(r["name"]) >= 3}


def place_ancestors(name: str) -> list[str]:
    """Parents of a gazetteer place, nearest first; [] for unknown places."""
    places, out, cur = _places(), [], name
    while cur in places and places[cur] and places[cur] not in out:
        cur = places[cur]
        out.append(cur)
    return out


def place_parts(text: str) -> list[str]:
    """Gazetteer places a location string names, in order (峨边彝族自治县沙坪镇 → [峨边彝族自治县, 沙坪镇])."""
    t, found = compact(text), []
    for name in sorted(_places(), key=len, reverse=True):
        if name in t:
            found.append((t.index(name), name))
            t = t.replace(name, "\0" * len(name))
    return [n for _, n in sorted(found)]


def leading_places(text: str) -> str:
    """The gazetteer places the text opens with, one after another (峨边彝族自治县金岩乡开展… → 峨边彝族自治县金岩乡),
    by their full names (峨边 alone may open 峨边又族自治县, the rest misread)."""
    names, k = sorted((r["name"] for r in _rows("places.csv") if not r["kind"].endswith("_short")),
                      key=len, reverse=True), 0
    while (name := next((n for n in names if text.startswith(n, k)), None)) is not None:
        k += len(name)
    return text[:k]


def contains_place(general: str, specific: str) -> bool:
    """True when every place of `general` is `specific`'s own place or one of its ancestors."""
    g, s = place_parts(general), place_parts(specific)
    if not g or not s:
        return False
    lineage = set(s) | {a for p in s for a in place_ancestors(p)}
    lineage |= {"峨边" for p in lineage if p == "峨边彝族自治县"} | {"峨边彝族自治县" for p in lineage if p == "峨边"}
    return all(p in lineage for p in g)


@lru_cache(maxsize=None)
def surnames() -> frozenset[str]:
    """The commonest surnames (normalizers/data/surnames.csv): what a person's name begins with."""
    return frozenset(r["surname"] for r in _rows("surnames.csv"))


def person_name(text: str) -> bool:
    """Text read as a person's name: two or three hanzi after a common surname, no place's or
    office's (白杨乡, 金岩乡 begin with surnames too)."""
    t = compact(text)
    return 2 <= len(t) <= 3 and t[0] in surnames() and all("\u4e00" <= ch <= "\u9fff" for ch in t) \
        and not place_parts(t) and not t.endswith(OFFICE_ENDINGS + PLACE_ENDINGS)


@lru_cache(maxsize=None)
def _offices() -> tuple[tuple[str, str], ...]:
    """(short form, full name) of the offices the gazetteer knows a short form of, longest first."""
    return tuple(sorted(((r["short"], r["full"]) for r in _rows("offices.csv") if r["short"]), key=lambda p: -len(p[0])))


@lru_cache(maxsize=None)
def known_offices() -> frozenset[str]:
    """Every office name and short form the gazetteer holds (县住房和城乡建设局, 县住建局)."""
    return frozenset(name for r in _rows("offices.csv") for name in (r["full"], r["short"]) if name)


@lru_cache(maxsize=None)
def counties() -> tuple[str, ...]:
    """The gazetteer's counties by their full names (峨边彝族自治县): the place an office's name starts with."""
    return tuple(r["name"] for r in _rows("places.csv") if r["kind"] == "county")


@lru_cache(maxsize=None)
def county_shorts() -> tuple[str, ...]:
    """The counties' short forms (峨边): the place a county office's 文号 starts with (峨边府办发)."""
    return tuple(r["name"] for r in _rows("places.csv") if r["kind"] == "county_short")


@lru_cache(maxsize=None)
def owner_terms() -> tuple[str, ...]:
    """Who a plan table's 产权归属 names and no other column does (受益群众, 村集体经济组织: terms.csv)."""
    return tuple(r["term"] for r in _rows("terms.csv") if r["kind"] == "owner")


@lru_cache(maxsize=None)
def office_bodies() -> frozenset[str]:
    """The gazetteer's offices without their county (县住房和城乡建设局 → 住房和城乡建设局): what a name
    holds after its place, however the place is written."""
    return frozenset(r["full"].removeprefix("县") for r in _rows("offices.csv"))


def expand_offices(text: str) -> str:
    """Short office names replaced by their full forms (县卫健局 → 县卫生健康局), for comparison."""
    t = compact(text)
    for short, full in _offices():
        if short in t and full not in t:
            t = t.replace(short, full)
    return t


def abbreviates(a: str, b: str, min_share: float) -> bool:
    """True when the shorter of two readings is an abbreviation or elision of the longer one."""
    return abbreviation(expand_offices(a), expand_offices(b), min_share)


def abbreviation(a: str, b: str, min_share: float) -> bool:
    """abbreviates() of two readings already through expand_offices."""
    x, y = sorted((a, b), key=len)
    if not x:
        return False
    return x == y or (len(x) / len(y) >= min_share and is_subsequence(x, y))
