"""Write the page fixtures: single pages cut from scan variants of seeds 1, 2, 4, 8, 10, 12 to 17, 24 to 26
whose reading went wrong (tests/test_scan_turns.py, tests/test_scan_layers.py, tests/test_scan_pages.py).

    .venv/bin/python samples/scanvariants/page_fixtures.py [--work /tmp/turned] (a folder of scans, reused) [--out tests/data]

k1-036 page 2: a 150 dpi 1-bit table page (heavy blur, high noise, unruled), turned 270°, with
its OCRmyPDF layer; k1-007 page 1: a sparse 1-bit letter page turned 90°, tilted; k1-007 page 2:
a narrative page (1-bit, heavy blur, tilted 2.4°) whose OCRmyPDF layer is only 82 % in step with
a fresh OCR (tests/test_scan_layers.py); k2-016 page 6: an upright landscape table of narrow
columns (stacked cell lines, a column of vertical text) whose reading turned a quarter looked more
confident; k2-029 page 3: a 300 dpi 1-bit table page turned 90° under a rapidocr layer, read
down the page once turned 180°; k2-034 page 1: a 1-bit cover page scanned upside down whose
OCRmyPDF layer is garbage and whose middle is blank (tests/test_scan_layers.py); k4-016 page 5:
a 150 dpi colour table page turned 90° whose ink profile and first reading both looked upright; k10-014
page 4: an upright unruled table page of narrow columns under a rapidocr layer whose ink profile looked
turned (tests/test_scan_turns.py); k13-008 page 2: a plan's first page under an OCRmyPDF layer that
garbled the title in large type and dropped its wrapped line (tests/test_scan_layers.py); k13-009
page 3: a 1-bit ruled table page whose rules stand a pixel off plumb; k13-005 page 4: a 150 dpi 1-bit
unruled table turned 90°, names set a character a line run down three rows, a group label read in
two pieces; k12-026 page 2: an unruled table whose category heading with its count (劳务协作（1个）)
is set tight under a project, its numeral under a grey seal; k12-039 page 3: an unruled 1-bit table
turned 180° whose category heading (人才交流) is set tight over its first project; k8-021 page 2: a
200 dpi grey narrative page (high noise, uneven paper, turned 180°) whose glyph strokes, found at the
faint level, must not pass for column rules; k14-025 page 6: a 300 dpi 1-bit table page tilted
2.1° whose cells line up nearly as well at a false angle; k14-008 page 7: a 150 dpi grey JPEG table
page whose header labels, set tight between rules, have glyph strokes meeting a rule at each end
(tests/test_scan_pages.py); k15-012 page 2: a 200 dpi colour page turned 270° and tilted 2.8° under an
OCRmyPDF layer that read its turned glyphs one by one (tests/test_scan_turns.py); k16-018 page 4: a 200 dpi
1-bit heavy-blur table page (rules lost, tilted, a seal) whose name header OCR reads 項目; k16-030 page 3:
a 150 dpi 1-bit unruled table turned 90° whose category headings cross the gutter before the names;
k17-011 page 5: a 200 dpi grey unruled table whose labels 实施地点 and 项目总投资（元） stand 3 pt apart
(tests/test_scan_pages.py); k24-031 page 7: a 300 dpi 1-bit heavy-blur table whose faint rules the scan
lost, its 责任领导 names set a character a line read down over two rows (陈 | 春燕刘海 | 军) under an
OCRmyPDF layer read again by OCR; k8-027 page 4: a 200 dpi grey table on uneven paper whose faint
rules, measured by their darkest line, came with its text's glyph strokes; k25-011 page 7: a 200 dpi grey
JPEG table turned 270° whose rules, printed broken, have 4-line cells set tight against them;
k26-014 page 4: a 300 dpi 1-bit heavy-blur unruled table turned 270° under an OCRmyPDF layer read again,
a seal over its header and first row that OCR read as one box of text eight lines tall
(tests/test_scan_pages.py). Needs
samples/install_generator_tools.sh and samples/install_scan_tools.sh.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pypdfium2 as pdfium

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import batch  # noqa: E402

ROOT = HERE.parent.parent
PAGES = {("k1-036", 2): "scan_turned_k1-036_p2.pdf", ("k1-007", 1): "scan_turned_k1-007_p1.pdf",
         ("k1-007", 2): "scan_weak_layer_k1-007_p2.pdf",
         ("k2-016", 6): "scan_upright_narrow_columns_k2-016_p6.pdf",
         ("k2-029", 3): "scan_turned_read_down_k2-029_p3.pdf",
         ("k2-034", 1): "scan_upside_down_blank_middle_k2-034_p1.pdf",
         ("k4-016", 5): "scan_turned_weak_reading_k4-016_p5.pdf",
         ("k10-014", 4): "scan_upright_layer_narrow_columns_k10-014_p4.pdf",
         ("k13-008", 2): "scan_layer_garbled_title_k13-008_p2.pdf",
         ("k13-009", 3): "scan_rules_off_plumb_k13-009_p3.pdf",
         ("k13-005", 4): "scan_stacked_names_split_group_label_k13-005_p4.pdf",
         ("k12-026", 2): "scan_counted_heading_set_tight_k12-026_p2.pdf",
         ("k12-039", 3): "scan_bare_heading_set_tight_k12-039_p3.pdf",
         ("k8-021", 2): "scan_glyph_strokes_no_rules_k8-021_p2.pdf",
         ("k14-025", 6): "scan_table_false_tilt_peak_k14-025_p6.pdf",
         ("k14-008", 7): "scan_header_glyph_strokes_k14-008_p7.pdf",
         ("k15-012", 2): "scan_turned_tilted_k15-012_p2.pdf",
         ("k16-018", 4): "scan_traditional_header_k16-018_p4.pdf",
         ("k16-030", 3): "scan_headings_over_gutter_k16-030_p3.pdf",
         ("k17-011", 5): "scan_header_labels_run_together_k17-011_p5.pdf",
         ("k24-031", 7): "scan_leaders_read_down_over_rows_k24-031_p7.pdf",
         ("k8-027", 4): "scan_faint_rules_glyph_strokes_k8-027_p4.pdf",
         ("k25-011", 7): "scan_broken_rules_cells_of_four_lines_k25-011_p7.pdf",
         ("k26-014", 4): "scan_seal_read_as_tall_text_over_header_k26-014_p4.pdf"}     # (variant, page) -> fixture


def cut(src: Path, number: int, dst: Path) -> None:
    """Page `number` of src alone in dst (image and text layer as they are)."""
    out = pdfium.PdfDocument.new()
    out.import_pages(pdfium.PdfDocument(str(src)), [number - 1])
    out.save(str(dst))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", type=Path, default=Path("/tmp/turned"))
    ap.add_argument("--out", type=Path, default=ROOT / "tests" / "data")
    args = ap.parse_args()
    for (vid, number), name in PAGES.items():
        if not (args.work / f"{vid}.pdf").exists():
            batch.build([batch.by_id(vid)], args.work)
        cut(args.work / f"{vid}.pdf", number, args.out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
