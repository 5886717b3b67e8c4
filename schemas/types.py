"""The small dataclasses that travel between stages, defined once.

extractors produce Page, Line, TableRow, NarrativeItem and DocumentParts; normalizers turn
them into ProjectRecord, DocumentRecord and Correction; schemas validate those as frames.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points
RowKind = Literal["item", "subtotal", "total", "empty"]
SUBTOTAL_AFTER = "小计"   # TableRow.numeral of a 小计 row printed after its group (not a heading over it)


@dataclass(frozen=True)
class Line:
    """One visual line of text with its position; `page` is 1-based."""
    text: str
    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    size: float = 0.0


@dataclass(frozen=True)
class OcrMark:
    """One character read by OCR: its box in points and the recogniser's confidence in it (0..1)."""
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    confidence: float


@dataclass
class Page:
    number: int            # 1-based
    width: float
    height: float
    lines: list[Line]      # body text outside any table, in reading order
    text_source: Literal["text_layer", "ocr", "none"] = "text_layer"   # where its characters came from
    ocr: list[OcrMark] = field(default_factory=list)   # every character OCR read (a whole page, or a table re-read)
    scanned: bool = False  # an image of a page: its text read by OCR, or an OCR engine's layer over the image


@dataclass(frozen=True)
class Cell:
    """A table value with its provenance. `span` > 1: a merged cell covering that many rows."""
    text: str
    page: int
    bbox: BBox
    span: int = 1
    merged_from_above: bool = False
    guessed: bool = False     # its column was found otherwise than by its label read as printed: in doubt
    sealed: bool = False      # a seal stamped in black or grey lies over it: what was read, or not, is in doubt
    unread: bool = False      # a scan's cell with ink no character read covers (extractors.unread): a glyph lost
    spilled: bool = False     # text beside it in a column whose header names nothing (columns.spilled_cells)


@dataclass
class TableRow:
    """One row of an attachment table, keyed by contract field names (see vocab header map)."""
    kind: RowKind
    cells: dict[str, Cell]
    page: int
    label: str = ""           # category label of a subtotal row, "合计" for the total row
    numeral: str = ""         # 一 / (一) / 1 as printed in 序号
    unit: str = "万元"         # the unit the table's amounts are printed in (万元 or 元)

    def text(self, field_name: str) -> str | None:
        c = self.cells.get(field_name)
        return c.text if c is not None and c.text else None


@dataclass
class NarrativeItem:
    """A numbered project paragraph of the plan body with its labelled lines."""
    order: int                # 1..N across the document
    number: str               # as printed ("1", restarting per category in some plans)
    heading: str              # the （一）… category heading it stands under
    name: str
    body: str                 # the text after the name
    fields: dict[str, str]    # contract field → labelled value (实施地点 → location …)
    page: int


@dataclass
class CategoryStatement:
    """One clause of the 工作任务 paragraph: 产业合作项目1个，计划投资383万元."""
    label: str
    count: int | None
    amount_wan: float | None


@dataclass
class Metadata:
    title: str | None = None
    doc_number: str | None = None
    issuer: str | None = None
    issue_date: str | None = None          # ISO date
    plan_year: int | None = None
    program: str | None = None
    donor: str | None = None
    recipient: str | None = None
    total_aid_funds_wan: float | None = None
    total_aid_funds_capital_wan: float | None = None   # the 大写 amount, for the cross-check
    total_investment_wan: float | None = None
    project_count_stated: int | None = None
    category_count_stated: int | None = None
    categories_stated: list[CategoryStatement] = field(default_factory=list)


@dataclass
class DocumentParts:
    """Everything extracted from one PDF, before normalisation."""
    source_file: str
    sha256: str
    page_count: int
    text_source: str
    source_kind: str
    pages: list[Page]
    metadata: Metadata
    items: list[NarrativeItem]
    rows: list[TableRow]
    warnings: list[str] = field(default_factory=list)
    witnesses: list[list[TableRow]] = field(default_factory=list)   # further readings of the table


@dataclass
class Correction:
    doc_id: str
    project_id: str | None
    field: str
    original: str
    corrected: str
    rule: str
    score: float | None = None
    page: int | None = None
    plan_year: int | None = None


@dataclass
class ProjectRecord:
    project_id: str
    doc_id: str
    plan_year: int
    program: str
    donor: str
    recipient: str
    seq: int
    category: str
    category_raw: str
    subcategory: str | None
    name: str
    content: str | None = None
    location: str | None = None
    aid_funds_wan: float | None = None
    total_investment_wan: float | None = None
    construction_period: str | None = None
    responsible_leader: str | None = None
    responsible_unit: str | None = None
    implementing_entity: str | None = None
    deadline: str | None = None
    beneficiary_linkage: str | None = None
    ownership: str | None = None
    notes: str | None = None
    source_pages: list[int] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    confidence: float = 1.0


@dataclass
class DocumentRecord:
    doc_id: str
    source_file: str
    sha256: str
    title: str
    doc_number: str | None
    issuer: str | None
    issue_date: str | None
    plan_year: int
    program: str
    donor: str
    recipient: str
    total_aid_funds_wan: float | None
    total_investment_wan: float | None
    project_count_stated: int | None
    category_count_stated: int | None
    source_kind: str
    text_source: str
    page_count: int
    flags: list[str]
    pipeline_version: str
    plan_key: str = ""
    alternates: list[str] = field(default_factory=list)   # source_file of other copies of the same plan
    alternate_sha256: list[str] = field(default_factory=list)
    origin: str = ""                                      # original path or URL (raw/manifest.jsonl)


@dataclass(frozen=True)
class Override:
    """An archivist's decision on one value (curated/overrides.csv): `override` sets the value on every
    run; `accept` keeps the value as it is and takes it out of the review queue while it stays `value`.

    `seq` None: a document field. `line`: the line of the file, for messages."""
    plan_key: str
    seq: int | None
    field: str
    value: str
    note: str = ""
    line: int = 0
    decision: str = "override"      # override | accept
    reviewer: str = ""
    date: str = ""
