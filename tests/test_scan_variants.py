"""Scans of generated plans (tests/data/scans_gen, made by samples/scanvariants from the layout generator's
specs; gold written from the same spec): each is ingested without a crash and scored with the shared
scorer against at least its recorded floor; and the scan generator is reproducible.

The floors (`min_accuracy` in index.json) are the scores measured when the fixtures were made, a little
lower: issue 11's targets are not met yet, and these guard against regressions. Raise them as the
pipeline reads scans better (samples/scanvariants/make_fixtures.py --floors). Tests that OCR a page
with an OCR layer engine to regenerate a fixture are marked `slow`.
"""
from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest

from conftest import scorer
from flows.ingest import process, write_curated
from schemas.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "scans_gen"
for _p in (ROOT / "samples" / "scanvariants", ROOT / "samples" / "layouts"):
    sys.path.insert(0, str(_p))

import gold as G  # noqa: E402
import scanaxes as A  # noqa: E402
import spec as S  # noqa: E402

INDEX = json.loads((DATA / "index.json").read_text(encoding="utf-8"))
IDS = sorted(k for k in INDEX if not k.startswith("_"))
# read in `make test`: fixtures quick to read, most of them landing (their floors guard what works:
# a grid, a three-line table on the image, an unruled table with misread heading numerals); the others
# are read by `make test-all` (8-143 s each under load)
QUICK_TO_READ = {"k3-054", "k3-038", "k3-085", "k3-056", "k3-123"}
SLOW_TO_READ = {v for v in IDS if v not in QUICK_TO_READ}


def _scan_make_fixtures():
    """samples/scanvariants/make_fixtures.py (samples/layouts has a module of the same name)."""
    path = ROOT / "samples" / "scanvariants" / "make_fixtures.py"
    spec = importlib.util.spec_from_file_location("scan_make_fixtures", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_scan_fixtures_span_every_scan_axis_and_case():
    make_fixtures = _scan_make_fixtures()
    assert len(IDS) >= 12
    seen = {(a, INDEX[v]["axes"][a]) for v in IDS for a in A.SCAN_AXES}
    assert {(a, x) for a, xs in A.SCAN_AXES.items() for x in xs} <= seen
    cases = {c for v in IDS for c in INDEX[v]["cases"]}
    assert cases == set(make_fixtures.CASES)
    assert sum((DATA / f"{v}.pdf").stat().st_size for v in IDS) < 15_000_000


@pytest.mark.parametrize("vid", [pytest.param(v, marks=pytest.mark.slow) if v in SLOW_TO_READ else v for v in IDS])
def test_scan_variant_lands_at_least_its_floor(vid, tmp_path):
    """No crash, at most one clean line when rejected, and the field accuracy at or above the floor."""
    pdf = DATA / f"{vid}.pdf"
    result = process(pdf, Settings())
    floor = INDEX[vid]["min_accuracy"]
    if result.error is not None:
        assert "Traceback" not in result.error and "\n" not in result.error.strip(), result.error
        assert floor == 0.0, f"{vid} rejected ({result.error}) but its floor is {floor}"
        return
    write_curated.fn([result], str(tmp_path / "curated"))
    gold = tmp_path / "gold"
    gold.mkdir()
    shutil.copy(DATA / f"{vid}.gold.json", gold / f"{vid}.gold.json")
    score = scorer().score(tmp_path / "curated", gold, verbose=True)
    assert score["field_accuracy"] >= floor, (vid, INDEX[vid]["axes"], score)


@pytest.mark.parametrize("vid", IDS)
def test_scan_fixture_keeps_the_plans_gold_and_records_its_axes(vid):
    """Scanning changes no right answer: the gold is the layout generator's gold of the plan scanned."""
    seed, index = A.parse_scan_id(vid)
    spec, scan = S.make_spec(seed, index), A.make_scan_spec(seed, index)
    committed = json.loads((DATA / f"{vid}.gold.json").read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(G.gold(spec), ensure_ascii=False))
    axes = json.loads((DATA / f"{vid}.axes.json").read_text(encoding="utf-8"))
    assert {a: axes[a] for a in A.SCAN_AXES} == scan.axes
    assert axes["base"] == spec.id
    assert {a: axes[a] for a in S.AXES if a != "table_pages"} == {a: v for a, v in spec.axes.items() if a != "table_pages"}


@pytest.mark.parametrize("vid", IDS)
def test_scan_fixture_is_marked_synthetic(vid):
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(DATA / f"{vid}.pdf"))
    try:
        meta = pdf.get_metadata_dict()
        assert "SYNTHETIC" in meta.get("Subject", "") and "SYNTHETIC" in meta.get("Keywords", "")
    finally:
        pdf.close()


def test_scan_spec_same_seed_same_scan():
    a, b = A.make_scan_spec(1, 7), A.make_scan_spec(1, 7)
    assert a == b and a.base == "s1-007"
    assert A.make_scan_spec(1, 8) != a
    block = [A.scan_axis_values(4, i) for i in range(12)]
    for axis, values in A.SCAN_AXES.items():       # balanced: every value within one block of 12
        got = {v[axis] for v in block}
        assert got == set(values) or (axis == "jpeg" and set(values) <= got | {"none"} and len(got) >= 2), axis


def _tools_or_skip(layer: str):
    if importlib.util.find_spec("reportlab") is None:
        pytest.skip("reportlab is a generator-only tool: samples/install_generator_tools.sh")
    import render_reportlab
    for font, path in render_reportlab.FONTS.items():
        if not Path(path).exists():
            pytest.skip(f"font {font} missing ({path}): samples/install_generator_tools.sh")
    if layer.startswith("ocrmypdf") and (not shutil.which("ocrmypdf") or not Path(
            "/usr/share/tesseract-ocr/5/tessdata/chi_sim.traineddata").exists()):
        pytest.skip("OCRmyPDF and tesseract's chi_sim are generator-only tools: samples/install_scan_tools.sh")


def _regenerates(vid: str, tmp_path: Path) -> None:
    import batch
    axes = INDEX[vid]["axes"]
    _tools_or_skip(axes["layer"])
    if axes["render"].startswith("docx") and (importlib.util.find_spec("docx") is None or not shutil.which("soffice")):
        pytest.skip("python-docx and LibreOffice are generator-only tools: samples/install_generator_tools.sh")
    built = batch.build([batch.by_id(vid)], tmp_path / "out", reuse=False, born=tmp_path / "born")
    assert built[0].pdf.read_bytes() == (DATA / f"{vid}.pdf").read_bytes()
    for side in ("gold.json", "axes.json"):
        assert (tmp_path / "out" / f"{vid}.{side}").read_bytes() == (DATA / f"{vid}.{side}").read_bytes()


def _first(layer: str) -> list[str]:
    """The cheapest fixture with this layer to make again (lowest dpi, reportlab before LibreOffice)."""
    ids = [v for v in IDS if INDEX[v]["axes"]["layer"] == layer]
    return sorted(ids, key=lambda v: (int(INDEX[v]["axes"]["dpi"]), INDEX[v]["axes"]["render"].startswith("docx")))[:1]


@pytest.mark.parametrize("vid", _first("none"))
def test_scan_fixture_without_layer_regenerates_byte_identical(vid, tmp_path):
    _regenerates(vid, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("vid", _first("rapidocr") + _first("ocrmypdf") + _first("ocrmypdf_fix"))
def test_scan_fixture_with_layer_regenerates_byte_identical(vid, tmp_path):
    _regenerates(vid, tmp_path)
