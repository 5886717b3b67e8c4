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
