"""Render document models as Word files (python-docx) and convert them with LibreOffice in one call.

What an office's Word/WPS template gives: real table borders or none, repeated header rows
(w:tblHeader), rows allowed to break across pages or not (w:cantSplit), vertical merges (w:vMerge),
a landscape section for the attachment. soffice runs headless with a private profile.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from doc import KEYWORDS, SUBJECT, SYNTHETIC_FOOTER, DocModel, TableModel

FAMILIES = {"wqy-zenhei": "WenQuanYi Zen Hei", "arphic-uming": "AR PL UMing CN", "noto-cjk": "Noto Serif CJK SC"}
SOFFICE_TIMEOUT = 600


class RenderError(Exception):
    """LibreOffice is missing or failed to convert."""


def set_font(run, family: str, size: float, color: RGBColor | None = None, bold: bool = False) -> None:
    run.font.name = family
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    rfonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), family)


def para(docx, text: str, family: str, size: float, align=WD_ALIGN_PARAGRAPH.LEFT, indent: float = 0,
         color=None, bold=False):
    p = docx.add_paragraph()
    p.alignment = align
    p.paragraph_format.first_line_indent = Pt(indent) if indent else None
    p.paragraph_format.space_after = Pt(2)
    p.paragraph_format.line_spacing = 1.35
    set_font(p.add_run(text), family, size, color, bold)
    return p


def bottom_border(p, color: str = "FF0000", size: int = 18) -> None:
    pbdr = OxmlElement("w:pBdr")
    b = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "1"), ("w:color", color)):
        b.set(qn(k), v)
    pbdr.append(b)
    p._p.get_or_add_pPr().append(pbdr)


def body(docx, model: DocModel, family: str) -> None:
    C, R, L = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.LEFT
    for kind, text in model.blocks:
        if kind == "pagebreak":
            docx.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif kind == "redrule":
            bottom_border(docx.add_paragraph())
        elif kind == "letterhead":
            para(docx, text, family, 24, C, color=RGBColor(0xFF, 0, 0), bold=True)
        elif kind == "docnum":
            para(docx, text, family, 14, C)
        elif kind == "title":
            para(docx, text, family, 19, C, bold=True)
        elif kind == "heading":
            para(docx, text, family, 15, L, indent=28, bold=True)
        elif kind == "right":
            para(docx, text, family, 14, R)
        else:
            para(docx, text, family, 14, L, indent=28)


def borders(el_pr, tag: str, sides: dict[str, tuple[str, int]]) -> None:
    """Set w:tblBorders / w:tcBorders: side -> (val, size in eighths of a point)."""
    box = el_pr.find(qn(tag))
    if box is None:
        box = OxmlElement(tag)
        el_pr.append(box)
    for side, (val, sz) in sides.items():
        e = OxmlElement(f"w:{side}")
        e.set(qn("w:val"), val)
        e.set(qn("w:sz"), str(sz))
        e.set(qn("w:space"), "0")
        e.set(qn("w:color"), "000000")
        box.append(e)


def row_prop(row, tag: str) -> None:
    trpr = row._tr.get_or_add_trPr()
    e = OxmlElement(tag)
    e.set(qn("w:val"), "true")
    trpr.append(e)


def table(docx, t: TableModel, axes: dict, family: str, width_mm: float) -> None:
    nhead = len(t.header)
    grid = t.header + t.rows
    ncols = len(t.widths)
    tbl = docx.add_table(rows=len(grid), cols=ncols)
    tbl.autofit = False
    scale = width_mm / sum(t.widths)
    for j, w in enumerate(t.widths):
        tbl.columns[j].width = Mm(w * scale)
    for i, r in enumerate(grid):
        row = tbl.rows[i]
        if i < nhead and axes["repeat_header"] == "yes":
            row_prop(row, "w:tblHeader")
        if axes["split_rows"] == "no":
            row_prop(row, "w:cantSplit")
        for j, text in enumerate(r):
            c = row.cells[j]
            c.width = Mm(t.widths[j] * scale)
            c.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = c.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT if (i >= nhead and t.left[j]) else WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.space_after = Pt(0)
            p.paragraph_format.space_before = Pt(0)
            p.paragraph_format.line_spacing = 1.0
            if text:
                set_font(p.add_run(text), family, t.font_size)
    tblpr = tbl._tbl.tblPr
    how = axes["ruling"]
    line = ("single", 4)
    nil = ("nil", 0)
    if how == "grid":
        borders(tblpr, "w:tblBorders", {s: line for s in ("top", "left", "bottom", "right", "insideH", "insideV")})
    elif how == "three_line":
        borders(tblpr, "w:tblBorders", {"top": ("single", 12), "bottom": ("single", 12), "left": nil,
                                        "right": nil, "insideH": nil, "insideV": nil})
        for j in range(ncols):
            borders(tbl.rows[nhead - 1].cells[j]._tc.get_or_add_tcPr(), "w:tcBorders", {"bottom": ("single", 6)})
        for r0, c0, r1, c1 in t.header_spans:   # short rule under a group title
            if c1 > c0 and r1 < nhead - 1:
                for j in range(c0, c1 + 1):
                    borders(tbl.rows[r1].cells[j]._tc.get_or_add_tcPr(), "w:tcBorders", {"bottom": ("single", 3)})
    else:
        borders(tblpr, "w:tblBorders", {s: nil for s in ("top", "left", "bottom", "right", "insideH", "insideV")})
    for r0, c0, r1, c1 in t.header_spans:
        tbl.cell(r0, c0).merge(tbl.cell(r1, c1))
    for r0, c0, r1, c1 in t.spans:
        tbl.cell(r0 + nhead, c0).merge(tbl.cell(r1 + nhead, c1))


def write_docx(model: DocModel, axes: dict, font: str, out: Path, variant: str) -> Path:
    family = FAMILIES[font]
    docx = Document()
    cp = docx.core_properties
    cp.title, cp.subject, cp.keywords = model.title, SUBJECT, KEYWORDS
    cp.author, cp.comments = "aidplans layout generator", f"SYNTHETIC variant {variant}"
    sec = docx.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(sec, side, Mm(25))
    fp = sec.footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(fp.add_run(f"{SYNTHETIC_FOOTER} · {variant}"), family, 6.5, RGBColor(0x80, 0x80, 0x80))
    body(docx, model, family)
    land = docx.add_section(WD_SECTION.NEW_PAGE)
    land.orientation = WD_ORIENT.LANDSCAPE
    land.page_width, land.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(land, side, Mm(12))
    para(docx, "附件", family, 12)
    para(docx, model.table_title, family, 16, WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    para(docx, model.caption, family, 10)
    table(docx, model.table, axes, family, 297 - 24)
    docx.save(str(out))
    return out


def steady(pdf: Path) -> None:
    """Fix LibreOffice's creation date, random /ID and /DocChecksum (same lengths, so the xref
    offsets stay right): the same spec then gives a byte-identical PDF."""
    data = pdf.read_bytes()
    data = re.sub(rb"/CreationDate\(D:\d{14}", b"/CreationDate(D:20000101000000", data)
    data = re.sub(rb"/ModDate\(D:\d{14}", b"/ModDate(D:20000101000000", data)
    data = re.sub(rb"/ID\s*\[\s*<[0-9A-Fa-f]+>\s*<[0-9A-Fa-f]+>",
                  lambda m: re.sub(rb"[0-9A-Fa-f](?=[0-9A-Fa-f]*>)", b"0", m.group(0)), data)
    data = re.sub(rb"/DocChecksum /[0-9A-Fa-f]+", lambda m: m.group(0)[:14] + b"0" * (len(m.group(0)) - 14), data)
    pdf.write_bytes(data)


def render_many(items: list, out_dir: Path) -> dict[str, Path]:
    """items: (DocModel, spec) pairs -> {variant id: pdf path}; one soffice process for all."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise RenderError("LibreOffice (soffice) is not installed; run samples/install_generator_tools.sh")
    with tempfile.TemporaryDirectory(prefix="aidplans-docx-") as tmp:
        tmpd = Path(tmp)
        files = [str(write_docx(m, s.axes, s.font, tmpd / f"{s.id}.docx", s.id)) for m, s in items]
        profile = (tmpd / "profile").as_uri()
        cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
               "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(out_dir), *files]
        try:
            res = subprocess.run(cmd, capture_output=True, text=True, timeout=SOFFICE_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise RenderError(f"soffice took over {SOFFICE_TIMEOUT}s converting {len(files)} files") from None
    out = {}
    for _, s in items:
        pdf = out_dir / f"{s.id}.pdf"
        if not pdf.exists():
            raise RenderError(f"soffice did not write {pdf} (exit {res.returncode}): {res.stderr.strip()[-300:]}")
        steady(pdf)
        out[s.id] = pdf
    return out
