"""The fast paths give what the plain ways give: characters and rules read by raw pdfium calls
against pypdfium2's helpers, names_field against match_label, vote against agrees() witness by
witness, fix_misreads over repeated and adjacent terms, group_lines' order of ties, match_label with a
floor against match_label; clip boxes read once per shared clip still tell clips apart."""
from __future__ import annotations

import ctypes
import random
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest

from extractors.grid import group_lines
from extractors.pdfpages import page_chars, page_edges, page_images, page_objects, _segment
from normalizers.correct import agrees, vote
from normalizers.lookalikes import fix_misreads
from normalizers.vocab import field_labels, match_label, names_field

SAMPLES = sorted((Path(__file__).parent.parent / "raw" / "samples").glob("*.pdf"))


def helper_chars(page, height: float) -> list[dict]:
    """page_chars as written with pypdfium2's helpers, one call per character."""
    tp = page.get_textpage()
    out, ox, oy = [], ctypes.c_double(), ctypes.c_double()
    for i in range(tp.count_chars()):
        text = tp.get_text_range(i, 1).replace("\ufffe", "-")
        if not text.strip():
            continue
        left, bottom, right, top = tp.get_charbox(i, loose=True)
        pdfium_raw.FPDFText_GetCharOrigin(tp.raw, i, ctypes.byref(ox), ctypes.byref(oy))
        out.append({"text": text, "x0": left, "x1": right, "top": height - top, "bottom": height - bottom,
                    "size": pdfium_raw.FPDFText_GetFontSize(tp.raw, i), "baseline": height - oy.value})
    tp.close()
    return out


def helper_edges(page, height: float) -> list[dict]:
    """page_edges as written with page.get_objects and PdfObject.get_matrix."""
    x, y = ctypes.c_float(), ctypes.c_float()
    edges: list[dict] = []
    for obj in page.get_objects(filter=(pdfium_raw.FPDF_PAGEOBJ_PATH,)):
        m = obj.get_matrix()
        points, start = [], None
        for j in range(pdfium_raw.FPDFPath_CountSegments(obj.raw)):
            seg = pdfium_raw.FPDFPath_GetPathSegment(obj.raw, j)
            pdfium_raw.FPDFPathSegment_GetPoint(seg, x, y)
            px, py = m.a * x.value + m.c * y.value + m.e, m.b * x.value + m.d * y.value + m.f
            kind = pdfium_raw.FPDFPathSegment_GetType(seg)
            if kind == pdfium_raw.FPDF_SEGMENT_MOVETO:
                start = (px, py)
            elif kind == pdfium_raw.FPDF_SEGMENT_LINETO and points:
                edges += _segment(points[-1], (px, py), height)
            if kind == pdfium_raw.FPDF_SEGMENT_LINETO and pdfium_raw.FPDFPathSegment_GetClose(seg) and start:
                edges += _segment((px, py), start, height)
            points.append((px, py))
    return edges


@pytest.mark.parametrize("pdf", SAMPLES, ids=lambda p: p.stem)
def test_raw_pdfium_reading_matches_helpers(pdf):
    doc = pdfium.PdfDocument(str(pdf))
    try:
        ruled = 0
        for i in range(len(doc)):
            page = doc[i]
            width, height = page.get_size()
            assert page_chars(page, height) == helper_chars(page, height)
            paths, images = page_objects(page)
            edges = page_edges(paths, height)
            assert edges == helper_edges(page, height)
            assert len(images) == len(list(page.get_objects(filter=(pdfium_raw.FPDF_PAGEOBJ_IMAGE,))))
            assert page_images(images, width, height)[0] < 0.5          # born-digital: no page-sized image
            ruled += len(edges) > 0
            page.close()
        assert ruled >= 1                                               # the plan table's rules were read
    finally:
        doc.close()


def tiny_pdf(content: bytes, width: int = 400, height: int = 200) -> bytes:
    """A one-page PDF drawing `content` with Helvetica as /F1 (offsets written out, so pdfium reads it as is)."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 5 0 R >> >> "
            b"/Contents 4 0 R >>" % (width, height),
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = b"%PDF-1.4\n", []
    for k, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (k, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)


def test_clipped_text_left_out_by_its_own_clip():
    """Two clips, each shared by two text objects: CD and IJ stand outside their clip, EF inside
    its own (a clip box taken from the other clip would drop EF and keep IJ); GH is unclipped."""
    content = (b"q 0 0 200 200 re W n BT /F1 12 Tf 10 50 Td (AB) Tj ET BT /F1 12 Tf 300 50 Td (CD) Tj ET Q "
               b"q 250 0 100 200 re W n BT /F1 12 Tf 260 20 Td (EF) Tj ET BT /F1 12 Tf 20 20 Td (IJ) Tj ET Q "
               b"BT /F1 12 Tf 10 80 Td (GH) Tj ET")
    doc = pdfium.PdfDocument(tiny_pdf(content))
    page = doc[0]
    assert [c["text"] for c in page_chars(page, page.get_size()[1])] == list("ABEFGH")
    page.close()
    doc.close()


def test_names_field_is_match_label_over_a_threshold():
    rnd = random.Random(5)
    labels = [label for _, label in field_labels()]
    texts = labels + ["其中：市中区拟安排帮扶资金", "建设\n地点", "总投资（万元）", "", "项", "县农业农村局",
                      "2025年11月", "峨边彝族自治县", "项日", "項目", "项目业日"]
    for _ in range(800):
        w = list(rnd.choice(labels))
        for _ in range(rnd.randint(0, 3)):
            w.insert(rnd.randrange(len(w) + 1), rnd.choice("（）万元项目建设资金 的是地点单位1"))
        texts.append("".join(w))
    for t in texts:
        for m in (0.0, 60.0, 70.0, 85.0, 100.0):
            assert names_field(t, m) == (match_label(t)[1] >= m), (t, m)


def test_vote_counts_every_witness():
    readings = ["县农业农村局", "县农业局", "县农业农村局", None, "县农业农村局-一"]
    for k in range(1, len(readings) + 1):
        rs = readings[:k]
        chosen, share, _ = vote(rs, "县农业农村局", 0.5, 5.0)
        witnesses = [r for r in rs if r] + ["县农业农村局"]
        assert share == sum(agrees(chosen, w, 0.5) for w in witnesses) / len(witnesses)


def test_fix_misreads_fixes_each_occurrence_and_skips_a_fixed_span():
    text, fixes, ambiguous = fix_misreads("峨边琶族自治县和峨边芭族自治县", 80.0)
    assert text == "峨边彝族自治县和峨边彝族自治县"
    assert [f.original for f in fixes] == ["峨边琶族自治县", "峨边芭族自治县"] and not ambiguous
    assert fix_misreads("峨边琶族自治", 80.0) == ("峨边琶族自治", [], False)      # shorter than the term
    assert fix_misreads("", 80.0) == ("", [], False)


def test_group_lines_keeps_the_order_of_ties():
    a = {"text": "甲", "x0": 10.0, "x1": 20.0, "top": 0.0, "bottom": 10.0, "baseline": 9.0}
    b = {"text": "乙", "x0": 10.0, "x1": 20.0, "top": 0.0, "bottom": 10.0, "baseline": 9.0}
    c = {"text": "丙", "x0": 0.0, "x1": 10.0, "top": 1.0, "bottom": 11.0, "baseline": 10.0}
    d = {"text": "丁", "x0": 0.0, "x1": 10.0, "top": 30.0, "bottom": 40.0}                 # OCR: no baseline
    lines = group_lines([d, a, b, c], 3.0)
    assert [[ch["text"] for ch in ln] for ln in lines] == [["丙", "甲", "乙"], ["丁"]]
    assert [[ch["text"] for ch in ln] for ln in group_lines([b, a, c], 3.0)] == [["丙", "乙", "甲"]]


def test_match_label_with_a_floor_is_exact_at_the_floor():
    rnd = random.Random(7)
    labels = [label for _, label in field_labels()]
    texts = labels + ["其中：市中区拟安排帮扶资金", "建设\n地点", "实施地点", "责任单位", "绩效目标", "项", ""]
    for _ in range(600):
        w = list(rnd.choice(labels))
        for _ in range(rnd.randint(0, 3)):
            w.insert(rnd.randrange(len(w) + 1), rnd.choice("（）万元项目建设资金 的是地点单位1"))
        texts.append("".join(w))
    for t in texts:
        full = match_label(t)
        for floor in (0.0, 60.0, 85.0, 95.0, 100.0):
            got = match_label(t, floor)
            assert got == full if full[1] >= floor else got[1] < floor, (t, floor)
