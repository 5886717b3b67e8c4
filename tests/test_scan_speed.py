"""The OCR path's speed-ups give the same results as the plain code they replaced (issue 11)."""
from __future__ import annotations

import random

import numpy as np
import pytest

from extractors.raster import CROSS_TOLERANCE_PT, LONE_RULE_PT, MAX_STROKE_PT, crossing


def _crossing_pairwise(edges: list[dict], tol: float = CROSS_TOLERANCE_PT) -> list[dict]:
    """crossing() as it was written first, pair by pair in Python: the rule the numpy one keeps."""
    h = [e for e in edges if e["height"] == 0]

    def meets(a, b):
        return (a["x0"] - tol <= b["x0"] <= a["x1"] + tol) and (b["top"] - tol <= a["top"] <= b["bottom"] + tol)

    def at(a, b, y):
        return a["x0"] - tol <= b["x0"] <= a["x1"] + tol and abs(a["top"] - y) <= tol
    v = [b for b in edges if b["height"] > 0 and (
        any(at(a, b, b["top"]) for a in h) and any(at(a, b, b["bottom"]) for a in h)
        or b["height"] > MAX_STROKE_PT and any(meets(a, b) for a in h))]
    return [a for a in h if a["width"] >= LONE_RULE_PT or any(meets(a, b) for b in v)] + v


def _edges(rng: random.Random, n: int) -> list[dict]:
    """Rules and strokes on a grid of 3-point steps, so many pairs sit exactly at the tolerance."""
    out = []
    for _ in range(n):
        if rng.random() < 0.4:
            x0 = rng.randrange(0, 500, 3) * 1.0
            w = rng.choice([6.0, 30.0, 120.0, 300.0, 450.0])
            top = rng.randrange(0, 700, 3) * 1.0
            out.append({"object_type": "line", "x0": x0, "x1": x0 + w, "top": top, "bottom": top,
                        "width": w, "height": 0.0})
        else:
            x = rng.randrange(0, 520, 3) * 1.0
            top = rng.randrange(0, 700, 3) * 1.0
            hgt = rng.choice([3.0, 9.0, 15.0, 18.0, 30.0, 60.0])
            out.append({"object_type": "line", "x0": x, "x1": x, "top": top, "bottom": top + hgt,
                        "width": 0.0, "height": hgt})
    return out


@pytest.mark.parametrize("seed,n", [(1, 0), (2, 1), (3, 40), (4, 400), (5, 3000)])
def test_crossing_keeps_the_segments_the_pairwise_rule_keeps(seed, n):
    edges = _edges(random.Random(seed), n)
    assert crossing(edges) == _crossing_pairwise(edges)


def test_crossing_without_horizontals_or_verticals():
    lone = {"object_type": "line", "x0": 0.0, "x1": 400.0, "top": 10.0, "bottom": 10.0, "width": 400.0, "height": 0.0}
    stroke = {"object_type": "line", "x0": 5.0, "x1": 5.0, "top": 0.0, "bottom": 30.0, "width": 0.0, "height": 30.0}
    assert crossing([lone]) == [lone] and crossing([stroke]) == [] and crossing([]) == []


def _quads(rng: np.random.Generator, n: int) -> list[np.ndarray]:
    """Line boxes as the detector gives them: slightly turned rectangles, some running down the page."""
    out = []
    for _ in range(n):
        w, h = (rng.uniform(20, 900), rng.uniform(15, 60))
        if rng.random() < 0.2:
            w, h = h, w * 2
        a = np.deg2rad(rng.uniform(-2, 2))
        c = np.array([rng.uniform(100, 1500), rng.uniform(100, 2200)])
        corners = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]])
        rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
        out.append((corners @ rot.T + c).astype(np.float32))
    return out


def test_word_boxes_land_where_rapidocrs_point_by_point_inverse_puts_them():
    from rapidocr.cal_rec_boxes.main import CalRecBoxes, Direction

    from extractors.ocr import _to_page
    base, rng = CalRecBoxes(), np.random.default_rng(7)
    for box in _quads(rng, 300):
        direction = base.get_box_direction(box)
        w = int(np.linalg.norm(box[0] - box[1]))
        cells = []
        for x0 in sorted(rng.uniform(0, max(w - 10, 1), 5)):
            x1 = x0 + rng.uniform(2, 10)
            cells.append([[x0, 0.0], [x1, 0.0], [x1, 20.0], [x0, 20.0]])
        theirs = base.reverse_rotate_crop_image(box.copy(), [[list(p) for p in c] for c in cells], direction)
        ours = _to_page(box, cells, direction == Direction.VERTICAL)
        assert [sorted(map(tuple, c)) for c in ours] == [sorted(map(tuple, c)) for c in theirs]


def test_the_detector_input_is_normalised_as_rapidocr_does():
    from rapidocr.ch_ppocr_det.utils import DetPreProcess

    from extractors.ocr import engine
    from schemas.settings import Settings
    img = np.random.default_rng(3).integers(0, 256, (97, 131, 3), dtype=np.uint8)
    with engine(Settings(ocr_workers=1)) as ocr:
        ours = ocr.text_det.get_preprocess()(img)
    assert np.array_equal(ours, DetPreProcess(960, "max", [0.5] * 3, [0.5] * 3)(img))


@pytest.mark.parametrize("step", [2, 9])
def test_components_match_opencvs_32_bit_labels_past_65535_too(step):
    """Every other pixel of a 700-px square is 122,500 components: past 16-bit labels, the 32-bit ones."""
    import cv2

    from extractors.raster import components
    img = np.zeros((700, 700), np.uint8)
    img[::step, ::step] = 1
    img[100:103, 50:400] = 1
    n, stats = components(img)
    ref_n, _, ref_stats, _ = cv2.connectedComponentsWithStats(img, connectivity=8)
    assert n == ref_n and np.array_equal(stats, ref_stats)


def test_short_verticals_no_run_continues_are_strokes_and_a_continued_one_a_rule():
    from extractors.raster import without_strokes

    def v(x, top, bottom):
        return {"object_type": "line", "x0": x, "x1": x, "top": top, "bottom": bottom, "width": 0.0, "height": bottom - top}
    rule = {"object_type": "line", "x0": 0.0, "x1": 400.0, "top": 100.0, "bottom": 100.0, "width": 400.0, "height": 0.0}
    header_piece, body = v(50.0, 88.0, 100.0), v(50.0, 100.0, 300.0)       # a column's rule broken at a row rule
    stroke, stacked = v(120.0, 88.0, 100.0), v(121.0, 76.0, 88.0)           # strokes, two stacked by chance
    assert without_strokes([rule, header_piece, body, stroke, stacked]) == [rule, header_piece, body]
