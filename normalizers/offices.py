"""A scanned office name several OCR misreads away from one gazetteer office (峨边舞族自治只文化广播电规体育和旅游
→ 峨边彝族自治县文化广播电视体育和旅游局): what the one-character repairs of normalizers/lookalikes.py
cannot reach on a harsh scan. Only long names (a short one is as near to another office as to its
own), only within a share of edits, and only where no second office is nearly as near; the
restored value is also flagged for review, since several characters were put back. Rule
`office_gazetteer`. Pure functions."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from normalizers.vocab import _rows, counties, known_offices

OFFICE_FIELDS = ("responsible_unit", "implementing_entity", "ownership")     # the fields that name an office or owner


@dataclass(frozen=True)
class Restored:
    office: str
    edits: int
    score: float              # 100 × (1 - edits / the office's length)


def _known(value: str) -> bool:
    """A gazetteer name or short form, with its county written in full or as 县 (峨边彝族自治县人力资源社会保障局,
    a variant the 2026 plan prints, is no misreading to restore)."""
    return value in known_offices() or any(value.startswith(c) and "县" + value[len(c):] in known_offices()
                                           for c in counties())


@lru_cache(maxsize=None)
def office_forms() -> tuple[tuple[str, str, int], ...]:
    """(written form, office, where its body starts): each gazetteer office as 县… and with the county's
    full name (峨边彝族自治县…), the forms a plan prints; the body is the name after the county."""
    out = []
    for r in _rows("offices.csv"):
        body = r["full"].removeprefix("县")
        out += [(r["full"], r["full"], len(r["full"]) - len(body))] + [(c + body, r["full"], len(c)) for c in counties()]
    return tuple(dict.fromkeys(out))


def restore_office(value: str, min_chars: int, max_edit_share: float, margin: int) -> Restored | None:
    """The gazetteer office form the value is a misreading of: its body (the name after the county)
    at least `min_chars` long with at most `max_edit_share` of it edited, as of the whole form, and
    every other office at least `margin` edits further; None for a known name or short form, or none
    such. The body is what tells offices apart: 峨边彝族自治县人民医院 is no misreading of …中医医院."""
    if not value or _known(value):
        return None
    scored = sorted((Levenshtein.distance(value, form), form, office, start) for form, office, start in office_forms())
    edits, form, office, start = scored[0]
    runner_up = next((d for d, _, o, _ in scored[1:] if o != office), None)
    body = len(form) - start
    in_body = sum(1 for op in Levenshtein.editops(value, form) if op.dest_pos >= start)
    if body < min_chars or edits == 0 or edits > max_edit_share * len(form) or in_body > max_edit_share * body or \
            runner_up is not None and runner_up - edits < margin:
        return None
    return Restored(form, edits, round(100 * (1 - edits / len(form)), 1))
