"""Per-value provenance: the samples ingested by the ingest flow carry a `provenance` row for every
value of `projects` and every document field, each reading on its page with a box that holds the
text as the PDF prints it (checked against the PDF's own characters in that box)."""
from __future__ import annotations

import shutil
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pypdfium2 as pdfium
import pytest

from conftest import DATA, ROOT, extracted, normalized, sample, scratch
from flows.cli import main
from flows.store import CuratedStore
from extractors.pdf import read_pdf
from normalizers.placing import LineIndex
from normalizers.provenance import chinese_date
from schemas.settings import Settings
from schemas.types import Line

pytestmark = pytest.mark.usefixtures("prefect_harness")
# where a document's file came from: facts of the landing, not of the plan (raw/manifest.jsonl)
NOT_PRINTED = {"origin", "alternates", "alternate_sha256"}


@lru_cache(maxsize=None)
def samples_dataset() -> Path:
    root = scratch("provenance-")
    shutil.copytree(ROOT / "raw" / "samples", root / "in")
    assert main(["run", str(root / "in"), "--curated", str(root / "curated")]) == 0
    return root / "curated"


def _has(v) -> bool:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return False
    if hasattr(v, "__len__") and not isinstance(v, str):
        return len(v) > 0
    return v != ""


def test_every_value_of_the_samples_has_a_provenance_row():
    snap = CuratedStore(samples_dataset()).snapshot()
    prov = snap.provenance
    assert len(snap.projects) == 24 and len(prov) > 0
    have = set(zip(prov["project_id"].fillna(""), prov["field"]))
    missing = [(p["project_id"], c) for p in snap.projects.to_dict("records") for c, v in p.items()
               if _has(v) and (p["project_id"], c) not in have]
    doc_have = set(zip(prov.loc[prov["project_id"].isna(), "doc_id"], prov.loc[prov["project_id"].isna(), "field"]))
    missing += [(d["doc_id"], c) for d in snap.documents.to_dict("records") for c, v in d.items()
                if _has(v) and c not in NOT_PRINTED and (d["doc_id"], c) not in doc_have]
    assert missing == []


def test_every_printed_value_is_found_on_its_page():
    prov = CuratedStore(samples_dataset()).snapshot().provenance
    printed = prov[prov["reading"].isin(["narrative", "table"])]
    assert printed["page"].notna().all() and printed["x0"].notna().all()
    assert set(printed["source"]) == {"text_layer"}
    assert (prov.loc[prov["reading"] == "pipeline", "page"].isna()).all()
    both = printed[printed["project_id"].notna()].groupby(["project_id", "field"])["reading"].nunique()
    assert (both.loc[(slice(None), "name")] == 2).all()          # the narrative item and the table row


def _text_in_box(pdf: pdfium.PdfDocument, page: int, box: tuple[float, float, float, float]) -> str:
    p = pdf[page - 1]
    h = p.get_height()
    tp = p.get_textpage()
    x0, top, x1, bottom = box
    text = tp.get_text_bounded(left=x0 - 1, bottom=h - bottom - 1, right=x1 + 1, top=h - top + 1)
    return text.replace("\x02", "-")              # pdfium's soft hyphen mark


@pytest.mark.parametrize("name", ["2023", "2026"])
def test_each_box_holds_the_text_as_printed(name):
    """The PDF's own characters inside each box contain the reading's text (boxes are not guessed)."""
    doc = normalized(sample(name))
    pdf = pdfium.PdfDocument(str(sample(name)))
    checked = 0
    for r in doc.provenance:
        if r.page is None or r.reading == "pipeline":
            continue
        inside = "".join(_text_in_box(pdf, r.page, (r.x0, r.top, r.x1, r.bottom)).split())
        text = "".join(r.text.split())
        if r.field == "plan_year":                            # the year inside the title's box
            assert text in inside
        elif len(text) < 40:                                  # a long text over a page break: each page a part
            assert text.rstrip("。，；") in inside or inside in text, (r.field, r.text, inside)
        checked += 1
    assert checked > 300


def test_a_reading_found_over_two_lines_gets_the_part_of_each_line():
    lines = [Line("实施地点：宜坪", 3, 100, 10, 240, 24), Line("乡宜坪村。", 3, 60, 30, 160, 44)]
    idx = LineIndex(lines)
    span = idx.find("宜坪乡宜坪村")
    [(page, (x0, top, x1, bottom), _)] = idx.boxes(span)
    assert page == 3 and x0 == 60 and top == 10 and bottom == 44
    assert x1 == 240 and idx.find("沙坪镇") is None


def test_dates_are_looked_for_as_plans_print_them():
    assert chinese_date("2023-02-07")[:4] == ["2023年2月7日", "2023年02月07日", "2023.2.7", "二〇二三年二月七日"]
    assert chinese_date("2026-12-31")[3] == "二〇二六年十二月三十一日"


def test_a_scan_with_two_table_readings_names_each_reading():
    doc = normalized(ROOT / "raw" / "scans" / "2023_east_west_plan.ocr_layer.pdf")
    readings = {r.reading for r in doc.provenance}
    assert {"narrative", "table", "table_2"} <= readings
    assert {r.source for r in doc.provenance if r.reading.startswith("table")} <= {"text_layer", "ocr"}
    assert len(extracted(ROOT / "raw" / "scans" / "2023_east_west_plan.ocr_layer.pdf").witnesses) == 1


def _counts(ch: str) -> bool:
    import unicodedata
    return not unicodedata.category(ch).startswith("P") or ch in ".．"


def test_ocr_readings_carry_the_recognisers_confidence_and_text_layer_readings_none():
    """A reading of an OCR'd page has the lowest confidence rapidocr gave a character (not punctuation)
    inside its box; a text-layer reading, a computed value, an unplaced one have none."""
    path = ROOT / "raw" / "scans" / "2023_east_west_plan.ocr_layer.pdf"
    doc, parts = normalized(path), extracted(path)
    marks = {p.number: [m for m in p.ocr if _counts(m.text)] for p in parts.pages}
    ocr = [r for r in doc.provenance if r.source == "ocr"]
    assert len(ocr) >= 20 and all(r.confidence is not None and 0 <= r.confidence <= 1 for r in ocr)
    assert all(r.confidence is None for r in doc.provenance if r.source != "ocr")
    assert any(r.source == "text_layer" and r.page for r in doc.provenance)
    for r in ocr:
        inside = [m.confidence for m in marks[r.page]
                  if r.x0 <= (m.x0 + m.x1) / 2 <= r.x1 and r.top <= (m.top + m.bottom) / 2 <= r.bottom]
        # a narrative box is the lines' covered parts: its least sure character is one of the box's
        assert round(min(inside), 3) <= r.confidence and r.confidence in {round(c, 3) for c in inside}, r


def test_a_page_read_by_ocr_keeps_every_characters_confidence():
    content = read_pdf(DATA / "scan_image_only_page.pdf", (DATA / "scan_image_only_page.pdf").read_bytes(),
                       Settings())
    [page] = content.pages
    assert page.text_source == "ocr" and len(page.ocr) > 50
    assert all(0 <= m.confidence <= 1 and m.text.strip() and m.x0 < m.x1 and m.top < m.bottom for m in page.ocr)
    read = "".join(m.text for m in page.ocr)
    assert all(ch in read for ln in page.lines for ch in ln.text if not ch.isspace())
    assert sum(m.confidence < 0.9 for m in page.ocr) < len(page.ocr) / 2       # a clean scan reads surely
