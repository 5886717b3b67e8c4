"""OCR repair of one text value: look-alike characters against the gazetteers, and votes
between the readings of the same fact.

- `fix_lookalikes`: a word one look-alike character (形近字) away from a gazetteer term, and
  not itself a known term, becomes that term (峡边 → 峨边; 柯城 stays: 柯城区 is a real
  place). The score is a rapidfuzz edit distance in which a look-alike substitution costs
  a tenth of an ordinary one. Two terms equally near: nothing changes, `ambiguous`.
- `fix_misreads`: a long gazetteer term with one inner hanzi read as any other character
  (峨边琶族自治县 → 峨边彝族自治县), rule `gazetteer`: what a list of look-alike pairs misses.
- `fix_dropped`: in a scan's reading, a long gazetteer term with one inner character lost
  (峨边族自治县 → 峨边彝族自治县), rule `gazetteer`; never a level's suffix (浙江绍兴市 is written so).
- `fix_variants`: a traditional character in an OCR reading (黃) in its simplified form (黄).
- `vote`: readings of one field (table readings first, the narrative last) → the reading
  most others agree with (equal, or one abbreviating the other); a tie goes to the reading
  nearest the narrative, else nothing changes and it is `ambiguous`.
- `repair_chars`: inside the chosen reading, a character the other readings show as its
  look-alike is replaced when more of them agree (园区一提升 → 园区-提升 when the other
  reading has the dash).
Pure functions; every change they make is returned so the caller can log it.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from normalizers.text import compact
from normalizers.vocab import _rows, abbreviates, field_labels, label_text

DASHES = "-‐‑‒–—―－"
LOOKALIKE_COST = 0.1        # a look-alike substitution, against 1 for any other edit
MIN_MASKED_TERM = 6         # a term this long may be matched with one inner character misread as anything
MASK = "\0"
MIN_DROPPED_TERM = 7        # a term this long may be matched with one inner character lost (scans only)
LEVEL_SUFFIXES = "省市县区乡镇村"   # a place path printed without one of these is an abbreviation, not a loss
REPAIR_MIN_SIMILARITY = 70.0  # a reading this similar to the chosen one votes on its characters
_DASH_RUN = re.compile(f"[{DASHES}]+")
_QUOTE_MARK = re.compile(r"[“”\"'‘’]")


@dataclass(frozen=True)
class Fix:
    """One change inside a value."""
    original: str
    corrected: str
    rule: str
    score: float


@lru_cache(maxsize=None)
def confusables() -> dict[str, frozenset[str]]:
    """Character → its look-alikes, both ways (normalizers/data/confusables.csv)."""
    out: dict[str, set[str]] = {}
    for r in _rows("confusables.csv"):
        out.setdefault(r["a"], set()).add(r["b"])
        out.setdefault(r["b"], set()).add(r["a"])
    return {k: frozenset(v) for k, v in out.items()}


@lru_cache(maxsize=None)
def variants() -> dict[str, str]:
    """Traditional character → its simplified form (normalizers/data/variants.csv)."""
    return {r["traditional"]: r["simplified"] for r in _rows("variants.csv")}


def fix_variants(text: str | None) -> tuple[str | None, list[Fix]]:
    """An OCR reading's traditional characters in their simplified form (黃 → 黄): the plans are
    printed in simplified characters, so a traditional one is the engine's, not the document's."""
    if not text or not any(ch in variants() for ch in text):
        return text, []
    fixes = [Fix(ch, variants()[ch], "variant", 100.0) for ch in dict.fromkeys(text) if ch in variants()]
    return "".join(variants().get(ch, ch) for ch in text), fixes


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
            cands = set() if window in terms else {t for j in range(1, n - 1) if "\u4e00" <= window[j] <= "\u9fff"
                                                   for t in masked.get(window[:j] + MASK + window[j + 1:], ())}
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


def key(text: str | None) -> str:
    """Comparison form: no spaces, one dash, straight quotes."""
    t = _DASH_RUN.sub("-", compact(text or ""))
    return _QUOTE_MARK.sub('"', t)


def agrees(a: str, b: str, min_share: float) -> bool:
    """Two readings of one fact agree: equal, or one abbreviates the other (dashes aside)."""
    return _agree(_undashed(a), _undashed(b), min_share)


def _undashed(text: str) -> str:
    return key(text).replace("-", "")


def _agree(x: str, y: str, min_share: float) -> bool:
    """agrees() of two texts already in _undashed form."""
    return x == y or abbreviates(x, y, min_share) or \
        abbreviates(x.replace("一", ""), y.replace("一", ""), min_share)


def vote(readings: list[str | None], narrative: str | None, min_share: float, margin: float
         ) -> tuple[str | None, float, bool]:
    """(chosen reading, share of witnesses behind it, ambiguous) among the table readings.

    The first reading is kept unless another has more support, or the same support and is
    nearer the narrative by at least `margin` (rapidfuzz ratio).
    """
    cands = list(dict.fromkeys(r for r in readings if r))
    if not cands:
        return None, 0.0, False
    witnesses = [r for r in readings if r] + ([narrative] if narrative else [])
    times = Counter(witnesses)                       # each distinct witness compared once
    plain = {w: _undashed(w) for w in times}
    support = {c: sum(k for w, k in times.items() if _agree(plain[c], plain[w], min_share)) for c in cands}
    if len(cands) == 1:
        return cands[0], support[cands[0]] / len(witnesses), False
    primary = cands[0]
    said = key(narrative) if narrative else ""
    near = {c: fuzz.ratio(key(c), said) if narrative else 0.0 for c in cands}
    best = max(cands, key=lambda c: (support[c], near[c]))
    if support[best] > support[primary]:
        return best, support[best] / len(witnesses), False
    rivals = [c for c in cands if c != primary and support[c] == support[primary]]
    if narrative and rivals:
        top = max(rivals, key=lambda c: near[c])
        if near[top] - near[primary] >= margin:
            return top, support[top] / len(witnesses), False
        return primary, support[primary] / len(witnesses), near[primary] - near[top] < margin
    return primary, support[primary] / len(witnesses), bool(rivals)


def repair_chars(base: str, others: list[str], dash_ties: bool = False) -> tuple[str, list[Fix]]:
    """Characters of `base` that the other readings show as a look-alike, by majority.

    With `dash_ties` (text read from a scan), a tie restores a dash: one read as 一, or one
    dropped (a hyphen at the end of a wrapped cell line is the glyph OCR loses most)."""
    if all(not w or w == base for w in others):
        return base, []                  # every reading says the same: no vote goes against a character
    edits = [(w, Levenshtein.opcodes(base, w)) for w in others    # a different sentence is no other reading
             if w and fuzz.ratio(base, w) >= REPAIR_MIN_SIMILARITY]
    if not any(_against(base, w, ops) for w, ops in edits):
        return base, []                  # no look-alike and no dash to vote for: nothing changes
    votes: dict[int, dict[str, int]] = {}
    inserts: dict[int, int] = {}
    for w, ops in edits:
        for tag, i1, i2, j1, j2 in ops:
            if tag == "equal":
                for p in range(i1, i2):
                    votes.setdefault(p, {}).setdefault(base[p], 0)
                    votes[p][base[p]] += 1
            elif tag == "replace" and i2 - i1 == j2 - j1:
                for p, q in zip(range(i1, i2), range(j1, j2)):
                    if lookalike(base[p], w[q]):
                        votes.setdefault(p, {}).setdefault(w[q], 0)
                        votes[p][w[q]] += 1
            elif tag == "insert" and _dash_inserted(base, w, i1, j1, j2):
                inserts[i1] = inserts.get(i1, 0) + 1
    out, fixes = list(base), []
    for p, counts in votes.items():
        own = counts.get(base[p], 0) + 1
        alt, n = max(((c, k) for c, k in counts.items() if c != base[p]), key=lambda x: x[1], default=(None, 0))
        if alt is None:
            continue
        if n > own or (dash_ties and n == own and base[p] == "一" and alt in DASHES):
            out[p] = alt
            fixes.append(Fix(base[max(0, p - 2):p + 3], "".join(out[max(0, p - 2):p + 3]),
                             "cross_witness", round(100.0 * n / (n + own), 1)))
    for p in sorted(inserts, reverse=True):
        n = inserts[p]
        kept = sum(1 for w in others if w) - n + 1
        if n > kept or (dash_ties and n == kept and 0 < p < len(base)):
            out.insert(p, "-")
            fixes.append(Fix(base[max(0, p - 2):p + 2], base[max(0, p - 2):p] + "-" + base[p:p + 2],
                             "cross_witness", round(100.0 * n / (n + kept), 1)))
    return "".join(out), fixes


def _dash_inserted(base: str, w: str, i1: int, j1: int, j2: int) -> bool:
    """w holds dashes only where base has none beside the place (a dash base dropped)."""
    return all(c in DASHES for c in w[j1:j2]) and \
        not (base[i1 - 1:i1] in tuple(DASHES) or base[i1:i1 + 1] in tuple(DASHES))


def _against(base: str, w: str, ops) -> bool:
    """Some edit from base to w votes against base: a look-alike in a replacement of equal
    length, or a dash inserted (what repair_chars counts besides agreement)."""
    for tag, i1, i2, j1, j2 in ops:
        if tag == "replace" and i2 - i1 == j2 - j1 and \
                any(lookalike(base[p], w[q]) for p, q in zip(range(i1, i2), range(j1, j2))):
            return True
        if tag == "insert" and _dash_inserted(base, w, i1, j1, j2):
            return True
    return False


def scrambled_label(text: str, min_chars: int) -> str | None:
    """The field a header label names when OCR read its characters out of order or as look-alikes
    (限年设建 for a narrow cell's 建设|年限 read column by column, 建设期隈 for 建设期限): a field label of
    at least `min_chars` characters holding the same characters, each equal or a look-alike
    (normalizers/data/confusables.csv); None when no label or more than one field fits."""
    t = label_text(text)
    if len(t) < min_chars:
        return None
    fields = {f for f, label in field_labels() if len(label) == len(t) and _same_chars(label, t)}
    return fields.pop() if len(fields) == 1 else None


def _same_chars(label: str, text: str) -> bool:
    """Every character of text pairs off with one of label's, equal or a look-alike."""
    left = list(label)
    for ch in sorted(text, key=lambda c: c not in left):     # exact pairs first
        k = next((i for i, c in enumerate(left) if c == ch), None)
        if k is None:
            k = next((i for i, c in enumerate(left) if ch in confusables().get(c, ())), None)
        if k is None:
            return False
        left.pop(k)
    return True


_MONEY = re.compile(r"\s*(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d{2})(?![\d.,])\s*")


def without_amounts(text: str) -> str:
    """A name (office, owner, person) with the money figures in it taken out (788800.00 270000.00
    县农业农村局, 县住房和城乡建设130000.00局): figures of the amount column beside it, read into its cell
    where the rule between them was lost; no such name holds a figure with cents or thousands commas."""
    return _MONEY.sub("", text).strip()


_STRAY_LETTER = re.compile(r"(?<=[\u4e00-\u9fff])[A-Za-z]$|^[A-Za-z](?=[\u4e00-\u9fff])")


def without_stray_letter(text: str) -> str:
    """A scanned name (office, owner, person) without a lone Latin letter at either end beside a hanzi
    (勒乌乡人民政府f: a rule's or seal's stroke OCR read as a letter); no such name begins or ends so."""
    return _STRAY_LETTER.sub("", text)
