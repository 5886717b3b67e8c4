"""One PDF → DocumentParts: the single entry point of the extractors."""
from __future__ import annotations

import hashlib
from pathlib import Path

from extractors.errors import NoPlanTableError, NotAPlanError
from extractors.limits import Deadline
from extractors.metadata import extract_metadata
from extractors.narrative import narrative_items, paragraphs
from extractors.pdf import read_pdf
from extractors.tables import table_readings
from extractors.units import amount_unit
from schemas.settings import Settings
from schemas.types import DocumentParts, Page


def extract(path: Path, data: bytes | None = None, settings: Settings | None = None,
            sha256: str | None = None) -> DocumentParts:
    """Read a plan PDF; raises an ExtractionError subclass naming the file when it is not one.
    `sha256`: the hash the caller already took of `data` (a file is hashed once)."""
    settings = settings or Settings()
    data = path.read_bytes() if data is None else data
    deadline = Deadline.start(path, settings)
    content = read_pdf(path, data, settings, deadline)
    deadline.check("reading the plan's text and tables")
    paras = paragraphs(content.pages)
    md = extract_metadata(paras, settings)
    if not md.title or not md.plan_year or not md.program:
        missing = [k for k in ("title", "plan_year", "program") if not getattr(md, k)]
        raise NotAPlanError(str(path), "no " + ", no ".join(missing))
    readings = table_readings(content.grids, settings, *amount_unit(content.grids, content.pages, settings))
    rows = readings[0] if readings else []
    if not any(r.kind == "item" for r in rows):
        raise NoPlanTableError(str(path))
    sources = {p.text_source for p in content.pages}
    text_source = "mixed" if len(sources - {"none"}) > 1 else next(iter(sources - {"none"}), "none")
    return DocumentParts(
        source_file=str(path), sha256=sha256 or hashlib.sha256(data).hexdigest(), page_count=content.page_count,
        text_source=text_source, source_kind=source_kind(content.pages),
        pages=content.pages, metadata=md, items=narrative_items(paras, settings), rows=rows,
        warnings=content.warnings, witnesses=readings[1:])


def source_kind(pages: list[Page]) -> str:
    """`scanned` when any page with text is an image of a page (OCR'd, or under an OCR engine's layer:
    its characters are a machine's reading, so the scan's repairs and doubts apply), else `published`."""
    return "scanned" if any(p.scanned or p.text_source == "ocr" for p in pages if p.text_source != "none") \
        else "published"
