"""A cell's text from OCR boxes (extractors.grid.chars_to_text): one line that OCR read as two boxes
set a few points apart is one line, in order; lines stacked in the cell stay apart. Boxes here are
the ones rapidocr gave on the scans named."""
from __future__ import annotations

from extractors.grid import build_grid, chars_to_text


def box(text: str, x0: float, top: float, bottom: float, pitch: float = 8.0, **extra) -> list[dict]:
    return [dict(text=ch, x0=x0 + k * pitch, x1=x0 + (k + 1) * pitch, top=top, bottom=bottom, size=pitch, **extra)
            for k, ch in enumerate(text)]


def test_a_line_read_as_two_boxes_set_apart_is_one_line():
    """k21-015 (300 dpi 1-bit, heavy blur, a seal's ring over the name): 哈曲乡乌金猪养殖小区建 / 设项目,
    the first line read as two boxes, 殖小区建 4 pt above the rest, so it came first."""
    chars = box("殖小区建", 123, 122.2, 134.2) + box("哈曲乡乌金猪着", 67, 126.2, 138.5) + box("授项目", 100, 133.4, 142.3, 7)
    assert chars_to_text(chars) == "哈曲乡乌金猪着殖小区建\n授项目"


def test_stacked_lines_and_a_text_layer_stay_apart():
    wrapped = box("新建标准化圈舍约", 160, 120.0, 132.0) + box("模约600头", 160, 128.0, 140.0)
    assert chars_to_text(wrapped) == "新建标准化圈舍约\n模约600头"          # one above the other: two lines
    layer = box("县农业", 40, 100.0, 110.0, baseline=109.0) + box("农村局", 70, 104.0, 114.0, baseline=113.5)
    assert chars_to_text(layer) == "县农业\n农村局"                     # baselines 4.5 pt apart: two lines


def test_grid_cells_take_the_joined_line():
    chars = box("殖小区建", 123, 122.2, 134.2) + box("哈曲乡乌金猪着", 67, 126.2, 138.5)
    grid = build_grid(3, [(59.8, 118.0, 161.0, 146.0), (161.0, 118.0, 313.2, 146.0)], chars)
    assert [c.text for c in grid.cells] == ["哈曲乡乌金猪着殖小区建", ""]
