"""Values a scan's reading lost part of, with nothing else pointing to them (issue 11): a glyph whose
ink no character covers (吴德 for 吴德贵, 张海 for 张海军), and text standing in a column whose header
names nothing (a content's line ends read into a column of their own, an ownership column whose label
OCR lost). Each such cell's value is flagged `low_confidence:<field>`; what the narrative states as
taken is no doubt. Grids are built here from cell rectangles, ink pieces and characters."""
from __future__ import annotations

import numpy as np

from extractors.columns import Mapping, row_cells, spilled_cells
from extractors.grid import build_grid
from extractors.raster import ink_blobs
from extractors.unread import mark_unread
from normalizers.merge import merge_pair
from schemas.settings import Settings
from schemas.types import NarrativeItem, TableRow

S = Settings()


def _char(t: str, x: float, y: float) -> dict:
    return {"text": t, "x0": x, "x1": x + 10.0, "top": y, "bottom": y + 10.0, "size": 10.0}


def _leader_grid():
    """One project row: name | leader, the leader's cell 60 pt wide holding 吴德 read of 吴德贵."""
    chars = [_char("项", 12, 22), _char("目", 22, 22), _char("责", 72, 22), _char("任", 82, 22),
             _char("领", 92, 22), _char("导", 102, 22),
             _char("新", 12, 42), _char("建", 22, 42), _char("项", 32, 42), _char("目", 42, 42),
             _char("吴", 72, 42), _char("德", 82, 42)]
    rects = [(10.0, 20.0, 70.0, 40.0), (70.0, 20.0, 130.0, 40.0), (10.0, 40.0, 70.0, 60.0), (70.0, 40.0, 130.0, 60.0)]
    return build_grid(4, rects, chars), chars


def _blob(x0: float, top: float, x1: float, bottom: float, area: float) -> list[float]:
    return [x0, top, x1, bottom, area]


def test_a_glyphs_ink_no_character_covers_marks_its_cell_and_flags_the_value():
    """k11-012, k11-017 (150 and 200 dpi scans): 吴德贵 read 吴德 and 张海军 张海 with no flag, the last
    glyph's ink beside the read ones. Ink pieces of a glyph's area whose middles lie in no character's
    box mark the cell; a rule's thin dash inside the cell, specks and read glyphs do not."""
    grid, chars = _leader_grid()
    read = [_blob(c["x0"] + 1, c["top"] + 1, c["x1"] - 1, c["bottom"] - 1, 30.0) for c in chars]
    dash = _blob(72.0, 42.0, 72.8, 52.0, 6.0)                    # the rule's dash, a point off the cell's edge
    lost = _blob(93.0, 43.0, 101.0, 51.0, 28.0)                   # 贵: no character's box around it
    mark_unread([grid], np.array(read + [dash], dtype=np.float32), chars, S)
    assert not any(c.unread for c in grid.cells)
    mark_unread([grid], np.array(read + [dash, lost], dtype=np.float32), chars, S)
    assert [c.text for c in grid.cells if c.unread] == ["吴德"]
    joined = _blob(73.0, 43.0, 91.0, 51.0, 60.0)                 # k8-034: 县委 blurred into one piece, its middle
    mark_unread([grid], np.array([joined], dtype=np.float32), chars, S)     # between their boxes: read
    assert not any(c.unread for c in grid.cells)
    short = [dict(c, bottom=c["top"] + 5.0) if c["text"] in "吴德" else c for c in chars]
    lower = [_blob(73.0, 47.5, 81.0, 52.0, 14.0), _blob(83.0, 47.5, 91.0, 52.0, 14.0)]
    mark_unread([grid], np.array(lower, dtype=np.float32), short, S)    # k8-034: 合会's boxes cut at half height
    assert not any(c.unread for c in grid.cells)
    speck = _blob(93.0, 43.0, 94.0, 44.0, 1.0)
    mark_unread([grid], np.array(read + [speck], dtype=np.float32), chars, S)
    assert not any(c.unread for c in grid.cells)

    mapping = Mapping({0: "name", 1: "responsible_leader"}, 1, 2)
    mark_unread([grid], np.array(read + [lost], dtype=np.float32), chars, S)
    row = TableRow("item", row_cells(grid, 1, mapping), 4, "", "1")
    assert row.cells["responsible_leader"].unread
    assert "low_confidence:responsible_leader" in merge_pair(None, row, "产业合作", S, alone=False).flags
    told = NarrativeItem(1, "1", "", "新建项目", "", {"responsible_leader": "吴德"}, 2)
    assert "low_confidence:responsible_leader" not in merge_pair(told, row, "产业合作", S, alone=False).flags


def test_ink_blobs_are_the_images_pieces_of_ink_in_points_without_specks():
    img = np.full((200, 200), 255, np.uint8)
    img[20:60, 20:60] = 0                                         # 40 px at 144 dpi: 20 pt
    img[100, 100] = 0                                             # one pixel: a speck
    blobs = ink_blobs(img, 144)
    assert blobs.shape == (1, 5) and [round(float(v)) for v in blobs[0]] == [10, 10, 30, 30, 400]


def test_text_in_a_column_whose_header_names_nothing_flags_the_field_beside_it():
    """k11-025 (an OCRmyPDF layer, rules broken): a content's line ends (米；| 建立) read into two narrow
    columns a broken rule made, headed by nothing; the content lost them with no flag. k10-023: an
    ownership column whose header OCR lost. Text in a column no header names marks the mapped cell to
    its left; figures there are an amount column whose label was lost (白筹资金), not a spill, nor is
    text beside a column the contract does not carry (绩效目标)."""
    chars = [_char("项", 12, 22), _char("目", 22, 22), _char("内", 72, 22), _char("容", 82, 22),
             _char("新", 12, 42), _char("建", 22, 42), _char("硬", 72, 42), _char("化", 82, 42),
             _char("米", 132, 42), _char("4", 152, 62)]
    rects = [(x0, y, x0 + 60.0, y + 20.0) for y in (20.0, 40.0, 60.0) for x0 in (10.0, 70.0, 130.0)]
    grid = build_grid(6, rects, chars)
    mapping = Mapping({0: "name", 1: "content"}, 1, 3, unnamed=frozenset({2}))
    cells = spilled_cells(grid, 1, mapping, row_cells(grid, 1, mapping), S)
    assert cells["content"].spilled and not cells["name"].spilled
    assert "low_confidence:content" in merge_pair(None, TableRow("item", cells, 6, "", "1"), "产业合作", S,
                                                  alone=False).flags
    figures = spilled_cells(grid, 2, mapping, row_cells(grid, 2, mapping), S)
    assert not any(c.spilled for c in figures.values())
    named = Mapping({0: "name", 1: "content"}, 1, 3)                  # the column's header names a known column
    assert not any(c.spilled for c in spilled_cells(grid, 1, named, row_cells(grid, 1, named), S).values())
    # k8-033: a rule made up inside 绩效目标 (a column the contract does not carry) split off its text
    chars4 = chars + [_char("项", 192, 42)]
    rects4 = [(x0, y, x0 + 60.0, y + 20.0) for y in (20.0, 40.0, 60.0) for x0 in (10.0, 70.0, 130.0, 190.0)]
    grid4 = build_grid(6, rects4, chars4)
    beside = Mapping({0: "name", 1: "content"}, 1, 4, unnamed=frozenset({2}))     # column 3: 绩效目标, named
    assert not any(c.spilled for c in spilled_cells(grid4, 1, beside, row_cells(grid4, 1, beside), S).values())
