"""Scanned pages: OCR of image-only pages, weak text layers re-read, ruling lines found on images,
two table readings, and the scanned samples end to end (corrections logged, oddities kept)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest

from conftest import DATA, ROOT, extracted, normalized, sample
from extractors.ocr import ocr_chars
from extractors.pdf import read_pdf
from extractors.quality import bag_agreement, text_quality
from extractors.raster import deskew, render_gray, ruling_lines, skew_angle
from normalizers.text import compact
from schemas.settings import Settings

SCANS = ROOT / "raw" / "scans"
OCR_LAYER = SCANS / "2023_east_west_plan.ocr_layer.pdf"


def read(path: Path):
    return read_pdf(path, path.read_bytes(), Settings())


def table_cells(content) -> list[str]:
    return [compact(c.text) for g in content.grids for c in g.cells if compact(c.text)]


@pytest.fixture(scope="module")
def published_table_page():
    """Cell texts of the 2026 published table's first page: what the scanned copies show."""
    content = read(sample("2026"))
    return [compact(c.text) for g in content.grids if g.page == 6 for c in g.cells if compact(c.text)]


def share_read_right(cells: list[str], truth: list[str]) -> float:
    return sum(1 for t in truth if t in cells) / len(truth)


def test_an_image_only_page_is_read_by_ocr_with_its_table(published_table_page):
    content = read(DATA / "scan_image_only_page.pdf")
    assert [p.text_source for p in content.pages] == ["ocr"]
    assert content.grids and content.grids[0].n_cols == 11
    assert share_read_right(table_cells(content), published_table_page) >= 0.8


def test_a_seal_image_on_a_born_digital_page_does_not_make_it_a_scan():
    content = read(DATA / "published_page_with_seal.pdf")
    assert [p.text_source for p in content.pages] == ["text_layer"] and content.warnings == []


def test_a_page_scanned_a_quarter_turn_off_is_read_upright(published_table_page):
    content = read(DATA / "scan_turned_page.pdf")
    assert any("quarter turn" in w for w in content.warnings)
    assert content.pages[0].width > content.pages[0].height        # the landscape table, upright
    assert share_read_right(table_cells(content), published_table_page) >= 0.8


def test_a_garbage_text_layer_is_measured_and_read_again(published_table_page):
    content = read(DATA / "scan_garbage_layer_page.pdf")
    assert [p.text_source for p in content.pages] == ["ocr"]
    assert any("plausible characters" in w and "read again by OCR" in w for w in content.warnings)
    assert share_read_right(table_cells(content), published_table_page) >= 0.8


def test_a_second_engines_layer_that_read_across_columns_is_read_again(published_table_page):
    # tests/data/scan_tesseract_layer_page.pdf: ocrmypdf + tesseract chi_sim over the image-only page;
    # its characters are plausible, but it wrote the table's rules as | (and shares too few
    # characters with what the image shows)
    content = read(DATA / "scan_tesseract_layer_page.pdf")
    assert [p.text_source for p in content.pages] == ["ocr"]
    assert any("rule marks" in w and "read again by OCR" in w for w in content.warnings)
    assert share_read_right(table_cells(content), published_table_page) >= 0.8


def test_a_good_ocr_layer_is_kept_and_a_garbled_line_dropped_from_the_narrative():
    parts = extracted(OCR_LAYER)
    sources = [p.text_source for p in parts.pages]
    assert sources.count("text_layer") >= 8          # the seed's own OCR text is used where it is sound
    assert not any(text_quality(ln.text) < 0.5 for p in parts.pages for ln in p.lines)


def test_a_table_read_twice_gives_two_readings():
    parts = extracted(OCR_LAYER)
    assert len(parts.witnesses) == 1
    first = [r for r in parts.rows if r.kind == "item"]
    second = [r for r in parts.witnesses[0] if r.kind == "item"]
    assert len(first) == len(second) == 11


def test_the_ocr_layer_sample_is_corrected_with_every_change_logged():
    doc = normalized(OCR_LAYER)
    assert len(doc.projects) == 11
    by_field = {(c.project_id.rsplit("-", 1)[1], c.field): c for c in doc.corrections}
    assert by_field[("7", "aid_funds_wan")].original == "1370" and by_field[("7", "aid_funds_wan")].corrected == "90"
    assert by_field[("7", "location")].rule == "confusion"
    assert all(c.rule in {"confusion", "cross_witness", "arithmetic"} and c.page for c in doc.corrections)
    assert not any("峡边" in (getattr(p, f) or "") for p in doc.projects for f in ("location", "content", "name"))
    assert doc.document.flags == []      # a subtotal misread in one reading is confirmed by the other
    seventh = next(p for p in doc.projects if p.seq == 7)
    assert seventh.deadline == "2022-10-30" and "deadline_before_issue" in seventh.flags   # kept as written


def test_clean_published_text_gets_no_corrections():
    assert normalized(sample("2026")).corrections == []
    assert normalized(sample("2023")).corrections == []


# image helpers: pure functions on synthetic images

def _grid_image(angle: float = 0.0) -> np.ndarray:
    img = np.full((800, 1000), 255, np.uint8)
    for y in (100, 200, 300, 400):
        img[y:y + 2, 100:900] = 0
    for x in (100, 400, 650, 900):
        img[100:402, x:x + 2] = 0
    for y in (130, 160, 230, 260, 330, 360):    # glyph-like strokes inside the cells (7 pt type)
        img[y:y + 6, 130:380:7] = 0
        img[y + 3:y + 4, 430:640] = 0           # and a long dash of text: not a rule, it meets none
    return deskew(img, -angle) if angle else img


def test_ruling_lines_are_found_and_strokes_are_not():
    edges = ruling_lines(_grid_image(), dpi=72)
    assert len([e for e in edges if e["height"] == 0]) == 4
    assert len([e for e in edges if e["height"] > 0]) == 4


@pytest.mark.parametrize("angle", [-0.7, 0.4])
def test_skew_is_measured_and_undone(angle):
    img = _grid_image(angle)
    measured = skew_angle(img)
    assert abs(measured - angle) <= 0.1
    assert len([e for e in ruling_lines(deskew(img, measured), dpi=72) if e["height"] == 0]) == 4


def test_narrowed_lines_read_the_same_text_at_the_same_places():
    """Long lines are narrowed for speed (ocr_rec_squeeze): the hanzi and digits read, and
    where each character stands on the page, must not change."""
    page = pdfium.PdfDocument(str(SCANS / "2023_east_west_plan.image_only.pdf"))[1]
    img = render_gray(page, Settings().ocr_dpi)
    narrowed, full = (ocr_chars(img, Settings().ocr_dpi, Settings(ocr_rec_squeeze=v)) for v in (0.5, 1.0))
    words = lambda chars: text(c for c in chars if c["text"].isalnum())  # noqa: E731
    assert len(words(full)) > 300 and bag_agreement(words(narrowed), words(full)) >= 0.99
    shifts = [abs(a["x0"] - b["x0"]) / b["size"]            # in ems, along lines read alike
              for one, other in zip(by_line(narrowed), by_line(full)) if text(one) == text(other)
              for a, b in zip(one, other)]
    assert len(shifts) > 300 and np.median(shifts) < 0.15 and max(shifts) < 1.0   # never a whole character


def by_line(chars: list[dict]) -> list[list[dict]]:
    lines: dict[int, list[dict]] = {}
    for c in chars:
        lines.setdefault(round(c["top"]), []).append(c)
    return [lines[k] for k in sorted(lines)]


def text(chars) -> str:
    return "".join(c["text"] for c in chars)


def test_quality_measures():
    assert text_quality("峨边彝族自治县2023年东西部协作") == 1.0
    assert text_quality("丨|乂乄ꠄꠋ┃") < 0.5
    assert bag_agreement("峨边县", "县边峨") == 1.0 and bag_agreement("峨边", "") == 0.0


def test_a_glyph_two_line_boxes_both_read_is_kept_once():
    """k17-039 (150 dpi 1-bit, turned 90°): OCR read 宜坪乡人民政府 down a narrow cell and 府 again in
    the line it read along the row beside it; the owner's cell said 宜坪乡人民政府府. Of one character
    read by two lines with boxes over each other, the wider box goes; one character twice on a line,
    or on two lines apart, stays twice."""
    from extractors.ocr import read_once
    across = [{"text": t, "x0": 300.0 + 5 * k, "x1": 305.0 + 5 * k, "top": 150.0, "bottom": 200.0, "conf": 1.0}
              for k, t in enumerate("政府")] + [{"text": "府", "x0": 355.0, "x1": 390.0, "top": 190.3, "bottom": 200.2,
                                                 "conf": 0.99}]
    row = [{"text": t, "x0": 345.0 + 10 * k, "x1": 356.0 + 10 * k, "top": 189.4, "bottom": 201.1, "conf": 1.0}
           for k, t in enumerate("户府", start=1)]
    kept = read_once(across + row)
    assert [c["text"] for c in kept] == ["政", "府", "户", "府"] and kept[-1]["x0"] == 365.0
    twice = [{"text": "人", "x0": 10.0 * k, "x1": 10.0 * k + 10, "top": 0.0, "bottom": 10.0, "conf": 1.0} for k in range(2)]
    below = [{**twice[0], "top": 12.0, "bottom": 22.0}]
    assert read_once(twice + below) == twice + below
