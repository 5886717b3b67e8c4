"""Text layers as archives hold them (issue 11): an OCRmyPDF/tesseract layer normalised, turned
with a tilted image, judged page by page and table by table; long gazetteer terms restored
through a misread character, with a corrections rule."""
from __future__ import annotations

import re

import numpy as np
import pypdfium2 as pdfium
import pytest

from conftest import DATA, sample
from extractors.layer import normalise_layer, turn_chars
from extractors.limits import Deadline
from extractors.metadata import extract_metadata
from extractors.narrative import paragraphs
from extractors.pdf import read_pdf
from extractors.pdfpages import PageScan, page_chars
from extractors.raster import deskew, render_gray, ruling_lines, skew_angle, table_regions
from extractors.scanread import _check_regions
from normalizers.lookalikes import fix_lookalikes
from normalizers.text import compact
from schemas.settings import Settings

TILTED = DATA / "scan_tesseract_layer_tilted_title_and_table.pdf"   # samples/scan_layer_fixtures.py


@pytest.fixture(scope="module")
def tilted():
    return read_pdf(TILTED, TILTED.read_bytes(), Settings())


def test_a_title_whose_layer_lines_were_not_joined_still_gives_the_plan_year(tilted):
    # was rejected "not a recognisable plan (no plan_year)": the layer's three title lines had
    # sizes of their own, and 2026年's digits stood after 年 (overlapping word boxes)
    md = extract_metadata(paragraphs(tilted.pages))
    assert md.plan_year == 2026 and md.program == "结对帮扶" and md.donor == "乐山市市中区"
    assert md.title.endswith("2026年乐山市市中区结对帮扶项目实施方案")
    assert md.total_aid_funds_wan == 750 and md.project_count_stated == 13


def test_spaces_between_cjk_words_of_a_layer_are_not_text(tilted):
    body = [ln.text for ln in tilted.pages[0].lines]
    assert len(body) > 10
    assert not any(re.search(r"[\u4e00-\u9fff] +[\u4e00-\u9fff]", t) for t in body)


def test_a_layer_over_a_tilted_scan_is_turned_with_it(tilted):
    assert any("page 1" in w and "turned with the image" in w for w in tilted.warnings)
    title = [ln for ln in tilted.pages[0].lines if compact(ln.text) == "2026年乐山市市中区结对帮扶项目"]
    assert len(title) == 1                                      # the title's line read whole, as one


def test_a_table_page_read_across_its_columns_is_read_again_and_the_body_layer_kept(tilted):
    assert [p.text_source for p in tilted.pages] == ["text_layer", "ocr"]
    assert [p.scanned for p in tilted.pages] == [True, True]
    assert any("page 2" in w and "rule marks" in w and "read again by OCR" in w for w in tilted.warnings)
    published = read_pdf(sample("2026"), sample("2026").read_bytes(), Settings())
    truth = [compact(c.text) for g in published.grids if g.page == 6 for c in g.cells if compact(c.text)]
    cells = [compact(c.text) for g in tilted.grids for c in g.cells if compact(c.text)]
    assert sum(t in cells for t in truth) / len(truth) >= 0.8


def test_a_table_region_of_a_kept_layer_is_read_again_alone():
    """Region by region: the characters over a ruled table holding | are replaced by an OCR of
    that table only; the rest of the page's layer is left as it was."""
    path = DATA / "scan_tesseract_layer_page.pdf"
    doc = pdfium.PdfDocument(str(path))
    page = doc[0]
    width, height = page.get_size()
    chars, dpi = page_chars(page, height), Settings().ocr_dpi
    img = render_gray(page, dpi)
    angle = skew_angle(img)
    img, chars = deskew(img, angle), turn_chars(chars, angle, width, height)
    scan = PageScan(1, width, height, chars, ruling_lines(img, dpi), dpi=dpi)
    regions = table_regions(scan.edges)
    assert len(regions) == 1
    x0, top, x1, bottom = regions[0]
    outside = [c for c in chars
               if not (x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom)]
    _check_regions(img, scan, Settings(), Deadline.start(path, Settings()))
    assert any("that table read again by OCR" in n for n in scan.notes)
    inside = [c["text"] for c in scan.chars if c not in outside]
    assert "|" not in inside and len(inside) > 200
    assert all(c in scan.chars for c in outside)


def _char(text: str, x0: float, x1: float, top: float = 100.0) -> dict:
    return {"text": text, "x0": x0, "x1": x1, "top": top, "bottom": top + 17, "size": 17.0}


def test_a_layer_line_is_respaced_evenly_in_reading_order():
    # tesseract's words: 峨 | 边 | 芭族 | 自治 with gaps, 县 narrow; 2026 overlapping 年
    chars = [_char("峨", 84, 96), _char("边", 110, 118), _char("自", 130, 145), _char("治", 145, 160),
             _char("县", 178, 181), _char(",", 183, 186), _char("2", 190, 197), _char("0", 197, 204),
             _char("2", 204, 211), _char("6", 225, 232), _char("年", 214, 226), _char("乐", 400, 414)]
    out = normalise_layer(chars, run_gap=1.5, line_tol=3.0)
    assert "".join(c["text"] for c in out) == "峨边自治县，2026年乐"
    first = out[:-1]
    assert all(abs(a["x1"] - b["x0"]) < 1e-6 for a, b in zip(first, first[1:]))   # no gaps left
    assert out[0]["x0"] == 84 and out[-1]["x0"] == 400                               # a far word keeps its place


def test_the_bars_tesseract_reads_for_rules_are_no_text():
    """k5-010: 县文化广播电视体育和|旅游局, 朱小|龙, |共和乡人民政府: a vertical rule read as | went into values."""
    chars = [_char("朱", 100, 117), _char("小", 117, 134), _char("|", 136, 138), _char("龙", 140, 157),
             _char("｜", 200, 202), _char("县", 210, 227)]
    assert "".join(c["text"] for c in normalise_layer(chars, run_gap=1.5, line_tol=3.0)) == "朱小龙县"


def test_characters_turn_as_the_image_does():
    img = np.full((800, 600), 255, np.uint8)
    img[100:104, 500:504] = 0
    ys, xs = np.nonzero(deskew(img, 1.5) < 128)
    c = turn_chars([_char("x", 500, 504, 100) | {"bottom": 104}], 1.5, 600, 800)[0]
    assert abs((c["x0"] + c["x1"]) / 2 - xs.mean()) < 1 and abs((c["top"] + c["bottom"]) / 2 - ys.mean()) < 1


def test_a_long_place_name_is_restored_through_any_misread_inner_character():
    for misread in ("峨边琶族自治县大堡镇", "峨边琴族自治县", "峨边生族自治县沙坪镇", "峨边到族自治县中医医院"):
        text, fixes, ambiguous = fix_lookalikes(misread, Settings().correction_min)
        assert "峨边彝族自治县" in text and [f.rule for f in fixes] == ["gazetteer"] and not ambiguous
    for real in ("马边彝族自治县", "柯城区", "峨边彝族自治县人民医院"):    # real places stay as written
        assert fix_lookalikes(real, Settings().correction_min)[:2] == (real, [])


def test_a_layer_run_over_a_blank_gap_of_the_image_is_joined():
    """rapidocr boxes two table cells as one line (序号 … 责任单位): its characters spread over the
    blank between the cells; a run over continuous ink is not joined."""
    from extractors.quality import joined_share
    img = np.full((100, 400), 255, np.uint8)
    img[10:30, 10:50] = 0            # 序号
    img[10:30, 150:230] = 0          # 责任单位, 100 px (50 pt) apart: no ink between
    img[60:80, 10:130] = 0           # a body line, ink throughout

    def ink_cols(x0, top, x1, bottom, k=2.0):
        ink = (img[int(top * k):int(bottom * k) + 1, int(x0 * k):int(x1 * k) + 1] < 128).any(axis=0)
        return ink, np.zeros_like(ink), k
    cells = [_char(t, 5 + 19 * i, 5 + 19 * (i + 1), 5) | {"bottom": 15} for i, t in enumerate("序号责任单位")]
    body = [_char(t, 5 + 10 * i, 15 + 10 * i, 30) | {"bottom": 40} for i, t in enumerate("峨边彝族自治")]
    assert joined_share(cells, ink_cols, run_gap=1.5, line_tol=3.0) == 1.0
    assert joined_share(body, ink_cols, run_gap=1.5, line_tol=3.0) == 0.0
    assert joined_share(cells + body, ink_cols, run_gap=1.5, line_tol=3.0) == 0.5


def test_a_broken_rules_piece_in_the_gap_does_not_hide_a_joined_run():
    """k15-016 and k16-000 (rapidocr layers, broken rules): the engine boxed cells as one line
    (建设地点 备注 完成时间); a piece of the broken rule between two of them split the blank in two,
    each under a line height, the layer was kept and three columns became one. Ink no wider than
    THIN_INK line heights, standing up through the line, alone in a gap is a rule's piece; a colon's
    dots (实施地点：宜坪乡, the bundled 2023 layer) and a narrow glyph between others are not."""
    from extractors.quality import joined_share
    from extractors.scanread import _ink_columns
    img = np.full((100, 400), 255, np.uint8)     # 144 dpi, 2 px a point; the line is 10 pt (20 px) high
    img[10:30, 10:90] = 0            # 建设地点
    img[2:38, 105:107] = 0           # a piece of a broken rule, 1 pt wide, in the 16 pt gap
    img[10:30, 122:162] = 0          # 备注
    cols = _ink_columns(img, 144)
    run = [_char(t, 5 + 13 * i, 5 + 13 * (i + 1), 5) | {"bottom": 15} for i, t in enumerate("建设地点备注")]
    assert joined_share(run, cols, run_gap=1.5, line_tol=3.0) == 1.0
    img[2:38, 105:107] = 255
    img[14:17, 105:107] = img[22:25, 105:107] = 0       # a colon's two dots there instead
    assert joined_share(run, _ink_columns(img, 144), run_gap=1.5, line_tol=3.0) == 0.0
    img[10:30, 90:122] = 0           # ink throughout but for two narrow gaps round a narrow glyph
    img[10:30, 96:104] = 255
    img[10:30, 108:116] = 255
    assert joined_share(run, _ink_columns(img, 144), run_gap=1.5, line_tol=3.0) == 0.0


def test_a_layer_run_across_a_vertical_rule_is_joined():
    """In a ruled grid the engine's box may run over the rule between two cells (责任单位|实施单位):
    no wide blank, but a rule inked from above the line to below it; a glyph's stroke is not one."""
    from extractors.scanread import _ink_columns
    from extractors.quality import joined_share
    img = np.full((200, 600), 255, np.uint8)
    img[0:200, 300:302] = 0                          # the rule between the cells, 72 dpi: 1 px = 1 pt
    for x in range(200, 296, 12):
        img[90:110, x:x + 8] = 0                     # 责任单位 …
    for x in range(306, 400, 12):
        img[90:110, x:x + 8] = 0                     # … 实施单位, 4 pt from the rule each side
    img[92:108, 250:251] = 0
    # the engine spreads its eight characters evenly over its box: the fourth straddles the rule
    run = [_char(t, 205 + 25 * i, 230 + 25 * i, 90) | {"bottom": 110} for i, t in enumerate("责任单位实施单位")]
    cols = _ink_columns(img, 72)
    assert joined_share(run, cols, run_gap=1.5, line_tol=3.0) == 1.0
    placed = [_char(t, 200 + 25 * i, 225 + 25 * i, 90) | {"bottom": 110} for i, t in enumerate("责任单位实施单位")]
    assert joined_share(placed, cols, run_gap=1.5, line_tol=3.0) == 0.0   # glyph by glyph: the rule between
    img[0:200, 300:302] = 255
    img[90:110, 296:306] = 0                         # no rule: ink throughout
    assert joined_share(run, cols, run_gap=1.5, line_tol=3.0) == 0.0


def test_hanzi_read_down_a_quarter_turned_page_do_not_say_it_is_upright():
    """rapidocr turns a tall line box to read it: its hanzi come back in boxes many times taller
    than wide, and must not vote for the page being upright."""
    from extractors.scanread import hanzi_confidence
    square = [{"text": t, "x0": x, "x1": x + 10, "top": 0, "bottom": 11, "conf": 0.9} for t, x in (("峨", 0), ("边", 10))]
    tall = [{"text": t, "x0": x, "x1": x + 10, "top": 0, "bottom": 160, "conf": 0.99} for t, x in (("峨", 0), ("边", 10))]
    assert hanzi_confidence(square) == pytest.approx(1.8) and hanzi_confidence(tall) == 0.0
    # k2-016: a turned glyph read alone, or glyphs strewn along a wide box, say nothing either
    alone = [{"text": "体", "x0": 0, "x1": 14, "top": 0, "bottom": 14, "conf": 1.0}]
    strewn = [{"text": t, "x0": x, "x1": x + 51, "top": 20, "bottom": 33, "conf": 0.96} for t, x in (("主", 0), ("产", 51), ("主", 102))]
    assert hanzi_confidence(alone) == 0.0 and hanzi_confidence(strewn) == 0.0


def test_the_strip_read_to_find_an_upside_down_page_is_where_its_text_is():
    """k1-025 (seed 1): a page holding a table's last rows upside down has its text near the foot;
    the middle strip read blank both ways and the page was read upside down, as garbage."""
    from extractors.scanread import _inked_strip
    img = np.full((1000, 700), 255, np.uint8)
    for y in range(700, 900, 30):
        img[y:y + 15, 50:650] = 0
    y0, y1 = _inked_strip(img)
    assert 600 <= y0 <= 700 and y1 >= 780           # text lines, not the blank middle (40-55 %)


def test_a_layer_one_fifth_out_of_step_with_a_fresh_ocr_is_read_again():
    # k1-007 page 2 (samples/scanvariants/page_fixtures.py): tesseract over a blurred 1-bit
    # page tilted 2.4° read 峨边硕族, 柯噬, 几边藉族 and lost line ends, yet 82 % of its characters
    # agreed with a fresh OCR of a strip, above the old 80 % floor; rapidocr reads the page right
    path = DATA / "scan_weak_layer_k1-007_p2.pdf"
    content = read_pdf(path, path.read_bytes(), Settings())
    assert content.pages[0].text_source == "ocr"
    assert any("fresh OCR of the page" in w and "read again by OCR" in w for w in content.warnings)
    text = compact("".join(ln.text for p in content.pages for ln in p.lines))
    # the generator's source: the plan's title, the first project's name, its office
    assert "峨边彝族自治县2021年东西部协作建设项目实施方案" in text
    assert "勒乌乡林下经济示范园建设项目" in text and "峨边彝族自治县农业农村局" in text


def test_a_garbage_layer_over_a_page_with_a_blank_middle_is_read_again():
    # k2-034 page 1 (seed 2; samples/scanvariants/page_fixtures.py): a cover letter scanned
    # upside down, its OCRmyPDF layer garbage (日9z昌+志1z0z); the strip checked across the middle of
    # the page was blank in the layer and in the fresh OCR, and two empty readings agreed in full,
    # so the garbage was kept and the plan lost its issuer and date
    path = DATA / "scan_upside_down_blank_middle_k2-034_p1.pdf"
    content = read_pdf(path, path.read_bytes(), Settings())
    assert content.pages[0].text_source == "ocr"
    assert any("fresh OCR of the page" in w for w in content.warnings)
    lines = [compact(ln.text) for ln in content.pages[0].lines]
    # the generator's source: the issuer and the date of the letter
    assert "峨边彝族自治县人民政府办公室" in lines and "2021年4月26日" in lines


def test_a_scan_whose_layer_is_kept_is_a_scanned_plan_and_a_born_digital_one_is_published(tilted):
    """The contract's source_kind: published means born-digital. A scan read through its OCRmyPDF
    layer was `published`, so the scan's repairs (look-alike variants, lost characters) and its
    doubts skipped it, and it tied with the born-digital copy of the same plan."""
    from extractors.document import source_kind
    only_layer = [p for p in tilted.pages if p.text_source == "text_layer"]
    assert source_kind(only_layer) == "scanned"
    published = read_pdf(sample("2026"), sample("2026").read_bytes(), Settings())
    assert source_kind(published.pages) == "published" and not any(p.scanned for p in published.pages)


def _sloped_words(words: list[str], degrees: float, size: float = 20.0) -> pdfium.PdfPage:
    """A page whose words are text objects laid one after another along a baseline rising at
    `degrees`, as OCRmyPDF writes a line tesseract fitted a sloping baseline to."""
    import ctypes
    import math
    import pypdfium2.raw as raw
    doc = pdfium.PdfDocument.new()
    page = doc.new_page(595, 842)
    t, x = math.radians(degrees), 80.0
    for w in words:
        obj = raw.FPDFPageObj_NewTextObj(doc.raw, b"Helvetica", ctypes.c_float(size))
        text = (w + "\0").encode("utf-16-le")
        raw.FPDFText_SetText(obj, ctypes.cast(ctypes.create_string_buffer(text, len(text)),
                                              ctypes.POINTER(ctypes.c_ushort)))
        raw.FPDFPageObj_Transform(obj, math.cos(t), math.sin(t), -math.sin(t), math.cos(t), x, 750 + (x - 80) * math.tan(t))
        raw.FPDFPage_InsertObject(page.raw, obj)
        x += size * 0.6 * (len(w) + 1) / math.cos(t)
    raw.FPDFPage_GenerateContent(page.raw)
    page._doc_keep = doc                   # the page lives as long as its document
    return page


def test_a_layer_line_written_along_a_slope_is_one_line():
    """k7-027 (rejected, no plan_year): OCRmyPDF wrote the cover's title along a 1.3° slope the
    deskewed image no longer had; its words stood 3 points apart in height, were grouped as
    four lines and read right to left (区结对帮扶项目实 / 022年乐山市市中 / 边萝族自治县2 / 峨)."""
    from extractors.grid import group_lines, line_text
    page = _sloped_words(["Plan", "2022", "title", "words", "read", "along", "one", "line"], 1.3)
    chars = page_chars(page, 842)
    assert max(c["baseline"] for c in chars) - min(c["baseline"] for c in chars) > 6     # drifts past line_tolerance
    assert [line_text(ln) for ln in group_lines(chars, Settings().line_tolerance)] == \
        ["Plan 2022 title words read along one line"]
    level = _sloped_words(["Plan", "2022"], 0.0)
    assert not any("slope" in c for c in page_chars(level, 842))


def test_a_title_in_large_type_that_the_layer_garbled_is_read_again():
    # k13-008 page 2 (samples/scanvariants/page_fixtures.py): the OCRmyPDF layer read the title as
    # 峨边莱族上自治0 区结对帮扶项目 and dropped its wrapped line 实施方案; the page's body agreed with a
    # fresh OCR, so the layer was kept and the plan rejected (no title, no plan_year)
    path = DATA / "scan_layer_garbled_title_k13-008_p2.pdf"
    content = read_pdf(path, path.read_bytes(), Settings())
    md = extract_metadata(paragraphs(content.pages))
    assert md.title == "峨边彝族自治县2027年乐山市市中区结对帮扶项目实施方案" and md.plan_year == 2027
    assert any("title in large type" in w for w in content.warnings)
    assert content.pages[0].text_source == "text_layer"          # the body's layer is kept


def test_title_bands_run_from_large_type_down_to_the_next_line_of_body_type():
    from extractors.quality import title_bands

    def line(text, top, height, x0=100.0):
        return [{"text": ch, "x0": x0 + k * height, "x1": x0 + (k + 1) * height, "top": top, "bottom": top + height}
                for k, ch in enumerate(text)]
    chars = line("峨边彝族自治县项目", 73, 26) + line("涨", 89, 4, 120) + \
        [c for k in range(8) for c in line("为全面做好结对帮扶工作", 141 + 22 * k, 17)]
    assert title_bands(chars, 3.0, 1.25) == [(73 - 26 / 4, 141)]       # the dropped line under it inside
    assert title_bands(chars, 3.0, 1.25, [(0, 60, 600, 120)]) == []      # inside a ruled table: not looked at
    assert title_bands(chars[-80:], 3.0, 1.25) == []                     # body type only
