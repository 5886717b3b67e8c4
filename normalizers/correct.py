"""OCR repair of one text value by the other readings of the same fact (votes), and the clean-ups
of a scanned cell (a misread header label, a neighbour's amounts, a stray letter).

- `vote`: readings of one field (table readings first, the narrative last) → the reading
  most others agree with (equal, or one abbreviating the other); a tie goes to the reading
  nearest the narrative, else nothing changes and it is `ambiguous`.
- `repair_chars`: inside the chosen reading, a character the other readings show as its
  look-alike is replaced when more of them agree (园区一提升 → 园区-提升 when the other
  reading has the dash).
Look-alikes against the gazetteers are normalizers/lookalikes.py. Pure functions; every change
they make is returned so the caller can log it.
"""
from __future__ import annotations

import re
from collections import Counter

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from normalizers.lookalikes import DASHES, Fix, lookalike
from normalizers.text import compact
from normalizers.vocab import abbreviates, confusables, field_labels, label_text

REPAIR_MIN_SIMILARITY = 70.0  # a reading this similar to the chosen one votes on its characters
_DASH_RUN = re.compile(f"[{DASHES}]+")
_QUOTE_MARK = re.compile(r"[“”\"'‘’]")


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


_MONEY = re.compile(r"\s*(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d{2}|\d{5,})(?![\d.,])\s*")


def without_amounts(text: str) -> str:
    """A name (office, owner, person) with the money figures in it taken out (788800.00 270000.00
    县农业农村局, 县住房和城乡建设130000.00局): figures of the amount column beside it, read into its cell
    where the rule between them was lost; no such name holds a figure with cents or thousands commas, nor
    one of five digits (a table in 元 printed whole: 峨边作族自治250000县…, k26-038)."""
    return _MONEY.sub("", text).strip()


_STRAY_LETTER = re.compile(r"(?<=[\u4e00-\u9fff])[A-Za-z]$|^[A-Za-z](?=[\u4e00-\u9fff])")


def without_stray_letter(text: str) -> str:
    """A scanned name (office, owner, person) or place without a lone Latin letter at either end beside a
    hanzi (勒乌乡人民政府f, f渡镇: a rule's or seal's stroke, or a blurred 五, OCR read as a letter); no such
    name begins or ends so."""
    return _STRAY_LETTER.sub("", text)
