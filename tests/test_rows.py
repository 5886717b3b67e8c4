"""Row boundaries of tables drawn without row rules, as scans give them (extractors/rows.py):
text boxes of neighbouring columns overlap in height (OCR grows boxes, a tilt shifts them), so no
gap runs across the whole table between two rows, yet each row must end where its cells end."""
from __future__ import annotations

from extractors.rows import least_crossed, open_gaps, walk
from extractors.segments import Segment
from schemas.settings import Settings


def seg(text: str, x0: float, top: float, bottom: float, size: float = 10.0) -> Segment:
    return Segment(text, x0, x0 + size * len(text), top, bottom, size, ())


def two_rows_no_common_gap() -> list[list[Segment]]:
    """Two rows set in the middle: a serial, an amount, a cell of three lines, and a cell of
    four lines whose last box (grown by OCR to 25 pt) runs 4 pt into the next row's first box."""
    rows = []
    for k, (serial, middle) in enumerate((("1", 40.0), ("2", 100.0))):
        rows.append([seg(serial, 10, middle - 5, middle + 5), seg("100.00", 40, middle - 5, middle + 5)])
        rows += [[seg("建设内容", 120, middle - 17 + 12 * i, middle - 7 + 12 * i)] for i in range(3)]
        rows += [[seg("带动脱贫", 220, middle - 26 + 13 * i, middle - 14 + 13 * i + (13 if i == 3 else 0))]
                 for i in range(4)]
    return rows


def test_a_gap_under_a_short_line_is_no_gap_when_a_tall_line_beside_it_runs_on():
    # lines sorted by top: (0, 30) tall, (5, 10), then (12, 20): 10..12 is inside the tall line
    assert open_gaps([(0.0, 30.0), (5.0, 10.0), (12.0, 20.0), (31.0, 40.0)]) == [30.5]


def test_rows_split_where_no_gap_runs_across_the_table():
    lines = two_rows_no_common_gap()
    breaks = walk([40.0, 100.0], lines, True, Settings())
    assert len(breaks) == 1                       # not one row of two projects
    y = breaks[0]
    first = [s for ln in lines for s in ln if (s.top + s.bottom) / 2 < 70]
    second = [s for ln in lines for s in ln if (s.top + s.bottom) / 2 > 70]
    assert all((s.top + s.bottom) / 2 < y for s in first)      # each box stays in its own row
    assert all((s.top + s.bottom) / 2 > y for s in second)


def test_the_cut_between_rows_goes_through_fewest_box_middles():
    lines = two_rows_no_common_gap()
    segs = [s for ln in lines for s in ln]
    ys = least_crossed(segs, 40.0, 100.0, Settings())
    assert any(72 <= y <= 77 for y in ys)              # under the grown box's middle, above the next box's
    assert not any(59.25 < y < 71.75 or 77 < y < 83 for y in ys)   # never through a box's middle half


def test_keys_far_apart_are_two_rows_even_with_no_gap_between():
    lines = two_rows_no_common_gap()
    assert walk([40.0, 100.0], lines, True, Settings(row_wrap_em=10.0)) == []   # taken as one wrapped row
    assert len(walk([40.0, 100.0], lines, True, Settings())) == 1


def test_a_heading_that_wraps_keeps_its_second_line():
    """s707-039: 三、补齐基础短板及拓 | 展基层治理 over two lines; the row ended under the first
    and the second went into the next project's name. The heading's key covers both lines."""
    from extractors.rows import _centre, heading_keys
    lines = [[seg("三、补齐基础短板及拓", 510, 185.2, 195.2)], [seg("展基层治理", 535, 198.2, 208.2)],
             [seg("带动脱贫人", 241, 215.2, 225.2), seg("村集", 586, 215.2, 225.2)]]
    assert heading_keys(lines, _centre) == [(185.2 + 208.2) / 2]
    lines[1] = [seg("展基层治理", 535, 198.2, 208.2), seg("100.00", 40, 198.2, 208.2)]   # a row's first line
    assert heading_keys(lines, _centre) == [190.2]
    lines[1] = [seg("新建标准化圈舍约180平方", 500, 198.2, 208.2)]    # s505-017: a content's first line, wider
    assert heading_keys(lines, _centre) == [190.2]
