"""normalizers.text.nfkc gives unicodedata's NFKC: every character it translates alone normalises alone
to what the table says, into characters that are no combining mark and are the second half of no
composition (so no two of them compose), and text mixing them with anything else goes to unicodedata."""
from __future__ import annotations

import random
import unicodedata

from normalizers.text import _IDEOGRAPHS, _NFKC_ONE, _NOT_ONE_BY_ONE, nfkc


def one_by_one() -> list[str]:
    """The characters nfkc translates alone."""
    return [chr(cp) for cp in range(0x10000) if not _NOT_ONE_BY_ONE.search(chr(cp))]


def second_halves() -> set[str]:
    """Every character that is the second of a canonical composition's two (Hangul's jamo too)."""
    out = {chr(cp) for cp in (*range(0x1161, 0x1176), *range(0x11A8, 0x11C3))}
    for cp in range(0x110000):
        d = unicodedata.decomposition(chr(cp))
        if d and not d.startswith("<") and len(d.split()) == 2:
            out.add(chr(int(d.split()[1], 16)))
    return out


def test_each_character_normalises_alone_into_characters_that_compose_with_nothing():
    chars, seconds = one_by_one(), second_halves()
    assert len(chars) > 20000 and all(not _NOT_ONE_BY_ONE.search(chr(cp)) for lo, hi in _IDEOGRAPHS
                                      for cp in range(lo, hi + 1))
    for c in chars:
        k = _NFKC_ONE.get(ord(c), c)
        assert unicodedata.normalize("NFKC", c) == k == unicodedata.normalize("NFKD", c), c
        assert all(unicodedata.combining(x) == 0 and x not in seconds for x in k), c


def test_nfkc_is_unicodedatas_on_mixed_text():
    rnd = random.Random(11)
    plain = one_by_one()
    odd = ["\u0301", "\u3099", "ﾞ", "ｶ", "가", "\u1161", "é", "ﬁ", "①", "㈠", "Ａ", "\u00a0", "　", "²"]
    for _ in range(3000):
        text = "".join(rnd.choice(plain) if rnd.random() < 0.9 else rnd.choice(odd) for _ in range(rnd.randint(0, 12)))
        assert nfkc(text) == unicodedata.normalize("NFKC", text), repr(text)
