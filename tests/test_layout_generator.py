"""The born-digital layout generator (samples/layouts): reproducible, internally consistent gold,
committed fixtures that span every axis and are marked SYNTHETIC. Tests of the generator only;
the pipeline's reading of these variants is measured by benchmarks/robustness.py."""
from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYOUTS = ROOT / "samples" / "layouts"
FIXTURES = Path(__file__).resolve().parent / "data" / "layouts"
sys.path.insert(0, str(LAYOUTS))

import doc as D  # noqa: E402
import fmt as F  # noqa: E402
import gold as G  # noqa: E402
import names as N  # noqa: E402
import spec as S  # noqa: E402

FIXTURE_IDS = sorted(p.name[: -len(".gold.json")] for p in FIXTURES.glob("*.gold.json"))
CANON = {"产业合作", "劳务协作", "人才交流", "消费帮扶", "片区任务", "改善民生", "基础设施与基层治理"}
SAMPLE = [(1, i) for i in range(0, 40, 3)] + [(2, i) for i in range(12)]


def reportlab_or_skip():
    if importlib.util.find_spec("reportlab") is None:
        pytest.skip("reportlab is a generator-only tool: samples/install_generator_tools.sh")
    import render_reportlab
    for font, path in render_reportlab.FONTS.items():
        if not Path(path).exists():
            pytest.skip(f"font {font} missing ({path}): samples/install_generator_tools.sh")
    return render_reportlab


def to_wan(cell: str, unit: str) -> float:
    v = float(cell.replace(",", "")) if cell else 0.0
    return round(v / 10000, 2) if unit == "元" else round(v, 2)


@pytest.mark.parametrize("seed,index", [(1, 7), (2, 3), (5, 0)])
def test_layout_same_seed_same_spec_and_gold(seed, index):
    a, b = S.make_spec(seed, index), S.make_spec(seed, index)
    assert a.to_json() == b.to_json()
    assert G.gold(a) == G.gold(b)
    assert S.make_spec(seed, index + 1).to_json() != a.to_json()


def test_layout_reportlab_pdf_is_byte_identical(tmp_path):
    rr = reportlab_or_skip()
    s = next(S.make_spec(1, i) for i in range(40) if S.make_spec(1, i).renderer == "reportlab")
    one, two = tmp_path / "one.pdf", tmp_path / "two.pdf"
    rr.render(D.build(s), s.axes, s.font, one, s.id)
    rr.render(D.build(S.make_spec(1, s.index)), s.axes, s.font, two, s.id)
    assert one.read_bytes() == two.read_bytes()


@pytest.mark.parametrize("seed,index", SAMPLE)
def test_layout_gold_adds_up_and_matches_the_stated_counts(seed, index):
    s = S.make_spec(seed, index)
    g = G.gold(s)
    projects = g["projects"]
    assert [p["seq"] for p in projects] == list(range(1, len(projects) + 1))
    assert {p["category"] for p in projects} <= CANON
    assert g["project_count_stated"] == len(projects)
    assert g["category_count_stated"] == len({p["category"] for p in projects})
    assert g["total_aid_funds_wan"] == pytest.approx(sum(p["aid_funds_wan"] for p in projects), abs=1e-6)
    if g["total_investment_wan"] is not None:
        assert g["total_investment_wan"] == pytest.approx(sum(p["total_investment_wan"] for p in projects), abs=1e-6)
    model = D.build(s)
    text = "".join(t for _, t in model.blocks)
    assert f"{len(s.categories)}类{len(projects)}个" in text
    assert f"{F.narrative_wan(sum(p.aid_c for p in s.projects))}万元" in text


@pytest.mark.parametrize("seed,index", SAMPLE)
def test_layout_table_subtotals_and_total_equal_the_gold(seed, index):
    """The printed 合计 / category / 小计 rows, read back in 万元, equal the gold sums."""
    s = S.make_spec(seed, index)
    g = G.gold(s)
    t = D.build(s).table
    keys = [k for k, _ in s.columns]
    aid = keys.index("aid")
    unit = s.axes["unit"]
    items = [to_wan(r[aid], unit) for r, k in zip(t.rows, t.kinds) if k == "item"]
    assert items == [p["aid_funds_wan"] for p in g["projects"]]
    for r, kind in zip(t.rows, t.kinds):
        if kind == "total":
            assert to_wan(r[aid], unit) == pytest.approx(g["total_aid_funds_wan"], abs=1e-6)
    sums = [to_wan(r[aid], unit) for r, k in zip(t.rows, t.kinds) if k in ("category", "subtotal") and r[aid]]
    per_cat = [round(sum(p["aid_funds_wan"] for p in g["projects"] if p["category"] == c.canonical), 2)
               for c in s.categories]
    if s.axes["category_form"] in ("cn_heading", "paren_heading", "subtotal_after"):
        assert sums == pytest.approx(per_cat, abs=1e-6)
    if s.axes["category_form"] == "cn_heading":
        counts = [int(m) for r, k in zip(t.rows, t.kinds) if k == "category"
                  for m in re.findall(r"（(\d+)个）", "".join(r))]
        assert counts == [len(c.projects) for c in s.categories]


def test_layout_category_wordings_map_to_the_canonical_list():
    assert set(N.CATEGORY_TABLE) == CANON == set(N.CATEGORY_NARRATIVE)
    printed = {w for ws in N.CATEGORY_TABLE.values() for w in ws}
    for word in ("产业发展类", "就业帮扶类", "人才支撑类", "民生保障类", "产业帮扶项目", "人才支援", "民生事业",
                 "民生改善", "人才培育"):
        assert word in printed


def test_layout_axis_rotation_covers_every_value_in_a_short_run():
    seen = {(a, v) for i in range(20) for a, v in S.axis_values(1, i).items()}
    assert {(a, v) for a, vs in S.AXES.items() for v in vs if a != "ncols"} <= seen


def test_layout_fixtures_span_every_axis_value():
    index = json.loads((FIXTURES / "index.json").read_text(encoding="utf-8"))
    assert len(index) >= 12 and sorted(index) == FIXTURE_IDS
    seen = {(a, v) for axes in index.values() for a, v in axes.items()}
    assert {(a, v) for a, vs in S.AXES.items() for v in vs} <= seen
    renders = {axes["render"] for axes in index.values()}
    assert {r.split("/")[0] for r in renders} == {"reportlab", "docx"}
    assert {r.split("/")[1] for r in renders} == {"wqy-zenhei", "arphic-uming", "noto-cjk"}


@pytest.mark.parametrize("vid", FIXTURE_IDS)
def test_layout_fixture_gold_and_axes_come_from_the_generator(vid):
    seed, index = (int(x) for x in re.fullmatch(r"s(\d+)-(\d+)", vid).groups())
    s = S.make_spec(seed, index)
    committed = json.loads((FIXTURES / f"{vid}.gold.json").read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(G.gold(s), ensure_ascii=False))
    axes = json.loads((FIXTURES / f"{vid}.axes.json").read_text(encoding="utf-8"))
    measured = axes.pop("table_pages")
    assert measured in ("one", "several")
    assert axes == {k: v for k, v in s.axes.items() if k != "table_pages"}


@pytest.mark.parametrize("vid", FIXTURE_IDS)
def test_layout_fixture_pdf_is_marked_synthetic(vid):
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(FIXTURES / f"{vid}.pdf"))
    try:
        meta = pdf.get_metadata_dict()
        assert "SYNTHETIC" in meta.get("Subject", "") and "SYNTHETIC" in meta.get("Keywords", "")
        for i in range(len(pdf)):
            text = pdf[i].get_textpage().get_text_range()
            assert "SYNTHETIC" in text and vid in text, f"page {i + 1} has no SYNTHETIC footer"
        landscape = [pdf[i].get_width() > pdf[i].get_height() for i in range(len(pdf))]
        assert landscape[0] is False and landscape[-1] is True       # A4 body, landscape attachment
    finally:
        pdf.close()


@pytest.mark.parametrize("vid", [v for v in FIXTURE_IDS if v and json.loads(
    (FIXTURES / f"{v}.axes.json").read_text(encoding="utf-8"))["render"].startswith("reportlab")])
def test_layout_reportlab_fixture_regenerates_byte_identical(vid, tmp_path):
    rr = reportlab_or_skip()
    seed, index = (int(x) for x in re.fullmatch(r"s(\d+)-(\d+)", vid).groups())
    s = S.make_spec(seed, index)
    out = rr.render(D.build(s), s.axes, s.font, tmp_path / f"{vid}.pdf", s.id)
    assert out.read_bytes() == (FIXTURES / f"{vid}.pdf").read_bytes()


def test_layout_docx_fixture_regenerates_byte_identical(tmp_path):
    """LibreOffice's dates, /ID and /DocChecksum are fixed, so its PDFs are reproducible too."""
    import shutil
    if importlib.util.find_spec("docx") is None or not shutil.which("soffice"):
        pytest.skip("python-docx and LibreOffice are generator-only tools: samples/install_generator_tools.sh")
    import render_docx
    vid = next(v for v in FIXTURE_IDS if json.loads(
        (FIXTURES / f"{v}.axes.json").read_text(encoding="utf-8"))["render"] == "docx/noto-cjk")
    seed, index = (int(x) for x in re.fullmatch(r"s(\d+)-(\d+)", vid).groups())
    s = S.make_spec(seed, index)
    out = render_docx.render_many([(D.build(s), s)], tmp_path)[vid]
    assert out.read_bytes() == (FIXTURES / f"{vid}.pdf").read_bytes()


@pytest.mark.parametrize("vid", FIXTURE_IDS)
def test_layout_fixture_prints_its_gold(vid):
    """The PDF's text (whitespace dropped) holds the gold's document facts and, where the plan has
    narrative items, every project's name and amount as the narrative writes them."""
    import pypdfium2 as pdfium
    g = json.loads((FIXTURES / f"{vid}.gold.json").read_text(encoding="utf-8"))
    axes = json.loads((FIXTURES / f"{vid}.axes.json").read_text(encoding="utf-8"))
    pdf = pdfium.PdfDocument(str(FIXTURES / f"{vid}.pdf"))
    try:
        text = re.sub(r"\s+", "", "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))))
    finally:
        pdf.close()
    y, m, d = (int(x) for x in g["issue_date"].split("-"))
    for fact in (g["title"], g["issuer"], f"{y}年{m}月{d}日", f"{g['category_count_stated']}类{g['project_count_stated']}个"):
        assert fact in text
    assert (g["doc_number"] in text) if g["doc_number"] else ("〔" not in text)
    if axes["narrative"] != "none":
        for p in g["projects"]:
            assert p["name"] in text
            assert f"{F.narrative_wan(round(p['aid_funds_wan'] * 100))}万元" in text
