"""Render a document model with reportlab: A4 portrait body, landscape 资金项目计划表, CJK font embedded.

Deterministic (invariant mode): the same spec gives a byte-identical PDF. reportlab's TTFont needs
TrueType outlines, so only WenQuanYi Zen Hei and AR PL UMing are offered here (Noto CJK is CFF).
"""
from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (BaseDocTemplate, Frame, NextPageTemplate, PageBreak, PageTemplate, Paragraph,
                                Spacer, Table, TableStyle)
from reportlab.platypus.flowables import HRFlowable

from doc import KEYWORDS, SUBJECT, SYNTHETIC_FOOTER, DocModel, TableModel

FONTS = {"wqy-zenhei": "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
         "arphic-uming": "/usr/share/fonts/truetype/arphic/uming.ttc"}


class RenderError(Exception):
    """The renderer cannot make this variant here (a font or tool is missing)."""


def register(font: str) -> str:
    """Register the font once; its reportlab name."""
    name = "Gen-" + font
    if name in pdfmetrics.getRegisteredFontNames():
        return name
    path = FONTS.get(font)
    if not path or not Path(path).exists():
        raise RenderError(f"font {font} is not available to reportlab ({path}); run samples/install_generator_tools.sh")
    pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))
    return name


def styles(font: str) -> dict[str, ParagraphStyle]:
    def st(size, align=TA_LEFT, indent=0.0, leading=None, color=colors.black):
        return ParagraphStyle("s", fontName=font, fontSize=size, leading=leading or size * 1.6, alignment=align,
                              firstLineIndent=indent, wordWrap="CJK", textColor=color)
    return {"letterhead": st(24, TA_CENTER, leading=40, color=colors.red), "docnum": st(14, TA_CENTER),
            "title": st(19, TA_CENTER, leading=30), "para": st(14, indent=28), "plain": st(14, indent=28),
            "heading": st(15, indent=28), "right": st(14, TA_RIGHT), "small": st(12),
            "ttitle": st(16, TA_CENTER, leading=26), "caption": st(10), "cell": st(8, TA_CENTER, leading=10.5),
            "cell_left": st(8, TA_LEFT, leading=10.5), "footer": st(6.5, TA_CENTER, color=colors.grey)}


def esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")


def body_flowables(model: DocModel, st) -> list:
    out: list = []
    for kind, text in model.blocks:
        if kind == "pagebreak":
            out.append(PageBreak())
        elif kind == "redrule":
            out += [HRFlowable(width="100%", thickness=2, color=colors.red, spaceBefore=2, spaceAfter=10)]
        else:
            out.append(Paragraph(esc(text), st[kind]))
            if kind in ("letterhead", "title"):
                out.append(Spacer(1, 6))
    return out


def ruling(t: TableModel, how: str, nhead: int) -> list[tuple]:
    if how == "grid":
        return [("GRID", (0, 0), (-1, -1), 0.6, colors.black)]
    if how == "none":
        return []
    lines = [("LINEABOVE", (0, 0), (-1, 0), 1.2, colors.black),
             ("LINEBELOW", (0, nhead - 1), (-1, nhead - 1), 0.6, colors.black),
             ("LINEBELOW", (0, -1), (-1, -1), 1.2, colors.black)]
    for r0, c0, r1, c1 in t.header_spans:      # the short rule under a group title (三线表's auxiliary line)
        if c1 > c0 and r1 < nhead - 1:
            lines.append(("LINEBELOW", (c0, r1), (c1, r1), 0.4, colors.black))
    return lines


def table_flowable(t: TableModel, axes: dict, st, width: float) -> Table:
    nhead = len(t.header)
    grid = t.header + t.rows
    size = t.font_size
    cell = ParagraphStyle("c", parent=st["cell"], fontSize=size, leading=size * 1.3)
    cell_left = ParagraphStyle("cl", parent=st["cell_left"], fontSize=size, leading=size * 1.3)
    cells = [[[Paragraph(esc(c), cell_left if (i >= nhead and t.left[j]) else cell)]   # a list: splittable in-row
              for j, c in enumerate(r)] for i, r in enumerate(grid)]
    scale = width / sum(t.widths)
    spans = [("SPAN", (c0, r0), (c1, r1)) for r0, c0, r1, c1 in t.header_spans]
    spans += [("SPAN", (c0, r0 + nhead), (c1, r1 + nhead)) for r0, c0, r1, c1 in t.spans]
    pad = 5 if axes["ruling"] == "none" else 2
    tbl = Table(cells, colWidths=[w * scale for w in t.widths],
                repeatRows=nhead if axes["repeat_header"] == "yes" else 0,
                splitByRow=0 if axes["split_rows"] == "yes" else 1,   # 0: break inside a row first
                splitInRow=12 if axes["split_rows"] == "yes" else 0)
    valign = "TOP" if axes["split_rows"] == "yes" else "MIDDLE"   # a centred one-liner cannot be cut in two
    tbl.setStyle(TableStyle([("VALIGN", (0, 0), (-1, nhead - 1), "MIDDLE"), ("VALIGN", (0, nhead), (-1, -1), valign),
                             ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                             ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                             *ruling(t, axes["ruling"], nhead), *spans]))
    return tbl


def render(model: DocModel, axes: dict, font: str, out: Path, variant: str) -> Path:
    """Write the PDF: body pages portrait, the attachment landscape; a SYNTHETIC footer on every page."""
    name = register(font)
    st = styles(name)
    pw, ph = A4
    lw, lh = landscape(A4)
    m = 25 * mm

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(name, 6.5)
        canvas.setFillColor(colors.grey)
        w = canvas._pagesize[0]
        canvas.drawCentredString(w / 2, 8 * mm, f"{SYNTHETIC_FOOTER} · {variant} · 第{doc.page}页")
        canvas.restoreState()

    doc = BaseDocTemplate(str(out), pagesize=A4, title=model.title, author="aidplans layout generator",
                          subject=SUBJECT, keywords=KEYWORDS, creator="aidplans samples/layouts", invariant=1)
    doc.addPageTemplates([
        PageTemplate("portrait", [Frame(m, m, pw - 2 * m, ph - 2 * m, id="p")], pagesize=A4, onPage=footer),
        PageTemplate("landscape", [Frame(12 * mm, 14 * mm, lw - 24 * mm, lh - 26 * mm, id="l")],
                     pagesize=landscape(A4), onPage=footer),
    ])
    story = body_flowables(model, st)
    story += [NextPageTemplate("landscape"), PageBreak(), Paragraph("附件", st["small"]),
              Paragraph(esc(model.table_title), st["ttitle"]), Paragraph(esc(model.caption), st["caption"]),
              Spacer(1, 4), table_flowable(model.table, axes, st, lw - 24 * mm)]
    doc.build(story)
    return out
