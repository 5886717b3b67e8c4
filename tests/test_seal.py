"""Red seals lifted off colour scans before reading (issue 11); red print that is no seal stays.
Fixtures: samples/seal_fixtures.py (crops of scan variant k1-000's plan, scanned in colour)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest

from conftest import DATA
from extractors.pdf import read_pdf
from extractors.raster import INK, render_gray
from extractors.seal import find_seals, has_colour_image, lift_seals, redness, render_rgb
from normalizers.text import compact
from schemas.settings import Settings, SettingsError

SEALED = DATA / "scan_seal_over_table_crop.pdf"
LETTERHEAD = DATA / "scan_red_letterhead_crop.pdf"
UNDER_SEAL = ["类别", "项目名称", "产业帮扶项目", "杨村乡乌金猪养殖小区建设项目"]   # cells the seal covers (generator's spec s1-000)


def cells(path: Path, settings: Settings) -> tuple[list[str], list[str]]:
    content = read_pdf(path, path.read_bytes(), settings)
    return [compact(c.text) for g in content.grids for c in g.cells], content.warnings


def test_the_cells_under_a_seal_are_read_once_it_is_lifted():
    before, notes_before = cells(SEALED, Settings(lift_seals=False))
    after, notes_after = cells(SEALED, Settings())
    assert not any(c in before for c in UNDER_SEAL)        # read as '', '', '项目', '杨村乌金猪养殖区建设项目'
    assert all(c in after for c in UNDER_SEAL)
    assert notes_before == [] and len(notes_after) == 1 and "red seal (40×40 mm) lifted" in notes_after[0]


def test_a_seal_is_whitened_only_where_it_is_red():
    page = pdfium.PdfDocument(str(SEALED))[0]
    dpi = Settings().ocr_dpi
    grey = render_gray(page, dpi)
    out, seals = lift_seals(page, grey, dpi, Settings())
    assert len(seals) == 1
    changed = np.argwhere(out != grey)
    k = dpi / 72
    s = seals[0]
    assert s.x0 * k - 20 <= changed[:, 1].min() and changed[:, 1].max() <= s.x1 * k + 20
    assert s.top * k - 20 <= changed[:, 0].min() and changed[:, 0].max() <= s.bottom * k + 20
    red = redness(render_rgb(page, dpi)) > Settings().seal_red_margin
    assert (grey[red] < INK).mean() > 0.6 and (out[red] < INK).mean() < 0.15   # the seal's ink is paper now (what
    # stays dark of it is print under the seal, seen through red ink)
    plain = ~red & (np.abs(redness(render_rgb(page, dpi))) < 10)
    assert np.array_equal(out[plain], grey[plain])                              # black print and paper: untouched


def test_a_red_letterhead_and_red_rule_are_no_seal_and_stay_readable():
    page = pdfium.PdfDocument(str(LETTERHEAD))[0]
    assert has_colour_image(page)
    assert (redness(render_rgb(page, 36)) > Settings().seal_red_margin).sum() > 500      # there is red print
    grey = render_gray(page, 200)
    out, seals = lift_seals(page, grey, 200, Settings())
    assert seals == [] and out is grey
    content = read_pdf(LETTERHEAD, LETTERHEAD.read_bytes(), Settings())
    assert content.warnings == []
    assert "峨边彝族自治县人民政府办公室" in "".join(ln.text for p in content.pages for ln in p.lines)


def test_a_grey_scan_is_not_probed_for_colour():
    page = pdfium.PdfDocument(str(DATA / "scan_image_only_page.pdf"))[0]
    assert not has_colour_image(page)
    grey = render_gray(page, 200)
    assert lift_seals(page, grey, 200, Settings())[0] is grey


def _blob(w_mm: float, h_mm: float, dpi: int = 36) -> np.ndarray:
    img = np.full((400, 400, 3), 250, np.uint8)
    w, h = round(w_mm * dpi / 25.4), round(h_mm * dpi / 25.4)
    img[50:50 + h, 50:50 + w] = (205, 35, 40)
    return img


@pytest.mark.parametrize("w,h,found", [(40, 40, True), (30, 24, True), (118, 9, False), (160, 1.5, False),
                                       (8, 8, False), (100, 100, False)])
def test_only_round_or_square_red_blobs_of_a_seals_size_are_seals(w, h, found):
    assert bool(find_seals(_blob(w, h), 36, Settings())) is found


def test_seal_settings_are_checked():
    for bad in ({"seal_red_margin": 0}, {"seal_min_mm": 50, "seal_max_mm": 40}, {"seal_max_aspect": 0.5}):
        with pytest.raises(SettingsError):
            Settings(**bad)


def test_a_seal_stamped_in_grey_is_found_by_its_ring_and_puts_the_cells_under_it_in_doubt():
    """k7-021, k7-032 (seed 7, grey scans): a seal over the table took a project name's start (沙坪镇林 of
    沙坪镇林下经济…) and a leader's cell, and nothing said so. A ring of a seal's size, inked most of
    the way round, is a seal; the values read under one, or lost there, are flagged."""
    import cv2

    from extractors.seal import ring_seals
    from extractors.tables import _sealed
    from normalizers.merge import merge_pair
    from schemas.types import Cell, TableRow
    dpi, s = 200, Settings()
    page = np.full((1654, 2339), 245, np.uint8)                 # A4 landscape at 200 dpi
    for k in range(12):                                          # lines of text-like strokes
        cv2.putText(page, "ABCDEFGH 12345 ABCDEFGH 12345", (100, 300 + 80 * k), cv2.FONT_HERSHEY_SIMPLEX, 1.5, 40, 3)
    assert ring_seals(page, dpi, s) == []
    centre, radius = (500, 500), round(20 / 25.4 * dpi)         # a 40 mm seal
    cv2.circle(page, centre, radius, 90, 8)
    found = ring_seals(page, dpi, s)
    assert len(found) == 1 and abs((found[0].x1 - found[0].x0) * 25.4 / 72 - 40) < 3
    box = (found[0].x0, found[0].top, found[0].x1, found[0].bottom)
    under, clear = (box[0] + 10, box[1] + 10, box[0] + 80, box[1] + 30), (600.0, 500.0, 700.0, 520.0)
    cells = _sealed({"name": Cell("下经济示园建设项目", 3, under), "responsible_leader": Cell("", 3, under),
                     "location": Cell("沙坪镇", 3, clear)}, [box])
    assert [f for f, c in cells.items() if c.sealed] == ["name", "responsible_leader"]
    m = merge_pair(None, TableRow("item", cells, 3), "产业合作", s, scanned=True)
    assert {"low_confidence:name", "low_confidence:responsible_leader"} <= set(m.flags)
    assert "low_confidence:location" not in m.flags
