"""Where each value was printed: one `provenance` row per reading of a value (the narrative, the
table, the N-th table reading of a scan), with its page, box in PDF points, text as read and, for a
reading OCR made, the recogniser's confidence.

Table values carry their cell's page and box. Narrative values and the document's metadata are
found again among the page's body lines (normalizers/placing.py). A value not found on any line still
gets a row naming its reading, without a page; a value the pipeline computed (ids, flags, confidence)
gets one row with reading `pipeline`.
"""
from __future__ import annotations

from dataclasses import dataclass

from normalizers.numbers import row_amount
from normalizers.placing import MIN_PIECE, LineIndex, Marks, needle
from normalizers.merge import AID_CLAUSE, TOTAL_CLAUSE, Merged, narrative_content
from normalizers.text import as_text, compact
from schemas.types import Cell, DocumentParts, DocumentRecord, ProjectRecord, TableRow

NARRATIVE, TABLE, PIPELINE, OVERRIDE = "narrative", "table", "pipeline", "override"
# document columns that are facts of the file or the pipeline, not printed in the plan
DOC_COMPUTED = ("doc_id", "source_file", "sha256", "page_count", "source_kind", "text_source", "flags",
                "pipeline_version", "plan_key")
# project columns copied from the document row: their places are the document's
FROM_DOCUMENT = ("plan_year", "program", "donor", "recipient")
PROJECT_COMPUTED = ("project_id", "doc_id", "source_pages", "flags", "confidence")
_CN_DIGITS = "〇一二三四五六七八九"


@dataclass
class Provenance:
    """One reading of one value: where it stands in the PDF and how it was read."""
    doc_id: str
    project_id: str | None
    field: str
    reading: str                  # narrative | table | table_<n> | pipeline | override
    page: int | None = None
    x0: float | None = None
    top: float | None = None
    x1: float | None = None
    bottom: float | None = None
    text: str = ""
    source: str = PIPELINE        # text_layer | ocr | pipeline | override
    confidence: float | None = None   # OCR: the lowest confidence of a character in the box; else None
    plan_year: int | None = None


class Locator:
    """Makes provenance rows for one document: cells as they are, narrative text found in the lines."""

    def __init__(self, parts: DocumentParts, doc_id: str, plan_year: int | None):
        self.index = LineIndex([ln for p in parts.pages for ln in p.lines])
        self.sources = {p.number: p.text_source for p in parts.pages}
        self.marks = Marks(parts.pages)
        self.doc_id, self.plan_year = doc_id, plan_year

    def row(self, pid, fieldname, reading, text, page=None, box=None, source=None, parts=None) -> Provenance:
        """A row; a reading with a box gets the confidence of the characters OCR read in it (in `parts`,
        the covered part of each line, when given) and source `ocr` when there are any."""
        x0, top, x1, bottom = box if box else (None, None, None, None)
        src = source or (self.sources.get(page, "text_layer") if page else PIPELINE)
        conf = self.marks.confidence(page, parts or [box]) if box else None
        return Provenance(self.doc_id, pid, fieldname, reading, page, x0, top, x1, bottom, text,
                          "ocr" if src == "ocr" or conf is not None else src, conf, self.plan_year)

    def placed(self, pid, fieldname, reading, text, found) -> list[Provenance]:
        """Rows for a text found in the lines: `found` is boxes() or boxes_of()."""
        return [self.row(pid, fieldname, reading, text, p, box, parts=parts) for p, box, parts in found]

    def cell(self, pid, fieldname, reading, cell: Cell | None) -> list[Provenance]:
        if cell is None or not (cell.text or "").strip():
            return []
        return [self.row(pid, fieldname, reading, cell.text, cell.page, tuple(round(v, 2) for v in cell.bbox))]

    def text(self, pid, fieldname, reading, text, start=0, before=None, page=None) -> list[Provenance]:
        """Rows for `text` found in the lines; one row without a box (on `page`) when it is not found."""
        if text is None or not str(text).strip():
            return []
        span = self.index.find(str(text), start, before)
        spans = [span] if span else self.index.pieces(str(text), start) if len(str(text)) >= MIN_PIECE * 3 else []
        if not spans:
            return [self.row(pid, fieldname, reading, str(text), page, None,
                             self.sources.get(page, "text_layer") if page else "text_layer")]
        return self.placed(pid, fieldname, reading, str(text), self.index.boxes_of(spans))

    def first(self, pid, fieldname, reading, candidates, start=0) -> list[Provenance]:
        """Rows for the first candidate text that is found, else for the first candidate, unlocated."""
        for c in candidates:
            span = self.index.find(c, start) if c else None
            if span is not None:
                return self.placed(pid, fieldname, reading, c, self.index.boxes(span))
        return self.text(pid, fieldname, reading, candidates[0]) if candidates else []


def chinese_date(iso: str) -> list[str]:
    """The ways a date is printed: 2023年2月7日, 2023年02月07日, 2023.2.7, 二〇二三年二月七日."""
    parts = iso.split("-")
    y, rest = parts[0], [int(p) for p in parts[1:]]
    cn = "".join(_CN_DIGITS[int(d)] for d in y) + "年"
    arabic = f"{y}年" + "".join(f"{v}{u}" for v, u in zip(rest, "月日"))
    padded = f"{y}年" + "".join(f"{v:02d}{u}" for v, u in zip(rest, "月日"))
    dotted = ".".join([y] + [str(v) for v in rest])
    return [arabic, padded, dotted, cn + "".join(_cn_number(v) + u for v, u in zip(rest, "月日")), iso]


def _cn_number(n: int) -> str:
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else _CN_DIGITS[tens]) + "十" if tens else "") + (_CN_DIGITS[ones] if ones else "")


def _suffixes(name: str) -> list[str]:
    """A full official name, then its shorter endings (浙江省绍兴市柯桥区 → 绍兴市柯桥区 → 柯桥区)."""
    return [name[k:] for k in range(0, max(len(name) - 2, 1))]


def document_rows(loc: Locator, parts: DocumentParts, doc: DocumentRecord) -> list[Provenance]:
    """Every document field: where the plan states it, or `pipeline` for facts of the file."""
    md, out = parts.metadata, []
    for f in ("title", "doc_number", "issuer", "program"):
        out += loc.text(None, f, NARRATIVE, getattr(doc, f))
    title = loc.index.find(doc.title) if doc.title else None
    if title is not None and doc.plan_year and str(doc.plan_year) in doc.title:
        out += loc.placed(None, "plan_year", NARRATIVE, str(doc.plan_year), loc.index.boxes(title))
    else:
        out += loc.text(None, "plan_year", NARRATIVE, f"{doc.plan_year}年")
    if doc.issue_date:
        out += loc.first(None, "issue_date", NARRATIVE, chinese_date(doc.issue_date))
    for f in ("donor", "recipient"):
        if getattr(doc, f):
            out += loc.first(None, f, NARRATIVE, _suffixes(getattr(doc, f)))
    total = next((r for r in parts.rows if r.kind == "total"), None)
    for f, stated in (("total_aid_funds_wan", md.total_aid_funds_wan), ("total_investment_wan", md.total_investment_wan)):
        value = getattr(doc, f)
        if value is None:
            continue
        if stated is None and total is not None and row_amount(total, f) == value:
            out += loc.cell(None, f, TABLE, total.cells.get(f))
        else:
            out += loc.first(None, f, NARRATIVE, [f"{as_text(value)}万元", as_text(value)])
    n_cat, n_proj = doc.category_count_stated, doc.project_count_stated
    both = [f"{n_cat}类{n_proj}个"] if n_cat is not None and n_proj is not None else []
    if n_proj is not None:
        out += loc.first(None, "project_count_stated", NARRATIVE, both + [f"{n_proj}个"])
    if n_cat is not None:
        out += loc.first(None, "category_count_stated", NARRATIVE, both + [f"{n_cat}类"])
    out += [loc.row(None, f, PIPELINE, as_text(getattr(doc, f)) if not isinstance(getattr(doc, f), list)
                    else ", ".join(getattr(doc, f))) for f in DOC_COMPUTED if _has(getattr(doc, f))]
    return out


def _has(value) -> bool:
    return value is not None and value != "" and value != []


def _category_cell(row: TableRow, label: str) -> Cell | None:
    """The cell of a category row that prints its label (or its first non-empty cell)."""
    filled = [c for c in row.cells.values() if (c.text or "").strip()]
    return next((c for c in filled if label and label[:2] in c.text), filled[0] if filled else None)


def _item_number(loc: Locator, pid: str, item, start: int) -> list[Provenance]:
    """The item's number where it is printed before its name (1. / 1、 / （1）)."""
    for form in (f"{item.number}.", f"{item.number}、", f"{item.number}．", f"（{item.number}）", f"({item.number})"):
        span = loc.index.find(form + item.name[:6], start)
        if span is not None:
            head = (span[0], span[0] + len(needle(form)) - 1)
            return loc.placed(pid, "seq", NARRATIVE, item.number, loc.index.boxes(head))
    return []


def printed_amount(body: str, fieldname: str) -> str | None:
    """The clause of an item's sentence that states an amount (投入资金90万元), as printed;
    `body`: the sentence compacted (text.compact)."""
    pattern = AID_CLAUSE if fieldname == "aid_funds_wan" else TOTAL_CLAUSE
    hit = pattern.search(body)
    return hit.group(0) if hit else None


def project_rows(loc: Locator, p: ProjectRecord, m: Merged, doc_rows: list[Provenance], cursor: int
                 ) -> tuple[list[Provenance], int]:
    """Every reading of every value of one project (`m`: its readings as merged); `cursor`: the
    line to search from when it has no narrative item. Returns the rows and the item's line."""
    pid, out = p.project_id, []
    item, row = m.item, m.row
    readings = [(TABLE, row)] + [(f"{TABLE}_{n}", w) for n, w in zip(m.readings, m.witnesses)] if row else []
    name_at = loc.index.find(item.name, loc.index.line_of(item.page)) if item else None
    start = loc.index.owner[name_at[0]] if name_at else (loc.index.line_of(item.page) if item else cursor)
    narrative = dict(item.fields) if item else {}
    if item:
        narrative["name"] = item.name
        narrative["seq"] = item.number
        body = compact(item.body)
    for f in ("seq", "name", "content", "location", "construction_period", "responsible_leader", "responsible_unit",
              "implementing_entity", "deadline", "beneficiary_linkage", "ownership", "notes", "subcategory",
              "aid_funds_wan", "total_investment_wan"):
        cell_field = "category" if f == "subcategory" else f
        if f == "subcategory" and p.subcategory is None:
            continue
        for name, r in readings:
            out += loc.cell(pid, f, name, r.cells.get(cell_field))
        if not item:
            continue
        if f == "seq":
            out += _item_number(loc, pid, item, start)
        elif f in ("aid_funds_wan", "total_investment_wan"):
            out += loc.text(pid, f, NARRATIVE, printed_amount(body, f), start, page=item.page)
        elif f == "content":
            out += loc.text(pid, f, NARRATIVE, narrative_content(item), start, page=item.page)
        else:
            out += loc.text(pid, f, NARRATIVE, narrative.get(f), start, page=item.page)
    for f in ("category", "category_raw"):
        if m.category_row is not None:
            out += loc.cell(pid, f, TABLE, _category_cell(m.category_row, p.category_raw))
        elif row is not None and row.cells.get("category") is not None:
            out += loc.cell(pid, f, TABLE, row.cells["category"])
        if item and item.heading:
            out += loc.text(pid, f, NARRATIVE, item.heading, before=start, page=item.page)
    out += [Provenance(**{**r.__dict__, "project_id": pid}) for r in doc_rows if r.field in FROM_DOCUMENT]
    for f in (f for f in PROJECT_COMPUTED if _has(getattr(p, f))):
        v = getattr(p, f)
        out.append(loc.row(pid, f, PIPELINE, ", ".join(map(str, v)) if isinstance(v, list) else as_text(v)))
    out += unlocated(loc, p, out, item, row)
    return out, start


def unlocated(loc: Locator, p: ProjectRecord, rows: list[Provenance], item, row) -> list[Provenance]:
    """A row for each value no reading placed (decided by the pipeline: a default, a vote), so that
    every value of the project has one; page of its reading where there is one."""
    have = {r.field for r in rows}
    out = []
    for f, v in p.__dict__.items():
        if f in have or not _has(v):
            continue
        page = row.page if row else item.page if item else None
        out.append(loc.row(p.project_id, f, TABLE if row else NARRATIVE if item else PIPELINE, as_text(v), page))
    return out


def provenance(parts: DocumentParts, doc: DocumentRecord, projects: list[ProjectRecord], merged: list[Merged]
               ) -> list[Provenance]:
    """The provenance rows of one plan: its document fields, then each project's values in order."""
    loc = Locator(parts, doc.doc_id, doc.plan_year)
    doc_rows = document_rows(loc, parts, doc)
    out, cursor = list(doc_rows), 0
    for p, m in zip(projects, merged):
        rows, cursor = project_rows(loc, p, m, doc_rows, cursor)
        out += rows
    return out
