"""Scan a rendered born-digital variant: page images degraded per the ScanSpec, then a text layer (or none).

Writes `<kid>.pdf`, `<kid>.gold.json` (the layout generator's gold of the plan scanned: scanning does
not change the right answers) and `<kid>.axes.json` (layout axes + scan axes + the base variant).
"""
from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium

import degrade as D
import gold as G
import layers as L
from scanaxes import BLUR_PX_AT_200, NOISE_SIGMA, TILT, ScanSpec
from spec import PlanSpec

SEAL_RADIUS_MM = 20.0
BLEED_STRENGTH = (0.06, 0.14)
LAYER_FONT = "wqy-zenhei"


@dataclass
class ScanVariant:
    id: str
    axes: dict
    pdf: Path
    gold: Path


def text_box(page: pdfium.PdfPage, needle: str) -> tuple[float, float, float, float] | None:
    """Box (x0, top, x1, bottom; points, top-left origin) of the first occurrence of `needle` on the page."""
    tp = page.get_textpage()
    hit = tp.search(needle, match_case=True).get_next()
    if not hit:
        return None
    i, n = hit
    boxes = [tp.get_charbox(k) for k in range(i, i + n)]
    h = page.get_height()
    return (min(b[0] for b in boxes), h - max(b[3] for b in boxes), max(b[2] for b in boxes), h - min(b[1] for b in boxes))


def seal_centre(pdf: pdfium.PdfDocument, spec: PlanSpec, where: str, dpi: int) -> tuple[int, tuple[int, int]] | None:
    """(page, centre in px) of the seal: over 填报单位（盖章） or over the first project's row of the table."""
    landscape = [i for i in range(len(pdf)) if pdf[i].get_width() > pdf[i].get_height()]
    if where == "none" or not landscape:
        return None
    page = pdf[landscape[0]]
    box = text_box(page, "填报单位") if where == "caption" else None
    if where == "table" and spec.projects:
        box = text_box(page, spec.projects[0].name[:6])
    k = dpi / 72.0
    if box is None:
        x, y = page.get_width() * 0.45, page.get_height() * 0.4
    else:
        x, y = (box[2] + box[0]) / 2 + (40 if where == "caption" else 0), (box[1] + box[3]) / 2
    return landscape[0], (int(x * k), int(y * k))


def render_pages(pdf: pdfium.PdfDocument, dpi: int) -> list[np.ndarray]:
    return [np.asarray(pdf[i].render(scale=dpi / 72.0).to_pil().convert("RGB")) for i in range(len(pdf))]


def degrade_page(clean: np.ndarray, back: np.ndarray | None, scan: ScanSpec, i: int, table_page: bool,
                 seal: tuple[tuple[int, int], np.ndarray] | None, turned: bool, dpi: int):
    """One page through the scanner, as the ScanSpec says; its own rng (seeded by variant and page)."""
    from PIL import Image
    ax = scan.axes
    rng = np.random.default_rng([scan.page_seed, i])
    img = D.damage_rules(clean, dpi, ax["rules"], rng) if table_page else clean
    if seal is not None:
        img = D.stamp(img, seal[0], seal[1], rng)
    if ax["paper"] == "bleed" and back is not None:
        img = D.bleed_through(img, back, float(rng.uniform(*BLEED_STRENGTH)))
    img = D.paper(img, "uneven" if ax["paper"] == "uneven" else "white", rng)
    lo, hi = TILT[ax["tilt"]]
    angle = float(rng.uniform(lo, hi)) * (1 if rng.random() < 0.5 else -1)
    pil = D.tilt(Image.fromarray(img, "RGB"), angle)
    pil = D.blur(pil, BLUR_PX_AT_200[ax["blur"]] * dpi / 200)
    pil = D.noise(pil, NOISE_SIGMA[ax["noise"]], rng)
    pil = D.colour_mode(pil, ax["colour"])
    return D.turn(pil, int(ax["turn"]) if turned else 0), round(angle, 3)


def scan_pages(base_pdf: Path, spec: PlanSpec, scan: ScanSpec) -> tuple[list[L.PageImage], dict]:
    """Every page of the born-digital PDF as a degraded image; what was drawn (angles, turned page)."""
    import render_reportlab
    dpi = int(scan.axes["dpi"])
    pdf = pdfium.PdfDocument(str(base_pdf))
    try:
        sizes = [(pdf[i].get_width(), pdf[i].get_height()) for i in range(len(pdf))]
        clean = render_pages(pdf, dpi)
        where = seal_centre(pdf, spec, scan.axes["seal"], dpi)
    finally:
        pdf.close()
    rng = np.random.default_rng([scan.page_seed, 999])
    turned = int(rng.integers(0, len(clean))) if scan.axes["turn"] != "0" else -1
    cover = D.seal_image(int(SEAL_RADIUS_MM / 25.4 * dpi), render_reportlab.FONTS[LAYER_FONT]) if where else None
    pages, angles = [], []
    for i, img in enumerate(clean):
        back = clean[i + 1] if i + 1 < len(clean) else (clean[i - 1] if i else None)
        seal = (where[1], cover) if where and where[0] == i else None
        out, angle = degrade_page(img, back, scan, i, sizes[i][0] > sizes[i][1], seal, i == turned, dpi)
        angles.append(angle)
        data, kind = L.encode(out, None if scan.axes["colour"] == "bw" else scan.quality)
        w, h = sizes[i] if i != turned or scan.axes["turn"] == "180" else sizes[i][::-1]
        pages.append(L.PageImage(data, kind, w, h, dpi, []))
    return pages, {"tilt_degrees": angles, "turned_page": turned + 1 if turned >= 0 else None,
                   "seal_page": where[0] + 1 if where else None}


def build_scan(base_pdf: Path, spec: PlanSpec, scan: ScanSpec, out_dir: Path) -> ScanVariant:
    """The scan PDF with its layer, its gold (the plan's) and its axes."""
    import render_reportlab
    out_dir.mkdir(parents=True, exist_ok=True)
    pages, drawn = scan_pages(base_pdf, spec, scan)
    layer = scan.axes["layer"]
    font = render_reportlab.register(LAYER_FONT)
    pdf = out_dir / f"{scan.id}.pdf"
    if layer == "rapidocr":
        for p in pages:
            p.lines = L.rapidocr_lines(p.data, p.dpi)
    if layer.startswith("ocrmypdf"):
        with tempfile.TemporaryDirectory(prefix="scanvariant-") as tmp:
            plain = L.write_pdf(pages, Path(tmp) / "image_only.pdf", font, spec.title)
            L.ocrmypdf(plain, pdf, fix=layer == "ocrmypdf_fix")
    else:
        L.write_pdf(pages, pdf, font, spec.title)
    gold_path = out_dir / f"{scan.id}.gold.json"
    gold_path.write_text(json.dumps(G.gold(spec), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    axes = {**spec.axes, **scan.axes}
    (out_dir / f"{scan.id}.axes.json").write_text(json.dumps(
        {**axes, "base": scan.base, "jpeg_quality": scan.quality if scan.axes["colour"] != "bw" else None, **drawn},
        ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return ScanVariant(scan.id, axes, pdf, gold_path)
