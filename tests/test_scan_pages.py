"""Scanned pages as archives hold them (issue 11): fed upside down, or kept 1-bit at low resolution.
Fixtures: samples/scan_page_fixtures.py and samples/scanvariants/page_fixtures.py (pages cut from scan variants)."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest

from conftest import DATA, sample
from extractors.pdf import read_pdf
from extractors.pdfpages import page_chars
from extractors.quality import bag_agreement
from extractors.raster import deskew, render_gray, ruling_lines, skew_angle
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


def test_a_1bit_scan_is_read_finer_within_the_page_limit_and_a_grey_one_at_ocr_dpi():
    """Seeds 7 and 9 (1-bit, heavy blur): at 200 dpi a thresholded stroke is a pixel or two and the
    recogniser loses whole glyphs; read at bilevel_ocr_dpi (300) k9-039 0.773 → 0.851, k7-007 0.643 → 0.774
    (docs/NOTES.md). Not past max_page_pixels; 0 turns it off."""
    from extractors.pdfpages import PageScan
    from extractors.scanread import _read_finer
    dpi = Settings().ocr_dpi
    bilevel = render_gray(pdfium.PdfDocument(str(DATA / "scan_bilevel_150dpi_page.pdf"))[0], dpi)
    grey = render_gray(pdfium.PdfDocument(str(DATA / "scan_image_only_page.pdf"))[0], dpi)
    scan = PageScan(1, 595.0, 842.0, [], [], dpi=dpi, needs_ocr=True)
    assert _read_finer(bilevel, scan, Settings()) and not _read_finer(grey, scan, Settings())
    assert not _read_finer(bilevel, scan, Settings(bilevel_ocr_dpi=0))
    assert not _read_finer(bilevel, scan, Settings(max_page_pixels=8_000_000))     # 8.7 Mpx at 300 dpi


# rules and tilt on synthetic page images (pure functions)

def _grid(ink: int = 0, stroke: bool = False) -> np.ndarray:
    img = np.full((800, 1000), 255, np.uint8)
    for y in (100, 200, 300, 400):
        img[y:y + 2, 100:900] = ink
    for x in (100, 400, 650, 900):
        img[100:402, x:x + 2] = ink
    if stroke:                                 # the upright stroke of a glyph standing on a rule
        img[200:215, 500:502] = 0
    return img


def test_faint_rules_are_found_when_no_rule_is_dark():
    edges = ruling_lines(_grid(ink=200), dpi=72)
    assert len([e for e in edges if e["height"] == 0]) == 4 and len([e for e in edges if e["height"] > 0]) == 4


def test_grey_paper_streaked_darker_than_faint_ink_is_no_rule_and_faint_rules_are_still_found():
    """k8-012, k8-027 (seed 8): scans on uneven grey paper had no dark rule; the faint pass took the
    paper's grain for a thousand rules a page, one across a table ended it after five of its eight
    projects. A rule stands out from the paper beside it by FAINT_CONTRAST grey levels (the faint
    rules here by 55); grain on grey paper, a few levels apart, does not."""
    rng = np.random.default_rng(12)
    img = _grid(ink=200)                                                          # faint rules, y 100 to 401
    paper = 255 - 45 * np.sin(np.linspace(0, np.pi, 300))[:, None]                # a patch of grey paper, shading in
    grain = rng.integers(-6, 7, size=(300, 700))
    grain[::3, :] += 14                                               # streaks two pixels thick, as thin as rules
    img[470:770, 0:700] = np.clip(paper + grain, 0, 255).astype(np.uint8)
    edges = ruling_lines(img, dpi=72)
    assert sorted(round(e["top"]) for e in edges if e["height"] == 0) == [101, 201, 301, 401]
    assert all(e["bottom"] < 410 for e in edges)


def test_a_faint_rule_blurred_over_three_pixels_stands_out_by_its_darkest_line():
    """k24-028 (seed 24, 200 dpi grey, high noise, faint rules): each rule printed faint and blurred
    over three pixels (211, 195, 228 grey on 243 paper); measured over its whole run the rule was
    only 33 levels darker than the paper beside it, under FAINT_CONTRAST, so most of the grid was
    lost, columns merged and the plan scored 0.28. A rule stands out by its darkest line along it."""
    rng = np.random.default_rng(24)
    img = np.full((1000, 1400), 243.0)
    profile = np.array([211.0, 195.0, 228.0])
    for y in (100, 300, 500, 700, 900):
        img[y:y + 3, 100:1300] = profile[:, None]
    for x in (100, 500, 900, 1300):
        img[100:903, x:x + 3] = profile[None, :]
    img = np.clip(img + rng.normal(0, 5, img.shape), 0, 255).astype(np.uint8)
    edges = ruling_lines(img, dpi=200)
    assert sorted(round(e["top"]) for e in edges if e["height"] == 0) == [36, 108, 180, 252, 324]
    assert sorted(round(e["x0"]) for e in edges if e["height"] > 0) == [36, 180, 324, 468]


def test_glyph_strokes_found_with_faint_rules_send_the_page_back_to_the_rules_whole_grey():
    """k8-027 (seed 8, 200 dpi grey, uneven paper, faint rules): measured by their darkest line, the
    strokes of its lines of text passed for faint rules beside half its column rules; cells were cut
    and merged, two locations lost, one content run into another's (0.958, an unflagged value). Where
    most faint "rules" are a glyph's length, the runs are measured whole, as before k24-028."""
    rows = _cells(DATA / "scan_faint_rules_glyph_strokes_k8-027_p4.pdf")
    place, content = rows[0].index("项目地点"), rows[0].index("建设内容")
    assert [r[place] for r in rows[8:10]] == ["杨村乡", "峨边彝族自治县"]
    assert rows[9][content] == "开展民俗文化宣传活动12场，培训非遗传承人470人次"


def test_an_upright_stroke_touching_one_rule_does_not_split_a_column():
    edges = ruling_lines(_grid(stroke=True), dpi=72)
    assert sorted(round(e["x0"]) for e in edges if e["height"] > 0) == [101, 401, 651, 901]


def test_a_rule_with_a_seal_ring_lying_along_it_is_still_a_rule():
    """k2-034 (seed 2, a 1-bit scan): the seal, printed black, ran its ring along the header's rule;
    the two made one run too thick for a rule, the header merged into the first row and the plan was
    rejected. The rows inked all across the run are the rule."""
    img = _grid()
    cv2.ellipse(img, (250, 140), (110, 60), 0, 0, 180, 0, 3)     # its lowest part lies on the rule at 200
    assert sorted(round(e["top"]) for e in ruling_lines(img, dpi=72) if e["height"] == 0) == [101, 201, 301, 401]


def test_the_rules_of_a_table_printed_in_dashes_are_found_and_a_line_of_text_is_not_one():
    """k4-017 (seed 4): a 三线表 whose rules a worn print broke into dashes (each longer than a glyph's
    stroke, too short for a rule) had no rule found, no header, and the plan was rejected. Dashes in
    one line are one rule; the bottom strokes of a line of glyphs, as close, are not (their glyphs
    stand over them)."""
    rng = np.random.default_rng(17)
    img = np.full((500, 1000), 255, np.uint8)
    for y in (100, 160, 420):                          # the 三线表's rules in dashes of 10-40 pt
        x = 50
        while x < 950:
            n = int(rng.integers(10, 40))
            img[y:y + 2, x:min(x + n, 950)] = 0
            x += n + int(rng.integers(3, 11))
    for x in range(60, 900, 14):                       # a line of glyphs: strokes down, one along the foot
        img[200:212, x:x + 2] = img[200:212, x + 8:x + 10] = 0
        img[210:212, x:x + 10] = 0
    edges = ruling_lines(img, dpi=72)
    assert sorted(round(e["top"]) for e in edges if e["height"] == 0) == [101, 161, 421]
    assert all(e["width"] >= 800 for e in edges)


@pytest.mark.parametrize("angle", [2.6, -3.0])
def test_a_tilt_up_to_three_degrees_is_measured(angle):
    img = deskew(_grid(), -angle)
    assert abs(skew_angle(img, Settings().max_skew) - angle) <= 0.1


def test_metadata_is_read_through_ocr_misreads():
    from extractors.metadata import _DOC_NUMBER, _title_index, _near_alias
    assert _title_index(["峨边县人民政府办公室", "峨边彝族自治县2023年东西部协作建设项目实施方桉"]) == 1
    assert _near_alias("峨边县2026年乐山市市中区结对帮抚项目实施方案", "programs.csv", Settings()) == "结对帮扶"
    assert _near_alias("峨边县2026年项目实施方案", "programs.csv", Settings()) is None
    assert _DOC_NUMBER.search("峨边府办发〈2024〉3号") and _DOC_NUMBER.search("峨边府办发【2024〕59号")


def test_a_title_whose_last_characters_wrapped_onto_a_line_sized_apart_is_read():
    # a rapidocr layer sized the wrapped 施方案 larger than the title's first line: was "no title"
    from extractors.metadata import extract_metadata
    from extractors.narrative import Paragraph
    md = extract_metadata([Paragraph("峨边彝族自治县2027年乐山市市中区结对帮扶项目实", 1, 16.5),
                           Paragraph("施方案", 1, 19.2), Paragraph("为深入贯彻落实……特制定本实施方案。", 1, 13.8)])
    assert md.title == "峨边彝族自治县2027年乐山市市中区结对帮扶项目实施方案" and md.plan_year == 2027


def test_a_grid_whose_column_rules_are_dashes_far_apart_is_joined_and_a_column_of_ones_is_not():
    """k6-034 (seed 6, 300 dpi 1-bit, rules=broken): the column rules were dashes with gaps of up to a
    row's height, and each row rule crossing them inked both sides, so no rule down was found: no table,
    the plan rejected. Pieces down a line a row apart covering enough of it are one rule (a rule
    crossing both sides at once is no glyph beside it); the strokes of a column of 1s are too sparse."""
    from extractors.raster import broken_rules
    rng = np.random.default_rng(34)
    img = np.full((700, 900), 255, np.uint8)
    for y in range(100, 641, 60):                      # row rules, in short dashes
        for x in range(100, 800, 24):
            img[y:y + 2, x:x + 20] = 0
    for x in (100, 300, 560, 798):                     # column rules: 12-30 pt dashes, gaps of up to 35 pt
        y = 100
        while y < 640:
            n = int(rng.integers(12, 30))
            img[y:min(y + n, 641), x:x + 2] = 0
            y += n + int(rng.integers(5, 35))
    for y in range(115, 620, 60):                      # a seq column of 1s between the rules: strokes 8 pt high
        img[y:y + 8, 200:202] = 0
    downs = sorted(round(e["x0"]) for e in broken_rules(img, dpi=72) if e["height"] > 0)
    assert downs == [101, 301, 561, 799]


def test_dashed_rules_with_text_against_them_are_found_and_a_scattered_column_of_strokes_is_not():
    """k11-010 (seed 11, 300 dpi 1-bit, rules=broken, a seal over the caption): the header's and rows'
    dashed rules had cell text 1-3 pt off one side along a tenth of them and were dropped as glyph
    strokes; a dash too short to count lost between two gaps broke rules into parts; the right border's
    last dash stopped short of it; a column of glyph strokes (sd 2 pt) was taken for a rule; the header
    rule under the seal was lost. Dashes on one straight line may have text along a quarter of one side;
    straight parts of one line up to BROKEN_JOIN_PT apart are one; a dashed rule is drawn on to a
    border 12 pt past its end and through a seal; strokes scattered off a line are none."""
    from types import SimpleNamespace
    from extractors.raster import BROKEN_JOIN_PT, BROKEN_SCATTER_PT, _scatter, broken_rules, dashed_rules, under_seals
    img = np.full((700, 900), 255, np.uint8)
    for y in (100, 160, 220, 280):                     # rules across: 20 px dashes, 4 px gaps, ending 10 px short
        for x in range(100, 790, 24):
            img[y:y + 2, x:x + 20] = 0
    img[160:162, 412:432] = 255                        # a dash lost between two gaps on the second rule
    for x in (100, 400, 800):                          # rules down
        for y in range(100, 282, 24):
            img[y:y + 20, x:x + 2] = 0
    for x in range(110, 320, 14):                      # cell text 2 px under the third rule along a fifth of it
        img[224:236, x:x + 9] = 0
    short = img.copy()
    short[220:222, 600:] = 255                         # the third rule stops short of the others' end
    assert 221 not in [round(e["top"]) for e in broken_rules(short, dpi=72) if e["height"] == 0]    # strict: text beside
    # ... unless it runs end to end as two sure rules do (k25-011: 4-line cells set tight against row rules)
    assert 221 in [round(e["top"]) for e in broken_rules(img, dpi=72) if e["height"] == 0]
    edges = dashed_rules(img, dpi=72)[1]
    across = sorted((round(e["top"]), round(e["x0"]), round(e["x1"])) for e in edges if e["height"] == 0)
    downs = sorted(round(e["x0"]) for e in edges if e["height"] > 0)
    assert [a[0] for a in across] == [101, 161, 221, 281] and downs == [101, 401, 801]
    assert all(a[2] == 801 for a in across)            # drawn on to the right border past the last dash
    assert 28 <= BROKEN_JOIN_PT                        # the 28 pt lost on the second rule is joined
    tilted = [(100 + 0.02 * x, x, x + 20, 2) for x in range(0, 700, 24)]          # (across, start, end, thick)
    wandering = [(100 + (0, 2, 4, 6, 4, 2, 0, -2, -4, -6)[k % 10], x, x + 20, 2) for k, x in enumerate(range(0, 700, 24))]
    assert _scatter(tilted) < 0.01 and _scatter(wandering) > BROKEN_SCATTER_PT
    seal = SimpleNamespace(x0=80.0, top=60.0, x1=200.0, bottom=170.0)
    cut = [dict(e) for e in edges]
    for e in cut:                                      # the seal hid the second rule's start
        if e["height"] == 0 and round(e["top"]) == 161:
            e["x0"], e["width"] = 180.0, e["x1"] - 180.0
    drawn = [e for e in under_seals(cut, [seal]) if e["height"] == 0 and round(e["top"]) == 161]
    assert round(drawn[0]["x0"]) == 101


def _cells(path: Path) -> list[list[str]]:
    """The first table of a one-page fixture as the texts of its rows' cells (lines joined)."""
    content = read_pdf(path, path.read_bytes(), Settings())
    g = content.grids[0]
    return [[(g.owner(r, k).text if g.owner(r, k) else "").replace("\n", "") for k in range(g.n_cols)]
            for r in range(g.n_rows)]


def test_column_rules_a_pixel_off_plumb_are_rules():
    # k13-009 page 3: a 1-bit table's rules came out 7 px wide at 300 dpi once straightened (over
    # the 6 px a rule may be), 5 of the 14 were lost and the table read in 8 columns of 13
    rows = _cells(DATA / "scan_rules_off_plumb_k13-009_p3.pdf")
    assert len(rows[0]) == 13
    assert ["共和乡人民政府", "2024年11月30日前", "2023-2024", "共和乡卫生院设备购置项目", "共和乡", "96", "60", "13", "23"] \
        == [t.replace(" ", "") for t in rows[2][2:11]]


def test_glyph_strokes_leaning_like_rules_are_no_rules():
    # k8-021 page 2 (200 dpi grey, high noise, turned 180°): the first take of the rule a pixel off plumb
    # let the page's glyph strokes found at the faint level pass for column rules; a table made of them cut
    # the title after 协作建 and the plan was rejected (no title)
    path = DATA / "scan_glyph_strokes_no_rules_k8-021_p2.pdf"
    content = read_pdf(path, path.read_bytes(), Settings())
    assert content.pages[0].lines[0].text.startswith("峨边彝族自治县2023年东西部协作建设项目实施方")


def test_names_set_a_character_a_line_run_down_three_rows_part_by_row():
    # k13-005 page 4 (150 dpi 1-bit, turned 90°, unruled): OCR read 吴/建/国/朱/晓/东/马/德/贵 down the
    # 责任领导 column as one line, put into the middle row; and 计划投资（万元） over 总投资 | 帮扶资金
    # was taken for a wrapped label, one column for two amounts
    rows = _cells(DATA / "scan_stacked_names_split_group_label_k13-005_p4.pdf")
    leader, total, aid = (rows[0].index(label) for label in ("责任领导", "总投资", "帮扶资金"))
    assert [r[leader] for r in rows[1:5]] == ["周秀英", "吴建国", "朱晓东", "马德贵"]
    assert [(r[total], r[aid]) for r in rows[1:3]] == [("178.54", "178.54"), ("332.62", "285.08")]


def _read_down(text: str, x0: float, top: float, pitch: float, line: int) -> list[dict]:
    """The characters of a line read down the page as ocr_chars gives them: a slice each, tagged `down`."""
    return [{"text": ch, "x0": x0, "x1": x0 + 12, "top": top + k * pitch, "bottom": top + (k + 1) * pitch,
             "conf": 0.99, "down": line} for k, ch in enumerate(text)]


def test_scan_chars_of_a_line_read_down_the_page_are_stacked():
    from extractors.scanread import stacked
    down = _read_down("吴建国朱晓东马德贵", 150, 170.0, 12.0, 1)          # runs over rows (k13-005): as read
    across = [{"text": ch, "x0": 300 + k * 10, "x1": 310 + k * 10, "top": 170.0, "bottom": 180.0, "conf": 0.99}
              for k, ch in enumerate("带动脱贫")]
    layer = [{k: v for k, v in c.items() if k not in ("conf", "down")} for c in down]
    name = _read_down("吴建国", 150, 300.0, 10.0, 2)
    out = stacked(down + across + layer + name)
    assert [(c["top"], c["bottom"]) for c in out[:3]] == [(170.0, 182.0), (182.0, 194.0), (194.0, 206.0)]
    assert out[9:-3] == across + layer           # a line across and a text layer, as they were
    # one name read down stays one box (k12-029), its characters given its whole width (k17-000: 徐 at 651,
    # 彬 at 650 read 彬文徐 once the cell's characters were set in order left to right)
    assert [(c["text"], c["x0"], c["x1"], c["top"], c["bottom"]) for c in out[-3:]] == \
        [(t, 150, 162, 300.0, 330.0) for t in "吴建国"]
    from extractors.grid import group_lines, line_text
    name = [{**c, "x0": 651.0 - (c["text"] == "彬")} for c in _read_down("徐文彬", 651.0, 221.8, 12.0, 3)]
    assert line_text(group_lines(stacked(name), 3.0)[0]) == "徐文彬"


def test_a_name_read_down_with_the_characters_above_and_below_it_in_its_column_runs_over_rows():
    """k24-031 (300 dpi 1-bit, heavy blur, faint rules lost, unruled): down a narrow 责任领导 column OCR
    read 陈 | 春燕刘海 | 军, two rows' leaders; 春燕刘海, kept one box as a name, moved the row break under it:
    the next project's first line and 刘海 went to the project above (0.916). Lines read down with the
    characters right above and below them in their column are one run; longer than a name, each
    character stands where it was read."""
    rows = _cells(DATA / "scan_leaders_read_down_over_rows_k24-031_p7.pdf")
    leader, name = rows[0].index("责任领导"), rows[0].index("项目名称")
    assert [(r[name], r[leader]) for r in rows[3:5]] == [("五渡镇白芨种植基地建设项目", "陈春燕"),
                                                         ("毛坪镇林下经济示范园建设项目", "刘海军")]
    from extractors.scanread import stacked
    lone = [{"text": t, "x0": 692.0, "x1": 702.0, "top": top, "bottom": top + 10, "conf": 0.9}
            for t, top in (("陈", 221.8), ("军", 289.4))]
    line = _read_down("春燕", 690.0, 234.5, 13.0, 7) + _read_down("刘海", 690.0, 262.8, 13.0, 7)
    beside = {"text": "局", "x0": 582.0, "x1": 592.0, "top": 241.9, "bottom": 251.8, "conf": 0.9}
    out = stacked([lone[0], *line, lone[1], beside])
    assert [(c["text"], c["top"]) for c in out if c["x0"] >= 690] == \
        [("陈", 221.8), ("春", 234.5), ("燕", 247.5), ("刘", 262.8), ("海", 275.8), ("军", 289.4)]
    assert out[-1] == beside                    # another column's character is no part of the run
    # the name alone (no characters above or below it) stays one box
    assert {(c["top"], c["bottom"]) for c in stacked(_read_down("春燕刘", 690.0, 234.5, 13.0, 8))} == {(234.5, 273.5)}


def test_a_category_heading_set_tight_against_a_project_is_a_row_of_its_own():
    # k12-026 page 2: 劳务协作（1个） ran into the content of the project above (its numeral under a grey
    # seal); k12-039 page 3: 人才交流 (1-bit, turned 180°) into the name of the project under it
    rows = _cells(DATA / "scan_counted_heading_set_tight_k12-026_p2.pdf")
    assert any(r[2] == "劳务协作（1个）" for r in rows)
    assert not any("劳务协作" in r[2] and "基础设施" in r[2] for r in rows)
    rows = _cells(DATA / "scan_bare_heading_set_tight_k12-039_p3.pdf")
    assert any("人才交流" in r and not any("项目" in t for t in r) for r in rows)
    assert any("专业技术人才培养项目" in r for r in rows)


def test_a_table_pages_tilt_is_not_taken_from_cells_lined_up_at_a_false_angle():
    # k14-025 page 6 (300 dpi 1-bit, tilted -2.136° by the generator, faint rules, a seal): the cells of
    # its columns, set at different heights, lined up best at -1.35°; read 0.8° askew, its rows ran into
    # each other (five projects' cells a line off, 0.845)
    from extractors.raster import render_gray, skew_angle
    from extractors.scanread import prepared
    settings = Settings()
    page = pdfium.PdfDocument(str(DATA / "scan_table_false_tilt_peak_k14-025_p6.pdf"))[0]
    img = prepared(render_gray(page, 300), 300, settings)
    assert abs(skew_angle(img, settings.max_skew) - -2.136) < 0.15


def test_glyph_strokes_filling_a_row_of_labels_are_no_column_rules():
    # k14-008 page 7 (150 dpi grey, JPEG 30-45, high noise): the strokes of 总投资 | 县级配套资金 | 财政援助资金,
    # set tight between the rules under 计划投资, met a rule at each end and passed for column rules: 33
    # columns for 14, the amounts and 建设地点 spread over them
    rows = _cells(DATA / "scan_header_glyph_strokes_k14-008_p7.pdf")
    assert len(rows[0]) <= 14
    labels = [t for k, t in enumerate(rows[1]) if t and (k == 0 or t != rows[1][k - 1])]
    assert labels[labels.index("总投资"):labels.index("总投资") + 3] == ["总投资", "县级配套资金", "财政援助资金"]


def test_a_name_header_read_in_traditional_characters_names_the_column():
    # k16-018 page 4 (200 dpi 1-bit heavy blur, rules lost, tilted, a seal): rapidocr read 项目 over the
    # names as 項目, no column named the name, and the plan was rejected (no project plan table found)
    from extractors.tables import table_readings
    from extractors.units import amount_unit
    path = DATA / "scan_traditional_header_k16-018_p4.pdf"
    content = read_pdf(path, path.read_bytes(), Settings())
    rows = table_readings(content.grids, Settings(), *amount_unit(content.grids, content.pages, Settings()))[0]
    names = [r.cells["name"].text.replace("\n", "") for r in rows if r.kind == "item"]
    assert len(names) == 6 and names[0].startswith("沙坪镇高山蔬菜种植基地建设")


def test_headings_across_the_gutter_before_the_names_do_not_cut_the_names():
    # k16-030 page 3 (150 dpi 1-bit, unruled, turned 90°): the edge between 建设周期 and 项目 went two
    # characters into every name (五渡 | 镇林下经济…), six category headings crossing the true gutter
    rows = _cells(DATA / "scan_headings_over_gutter_k16-030_p3.pdf")
    period, name = rows[0].index("建设周期"), rows[0].index("项目")
    firsts = [r for r in rows if r[0] == "1"][0]
    assert (firsts[period], firsts[name]) == ("2024", "五渡镇林下经济示范园建设项目")


def test_header_labels_set_close_are_two_columns():
    # k17-011 page 5 (200 dpi grey, unruled): 实施地点 and 项目总投资（元） 3 pt apart were read as one
    # piece, one column, and 14 projects lost their locations and totals
    rows = _cells(DATA / "scan_header_labels_run_together_k17-011_p5.pdf")
    place, total = rows[0].index("实施地点"), rows[0].index("项目总投资（元）")
    assert rows[3][place] == "新林镇茗新村" and rows[3][total].startswith("4955800")


def test_rules_printed_broken_draw_the_rows_text_set_tight_against_them():
    """k25-011 (200 dpi grey, JPEG, rules printed broken, turned 270°, an OCRmyPDF layer read again): 4-line
    cells touch 7 of the 13 dashed row rules, so only 6 passed as rules; the table was read by alignment,
    its rows guessed from the text's gaps, and each content's last line went to the next project (0.889).
    A dashed rule as long as the sure ones, end to end, is a rule; rules joined from dashes draw the
    table where they give the columns alignment found, their ends drawn on to the rule they meet past no
    text (the header's column rules stop 13 points under its top)."""
    rows = _cells(DATA / "scan_broken_rules_cells_of_four_lines_k25-011_p7.pdf")
    content = rows[0].index("主要建设内容")
    assert [r[content] for r in rows[2:5]] == [
        "新建标准化圈舍约150平方米，养殖规模约1100头，配套粪污处理设施；配套完善水、电、路等基础设施",
        "新建魔芋种植基地310亩，配套建设生产便道2公里、蓄水池10口",
        "新建加工厂房430平方米，购置分拣、烘干等设备5台（套）；建立项目管护机制，确保项目长期发挥效益"]


def test_a_broken_rule_is_drawn_on_to_the_rule_it_meets_past_no_text():
    """A column rule joined from dashes whose last dash was too short to count stops 13 points under the
    header's top (k25-011); drawn on, it closes the header's cells. One stopping at a label that spans
    its column and the next (计划投资) stays stopped."""
    from extractors.raster import BROKEN_REACH_PT, reaching_clear
    from extractors.segments import hline, vline
    edges = [hline(0.0, 500.0, 100.0), hline(0.0, 500.0, 300.0), vline(200.0, 113.0, 300.0)]
    assert [e["top"] for e in reaching_clear(edges, BROKEN_REACH_PT, []) if e["height"] > 0] == [100.0]
    label = {"text": "划", "x0": 195.0, "x1": 205.0, "top": 102.0, "bottom": 111.0}
    assert [e["top"] for e in reaching_clear(edges, BROKEN_REACH_PT, [label]) if e["height"] > 0] == [113.0]
    far = [hline(0.0, 500.0, 90.0), *edges[1:]]                   # further than a dash and a gap: stays
    assert [e["top"] for e in reaching_clear(far, BROKEN_REACH_PT, []) if e["height"] > 0] == [113.0]


def test_a_seal_read_as_one_tall_box_of_text_does_not_stretch_the_header():
    """k26-014 (300 dpi 1-bit, heavy blur, unruled, turned 270°, an OCRmyPDF layer read again): OCR read
    the seal over the header and the first row as one box of text (梦族自) eight lines tall; the header
    band took it, ran down to its foot and swallowed the category row and the first project's opening
    line (its name, figures and 新建茶叶种植基地180亩，配: 0.919). A piece boxed far taller than the
    page's lines is no line of the table."""
    rows = _cells(DATA / "scan_seal_read_as_tall_text_over_header_k26-014_p4.pdf")
    content, aid = rows[0].index("主要建设内容"), rows[0].index("财政援助资金")
    first = next(r for r in rows if r[0] == "1")
    assert first[content] == "新建茶叶种植基地180亩，配套建设生产便道2公里，蓄水池9口：配套完善水、电、路等基础设施"
    assert first[aid].replace(".", ",") == "2,518,700,00"


def test_pieces_boxed_far_taller_than_the_lines_are_left_out():
    from extractors.segments import segment_of, without_towers
    def seg(text, top, bottom, x=0.0, pitch=10.0):
        return segment_of([{"text": t, "x0": x + pitch * k, "x1": x + pitch * k + pitch - 1, "top": top, "bottom": bottom}
                           for k, t in enumerate(text)])
    lines = [[seg("序号", 100, 108), seg("梦族自", 96, 158, 300, 16.3)], [seg("281,400.00", 134, 141)],
             [seg("1", 149, 155), seg("一云明", 145, 184, 200)]]        # k12-039: a tall box of the lines' type
    kept = without_towers(lines, Settings())
    assert [[s.text for s in ln] for ln in kept] == [["序号"], ["281,400.00"], ["1", "一云明"]]
    assert without_towers(lines, Settings(tower_ratio=10.0)) == lines
