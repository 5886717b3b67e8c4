"""Scanned pages as archives hold them (issue 11): fed upside down, or kept 1-bit at low resolution.
Fixtures: samples/scan_page_fixtures.py."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest

from conftest import DATA, sample
from extractors.pdf import read_pdf
from extractors.pdfpages import page_chars
from extractors.quality import bag_agreement
from extractors.raster import render_gray
from extractors.scanread import prepared
from schemas.settings import Settings


@pytest.fixture(scope="module")
def printed() -> str:
    """What page 2 of the 2026 plan says (its published text)."""
    page = pdfium.PdfDocument(str(sample("2026")))[1]
    return "".join(c["text"] for c in page_chars(page, page.get_size()[1]))


def read_text(path: Path):
    content = read_pdf(path, path.read_bytes(), Settings())
    return "".join(ln.text for p in content.pages for ln in p.lines), content.warnings


def test_a_page_fed_upside_down_is_turned_and_read(printed):
    # was read as it lay: 27 characters sharing 2% with the page
    text, warnings = read_text(DATA / "scan_upside_down_page.pdf")
    assert any("upside down" in w and "180°" in w for w in warnings)
    assert bag_agreement(text, printed) >= 0.95


def test_a_1bit_150dpi_page_is_read(printed):
    text, warnings = read_text(DATA / "scan_bilevel_150dpi_page.pdf")
    assert not any("upside down" in w for w in warnings)      # an upright page is not turned
    assert bag_agreement(text, printed) >= 0.95


def test_a_1bit_scan_is_smoothed_before_ocr_and_a_grey_one_left_alone():
    dpi = Settings().ocr_dpi
    bilevel = render_gray(pdfium.PdfDocument(str(DATA / "scan_bilevel_150dpi_page.pdf"))[0], dpi)
    smoothed = prepared(bilevel, dpi, Settings())
    assert smoothed.shape == bilevel.shape and not np.array_equal(smoothed, bilevel)
    assert np.count_nonzero((smoothed > 10) & (smoothed < 245)) > np.count_nonzero((bilevel > 10) & (bilevel < 245))
    grey = render_gray(pdfium.PdfDocument(str(DATA / "scan_image_only_page.pdf"))[0], dpi)
    assert prepared(grey, dpi, Settings()) is grey
    assert prepared(bilevel, dpi, Settings(bilevel_smoothing=0)) is bilevel
