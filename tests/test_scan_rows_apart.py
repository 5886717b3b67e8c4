"""A page's first row is joined to the last row of the page before only when it is the rest of
it (extractors.tables._continues), on rows shaped like the scans they come from."""
from __future__ import annotations

from extractors.tables import _continues
from schemas.types import Cell, TableRow


def row(page: int, numeral: str, **texts: str) -> TableRow:
    return TableRow("item", {f: Cell(t, page, (0.0, 0.0, 1.0, 1.0)) for f, t in texts.items()}, page, "", numeral)


def test_a_first_row_whose_number_went_unread_but_holds_its_own_amounts_is_an_item():
    """k1-012 (seed 1): the 1 of page 5's first row went unread; the row was taken for the rest of
    page 4's last row (3 专业技术人才培养项目), and two projects became one. Amounts never wrap:
    a row holding amounts of its own beside a row before that holds them is a row of its own."""
    last = row(4, "3", name="专业技术人才培养项目", content="培养农业、教育、医疗等专业", aid_funds_wan="93.55")
    first = row(5, "", name="金岩乡幼儿园保教设施建设项目", content="新建保教用房约230平方米", aid_funds_wan="277.78")
    assert not _continues([last], first)
    rest = row(5, "", content="技术人才210人次", location="自治县")          # a broken row's rest: no amount
    assert _continues([last], rest)
    assert not _continues([last], row(5, "4", name="金岩乡幼儿园保教设施建设项目", aid_funds_wan="277.78"))


def test_rows_of_a_category_label_that_went_unread_stay_out_of_the_neighbours_runs():
    """k1-036 (seed 1), page 2 as read: of four 类别 labels centred on their merged cells, 消费/帮扶
    (rows 8-10) went unread; cut contiguous, 人才交流 ran on over its rows and 产业合作 was pulled
    off its first row. Rows between two runs may stay out (at settings.label_gap_em a row): each
    label keeps the run it is centred on, the unlabelled rows get none (未分类, flagged)."""
    from extractors.merged import _centred_runs
    bands = [(67.0, 125.9), (125.9, 137.7), (137.7, 180.4), (180.4, 232.6), (232.6, 286.0), (286.0, 328.0),
             (328.0, 369.4), (369.4, 412.6), (412.6, 455.0), (455.0, 497.2), (497.2, 539.6), (539.6, 550.7)]
    section = list(range(2, 12))
    read = [(3, 202.3, 212.4, 8.5), (6, 339.5, 349.6, 8.5), (11, 540.0, 544.7, 7.5)]
    assert _centred_runs(section, read, bands, 1.0, gap=1.5) == [(2, 4), (5, 7), (11, 11)]
    assert _centred_runs(section, read, bands, 1.0, gap=100.0) == [(3, 3), (4, 9), (10, 11)]   # contiguous: the old cut
    every = read[:2] + [(9, 0.0, (bands[8][0] + bands[10][1]) / 2, 8.5)] + read[2:]
    assert _centred_runs(section, every, bands, 1.0, gap=1.5) == [(2, 4), (5, 7), (8, 10), (11, 11)]
