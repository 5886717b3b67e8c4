"""Look-alike characters against the gazetteers: one text value's OCR misreadings of known words.

- `fix_lookalikes`: a word one look-alike character (形近字) away from a gazetteer term, and
  not itself a known term, becomes that term (峡边 → 峨边; 柯城 stays: 柯城区 is a real
  place). The score is a rapidfuzz edit distance in which a look-alike substitution costs
  a tenth of an ordinary one. Two terms equally near: nothing changes, `ambiguous`.
- `fix_misreads`: a long gazetteer term with one inner hanzi read as any other character
  (峨边琶族自治县 → 峨边彝族自治县), and maybe one more as its look-alike (峨边莱族目治县), rule
  `gazetteer`: what a list of look-alike pairs misses.
- `fix_dropped`: in a scan's reading, a long gazetteer term with one inner character lost
  (峨边族自治县 → 峨边彝族自治县), rule `gazetteer`; never a level's suffix (浙江绍兴市 is written so).
- `fix_own_county`: in a scan's reading, the plans' own county (the recipient, 峨边彝族自治县) with up to
  two characters misread as anything, lost or added (场边萝族自治县, 峨边轰自治县), its 自治县 as
  printed, or closing the value with its 县 lost (峨边彝族自治), rule `own_county`; a window nearer another
  county (马边彝族自治县) stays.
- `fix_cut_start`: in a scan's reading, a town's or township's name opening the value with its first
  character lost (岩乡乌金猪… → 金岩乡乌金猪…: a rule or the scan's edge took it), rule `gazetteer`,
  when only one place ends so (坪镇 could be 沙坪镇 or 毛坪镇: ambiguous).
- `fix_variants`: a traditional character in an OCR reading (黃) in its simplified form (黄).
- `fix_digit_letters`: a letter an OCR engine read for a figure inside a number (2021-1O, 1l0), rule
  `digit_lookalike`.
- `fix_period_dash`: a reading that is two years joined by a mark OCR read for the dash between them
  (2027.2028, 2027·2028, 2027一2028), rule `dash_lookalike`.
- `fix_bracket_marks`: a scan's （ read as 《 or 〈 before a ）(〈医疗）), rule `bracket_lookalike`.
- `fix_name_ending`: a scan's reading ending in a project name's ending with one look-alike in it (建设项自
  for 建设项目), rule `name_ending`.
- `fix_year_digit`: a title's year with one digit read into it (20256年) where the plan's year, read
  from its other text, is that year one digit less, rule `year_digit`.
Pure functions; every change they make is returned so the caller can log it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from normalizers.vocab import _rows, confusables, counties, name_endings, township_stems, variants

DASHES = "-‐‑‒–—―－"
LOOKALIKE_COST = 0.1        # a look-alike substitution, against 1 for any other edit
MIN_MASKED_TERM = 6         # a term this long may be matched with one inner character misread as anything
MASK = "\0"
MIN_DROPPED_TERM = 7        # a term this long may be matched with one inner character lost (scans only)
LEVEL_SUFFIXES = "省市县区乡镇村"   # a place path printed without one of these is an abbreviation, not a loss
OWN_COUNTY_SLIPS = 2        # the plans' own county is restored with at most this many characters misread
OTHER_LEVELS = "州区旗"     # 自治区, 自治州 (宪法 第三十条), 自治旗 (内蒙古's county level): never the own county's 县 misread
LEVEL_CHARS = 3             # ... the last this many of its name (自治县) read as printed


@dataclass(frozen=True)
class Fix:
    """One change inside a value."""
    original: str
    corrected: str
    rule: str
    score: float


def fix_variants(text: str | None) -> tuple[str | None, list[Fix]]:
    """An OCR reading's traditional characters in their simplified form (黃 → 黄): the plans are
    printed in simplified characters, so a traditional one is the engine's, not the document's."""
    if not text or not any(ch in variants() for ch in text):
        return text, []
    fixes = [Fix(ch, variants()[ch], "variant", 100.0) for ch in dict.fromkeys(text) if ch in variants()]
    return "".join(variants().get(ch, ch) for ch in text), fixes


DIGIT_LETTERS = {"O": "0", "o": "0", "〇": "0", "l": "1", "I": "1"}
# a letter read for a figure: after a digit (or a line break after it) and before no other letter (1O口,
# 2021-1⏎O), or between a figure's digits or marks and a digit (2O21, 1.O5)
_DIGIT_LETTER = re.compile(r"(?<=\d)\s?([Oo〇lI])(?![A-Za-z])|(?<=[\d.,\-/])([Oo〇lI])(?=\d)")


def fix_digit_letters(text: str | None) -> tuple[str | None, list[Fix]]:
    """A scan's reading with the letters read for figures inside numbers set right (2021-1O → 2021-10):
    no plan writes O or l inside a figure."""
    if not text or not _DIGIT_LETTER.search(text):
        return text, []
    def figure(m: re.Match) -> str:
        return DIGIT_LETTERS[m.group(1) or m.group(2)]
    fixes = [Fix(m.group(), figure(m), "digit_lookalike", 100.0) for m in _DIGIT_LETTER.finditer(text)]
    return _DIGIT_LETTER.sub(figure, text), fixes


# 口 read as its two sides: 脱贫人11133人, 脱贫人[165人, 脱贫人1 186人 for 脱贫人口133人, 65人, 186人 (rapidocr on
# 150-dpi 1-bit blurred scans, k14-034, k14-005); always two marks, so the figure after them is whole
SPLIT_MOUTH = ("11", "[1", "1[", "[]", "1 ", "I1", "1I", "ll")
SPLIT_MOUTH_SCORE = 90.0


@lru_cache(maxsize=None)
def _split_mouths() -> re.Pattern | None:
    """Matches a gazetteer term ending in 口 with its 口 read as two marks (what follows: a figure)."""
    heads = sorted({t[:-1] for t in known_terms() if t.endswith("口") and len(t) >= 3}, key=len, reverse=True)
    if not heads:
        return None
    marks = "|".join(map(re.escape, SPLIT_MOUTH))
    return re.compile(f"({'|'.join(map(re.escape, heads))})(?:{marks})(?=\\d)")


def fix_split_mouth(text: str | None) -> tuple[str | None, list[Fix]]:
    """A scan's reading with a term's 口 read as two marks before a figure set right (带动脱贫人11133人 →
    带动脱贫人口133人): no plan writes a figure straight after 脱贫人."""
    pattern = _split_mouths()
    if not text or pattern is None or not pattern.search(text):
        return text, []
    fixes = [Fix(m.group(), m.group(1) + "口", "split_glyph", SPLIT_MOUTH_SCORE) for m in pattern.finditer(text)]
    return pattern.sub(lambda m: m.group(1) + "口", text), fixes


# a whole reading of two years joined by a point, a middle dot, a comma or 一 where a dash stood (2027.⏎2028:
# the dash at a line's end read as a point, k9-039); the later year within PERIOD_SPAN of the first
_DOTTED_PERIOD = re.compile(r"^(\d{4})(年?)\s*[.·,，、一]\s*(\d{4})(年?)$")
PERIOD_SPAN = 10


_ANGLE_OPENED = re.compile(r"[《〈]([^《〈》〉（()）]{1,12})[）)]")


def fix_period_dash(text: str | None) -> tuple[str | None, list[Fix]]:
    """A scan's reading of a 建设年限 whose dash OCR read as a point (2027.2028 → 2027-2028): no plan
    writes two years so, and a year point year is no date (the month would be 2028)."""
    m = _DOTTED_PERIOD.match(text or "")
    if not m or not 0 < int(m.group(3)) - int(m.group(1)) <= PERIOD_SPAN:
        return text, []
    fixed = f"{m.group(1)}{m.group(2)}-{m.group(3)}{m.group(4)}"
    return fixed, [Fix(text, fixed, "dash_lookalike", 100.0)]


def fix_bracket_marks(text: str | None) -> tuple[str | None, list[Fix]]:
    """A scan's （ read as 《 or 〈 before a few characters its ） closes (组团式帮扶〈医疗）项目, a tesseract
    layer, k26-007): no plan opens a bracket so; the title marks 《》 and 〈〉 close with their own."""
    fixed = _ANGLE_OPENED.sub(r"（\1）", text or "")
    return (fixed, [Fix(text, fixed, "bracket_lookalike", 100.0)]) if text and fixed != text else (text, [])


@lru_cache(maxsize=None)
def _misread_endings() -> dict[str, str]:
    """Each name ending (项目, 工程) with one character read as its look-alike (项自, 项日) → the ending."""
    ends = name_endings()
    return {v: e for e in ends for i, ch in enumerate(e) for c in sorted(confusables().get(ch, ()))
            if (v := e[:i] + c + e[i + 1:]) not in ends}


def fix_name_ending(text: str | None) -> tuple[str | None, list[Fix]]:
    """A scan's reading ending in a project name's ending with a look-alike in it (建设项自: 目 under a
    seal read 自, k26-015; 项日): no value ends so."""
    if not text or text.endswith(name_endings()):
        return text, []
    misread = next(((v, e) for v, e in _misread_endings().items() if text.endswith(v)), None)
    if misread is None:
        return text, []
    fixed = text[:-len(misread[0])] + misread[1]
    return fixed, [Fix(text, fixed, "name_ending", 90.0)]


def fix_year_digit(title: str | None, year: int | None) -> tuple[str | None, list[Fix]]:
    """A title whose year OCR read with one digit more (20256年 for 2026年, k11-035) where the plan's
    year (extractors.metadata, from the plan's other text) is that run one digit less."""
    for m in re.finditer(r"\d{5}(?=\s*年)", title or ""):
        run = m.group()
        if year and any(run[:i] + run[i + 1:] == str(year) for i in range(len(run))):
            fixed = title[:m.start()] + str(year) + title[m.end():]
            return fixed, [Fix(title, fixed, "year_digit", 90.0)]
    return title, []


def lookalike(a: str, b: str) -> bool:
    """Two characters an OCR engine mistakes for each other (一 and a dash included)."""
    if a in DASHES and b in DASHES:
        return True
    if {a, b} & {"一"} and (a in DASHES or b in DASHES):
        return True
    return b in confusables().get(a, ())


@lru_cache(maxsize=None)
def known_terms() -> frozenset[str]:
    """Every gazetteer word: places, offices, parties, programs, categories, vocabulary terms."""
    words = {r["name"] for r in _rows("places.csv")}
    words |= {r["full"] for r in _rows("offices.csv")} | {r["short"] for r in _rows("offices.csv")}
    words |= {r["alias"] for r in _rows("parties.csv")} | {r["name"] for r in _rows("parties.csv")}
    words |= {r["alias"] for r in _rows("programs.csv")}
    words |= {r["printed"] for r in _rows("categories.csv")}
    words |= {r["term"] for r in _rows("terms.csv")}
    return frozenset(w for w in words if len(w) >= 2)


@lru_cache(maxsize=None)
def _variants() -> dict[str, frozenset[str]]:
    """Misreading → the terms it could stand for: each term with one character swapped for a look-alike."""
    terms = known_terms()
    index: dict[str, set[str]] = {}
    for t in terms:
        for i, ch in enumerate(t):
            for alt in confusables().get(ch, ()):
                v = t[:i] + alt + t[i + 1:]
                if v not in terms:
                    index.setdefault(v, set()).add(t)
    return {v: frozenset(ts) for v, ts in index.items()}


@lru_cache(maxsize=None)
def _longest_first() -> tuple[str, ...]:
    """The misreadings of _variants, longest first (the order fix_lookalikes tries them in)."""
    return tuple(sorted(_variants(), key=len, reverse=True))


@lru_cache(maxsize=None)
def _any_variant() -> re.Pattern:
    """Matches where any misreading of _variants stands (one search tells a text holds none)."""
    return re.compile("|".join(map(re.escape, _longest_first()))) if _variants() else re.compile(r"(?!)")


def lookalike_score(a: str, b: str) -> float:
    """0..100 similarity where swapping look-alike characters is cheap."""
    if not a and not b:
        return 100.0
    cost = 0.0
    for op in Levenshtein.editops(a, b):
        if op.tag == "replace" and lookalike(a[op.src_pos], b[op.dest_pos]):
            cost += LOOKALIKE_COST
        else:
            cost += 1.0
    return 100.0 * max(0.0, 1.0 - cost / max(len(a), len(b)))


def _inside_known(text: str, start: int, end: int) -> bool:
    """The span is part of a longer gazetteer word written correctly (柯城区: leave 柯城 alone)."""
    for t in known_terms():
        if len(t) > end - start:
            i = text.find(t, max(0, start - len(t)), end + len(t))
            if i != -1 and i <= start and i + len(t) >= end:
                return True
    return False


def fix_lookalikes(text: str | None, min_score: float) -> tuple[str | None, list[Fix], bool]:
    """(text with misread gazetteer words corrected, the fixes, whether anything was ambiguous)."""
    if not text:
        return text, [], False
    fixes: list[Fix] = []
    ambiguous = False
    for variant in _longest_first() if _any_variant().search(text) else ():
        start = text.find(variant)
        while start != -1:
            end = start + len(variant)
            targets = _variants()[variant]
            if _inside_known(text, start, end):
                pass
            elif len(targets) > 1:
                ambiguous = True
            else:
                term = next(iter(targets))
                score = lookalike_score(variant, term)
                if score >= min_score:
                    text = text[:start] + term + text[end:]
                    fixes.append(Fix(variant, term, "confusion", round(score, 1)))
            start = text.find(variant, start + 1)
    text, more, amb = fix_misreads(text, min_score)
    return text, fixes + more, ambiguous or amb


@lru_cache(maxsize=None)
def _masked() -> dict[str, frozenset[str]]:
    """Long gazetteer terms with one inner character masked → the terms: an OCR engine reads a
    rare character as many others (彝 as 琶, 芭, 琴, 芋 …), more than a list of pairs holds.
    The first and last characters, each as printed or as its look-alike, anchor the match
    (马边彝族自治县 is another county)."""
    index: dict[str, set[str]] = {}
    for t in known_terms():
        if len(t) >= MIN_MASKED_TERM:
            for i in range(1, len(t) - 1):
                for a in {t[0]} | confusables().get(t[0], frozenset()):   # an anchor read as its look-alike
                    for z in {t[-1]} | confusables().get(t[-1], frozenset()):   # (哦边舞族自治县, 峨边琶族自治具)
                        index.setdefault(a + t[1:i] + MASK + t[i + 1:-1] + z, set()).add(t)
    return {k: frozenset(v) for k, v in index.items()}


@lru_cache(maxsize=None)
def _anchors() -> dict[int, frozenset[tuple[str, str]]]:
    """Length of a masked term → its (first, last) characters: a window without such a pair
    matches no masked term (the mask is never on the ends), so fix_misreads skips it."""
    out: dict[int, set[tuple[str, str]]] = {}
    for k in _masked():
        out.setdefault(len(k), set()).add((k[0], k[-1]))
    return {n: frozenset(v) for n, v in out.items()}


@lru_cache(maxsize=None)
def _firsts() -> dict[int, frozenset[str]]:
    """Length of a masked term → the characters such terms start with."""
    return {n: frozenset(a for a, _ in pairs) for n, pairs in _anchors().items()}


@lru_cache(maxsize=None)
def _first_chars() -> frozenset[str]:
    """Every character a masked term starts with."""
    return frozenset(ch for chars in _firsts().values() for ch in chars)


def fix_misreads(text: str, min_score: float) -> tuple[str, list[Fix], bool]:
    """(text with long gazetteer terms restored where one inner hanzi was misread, the fixes,
    whether a span could stand for two terms). Rule `gazetteer`; the score is lookalike_score,
    so a term must be long enough for one wrong character to stay above `min_score`."""
    fixes: list[Fix] = []
    ambiguous = False
    terms, masked, anchors, firsts, first_chars = known_terms(), _masked(), _anchors(), _firsts(), _first_chars()
    if len(text) < MIN_MASKED_TERM or first_chars.isdisjoint(text):
        return text, fixes, ambiguous    # no window could start a masked term
    listed, starts = None, []
    for n in sorted(anchors, reverse=True):
        if text is not listed:           # where any masked term could start (again after a fix)
            listed, starts = text, [i for i, ch in enumerate(text) if ch in first_chars]
        after = 0                        # windows start here or later (none inside a fixed term)
        for i in [i for i in starts if i <= len(text) - n and text[i] in firsts[n]]:
            window = text[i:i + n]       # text from `after` on is as when the starts were listed
            if i < after or (window[0], window[-1]) not in anchors[n]:   # no masked term starts and ends so
                continue
            cands = set() if window in terms else _masked_terms(window, masked)
            if len(cands) > 1:
                ambiguous = True
            elif cands and not _inside_known(text, i, i + n):
                term = cands.pop()
                score = lookalike_score(window, term)
                if score >= min_score:
                    text = text[:i] + term + text[i + n:]
                    fixes.append(Fix(window, term, "gazetteer", round(score, 1)))
                    after = i + n
    return text, fixes, ambiguous


@lru_cache(maxsize=None)
def _own_counties() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the plans' own counties: recipients, the gazetteer's other counties), by their full names."""
    own = {r["name"] for r in _rows("parties.csv") if r["role"] == "recipient"} & set(counties())
    return tuple(sorted(own)), tuple(sorted(set(counties()) - own))


def fix_own_county(text: str | None) -> tuple[str | None, list[Fix]]:
    """(text with the plans' own county restored where a scan misread, lost or added up to
    OWN_COUNTY_SLIPS characters of it, its level 自治县 read as printed, the fixes). A tesseract layer
    reads 峨 and 彝 as many others (场边萝族自治县, 贱边薄族自治县, 战边芭族自治县: k8-024, k8-000, k8-011),
    彝族 as two others or one (峨边琶放自治县, 峨边轰自治县) and marks into it (峨边莱族上自治县), more than
    look-alike pairs hold. Never where a county stands as printed, nor a window nearer another county
    (马边彝族自治县 and its misreadings; as near, the plan's own is meant), nor a gazetteer word. Rule
    `own_county`."""
    own, others = _own_counties()
    if not text or not own:
        return text, []
    fixes: list[Fix] = []
    for county in own:
        level = county[-LEVEL_CHARS:]
        start = text.find(level)
        while start != -1:
            end = start + len(level)
            windows = [text[end - n:end] for n in (len(county), len(county) - 1, len(county) + 1) if end - n >= 0]
            windows = [w for w in windows if all("\u4e00" <= ch <= "\u9fff" for ch in w)]
            if windows and not any(w in own or w in others for w in windows):
                window = min(windows, key=lambda w: Levenshtein.distance(w, county))     # length n first on a tie
                slips = Levenshtein.distance(window, county)
                if 0 < slips <= OWN_COUNTY_SLIPS and window not in known_terms() and \
                        all(Levenshtein.distance(w, c) >= slips for c in others for w in windows):
                    text = text[:end - len(window)] + county + text[end:]
                    fixes.append(Fix(window, county, "own_county", round(lookalike_score(window, county), 1)))
                    end = end - len(window) + len(county)
            start = text.find(level, end)
        text, cut = _own_county_cut(text, county, others)
        fixes += cut
    return text, fixes


def _own_county_cut(text: str, county: str, others: tuple[str, ...]) -> tuple[str, list[Fix]]:
    """The own county closing the value with its last character lost (峨边彝族自治 | 县 wrapped onto a line
    the scan lost, k25-010, k25-014; 峨边琶族自治, k25-011) or misread (峨边萝族自治呈, k25-035), slips
    counted with it: restored. Another level read as printed (自治州, 自治区) stays."""
    level = county[-LEVEL_CHARS:-1]                                  # 自治
    n = len(county) - 1 if text.endswith(level) else \
        len(county) if text[:-1].endswith(level) and text[-1:] not in OTHER_LEVELS else 0
    window = text[-n:] if n else ""
    if not n or len(text) < n or window == county or not all("\u4e00" <= ch <= "\u9fff" for ch in window):
        return text, []
    slips = Levenshtein.distance(window, county)
    if slips > OWN_COUNTY_SLIPS or any(Levenshtein.distance(window, c) <= slips for c in others):
        return text, []
    return text[:-n] + county, [Fix(window, county, "own_county", round(lookalike_score(window, county), 1))]


def _masked_terms(window: str, masked: dict[str, frozenset[str]]) -> set[str]:
    """The long terms the window reads with one inner hanzi misread as anything; failing that, with one
    more inner character read as its look-alike (峨边莱族目治县: 莱 and 目 for 彝 and 自, k5-038). The
    score fix_misreads asks decides whether the second misreading is allowed."""
    def masked_in(w: str) -> set[str]:
        return {t for j in range(1, len(w) - 1) if "\u4e00" <= w[j] <= "\u9fff"
                for t in masked.get(w[:j] + MASK + w[j + 1:], ())}
    found = masked_in(window)
    if found:
        return found
    for k in range(1, len(window) - 1):
        for alt in confusables().get(window[k], ()):
            found |= masked_in(window[:k] + alt + window[k + 1:])
    return found


@lru_cache(maxsize=None)
def _shortened() -> dict[str, frozenset[str]]:
    """Long gazetteer terms with one inner character left out → the terms (a blurred or seal-covered
    glyph OCR read as nothing). Not a level's suffix, and never a form that is itself a term."""
    terms = known_terms()
    index: dict[str, set[str]] = {}
    for t in terms:
        if len(t) >= MIN_DROPPED_TERM:
            for i in range(1, len(t) - 1):
                short = t[:i] + t[i + 1:]
                if t[i] not in LEVEL_SUFFIXES and short not in terms:
                    index.setdefault(short, set()).add(t)
    return {k: frozenset(v) for k, v in index.items()}


@lru_cache(maxsize=None)
def _any_shortened() -> re.Pattern:
    """Matches where any form of _shortened stands, longest first."""
    forms = sorted(_shortened(), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, forms))) if forms else re.compile(r"(?!)")


CUT_START_SCORE = 90.0      # the corrections row's score of a place restored at a value's start


@lru_cache(maxsize=None)
def _cut_starts() -> dict[str, frozenset[str]]:
    """Towns and townships (新林镇, 金岩乡) without their first character → the places."""
    index: dict[str, set[str]] = {}
    for stem, place in township_stems().items():
        index.setdefault(place[1:], set()).add(place)
    return {k: frozenset(v) for k, v in index.items() if k not in known_terms()}


def fix_cut_start(text: str | None) -> tuple[str | None, list[Fix], bool]:
    """(text whose opening town or township lost its first character restored, the fix, whether the
    opening could be two places). A value opening with a place as printed is left alone."""
    if not text or any(text.startswith(t) for t in known_terms() if len(t) >= 2):
        return text, [], False
    for cut, places in sorted(_cut_starts().items(), key=lambda kv: -len(kv[0])):
        if text.startswith(cut) and text[len(cut):len(cut) + 1] != "村":     # 和乡村振兴: 乡村, not 共和乡
            if len(places) > 1:
                return text, [], True
            place = next(iter(places))
            return place + text[len(cut):], [Fix(cut, place, "gazetteer", CUT_START_SCORE)], False
    return text, [], False


def fix_dropped(text: str | None, min_score: float) -> tuple[str | None, list[Fix], bool]:
    """(text with long gazetteer terms restored where OCR lost one inner character, the fixes, whether
    a span could stand for two terms). For a scan's readings: a born-digital plan's text is as written."""
    if not text or len(text) < MIN_DROPPED_TERM - 1:
        return text, [], False
    fixes: list[Fix] = []
    ambiguous = False
    out, last = [], 0
    for m in _any_shortened().finditer(text):
        targets = _shortened()[m.group()]
        if len(targets) > 1:
            ambiguous = True
            continue
        term = next(iter(targets))
        score = lookalike_score(m.group(), term)
        if _inside_known(text, m.start(), m.end()) or score < min_score:
            continue
        out += [text[last:m.start()], term]
        last = m.end()
        fixes.append(Fix(m.group(), term, "gazetteer", round(score, 1)))
    return ("".join(out) + text[last:] if fixes else text), fixes, ambiguous
