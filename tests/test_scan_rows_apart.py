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
    """k1-036 (seed 1): of four 类别 labels centred on their merged cells, 消费/帮扶 went unread; the
    runs were cut contiguous, so 人才交流 ran on over its three rows (and 产业合作 was pulled off
    its first row). Rows between two runs may stay out as rows before the first label may: each
    label keeps the run it is centred on, the unlabelled rows get none (未分类, flagged)."""
    from extractors.merged import _centred_runs
    bands = [(100.0 + 40 * k, 140.0 + 40 * k) for k in range(11)]

    def label(first: int, last: int) -> tuple[int, float, float, float]:
        centre = (bands[first][0] + bands[last][1]) / 2
        return next(k for k, (y0, y1) in enumerate(bands) if y0 <= centre <= y1), centre - 9, centre, 9.0
    section = list(range(11))
    every = [label(0, 2), label(3, 5), label(6, 8), label(9, 10)]
    assert _centred_runs(section, every, bands, 1.0) == [(0, 2), (3, 5), (6, 8), (9, 10)]
    unread = [every[0], every[1], every[3]]
    assert _centred_runs(section, unread, bands, 1.0) == [(0, 2), (3, 5), (9, 10)]
