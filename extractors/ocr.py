"""OCR of a page image with rapidocr (PP-OCR models shipped inside the wheel: no download).

Engines are pooled: each OCR borrows an idle one (onnxruntime releases the GIL, so pages OCR
in parallel threads), each pinned to one intra-op thread so `ocr_workers` is the number of
cores used. Output is the
same character dicts the text layer gives (`text x0 x1 top bottom size` in points), plus
the recogniser's confidence.
"""
from __future__ import annotations

import math
import os
import threading
from contextlib import contextmanager
from dataclasses import replace
from types import MethodType

import cv2
import numpy as np

from extractors.limits import Deadline
from extractors.quality import VERTICAL_MARKS
from extractors.raster import INK, VALLEY_SHARE
from extractors.stacks import split_stacked
from schemas.settings import Settings
from schemas.types import Line, OcrMark

_POOL: list[tuple[tuple, object]] = []      # idle engines, one per OCR that ran at the same time
_POOL_LOCK = threading.Lock()
# at most one OCR per core at a time in this process, whatever runs documents in parallel:
# each engine holds a few hundred MB of onnxruntime buffers (docs/NOTES.md, "OCR memory")
_SLOTS = threading.BoundedSemaphore(os.cpu_count() or 1)
_CALL = threading.local()   # the deadline of the OCR this thread is running (checked line by line)
BOX_TO_FONT = 1.3        # a detected line box is about this many times the font size
TRAIN_WIDTH = 320        # px: PP-OCR recognisers train on crops this wide, longer lines squeezed in
SIZE_CLUSTER = 0.15      # OCR'd line sizes within this share of each other are one type size
INK_GAP_SHARE = 0.15     # an empty band this share of a line box high parts its ink from a neighbour's
TALL_RUN = 1.6           # ink this many ems high in one line box holds two lines set close
THIN_RUN = 0.3           # ink under this many ems high in a line box is a rule or a speck, not its text
READ_TWICE = 0.5         # a character whose box covers this share of a same character's of another line is that glyph again


@contextmanager
def engine(settings: Settings):
    """An idle rapidocr engine for these settings, made on first need and reused afterwards
    (making one costs about a second; documents come and go, engines stay). Waits while
    every core is already running an OCR."""
    key = (settings.ocr_det_side, settings.ocr_rec_squeeze)
    _SLOTS.acquire()
    with _POOL_LOCK:
        found = next((e for e in _POOL if e[0] == key), None)
        if found is not None:
            _POOL.remove(found)
    if found is None:
        from rapidocr import RapidOCR
        found = (key, _narrowed(RapidOCR(params={
            "Global.log_level": "error", "Global.use_cls": False,
            "Det.limit_type": "max", "Det.limit_side_len": settings.ocr_det_side,
            "Rec.rec_batch_num": 1,   # batching pads every line to the widest: slower on CPU
            # the recogniser takes any width; the default pads every crop to 320 px, so a
            # two-character table cell cost as much as a line: same text, 40% less time
            "Rec.rec_img_shape": [3, 48, 48],
            "EngineConfig.onnxruntime.enable_cpu_mem_arena": False,   # on: no faster within noise, more memory
            "EngineConfig.onnxruntime.intra_op_num_threads": 1,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1}), settings.ocr_rec_squeeze))
        _interruptible(found[1])
        _stacks_split(found[1])
        found[1].cal_rec_boxes = _WordBoxes()
        _table_normalised(found[1])
    try:
        yield found[1]
    finally:
        with _POOL_LOCK:
            _POOL.append(found)
        _SLOTS.release()


def _narrowed(ocr, squeeze: float):
    """The engine with its recogniser reading crops narrowed to `squeeze` of their width.

    Recognition costs time in proportion to crop width. PP-OCR's recognisers are trained
    on 48x320 crops, longer lines squeezed in, so lines wider than that are narrowed (never
    below 320 px) and shorter ones left as rapidocr makes them: at 0.5 the sample scans
    read the same hanzi and digits (a few dashes become 一) in 35% less time. With one crop
    per batch the crop fills its input, so rapidocr's word boxes stay right."""
    if squeeze == 1:
        return ocr
    rec = ocr.text_rec or ocr._load_rec_model()   # rapidocr loads it lazily

    def narrow(w: float) -> int:
        return math.ceil(w) if w <= TRAIN_WIDTH else max(TRAIN_WIDTH, math.ceil(w * squeeze))

    def resize_norm_img(self, img: np.ndarray, max_wh_ratio: float) -> np.ndarray:
        _, height, _ = self.rec_image_shape
        width = narrow(height * max_wh_ratio)
        h, w = img.shape[:2]
        natural = height * w / h
        fit = min(width, narrow(natural))
        shrink = cv2.INTER_AREA if fit < natural else cv2.INTER_LINEAR   # rapidocr's own otherwise
        crop = cv2.resize(img, (fit, height), interpolation=shrink)
        out = np.zeros((img.shape[2], height, width), dtype=np.float32)
        out[:, :, :fit] = crop.astype(np.float32).transpose((2, 0, 1)) / 127.5 - 1.0
        return out

    rec.resize_norm_img = MethodType(resize_norm_img, rec)
    return ocr


class _Interruptible:
    """A recogniser session that checks the running OCR's deadline before each line it reads:
    a page of dense noise has thousands of "lines" (15 s of OCR on one core), so a file's
    time budget cannot wait for the page to end."""

    def __init__(self, session):
        self._session = session

    def __getattr__(self, name: str):
        return getattr(self._session, name)

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        deadline = getattr(_CALL, "deadline", None)
        if deadline is not None:
            deadline.check(f"the next line in {_CALL.step}")
        return self._session(batch)


def _interruptible(ocr) -> None:
    rec = ocr.text_rec or ocr._load_rec_model()   # rapidocr loads it lazily
    rec.session = _Interruptible(rec.session)


def _table_normalised(ocr) -> None:
    """The detector's input normalised by a table of the 256 grey levels' values, computed by
    rapidocr's own arithmetic (so the same floats): its float64 pass over the page cost 45 ms."""
    det = ocr._load_det_model()     # rapidocr loads it lazily
    pre = det.get_preprocess()
    ramp = np.repeat(np.arange(256, dtype=np.uint8), 3).reshape(256, 1, 3)
    table = np.asarray(pre.normalize(ramp), dtype=np.float32)[:, 0, :]
    if not (table == table[:, :1]).all():       # channels normalised apart: rapidocr's own pass
        return
    slow = pre.normalize

    def normalize(img: np.ndarray) -> np.ndarray:
        return table[:, 0][img] if img.dtype == np.uint8 else slow(img)
    pre.normalize = normalize
    det.get_preprocess = lambda: pre       # rapidocr makes a fresh one for every page


def _stacks_split(ocr) -> None:
    """The engine's detector boxes with each stacked label cut into its lines (split_stacked) before
    they are cropped and read."""
    base = ocr.detect_and_crop

    def detect_and_crop(img: np.ndarray, op_record: dict):
        crops, det = base(img, op_record)
        grey = img[..., 0] if img.ndim == 3 else img
        boxes, scores = split_stacked(det.boxes, list(det.scores or []), grey)
        if len(boxes) != len(det.boxes):
            det.boxes, det.scores = boxes, scores
            crops = ocr.crop_text_regions(img, boxes)
        return crops, det

    ocr.detect_and_crop = detect_and_crop


class _WordBoxes:
    """rapidocr's word boxes (its CalRecBoxes) with each line's points taken back to the page in
    one matrix product: its own loop (a 3x3 product, a Python point sort and deep copies per
    point) cost a tenth of a page's OCR. The words' boxes are the same points, not put in
    corner order (ocr_chars takes only their x extent)."""

    def __init__(self):
        from rapidocr.cal_rec_boxes import CalRecBoxes
        self._base = CalRecBoxes()

    def __call__(self, imgs, dt_boxes, rec_res, return_single_char_box: bool = False):
        out = []
        for idx, (img, box) in enumerate(zip(imgs, dt_boxes)):
            if rec_res.txts is None or img.size == 0 or rec_res.word_results is None:
                continue
            h, w = img.shape[:2]
            texts, cells, confs = self._base.cal_ocr_word_box(
                rec_res.txts[idx], np.array([[0, 0], [w, 0], [w, h], [0, h]]), rec_res.word_results[idx],
                return_single_char_box)
            cells = self._base.adjust_box_overlap(cells)    # fresh lists: changed in place, no copy needed
            vertical = self._base.get_box_direction(box).value == "vertical_direct"
            out.append(list(zip(texts, confs, _to_page(box, cells, vertical))))
        rec_res.word_results = tuple(out)
        return rec_res


def _to_page(box: np.ndarray, cells: list, vertical: bool) -> list[list[list[int]]]:
    """Word cells (points in the line's crop) in page pixels: the inverse of the perspective
    warp that cut the crop from the quadrilateral `box`, as rapidocr's reverse_rotate_crop_image
    does point by point (a line read turned is turned back a quarter first)."""
    if not cells:
        return []
    pts = np.array(box, dtype=np.float32)
    left, top = int(np.min(pts[:, 0])), int(np.min(pts[:, 1]))
    pts[:, 0] -= left
    pts[:, 1] -= top
    width, height = int(np.linalg.norm(pts[0] - pts[1])), int(np.linalg.norm(pts[0] - pts[3]))
    std = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    _, back = cv2.invert(cv2.getPerspectiveTransform(pts, std))
    xy = np.asarray(cells, dtype=np.float64).reshape(-1, 2)
    if vertical:
        a = math.radians(-90)
        xy = np.stack((xy[:, 0] * math.cos(a) + xy[:, 1] * math.sin(a) + width,
                       xy[:, 1] * math.cos(a) - xy[:, 0] * math.sin(a)), axis=1)
    xyz = np.hstack((xy, np.ones((len(xy), 1)))) @ back.T
    page = np.stack((xyz[:, 0] / xyz[:, 2] + left, xyz[:, 1] / xyz[:, 2] + top), axis=1).astype(int)
    return page.reshape(-1, 4, 2).tolist()


def ocr_chars(img: np.ndarray, dpi: int, settings: Settings, deadline: Deadline | None = None,
              step: str = "OCR") -> list[dict]:
    """Characters read from a grey page image, positioned in points (top-left origin); a vertical
    rule read as a bar is left out.
    With a deadline, reading stops (TimeBudgetError) before the first line read after it."""
    with engine(settings) as ocr:
        _CALL.deadline, _CALL.step = deadline, step
        try:
            result = ocr(img, return_word_box=True)
        finally:
            _CALL.deadline = None
    if result is None or not getattr(result, "txts", None):
        return []
    scale = 72.0 / dpi
    chars: list[dict] = []
    for n, (line_box, words) in enumerate(zip(result.boxes, result.word_results)):
        if runs_down(line_box, "".join(w[0] or "" for w in words)):
            chars += _stacked_chars(words, scale, n)
            continue
        pitch = _pitch(words, scale)
        top, bottom = (y * scale for y in ink_rows(img, line_box, pitch / scale if pitch else None))
        size = pitch or (bottom - top) / BOX_TO_FONT
        for text, score, box in words:
            text = (text or "").strip()
            if not text:
                continue
            x0 = min(p[0] for p in box) * scale
            x1 = max(p[0] for p in box) * scale
            w = (x1 - x0) / len(text)
            for k, ch in enumerate(text):
                if ch.strip() and ch not in VERTICAL_MARKS:      # a rule read as | is no text (k5-010)
                    chars.append({"text": ch, "x0": x0 + k * w, "x1": x0 + (k + 1) * w, "top": top,
                                  "bottom": bottom, "size": size, "conf": float(score)})
    return read_once(chars)


def runs_down(box, text: str) -> bool:
    """A detected line of two characters or more whose box the recogniser reads turned, as a vertical
    box (the same test _WordBoxes turns its word boxes back by): a narrow cell's characters set one to
    a line, read down as one line (or a line of a page a quarter turn off)."""
    from rapidocr.cal_rec_boxes import CalRecBoxes
    return len(text.strip()) >= 2 and \
        CalRecBoxes.get_box_direction(np.asarray(box, dtype=float)).value == "vertical_direct"


def _stacked_chars(words, scale: float, line: int) -> list[dict]:
    """The characters of a line read down the page, each a slice of its word's height, as wide as the
    word, tagged `down` with the line's number: where the recogniser placed them, not laid side by
    side over the box's height (scanread.stacked decides how they stand in the table)."""
    out = []
    for text, score, box in words:
        text = "".join(ch for ch in (text or "") if ch.strip() and ch not in VERTICAL_MARKS)
        if not text:
            continue
        x0, x1 = (f(p[0] for p in box) * scale for f in (min, max))
        top, bottom = (f(p[1] for p in box) * scale for f in (min, max))
        h = (bottom - top) / len(text)
        out += [{"text": ch, "x0": x0, "x1": x1, "top": top + k * h, "bottom": top + (k + 1) * h,
                 "size": h, "conf": float(score), "down": line} for k, ch in enumerate(text)]
    return out


def read_once(chars: list[dict]) -> list[dict]:
    """The characters without a glyph two overlapping line boxes both read (宜坪乡人民政府 across a
    narrow cell and 府 again in the line read along the row beside it: 政府府, k17-039): of a pair of
    one character from lines of their own whose boxes cover READ_TWICE of the smaller one, the
    wider box goes."""
    by_text: dict[str, list[dict]] = {}
    for c in chars:
        by_text.setdefault(c["text"], []).append(c)
    gone: set[int] = set()
    for same in by_text.values():
        for i, a in enumerate(same):
            for b in same[i + 1:]:
                if (a["top"], a["bottom"]) != (b["top"], b["bottom"]) and _covered(a, b) >= READ_TWICE:
                    gone.add(id(max(a, b, key=lambda c: c["x1"] - c["x0"])))
    return [c for c in chars if id(c) not in gone] if gone else chars


def _covered(a: dict, b: dict) -> float:
    """Share of the smaller of two boxes that the other covers."""
    w = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
    h = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    if w <= 0 or h <= 0:
        return 0.0
    return w * h / min((a["x1"] - a["x0"]) * (a["bottom"] - a["top"]), (b["x1"] - b["x0"]) * (b["bottom"] - b["top"]))


def ink_rows(img: np.ndarray, box, em: float | None = None) -> tuple[float, float]:
    """(top, bottom) in pixels of the ink in a detected line box. The detector pads its boxes
    by about half a line (unclip), which closes the gaps between a table's rows; ink rows of a
    neighbouring line reaching into the padding stand apart by an empty band and are left out, as is
    ink under THIN_RUN ems high (a rule the box crosses; with no other ink, the box is the line's).
    Ink over TALL_RUN times the line's em (`em` px, from its character pitch) high holds two
    lines set close (a cell's wrapped text): it is cut at its faintest rows (see _one_line), unless
    the box is taller than wide (a line running down a turned page, which the recogniser turned to read)."""
    xs, ys = [p[0] for p in box], [p[1] for p in box]
    y0, y1 = max(0, int(min(ys))), min(img.shape[0], int(math.ceil(max(ys))))
    x0, x1 = max(0, int(min(xs))), min(img.shape[1], int(math.ceil(max(xs))))
    counts = (img[y0:y1, x0:x1] < INK).sum(axis=1) if y1 > y0 and x1 > x0 else np.zeros(0, int)
    rows = np.flatnonzero(counts)
    if len(rows) == 0:
        return float(min(ys)), float(max(ys))
    gap = max(2, int(INK_GAP_SHARE * (y1 - y0)))
    runs, start = [], rows[0]
    for a, b in zip(rows, rows[1:]):
        if b - a > gap:
            runs.append((start, a))
            start = b
    runs.append((start, rows[-1]))
    middle = (y1 - y0) / 2
    if em:                   # a rule the box crosses: the text beside it may be fainter than INK (k22-028:
        runs = [r for r in runs if r[1] + 1 - r[0] >= THIN_RUN * em]     # a grey footer under a table)
        if not runs:
            return float(min(ys)), float(max(ys))
    lo, hi = min(runs, key=lambda r: (0 if r[0] <= middle <= r[1] else 1, -(r[1] - r[0])))
    if em and hi + 1 - lo > TALL_RUN * em and x1 - x0 > y1 - y0:     # not a line running down the page
        lo, hi = _one_line(counts, lo, hi, middle)
    return float(y0 + lo), float(y0 + hi + 1)


def _one_line(counts: np.ndarray, lo: int, hi: int, middle: float) -> tuple[int, int]:
    """The part of the ink run lo..hi (rows of `counts`, ink pixels per row) nearest `middle`,
    parted from the rest by rows holding under VALLEY_SHARE of the run's inkiest row (the
    blurred or speckled gap between two close lines); the run as it is when it has no such rows."""
    run = counts[lo:hi + 1]
    full = run > VALLEY_SHARE * run.max()
    parts, start = [], None
    for i, inked in enumerate(full):
        if inked and start is None:
            start = i
        elif not inked and start is not None:
            parts.append((lo + start, lo + i - 1))
            start = None
    if start is not None:
        parts.append((lo + start, hi))
    if len(parts) < 2:
        return lo, hi
    return min(parts, key=lambda r: 0 if r[0] <= middle <= r[1] else min(abs(middle - r[0]), abs(middle - r[1])))


def _pitch(words, scale: float) -> float | None:
    """Type size from character pitch: a CJK character (and full-width punctuation) is one em wide."""
    xs = [p[0] for _, _, box in words for p in box]
    text = "".join(w[0] or "" for w in words)
    ems = sum(1.0 if ord(c) >= 0x2E80 else 0.55 for c in text if c.strip())
    if not xs or ems < 1:
        return None
    return round((max(xs) - min(xs)) * scale / ems * 2) / 2


def snap_sizes(lines: list[Line]) -> list[Line]:
    """OCR'd line sizes are estimates: sizes within SIZE_CLUSTER of each other become their
    cluster's commonest value, so that body text reads as one size and titles as another."""
    sizes = sorted(ln.size for ln in lines if ln.size)
    clusters: list[list[float]] = []
    for v in sizes:
        if clusters and v <= clusters[-1][0] * (1 + SIZE_CLUSTER):
            clusters[-1].append(v)
        else:
            clusters.append([v])
    snap = {v: max(set(c), key=c.count) for c in clusters for v in c}
    return [replace(ln, size=snap.get(ln.size, ln.size)) for ln in lines]


def ocr_marks(chars: list[dict]) -> list[OcrMark]:
    """The characters OCR read (those carrying the recogniser's confidence), for provenance."""
    return [OcrMark(c["text"], c["x0"], c["top"], c["x1"], c["bottom"], c["conf"]) for c in chars if "conf" in c]
