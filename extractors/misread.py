"""Header labels a scan garbled past matching (产权掘 for 产权归属: 归属 read as one glyph): a column
no label names takes the field its header text comes closest to, or whose labels alone open as it
does (产权リ坛), when no other column has it."""
from __future__ import annotations

from normalizers.vocab import match_label, names_column, opening_field
from schemas.settings import Settings


def misread_labels(heads: dict[int, list[str]], columns: dict[int, str], settings: Settings) -> dict[int, str]:
    """column → field for the columns of `heads` (column → its own header texts: all its header
    lines, then each line alone, as a group label's pieces may stand over it: 投 | 市中区帮扶资, k5-012)
    not in `columns`: header text naming no column (settings.header_match_min) but scoring at least
    settings.header_guess_min against one field's label, or opening as only that field's labels do (then
    scored at the floor), a field no column holds; each field once, to the closest text. The caller flags
    their values (the label is a guess)."""
    scored = []
    for c, texts in heads.items():
        if c in columns or not texts or not texts[0].strip() or names_column(texts[0], settings.header_match_min):
            continue
        field, score = max((match_label(t) for t in texts if t.strip()), key=lambda fs: fs[1])
        if score < settings.header_guess_min and (opened := opening_field(texts[0])):
            field, score = opened, settings.header_guess_min
        if field and score >= settings.header_guess_min and field not in columns.values():
            scored.append((score, c, field))
    out: dict[int, str] = {}
    for _, c, field in sorted(scored, reverse=True):
        if field not in out.values():
            out[c] = field
    return out
