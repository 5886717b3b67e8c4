"""Where a scanned table's header ends and its body begins, and running lines OCR reads a little
differently on each page (issue 11, k1-028: a three_line table at 300 dpi 1-bit). Lines are built
here from characters placed as OCR boxes them; what each test expects is written from those boxes."""
from __future__ import annotations

from extractors.furniture import furniture
from extractors.grid import group_lines
from extractors.header import locate
from extractors.pdfpages import PageScan
from extractors.segments import text_lines
from schemas.settings import Settings


def _chars(top: float, cells: list[tuple[str, float]], height: float = 10.0) -> list[dict]:
    return [{"text": t, "x0": x + 10 * i, "x1": x + 10 * (i + 1), "top": top, "bottom": top + height, "size": 10.0}
            for text, x in cells for i, t in enumerate(text)]


def _table(head_top: float, total_top: float) -> list[list]:
    """A header of two lines (a group label over two amount columns, then the labels), a 合计 row
    and two items, as segments."""
    chars = _chars(head_top, [("资金规模", 380.0)])
    chars += _chars(head_top + 17, [("序号", 40.0), ("项目名称", 90.0), ("建设内容", 200.0), ("总投资", 330.0),
                                    ("财政援助", 420.0), ("实施地点", 520.0)])
    chars += _chars(total_top, [("合计", 200.0), ("500.00", 330.0), ("400.00", 420.0)])
    for k, top in enumerate((total_top + 25, total_top + 50)):
        chars += _chars(top, [(f"({k + 1})", 40.0), ("新林镇茶园项目", 90.0), ("新建茶园", 200.0),
                              ("250.00", 330.0), ("200.00", 420.0), ("新林镇", 520.0)])
    settings = Settings()
    return text_lines(group_lines(chars, settings.line_tolerance), settings)


def test_the_tables_top_rule_touched_by_its_first_header_line_does_not_end_the_header():
    """k1-028: the top rule of a three_line table (y 110.2) runs through the OCR box of the header's
    first line (109.0 to 119.0). It was taken for the rule under the header, every header line fell
    below it, and the page's table was lost. A rule ends the header only with header text above it."""
    settings = Settings()
    lines = _table(109.0, 150.0)
    frame = locate(lines, [110.2], 595.0, settings, None, [110.2])
    assert frame is not None
    assert frame.head_bottom == 137.0                 # under the label line, not at the top rule
    assert len(frame.stacks) == 6
    ruled = locate(lines, [110.2, 135.0], 595.0, settings, None, [110.2, 135.0])
    assert ruled is not None and ruled.head_bottom == 135.0     # one under the labels' middles still ends it


def test_a_first_row_whose_box_reaches_up_past_the_headers_bottom_stays_in_the_body():
    """k1-028: the 合计 row set tight under the header (OCR box top 135.9, above the header's
    bottom 137.0, its middle below) was dropped from the body: the row banding never saw it and
    合计 went into the first category heading's row."""
    settings = Settings()
    frame = locate(_table(109.0, 135.9), [], 595.0, settings, None, [])
    assert frame is not None
    assert frame.head_bottom == 137.0
    assert "".join(s.text for s in frame.data[0]).startswith("合计")
    assert len(frame.data) == 3


def _page(number: int, footer: str, body: str) -> tuple[PageScan, list[list[dict]]]:
    chars = _chars(400.0, [(body, 40.0)]) + _chars(800.0, [(footer, 40.0)], 6.0)
    scan = PageScan(number, 595.0, 842.0, chars, [], dpi=200, text_source="ocr")
    return scan, group_lines(chars)


def test_a_running_footer_read_a_little_differently_on_each_scanned_page_is_furniture():
    """k1-028: the footer SYNTHETIC合成样例(aidplans版式生成器)… read (iplans…, (ipans…, ）or ) on the
    table pages stood in the last rows' cells (amounts SYNTHETIC合成样例, a spurious row). Margin
    lines of scanned pages that read alike are furniture; a short line is matched only exactly."""
    footers = ["SYNTHETIC合成样例(aidplans版式生成器），非真实文件s1-028",
               "SYNTHETIC合成样例(iplans版式生成器)，非真实文件s1-028",
               "SYNTHETIC合成样例(ipans版式生成器），非真实文件·s1-028"]
    pages = [_page(n + 1, f, "建设内容") for n, f in enumerate(footers)]
    scans, lines_of = [p[0] for p in pages], {p[0].number: p[1] for p in pages}
    out = furniture(scans, lines_of, Settings())
    for scan, lines in pages:
        footer = next(ln for ln in lines if ln[0]["top"] == 800.0)
        assert all(id(c) in out for c in footer)
        assert not any(id(c) in out for ln in lines if ln[0]["top"] == 400.0 for c in ln)
    other = [_page(1, "填报单位：县发展和改革局", "x"), _page(2, "填报单位：县农业农村局", "y")]
    assert not furniture([p[0] for p in other], {p[0].number: p[1] for p in other}, Settings())
    exact = Settings(furniture_similarity=100.0)
    assert not furniture(scans, lines_of, exact) & {id(c) for c in pages[1][1][-1]}


def test_a_footer_in_small_type_read_too_badly_to_match_another_page_is_furniture():
    """k2-031: the footer read SNHETC (dn式生器件2031 on one page alone went into an item's content.
    A margin line standing apart in type under furniture_small_type of the page's usual is furniture;
    the same line in body type is not."""
    chars = _chars(400.0, [("在平等乡新建标准化圈舍", 40.0)], 14.0) + _chars(420.0, [("养殖规模约1000", 40.0)], 14.0)
    footer = _chars(800.0, [("SNHETC(dn式生器件2031", 150.0)], 6.0)
    scan = PageScan(2, 595.0, 842.0, chars + footer, [], dpi=200, text_source="ocr")
    out = furniture([scan], {2: group_lines(chars + footer)}, Settings())
    assert {id(c) for c in footer} <= out and not out & {id(c) for c in chars}
    assert not furniture([scan], {2: group_lines(chars + footer)}, Settings(furniture_small_type=0.0))
    body = _chars(800.0, [("SNHETC(dn式生器件2031", 150.0)], 14.0)
    plain = PageScan(2, 595.0, 842.0, chars + body, [], dpi=200, text_source="ocr")
    assert not furniture([plain], {2: group_lines(chars + body)}, Settings())


def test_a_footer_set_right_under_a_table_where_another_pages_footer_stands_is_furniture():
    """k21-028 (200 dpi 1-bit, an unruled table whose rows run on across pages): on the table's first
    (landscape) page the footer, read SATHETR tatdpians 14 盟 in type 0.7 of the table's, stood 10 pt
    under the last row: not apart, not small enough, read like no other page's. It went into the
    table as a row, and the project above it, cut by the page break, was joined to it: a spurious
    record and every seq after it one off. The page's last line, at a footer's distance from the
    foot and in type under furniture_placed_type of the page's usual, is that footer; in table type it
    is a row."""
    prose = _chars(400.0, [("在平等乡新建标准化圈舍", 40.0)], 14.0)
    footer = _chars(799.0, [("SANFHETIC", 150.0)], 4.8)                  # found small and apart on page 2
    rows = [_chars(top, [("干部人才交流培", 40.0), ("1090000", 300.0)], 9.6) for top in (500.0, 515.0, 533.0)]
    under = _chars(552.0, [("SATHETR", 100.0), ("tatdpians 14", 400.0), ("盟", 600.0)], 6.7)

    def pages(last: list[dict]) -> tuple[list[PageScan], dict[int, list[list[dict]]]]:
        table = [c for r in rows for c in r] + last
        scans = [PageScan(2, 595.0, 842.0, prose + footer, [], dpi=200, text_source="ocr"),
                 PageScan(7, 842.0, 595.3, table, [], dpi=200, text_source="ocr")]
        return scans, {2: group_lines(prose + footer), 7: group_lines(table)}

    out = furniture(*pages(under), Settings())
    assert {id(c) for c in under} <= out and not out & {id(c) for r in rows for c in r}
    assert not furniture(*pages(under), Settings(furniture_placed_type=0.6)) & {id(c) for c in under}
    row = _chars(552.0, [("训项目", 40.0), ("春燕", 400.0)], 9.6)            # the row's rest, in table type
    assert not furniture(*pages(row), Settings()) & {id(c) for c in row}
