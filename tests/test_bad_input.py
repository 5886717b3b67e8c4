"""Bad inputs: one clear line naming the file and the reason; everything else still lands."""
from __future__ import annotations

import pytest

from conftest import DATA, sample
from flows.ingest import process
from schemas.settings import Settings

BAD = {
    "not_a_pdf.pdf": "not a PDF",
    "empty.pdf": "empty file",
    "truncated.pdf": "corrupt or truncated PDF",
    "encrypted.pdf": "encrypted PDF",
    "no_plan_table.pdf": "no project plan table found",
    "noise_page.pdf": "not a recognisable plan",
    "missing.pdf": "cannot be read",
    "bomb_huge_mediabox.pdf": "page too large to read",                  # more in test_limits.py
    "bomb_30000px_image.pdf": "reading it would exceed the memory ceiling",
}


@pytest.mark.parametrize("name,reason", BAD.items())
def test_bad_input_is_one_line_naming_file_and_reason(name, reason):
    r = process(DATA / name, Settings())
    assert r.doc is None
    assert r.error.startswith(str(DATA / name) + ": " + reason)
    assert "\n" not in r.error and ";" in r.error   # the reason, then what to do


def test_duplicated_page_is_dropped_with_a_warning():
    r = process(DATA / "duplicated_page.pdf", Settings())
    assert r.error is None and len(r.doc.projects) == 13
    assert r.warnings == [f"{DATA / 'duplicated_page.pdf'}: page 3 repeats page 2; ignored"]


def test_too_many_pages_is_refused():
    r = process(sample("2026"), Settings(max_pages=2))
    assert "too many pages" in r.error and "max_pages" in r.error
