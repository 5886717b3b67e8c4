"""Scanned pages read from their images: turned upright, straightened, OCR'd (or their text
layer checked against a fresh OCR of a strip), ruling lines found on the image.

Pages are read in parallel threads (`ocr_workers`), each holding the PDFium lock only to render.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np
import pypdfium2 as pdfium

from extractors.limits import Deadline, page_pixels
from extractors.ocr import ocr_chars
from extractors.pdfpages import PDFIUM_LOCK, PageScan
from extractors.layer import line_sharpness, normalise_layer, turn_chars
from extractors.quality import (bag_agreement, box_imprecision, joined_share, rule_mark_share, tabular_band,
                                tabular_share, title_bands)
from extractors.raster import (BROKEN_REACH_PT, INK, dashed_rules, deskew, ink_blobs, lines_run_vertically,
                               reaching_clear, render_gray, ruling_lines, skew_angle, table_regions, under_seals)
from extractors.seal import lifted, ring_seals
from schemas.settings import Settings

STRIP = (0.40, 0.55)     # band of a scanned page re-read to check its text layer
MIN_SKEW = 0.05          # degrees: a smaller tilt is left as it is
NOTE_SKEW = 0.3          # degrees: a layer over a tilt this large is said to be turned
MIN_PAGE_CHARS = 20      # an OCR reading with fewer characters is weak (an upside-down page reads a few)
MIN_TABLE_ROWS = 3       # lines standing in columns: this many make a table
RULE_REACH = 0.5         # line heights above and below a layer run a vertical rule goes on (quality.RULE_INKED)
STACK_MIN_CHARS = 5      # a line read down this long holds more than a name (2-4 characters): it may run over rows
SQUARE_RATIO = 3.0       # a hanzi box taller than this many widths is a line running down the image
LINE_PITCH = 1.5         # a line's hanzi stand at most this many line heights apart, one from the next
UPSIDE_DOWN_MARGIN = 1.5  # a strip read turned by 180° this much more confidently: the page is upside down
KEEP_MARGIN = 2.0        # a page read down stays as it is only when it reads this much better than turned a quarter


def read_images(data: bytes, scans: list[PageScan], settings: Settings, deadline: Deadline) -> None:
    """Render, deskew, find ruling lines and OCR the pages read from their images, in parallel
    threads; each page is rendered only when a thread takes it up, so at most `ocr_workers`
    page images exist at once. The deadline is checked before every step."""
    todo = [s for s in scans if s.dpi]
    if not todo:
        return
    with PDFIUM_LOCK:
        doc = pdfium.PdfDocument(data)
    try:
        _each(todo, settings, lambda scan: _read_page(doc, scan, settings, deadline))
    finally:
        with PDFIUM_LOCK:
            doc.close()


def _each(todo: list[PageScan], settings: Settings, one) -> None:
    """one(scan) for every page, `ocr_workers` at a time; the first failure cancels what has not started."""
    workers = settings.ocr_workers or os.cpu_count() or 1
    if workers == 1 or len(todo) == 1:
        for s in todo:
            one(s)
        return
    with ThreadPoolExecutor(max_workers=min(workers, len(todo)), thread_name_prefix="ocr") as pool:
        futures = [pool.submit(one, s) for s in todo]
        try:
            for f in futures:
                f.result()
        except BaseException:
            for f in futures:
                f.cancel()
            raise


def _read_page(doc, scan: PageScan, settings: Settings, deadline: Deadline) -> None:
    """One page from its image: its characters (OCR, or its layer if that agrees with a fresh
    OCR of a strip) and, when it has no vector rules, the ruling lines found on the image."""
    step = f"page {scan.number}"
    deadline.check(f"rendering {step}")
    with PDFIUM_LOCK:
        page = doc[scan.number - 1]
        try:
            img = render_gray(page, scan.dpi)
            if _read_finer(img, scan, settings):      # a 1-bit scan: its strokes need more pixels than 200 dpi
                scan.dpi = settings.bilevel_ocr_dpi
                img = render_gray(page, scan.dpi)
            img = lifted(page, img, scan, settings)
        finally:
            page.close()
    dpi = scan.dpi
    img = prepared(img, dpi, settings)
    if scan.needs_ocr:
        img = _ocr_page(img, scan, settings, deadline)
    else:
        img = _layer_page(img, scan, settings, deadline)
    scan.chars = stacked(scan.chars)
    scan.seals = ring_seals(img, dpi, settings)
    scan.blobs = ink_blobs(img, dpi)
    if len(scan.edges) < 4:
        deadline.check(f"finding the ruling lines of {step}")
        scan.edges = ruling_lines(img, dpi)
        if len(scan.edges) >= 4 and not table_regions(scan.edges):
            strict, lined = dashed_rules(img, dpi)
            scan.broken_edges = [reaching_clear(edges, BROKEN_REACH_PT, scan.chars)
                                 for edges in (strict, under_seals(lined, scan.seals))]
    if not scan.needs_ocr and scan.text_source == "text_layer":
        _check_regions(img, scan, settings, deadline)
        scan.chars = normalise_layer(scan.chars, settings.layer_run_gap, settings.line_tolerance,
                                     table_regions(scan.edges))


def _layer_page(img: np.ndarray, scan: PageScan, settings: Settings, deadline: Deadline) -> np.ndarray:
    """A page with a text layer: the layer turned with the image when the scan is tilted (and
    the layer lies along the tilt), and
    kept only if it holds few rule marks and agrees with a fresh OCR of a strip; otherwise the
    page is read again by OCR. Returns the straight image. (A kept layer is normalised by
    extractors.layer once its tables are known.)"""
    step = f"page {scan.number}"
    as_scanned = img
    angle = skew_angle(img, settings.max_skew)
    if abs(angle) >= MIN_SKEW:
        img = deskew(img, angle)
        turned = turn_chars(scan.chars, angle, scan.width, scan.height)
        if line_sharpness(turned) > line_sharpness(scan.chars):     # laid along the tilt, not straight
            scan.chars = turned
            if abs(angle) >= NOTE_SKEW:
                scan.notes.append(f"page {scan.number}: text layer over a scan tilted {angle:+.1f}°; "
                                  f"turned with the image")
    deadline.check(f"checking the text layer of {step}")
    marks = rule_mark_share(scan.chars)
    across = lines_run_vertically(img)
    confirmed = None
    if across:          # a table of narrow columns looks turned: the layer read upright, if a fresh read agrees
        confirmed = strip_agreement(img, scan.chars, scan.dpi, settings, deadline)
        across = confirmed[0] < getattr(settings, confirmed[1]) or _reads_better_turned(img, scan.dpi, settings, deadline)
    rough = box_imprecision(scan.chars, settings.line_tolerance)
    table = rough > settings.max_box_imprecision and \
        tabular_share(scan.chars, settings.layer_run_gap, settings.line_tolerance) > settings.tabular_line_share
    joined = joined_share(scan.chars, _ink_columns(img, scan.dpi), settings.layer_run_gap, settings.line_tolerance) \
        if rough <= settings.max_box_imprecision else 0.0     # a rough layer's runs are laid out again (layer.py)
    agreement, floor = (confirmed or strip_agreement(img, scan.chars, scan.dpi, settings, deadline)) \
        if marks <= settings.max_rule_mark_share and not across and not table \
        and joined <= settings.max_joined_share else (0.0, "min_layer_agreement")
    if across:
        why = "the page image lies a quarter turn off its text layer"
    elif joined > settings.max_joined_share:
        why = (f"text layer runs {joined:.0%} of its characters over blank gaps of the image (boxes that join "
               f"separate cells or words; max_joined_share={settings.max_joined_share:.0%})")
    elif marks > settings.max_rule_mark_share:
        why = (f"text layer has {marks:.0%} rule marks (| for table rules: read across columns; "
               f"max_rule_mark_share={settings.max_rule_mark_share:.0%})")
    elif table:
        why = (f"text layer places {rough:.0%} of its hanzi only roughly (max_box_imprecision="
               f"{settings.max_box_imprecision:.0%}), and the page is mostly a table whose columns need them placed")
    elif agreement < getattr(settings, floor):
        why = (f"text layer shares only {agreement:.0%} of its characters with a fresh OCR of the page "
               f"({floor}={getattr(settings, floor):.0%})")
    else:
        return img
    scan.notes.append(f"page {scan.number}: {why}; read again by OCR")
    scan.text_source = "ocr"
    return _ocr_page(as_scanned, scan, settings, deadline,     # turned and straightened once, not twice
                     upright=confirmed is not None and not across)


def _reads_better_turned(img: np.ndarray, dpi: int, settings: Settings, deadline: Deadline) -> bool:
    """A page whose ink looks turned reads KEEP_MARGIN better turned a quarter than as it lies: its layer
    agreed with a fresh upright reading only glyph by glyph (a turned page's characters read one by one
    alike by both engines, k15-012: the plan's title lost, the plan rejected)."""
    tried = _turn_confidences(img, (0, 90, 270), dpi, settings, deadline)
    return max(tried[90], tried[270]) > KEEP_MARGIN * tried[0]


def _ink_columns(img: np.ndarray, dpi: int):
    """ink_cols for quality.joined_share: the share of each image column under a box (points) that
    is ink, and the share inked from RULE_REACH line heights above the box to as far below (a rule
    goes on through; a glyph's stroke stops)."""
    k = dpi / 72.0

    def cols(x0: float, top: float, x1: float, bottom: float) -> tuple[np.ndarray, np.ndarray, float]:
        reach = RULE_REACH * (bottom - top)
        lo, hi = max(0, int(x0 * k)), int(x1 * k) + 1
        ink = (img[max(0, int(top * k)):int(bottom * k) + 1, lo:hi] < INK).mean(axis=0)
        tall = img[max(0, int((top - reach) * k)):int((bottom + reach) * k) + 1, lo:hi] < INK
        return ink, tall.mean(axis=0) if tall.size else np.zeros(ink.shape), k
    return cols


def _ocr_page(img: np.ndarray, scan: PageScan, settings: Settings, deadline: Deadline,
              upright: bool = False) -> np.ndarray:
    """The page's characters read by OCR from its image, turned upright first (a quarter turn
    found from the ink, or from a reading whose lines run down the page when the ink looked
    upright, or from a weak reading that reads KEEP_MARGIN better turned; half a turn
    from a reading with little confidence or when the quarter turn was chosen on the tilted image,
    whose strip reads poorly either way) and straightened. `upright`: the page's text layer, read
    upright, agreed with a fresh reading though the ink looked turned (k10-014): no turn is tried.
    Returns the image as read."""
    if upright:
        return _read_turned(img, 0, scan, settings, deadline)
    turned = _upright(img, scan.dpi, settings, deadline)
    read = _read_turned(img, turned, scan, settings, deadline)
    if turned in (0, 180) and read_down_share(scan.chars) > settings.max_read_down_share:
        share = read_down_share(scan.chars)    # a blurred 1-bit table turned: its ink profile looks upright
        was = turned                           # ... or an upright table of narrow columns read down (k2-016)
        tried = _turn_confidences(img, (was, 90, 270), scan.dpi, settings, deadline)
        quarter = max((90, 270), key=tried.get)
        turned = was if tried[was] >= KEEP_MARGIN * tried[quarter] > 0 else quarter   # the lines' evidence first
        if turned != was:
            scan.notes.append(f"page {scan.number}: {share:.0%} of the characters read lie in lines running down "
                              f"the page (max_read_down_share={settings.max_read_down_share:.0%})")
            read = _read_turned(img, turned, scan, settings, deadline)
    elif turned == 0 and _weak(scan.chars, settings):     # a table turned whose ink and lines looked upright
        tried = _turn_confidences(img, (0, 90, 180, 270), scan.dpi, settings, deadline)    # (k4-016, 150 dpi)
        best = max((90, 180, 270), key=tried.get)
        if tried[best] > KEEP_MARGIN * tried[0]:
            turned = best
            read = _read_turned(img, turned, scan, settings, deadline)
    if turned:
        scan.notes.append(f"page {scan.number}: scanned {'upside down' if turned == 180 else 'a quarter turn off'}; "
                          f"read turned by {turned}°")
    if (turned or _weak(scan.chars, settings)) and _upside_down(read, scan.chars, scan.dpi, settings, deadline):
        read = np.ascontiguousarray(np.rot90(read, 2))
        scan.notes.append(f"page {scan.number}: scanned upside down; read turned by 180°"
                          if not turned else f"page {scan.number}: the quarter turn was the wrong way; read turned by "
                          f"{(turned + 180) % 360}°")
        deadline.check(f"OCR of page {scan.number}")
        scan.chars = ocr_chars(read, scan.dpi, settings, deadline, f"OCR of page {scan.number}")
    return read


def _read_turned(img: np.ndarray, turned: int, scan: PageScan, settings: Settings, deadline: Deadline) -> np.ndarray:
    """scan.chars read by OCR from the image (as scanned) turned by `turned` degrees and
    straightened; a quarter turn swaps the page's width and height. Returns the image as read."""
    step = f"page {scan.number}"
    if turned:
        img = np.ascontiguousarray(np.rot90(img, turned // 90))
        if turned != 180:
            scan.width, scan.height = scan.height, scan.width
    deadline.check(f"OCR of {step}")
    angle = skew_angle(img, settings.max_skew)
    if abs(angle) >= MIN_SKEW:
        img = deskew(img, angle)
    scan.chars = ocr_chars(img, scan.dpi, settings, deadline, f"OCR of {step}")
    return img


def read_down_share(chars: list[dict]) -> float:
    """Share of the characters read in lines running down the image (ocr.runs_down, tagged `down`):
    rapidocr turns such a line box to read it, so a page whose lines mostly run down it lies a
    quarter turn off, whatever its ink profile (a table's columns can hide that)."""
    return sum(1 for c in chars if "down" in c) / len(chars) if chars else 0.0


def stacked(chars: list[dict]) -> list[dict]:
    """OCR'd characters of lines read down an upright page (a narrow cell's text set a character to a
    line) placed as the recogniser read them, one under the next, when their run down the column
    (such lines and the lone characters right above or below them: 陈 | 春燕刘海 | 军, k24-031) is
    longer than one cell's name (STACK_MIN_CHARS): it runs over several rows of a table (吴建国朱晓东马德贵,
    k13-005). Otherwise each line read down stays one box, whose middle its row's cells share (k12-029).
    Each character is given its line's or run's whole width so that they keep the order they were read
    in (the engine's widths put 彬 of 徐文彬 a point left of 徐, and the name read 彬文徐, k17-000). A text
    layer's characters (no `conf`) are left."""
    out: list[dict] = []
    for run in _down_runs(chars):
        lines = [ln for ln in run if "down" in ln[0]]
        if not lines:
            out += [dict(c) for ln in run for c in ln]
        elif sum(map(len, run)) >= STACK_MIN_CHARS:
            x0, x1 = min(c["x0"] for ln in run for c in ln), max(c["x1"] for ln in run for c in ln)
            out += sorted(({**c, "x0": x0, "x1": x1} for ln in run for c in ln), key=lambda c: c["top"])
        else:
            out += [dict(c) for ln in run if "down" not in ln[0] for c in ln]
            for ln in lines:
                x0, x1, top, bottom = (f(c[k] for c in ln) for f, k in ((min, "x0"), (max, "x1"), (min, "top"),
                                                                        (max, "bottom")))
                out += [{**c, "x0": x0, "x1": x1, "top": top, "bottom": bottom} for c in ln]
    return out


def _down_runs(chars: list[dict]) -> list[list[list[dict]]]:
    """The characters as OCR lines (those of a line read down share its `down` tag, those of a line
    across its top and bottom, listed together), in runs: a line read down with the OCR'd lines of one
    character and other lines read down right above or below it in its column, one under the next
    (_under); every other line a run of its own. In the characters' order."""
    pieces: list[list[dict]] = []
    for c in chars:
        last = pieces[-1][-1] if pieces else None
        if last is not None and "conf" in c and "conf" in last and last.get("down") == c.get("down") and \
                ("down" in c or (last["top"], last["bottom"]) == (c["top"], c["bottom"])):
            pieces[-1].append(c)
        else:
            pieces.append([c])
    down = [k for k, p in enumerate(pieces) if "down" in p[0]]
    near = down + [k for k, p in enumerate(pieces) if len(p) == 1 and "down" not in p[0] and "conf" in p[0]]
    first: dict[int, int] = {}                    # piece → the first piece of its run
    for k in down:
        if k in first:
            continue
        run, grown = [k], True
        while grown:
            grown = False
            for j in near:
                if j not in run and j not in first and _under(pieces, run, j):
                    run.append(j)
                    grown = True
        for j in run:
            first[j] = min(run)
    runs: dict[int, list[list[dict]]] = {}
    for k, p in enumerate(pieces):
        runs.setdefault(first.get(k, k), []).append(p)
    return list(runs.values())


def _under(pieces: list[list[dict]], run: list[int], other: int) -> bool:
    """Piece `other` stands right above or below the run's characters (LINE_PITCH of a character's
    height apart at most), in its column (overlapping half the narrower's width)."""
    cs = [c for j in run for c in pieces[j]]
    o = pieces[other]
    top, bottom, x0, x1 = (f(c[k] for c in cs) for f, k in ((min, "top"), (max, "bottom"), (min, "x0"), (max, "x1")))
    o_top, o_bottom, o_x0, o_x1 = (f(c[k] for c in o) for f, k in ((min, "top"), (max, "bottom"), (min, "x0"),
                                                                 (max, "x1")))
    height = max(c["bottom"] - c["top"] for c in cs)
    across = min(x1, o_x1) - max(x0, o_x0) >= 0.5 * min(x1 - x0, o_x1 - o_x0)
    return across and max(o_top - bottom, top - o_bottom) <= (LINE_PITCH - 1.0) * height


def _weak(chars: list[dict], settings: Settings) -> bool:
    """A reading an upright page would not give: few characters, or little confidence in them."""
    conf = [c.get("conf", 0.0) for c in chars]
    return len(conf) < MIN_PAGE_CHARS or sum(conf) / len(conf) < settings.min_page_confidence


def _upside_down(img: np.ndarray, chars: list[dict], dpi: int, settings: Settings, deadline: Deadline) -> bool:
    """True when the page's most inked strip reads with clearly more confidence turned by 180° than
    `chars` (the page's reading of `img`) do within it: the strip upright is not read a second time
    (a page holding a table's last rows only has no text in its middle)."""
    y0, y1 = _inked_strip(img)
    scale = 72.0 / dpi
    upright = [c for c in chars if y0 * scale <= (c["top"] + c["bottom"]) / 2 <= y1 * scale]
    turned = ocr_chars(np.ascontiguousarray(np.rot90(img[y0:y1], 2)), dpi, settings, deadline,
                       "turning a page upright")
    return hanzi_confidence(turned) > UPSIDE_DOWN_MARGIN * hanzi_confidence(upright)


def hanzi_confidence(chars: list[dict]) -> float:
    """Summed confidence of the hanzi read upright, in lines of two or more set about an em apart:
    digits and Latin letters turned a quarter are still read (and confidently), hanzi are not, so
    only they tell which way a page is up. A hanzi is square: one in a box over SQUARE_RATIO times
    taller than wide comes from a line running down the image, which the engine turned to read, so
    it does not count; nor does a hanzi read alone or strewn along a wide box (a turned glyph read
    as some character: an upright table of narrow columns turned a quarter reads so, k2-016)."""
    lines: dict[tuple[float, float], list[dict]] = {}
    for c in chars:                      # ocr_chars gives the characters of one line one top and bottom
        if "\u4e00" <= c["text"] <= "\u9fff":
            lines.setdefault((c["top"], c["bottom"]), []).append(c)
    dense = [ln for (top, bottom), ln in lines.items() if len(ln) > 1
             and max(c["x1"] for c in ln) - min(c["x0"] for c in ln) <= LINE_PITCH * len(ln) * (bottom - top)]
    return sum(c.get("conf", 0.0) for ln in dense for c in ln
               if c["bottom"] - c["top"] <= SQUARE_RATIO * (c["x1"] - c["x0"]))


def bilevel(img: np.ndarray, settings: Settings) -> bool:
    """A 1-bit scan: few mid-grey pixels after rendering (settings.max_grey_share)."""
    sample = img[::7, ::7]
    return np.count_nonzero((sample > 10) & (sample < 245)) <= settings.max_grey_share * sample.size


def _read_finer(img: np.ndarray, scan: PageScan, settings: Settings) -> bool:
    """The page is a 1-bit scan to be read at settings.bilevel_ocr_dpi (within max_page_pixels)."""
    finer = settings.bilevel_ocr_dpi
    return finer > scan.dpi and page_pixels(scan.width, scan.height, finer) <= settings.max_page_pixels \
        and bilevel(img, settings)


def prepared(img: np.ndarray, dpi: int, settings: Settings) -> np.ndarray:
    """A page image made fit for OCR: a 1-bit scan (only black and white after rendering) is
    smoothed, as PP-OCR's models were trained on grey images; rendering at `dpi` has already
    brought a low-resolution scan up to the OCR's working resolution."""
    if not settings.bilevel_smoothing or not bilevel(img, settings):
        return img
    return cv2.GaussianBlur(img, (0, 0), settings.bilevel_smoothing * dpi / 200.0)


def _check_regions(img: np.ndarray, scan: PageScan, settings: Settings, deadline: Deadline) -> None:
    """A kept layer judged region by region: the characters over a ruled region of the image that
    hold rule marks (the layer read that table across its columns), in a layer that places
    its characters only roughly, the band of lines standing in columns (an unruled table, whose
    columns need them placed), and a title in large type that a fresh OCR reads otherwise, are
    replaced by an OCR of that region alone."""
    tables = table_regions(scan.edges)
    for top, bottom in title_bands(scan.chars, settings.line_tolerance, settings.title_type_ratio, tables):
        box = (0.0, top, scan.width, bottom)
        fresh = _fresh(img, scan, box, settings, deadline)
        share = bag_agreement("".join(c["text"] for c in scan.chars if _within(c, *box)),
                              "".join(c["text"] for c in fresh))
        if share < settings.min_layer_agreement:
            _replace(scan, box, fresh)
            scan.notes.append(f"page {scan.number}: the text layer of a title in large type shares only {share:.0%} "
                              f"of its characters with a fresh OCR (min_layer_agreement="
                              f"{settings.min_layer_agreement:.0%}); that title read again by OCR")
    for box in tables:
        share = rule_mark_share([c for c in scan.chars if _within(c, *box)])
        if share > settings.max_rule_mark_share:
            _reread(img, scan, box, settings, deadline)
            scan.notes.append(f"page {scan.number}: the text layer of a table holds {share:.0%} rule marks "
                              f"(read across its columns; max_rule_mark_share="
                              f"{settings.max_rule_mark_share:.0%}); that table read again by OCR")
    rough = box_imprecision(scan.chars, settings.line_tolerance)
    band = tabular_band(scan.chars, settings.layer_run_gap, settings.line_tolerance, MIN_TABLE_ROWS)
    if band and rough > settings.max_box_imprecision:
        _reread(img, scan, (0.0, band[0], scan.width, band[1]), settings, deadline)
        scan.notes.append(f"page {scan.number}: the text layer places {rough:.0%} of its hanzi only roughly "
                          f"(max_box_imprecision={settings.max_box_imprecision:.0%}) and holds a table; "
                          f"that table read again by OCR")


def _reread(img: np.ndarray, scan: PageScan, box: tuple[float, float, float, float], settings: Settings,
            deadline: Deadline) -> None:
    """The layer's characters inside `box` (points) replaced by an OCR of that part of the image."""
    _replace(scan, box, _fresh(img, scan, box, settings, deadline))


def _replace(scan: PageScan, box: tuple[float, float, float, float], fresh: list[dict]) -> None:
    """The layer's characters inside `box` (points) given way to `fresh` ones."""
    scan.chars = [c for c in scan.chars if not _within(c, *box)] + fresh


def _fresh(img: np.ndarray, scan: PageScan, box: tuple[float, float, float, float], settings: Settings,
           deadline: Deadline) -> list[dict]:
    """The characters an OCR of the part of the image inside `box` (points) reads, placed on the page."""
    scale = 72.0 / scan.dpi
    step = f"OCR of a region of page {scan.number}"
    deadline.check(step)
    px = [max(0, int(v / scale)) for v in box]
    crop = np.ascontiguousarray(img[px[1]:px[3] + 1, px[0]:px[2] + 1])
    return stacked([{**c, "x0": c["x0"] + px[0] * scale, "x1": c["x1"] + px[0] * scale,
                     "top": c["top"] + px[1] * scale, "bottom": c["bottom"] + px[1] * scale}
                    for c in ocr_chars(crop, scan.dpi, settings, deadline, step)])


def _within(c: dict, x0: float, top: float, x1: float, bottom: float) -> bool:
    cx, cy = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
    return x0 <= cx <= x1 and top <= cy <= bottom


def _upright(img: np.ndarray, dpi: int, settings: Settings, deadline: Deadline | None = None) -> int:
    """The turn (90, 180 or 270 degrees, counter-clockwise; 0: none) that makes the page's
    text lines run across and upright: when the ink suggests a quarter turn, every turn is tried
    on a strip and the reading with more confident characters wins (a table of narrow columns
    looks turned; upside down, it reads as poorly as turned)."""
    if not lines_run_vertically(img):
        return 0
    return _best_turn(img, (90, 270, 180, 0), dpi, settings, deadline)   # 0 stays in: narrow columns look turned


def _best_turn(img: np.ndarray, turns: tuple[int, ...], dpi: int, settings: Settings,
               deadline: Deadline | None = None) -> int:
    """Of `turns`, the one whose most inked strip across the turned page reads with the most
    confident hanzi (a sparse page, a letter or a table's last rows, has no text in its middle)."""
    tried = _turn_confidences(img, turns, dpi, settings, deadline)
    return max(tried, key=tried.get)


def _turn_confidences(img: np.ndarray, turns: tuple[int, ...], dpi: int, settings: Settings,
                      deadline: Deadline | None = None) -> dict[int, float]:
    """Each turn → hanzi_confidence of the most inked strip across the page so turned."""
    def confidence(turned: np.ndarray) -> float:
        y0, y1 = _inked_strip(turned)
        strip = np.ascontiguousarray(turned[y0:y1])
        return hanzi_confidence(ocr_chars(strip, dpi, settings, deadline, "turning a page upright"))
    return {turn: confidence(np.ascontiguousarray(np.rot90(img, turn // 90)) if turn else img) for turn in turns}


def strip_agreement(img: np.ndarray, chars: list[dict], dpi: int, settings: Settings,
                    deadline: Deadline | None = None) -> tuple[float, str]:
    """(bag_agreement of the layer's characters and a fresh OCR of a band across the page, the
    Settings field naming the share it must reach). The band runs from 40% to 55% of the page's
    height, where body text or the table usually runs; on a page whose layer has less than
    MIN_PAGE_CHARS there, it is the inkiest band as high: a cover page's middle is blank, and two
    empty readings agree whatever the layer says elsewhere (k2-034)."""
    scale = 72.0 / dpi
    y0, y1 = _strip_rows(img)
    inside = [c for c in chars if y0 * scale <= (c["top"] + c["bottom"]) / 2 <= y1 * scale]
    floor = "min_layer_agreement"
    if len(inside) < MIN_PAGE_CHARS:
        y0, y1 = _inked_strip(img)
        inside = [c for c in chars if y0 * scale <= (c["top"] + c["bottom"]) / 2 <= y1 * scale]
        floor = "min_blank_middle_agreement"
    fresh = ocr_chars(np.ascontiguousarray(img[y0:y1]), dpi, settings, deadline, "checking a text layer")
    return bag_agreement("".join(c["text"] for c in inside), "".join(c["text"] for c in fresh)), floor


def _strip_rows(img: np.ndarray) -> tuple[int, int]:
    """First and last row of the STRIP band, each moved to a gap between text lines."""
    h = img.shape[0]
    return _quiet_row(img, int(h * STRIP[0])), _quiet_row(img, int(h * STRIP[1]))


def _inked_strip(img: np.ndarray) -> tuple[int, int]:
    """First and last row of the band as high as STRIP holding the most ink, cut between lines."""
    h = img.shape[0]
    ink = np.concatenate(([0], np.cumsum((img < INK).sum(axis=1))))
    high = max(1, int(h * (STRIP[1] - STRIP[0])))
    y0 = int(np.argmax(ink[high:] - ink[:-high]))
    return _quiet_row(img, y0), _quiet_row(img, min(h - 1, y0 + high))


def _quiet_row(img: np.ndarray, y: int) -> int:
    """The row near y with the least ink, so the strip cuts between text lines, not through them."""
    h = img.shape[0]
    lo, hi = max(0, y - h // 25), min(h, y + h // 25)
    ink = (img[lo:hi] < INK).sum(axis=1)
    return lo + int(np.argmin(ink))
