"""Open a PDF safely and read each page: body lines outside tables, and ruled table grids.

Bad files are refused first (extractors.pdffile); pages are read with pdfium
(extractors.pdfpages), scanned ones from their images (extractors.scanread); here the
pages become body lines and table grids, and a page that repeats an earlier one is dropped
with a warning.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from extractors.errors import CorruptPdfError, ExtractionError, OutOfMemoryError
from extractors.furniture import furniture
from extractors.grid import Grid, group_lines, line_text
from extractors.limits import Deadline
from extractors.ocr import ocr_marks, snap_sizes
from extractors.pdffile import check_pdf
from extractors.pdfpages import PDFIUM_LOCK, PageScan, scan_pages
from extractors.quality import text_quality
from extractors.scanread import read_images
from extractors.tablefind import table_grids
from extractors.unread import mark_unread
from schemas.settings import Settings
from schemas.types import Line, Page


@dataclass
class PdfContent:
    pages: list[Page]
    grids: list[Grid]
    page_count: int
    warnings: list[str] = field(default_factory=list)


def read_pdf(path: Path, data: bytes, settings: Settings, deadline: Deadline | None = None) -> PdfContent:
    """All pages of a checked PDF as body lines and table grids, duplicated pages removed.

    pypdfium2 reads characters and ruling-line segments (fast, in C); a scanned page (an
    image with no usable text layer) is read by OCR, and its ruling lines are found on the
    image. extractors.cells turns the lines into cells.
    Reading stops at `deadline` (default: max_seconds_per_file from now).
    """
    deadline = deadline or Deadline.start(path, settings)
    n = check_pdf(path, data, settings)
    try:
        with PDFIUM_LOCK:
            scans = scan_pages(path, data, n, settings, deadline)
        read_images(data, scans, settings, deadline)
        return _assemble(path, n, scans, settings, deadline)
    except ExtractionError:
        raise
    except MemoryError as exc:
        raise OutOfMemoryError(str(path), "while reading its pages") from exc
    except Exception as exc:  # pdfium raises many types on damaged files
        raise CorruptPdfError(str(path), f"{type(exc).__name__}: {exc}") from exc


def _assemble(path: Path, n: int, scans: list[PageScan], settings: Settings,
              deadline: Deadline) -> PdfContent:
    """The read pages as body lines and grids: furniture left out, a repeated page dropped."""
    pages, grids, warnings, seen = [], [], [], {}
    lines_of = {s.number: group_lines(_inked(s), settings.line_tolerance) for s in scans}
    furnished = furniture(scans, lines_of, settings)
    for scan in scans:
        deadline.check(f"the tables of page {scan.number}")
        warnings += [f"{path}: {note}" for note in scan.notes]
        chars = [c for c in scan.chars if id(c) not in furnished]
        kept = [ln for ln in lines_of[scan.number] if id(ln[0]) not in furnished]     # furniture is whole lines
        earlier = _repeats(scan.number, chars, seen)
        if earlier is not None:
            warnings.append(f"{path}: page {scan.number} repeats page {earlier}; ignored")
            continue
        previous = grids[-1] if grids else None
        page_grids = table_grids((scan.width, scan.height), scan.number, scan.edges, scan.broken_edges, chars, kept,
                                 settings, previous)
        for g in page_grids:
            g.seals = [(s.x0, s.top, s.x1, s.bottom) for s in scan.seals]
        mark_unread(page_grids, scan.blobs, chars, settings)
        grids += page_grids
        lines, dropped = drop_noise(_lines(scan.number, chars, kept, page_grids, settings), settings)
        warnings += [f"{path}: page {scan.number}: dropped a line of noise: {ln.text[:30]!r}" for ln in dropped]
        pages.append(Page(scan.number, scan.width, scan.height, lines, scan.text_source, ocr_marks(chars),
                          scanned=bool(scan.dpi)))
    scanned = {s.number for s in scans if s.dpi}
    _snap(pages, lambda p: p.text_source == "ocr")
    _snap(pages, lambda p: p.text_source == "text_layer" and p.number in scanned)   # an OCR engine's layer
    return PdfContent(pages, grids, n, warnings)


def _inked(scan: PageScan) -> list[dict]:
    """The page's characters that are not blank: all of a page read from its text layer alone
    (pdfpages leaves blank ones out), those left of a page read from its image."""
    return [c for c in scan.chars if c["text"].strip()] if scan.dpi else scan.chars


_FIGURES = b"0123456789-"     # ASCII: no other character's UTF-8 holds these bytes


def _repeats(number: int, chars: list[dict], seen: dict[bytes, list[list]]) -> int | None:
    """The earlier page this one repeats (the same characters at the same places, to the point),
    else None and the page is kept in `seen`. A page's places are written out only when its
    text, figures and dashes aside, is an earlier page's: a page of other text cannot repeat it."""
    if not chars:
        return None
    same = seen.setdefault("".join(map(_TEXT, chars)).encode("utf-8", "surrogatepass").translate(None, _FIGURES), [])
    if same:
        mine = _places(chars)
        for entry in same:
            entry[2] = entry[2] if entry[2] is not None else _places(entry[1])
            if entry[2] == mine:
                return entry[0]
    same.append([number, chars, None])
    return None


def _places(chars: list[dict]) -> str:
    return "".join([f"{c['text']}{c['x0']:.0f}{c['top']:.0f}" for c in chars])


def _snap(pages: list[Page], chosen) -> None:
    """Line sizes of the chosen pages snapped together (ocr.snap_sizes): sizes an OCR engine
    estimated from its boxes vary from line to line where the print has one size."""
    lines = snap_sizes([ln for p in pages if chosen(p) for ln in p.lines])
    for p in pages:
        if chosen(p):
            p.lines, lines = lines[:len(p.lines)], lines[len(p.lines):]


def drop_noise(lines: list[Line], settings: Settings) -> tuple[list[Line], list[Line]]:
    """(kept, dropped): a line with few plausible characters is OCR noise (a garbled letterhead)."""
    noise = [text_quality(ln.text) < settings.noise_line_quality for ln in lines]
    return [ln for ln, bad in zip(lines, noise) if not bad], [ln for ln, bad in zip(lines, noise) if bad]


def _lines(number: int, chars: list[dict], lines: list[list[dict]], grids: list[Grid],
           settings: Settings) -> list[Line]:
    """Body text lines outside every table, top to bottom. `lines`: the page's characters as
    lines (group_lines): a line wholly outside the tables stays as it is, and when no line is
    cut by a table the rest are the body's lines (grouping what is left of whole lines gives
    the same lines); else the characters outside are grouped again."""
    boxes = [g.bbox for g in grids]

    def outside(ch: dict) -> bool:
        cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    if boxes:
        inside = [_inside(ln, boxes, outside) for ln in lines]
        if all(k in (0, len(ln)) for k, ln in zip(inside, lines)):
            lines = [ln for k, ln in zip(inside, lines) if k == 0]
        else:
            lines = group_lines([c for c in chars if c["text"].strip() and outside(c)], settings.line_tolerance)
    return [Line(line_text(g), number, min(map(_X0, g)), min(map(_TOP, g)), max(map(_X1, g)), max(map(_BOTTOM, g)),
                 max(c.get("size", 0) for c in g)) for g in lines]


_X0, _X1, _TOP, _BOTTOM, _TEXT = (itemgetter(k) for k in ("x0", "x1", "top", "bottom", "text"))


def _inside(line: list[dict], boxes: list[tuple], outside) -> int:
    """How many of the line's characters have their centre inside a box: none where the line
    stands clear of every box, all where one box holds it (a centre lies between its character's
    edges), else counted one by one."""
    xs, ys = [*map(_X0, line), *map(_X1, line)], [*map(_TOP, line), *map(_BOTTOM, line)]
    left, right, top, bottom = min(xs), max(xs), min(ys), max(ys)
    if all(right < x0 or left > x1 or bottom < y0 or top > y1 for x0, y0, x1, y1 in boxes):
        return 0
    if any(x0 <= left and right <= x1 and y0 <= top and bottom <= y1 for x0, y0, x1, y1 in boxes):
        return len(line)
    return sum(not outside(c) for c in line)
