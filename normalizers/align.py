"""Narrative items ↔ table rows: which item and which row read the same project, in document order
(a weighted longest common subsequence on name similarity, then by amount or content where names
left them apart)."""
from __future__ import annotations

from rapidfuzz import fuzz

from normalizers.merge import narrative_amounts
from normalizers.numbers import row_amount
from normalizers.pairing import amounts_agree, contents_agree, pair_left_apart
from normalizers.text import compact
from normalizers.vocab import abbreviation, expand_offices
from schemas.settings import Settings
from schemas.types import NarrativeItem, TableRow


def name_similarity(a: tuple[str, str], b: tuple[str, str]) -> float:
    """0..100 between two names as name_forms gives them: fuzz ratio, 95 where one abbreviates the other."""
    (x, ex), (y, ey) = a, b
    if not x or not y:
        return 0.0
    return max(fuzz.ratio(x, y), 95.0 if abbreviation(ex, ey, 0.5) else 0.0)


def name_forms(name: str) -> tuple[str, str]:
    """A name's comparison form, and that with short office names spelled out (made once per name)."""
    return compact(name), expand_offices(compact(name))


def align(items: list[NarrativeItem], rows: list[TableRow], settings: Settings
          ) -> list[tuple[NarrativeItem | None, TableRow | None]]:
    """Pairs in document order, by name, then by amount or content where names left an item and a row
    apart; an unmatched reading stands alone."""
    pairs = align_names([it.name for it in items], [r.text("name") or "" for r in rows], settings.item_match_min)
    amounts = amounts_agree([narrative_amounts(it) for it in items],
                            [(row_amount(r, "aid_funds_wan"), row_amount(r, "total_investment_wan")) for r in rows],
                            settings.amount_tolerance)
    contents = contents_agree([compact(it.body) for it in items], [compact(r.text("content") or "") for r in rows],
                              settings.content_match_min, settings.content_match_chars)
    pairs = pair_left_apart(pairs, lambda i, j: amounts(i, j) or contents(i, j))
    return [(items[i] if i is not None else None, rows[j] if j is not None else None) for i, j in pairs]


def align_names(a: list[str], b: list[str], min_score: float) -> list[tuple[int | None, int | None]]:
    """Index pairs of two name lists in order (a weighted longest common subsequence)."""
    n, m = len(a), len(b)
    fb = [name_forms(y) for y in b]
    sim = [[name_similarity(x, y) for y in fb] for x in map(name_forms, a)]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            take = best[i + 1][j + 1] + sim[i][j] if sim[i][j] >= min_score else -1.0
            best[i][j] = max(take, best[i + 1][j], best[i][j + 1])
    pairs: list[tuple[int | None, int | None]] = []
    i = j = 0
    while i < n and j < m:
        if sim[i][j] >= min_score and best[i][j] == best[i + 1][j + 1] + sim[i][j]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            pairs.append((i, None))
            i += 1
        else:
            pairs.append((None, j))
            j += 1
    return pairs + [(k, None) for k in range(i, n)] + [(None, k) for k in range(j, m)]

