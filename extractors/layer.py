"""A text layer left by an OCR engine over a scanned page, made readable like printed text.

Searchable PDFs made by OCRmyPDF (tesseract, `-l chi_sim`) hold one PDF word per tesseract
word: the words of a CJK line stand apart (`峨 边 彝 族 自治 县`), the characters of a word
are spread over its box, however tight, and half-width punctuation sits between hanzi. A
space between two CJK characters is not text: here each run of characters that stand
closer than `layer_run_gap` line heights is laid out again, in the engine's reading order
(boxes of neighbouring words overlap), at one even pitch (a hanzi one em, a digit or Latin
letter `HALF_WIDTH` em), ASCII punctuation beside a hanzi becomes its full-width form,
as printed Chinese sets it, and the bars tesseract reads for a table's rules are left out.
Lines, their order and their extent stay where the engine put them.

Pure functions on pdfplumber-style character dicts.
"""
from __future__ import annotations

import math

from extractors.quality import VERTICAL_MARKS, layer_runs

HALF_WIDTH = 0.55          # em taken by a digit, Latin letter or half-width mark beside hanzi
FULL_WIDTH = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "?": "？", "!": "！"}


def wide(ch: str) -> bool:
    """A character set one em wide in Chinese print (hanzi, kana, full-width forms and marks)."""
    return ord(ch) >= 0x2E80 or ch in "“”‘’—…"


def normalise_layer(chars: list[dict], run_gap: float, line_tol: float,
                    keep: list[tuple[float, float, float, float]] = ()) -> list[dict]:
    """The layer's characters, each line's runs re-spaced at an even pitch and punctuation
    beside hanzi made full-width, the bars tesseract reads for rules left out (县文化广播电视体育和|旅游局,
    朱小|龙, k5-010). Characters keep their line (top, bottom, baseline); those inside the `keep`
    boxes (ruled tables: a run must not cross a cell's rule) keep their place."""
    chars = [c for c in chars if c["text"] not in VERTICAL_MARKS]
    order = {id(c): i for i, c in enumerate(chars)}

    def kept(c: dict) -> bool:
        cx, cy = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
        return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in keep)
    out: list[dict] = []
    for run, _ in layer_runs([c for c in chars if not kept(c)], run_gap, line_tol):
        out += _even(sorted(run, key=lambda c: order[id(c)]))
    return _full_width(out) + _full_width([c for c in chars if kept(c)])


def _even(run: list[dict]) -> list[dict]:
    """A run of characters laid out left to right at one pitch over the run's extent."""
    if len(run) < 2:
        return [dict(c) for c in run]
    x0, x1 = run[0]["x0"], max(c["x1"] for c in run)
    weights = [1.0 if wide(c["text"]) else HALF_WIDTH for c in run]
    pitch = (x1 - x0) / sum(weights)
    out, x = [], x0
    for c, w in zip(run, weights):
        out.append({**c, "x0": x, "x1": x + w * pitch})
        x += w * pitch
    return out


def _full_width(chars: list[dict]) -> list[dict]:
    """ASCII , : ; ( ) ? ! with a hanzi on either side → the full-width mark (same box)."""
    out = [dict(c) for c in chars]
    for i, c in enumerate(out):
        if c["text"] not in FULL_WIDTH:
            continue
        before = out[i - 1]["text"] if i > 0 and _same_line(out[i - 1], c) else ""
        after = out[i + 1]["text"] if i + 1 < len(out) and _same_line(c, out[i + 1]) else ""
        if any(s and wide(s) and s.isalpha() for s in (before, after)):
            c["text"] = FULL_WIDTH[c["text"]]
    return out


def _same_line(a: dict, b: dict) -> bool:
    """b follows a on the same line."""
    return math.isclose(a["top"], b["top"], abs_tol=0.5) and a["x0"] <= b["x0"]


def turn_chars(chars: list[dict], angle: float, width: float, height: float) -> list[dict]:
    """Characters moved as `raster.deskew(img, angle)` moves the image under them: each
    turned by -angle degrees about the page centre (boxes keep their size)."""
    t = math.radians(angle)
    cos, sin, cx, cy = math.cos(t), math.sin(t), width / 2, height / 2
    out = []
    for c in chars:
        x, y = (c["x0"] + c["x1"]) / 2 - cx, (c["top"] + c["bottom"]) / 2 - cy
        dx, dy = cx + x * cos - y * sin - (x + cx), cy + x * sin + y * cos - (y + cy)
        moved = {**c, "x0": c["x0"] + dx, "x1": c["x1"] + dx, "top": c["top"] + dy, "bottom": c["bottom"] + dy}
        moved.pop("slope", None)             # its run now lies level
        if "baseline" in c:
            moved["baseline"] = c["baseline"] + dy
        out.append(moved)
    return out


def line_sharpness(chars: list[dict]) -> float:
    """How tightly the characters' middles gather into lines: the sum of squared counts per
    point of height. A layer laid along its tilted scan gathers once turned with the image;
    one an engine wrote straight over it gathers as it is."""
    counts: dict[int, int] = {}
    for c in chars:
        k = int((c["top"] + c["bottom"]) / 2)
        counts[k] = counts.get(k, 0) + 1
    return float(sum(n * n for n in counts.values()))
