"""Render the bundled sample PDFs and test fixtures from the seed transcriptions.

    python samples/generate.py            # writes raw/samples/*.pdf and tests/data/*.pdf

Deterministic (fixed creation date, no random ids), so re-running gives byte-identical
files. Needs reportlab and a CJK TrueType font (Debian: fonts-wqy-zenhei); the outputs
are committed, so nobody else needs either. See samples/README.md.
"""
from __future__ import annotations

import argparse
import copy
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (BaseDocTemplate, Frame, NextPageTemplate, PageBreak,
                                PageTemplate, Paragraph, Spacer, Table, TableStyle)

sys.path.insert(0, str(Path(__file__).parent))
from plantext import PlanText, read_plan_text  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FONT_PATHS = ["/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"]
FONT = "WQYZenHei"
FIXED_DATE = (2026, 11, 24, 0, 0, 0)


def register_font() -> None:
    for p in FONT_PATHS:
        if Path(p).exists():
            pdfmetrics.registerFont(TTFont(FONT, p, subfontIndex=0))
            return
    sys.exit("generate.py: no CJK font found; install one: apt-get install fonts-wqy-zenhei")


def style(size=14, align=TA_LEFT, indent=0.0, leading=None, color=colors.black) -> ParagraphStyle:
    return ParagraphStyle("s", fontName=FONT, fontSize=size, leading=leading or size * 1.6,
                          alignment=align, firstLineIndent=indent, wordWrap="CJK", textColor=color)


BODY = style(14, indent=28)
HEAD = style(15, indent=28)
TITLE = style(20, TA_CENTER, leading=30)
CELL = style(8, TA_CENTER, leading=10.5)
CELL_LEFT = style(8, TA_LEFT, leading=10.5)


@dataclass
class Layout:
    """How one plan is typeset: which body lines are titles, letterhead, signatures."""
    name: str
    col_widths: list[float]
    centered: set[int] = field(default_factory=set)        # body line indexes
    letterhead: set[int] = field(default_factory=set)
    right: set[int] = field(default_factory=set)
    page_break_before: set[int] = field(default_factory=set)
    group_header: tuple[str, int, int] | None = None       # title over columns a..b
    fill_down: tuple[str, ...] = ()                         # header names merged downwards over blanks
    left_cols: tuple[int, ...] = ()


def esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")


def body_flowables(plan: PlanText, lay: Layout) -> list:
    out: list = []
    for i, line in enumerate(plan.body):
        if i in lay.page_break_before:
            out.append(PageBreak())
        if i in lay.letterhead:
            out += [Paragraph(esc(line), style(24, TA_CENTER, leading=36, color=colors.red)), Spacer(1, 6)]
        elif i in lay.centered:
            out.append(Paragraph(esc(line), TITLE))
        elif i in lay.right:
            out.append(Paragraph(esc(line), style(14, TA_RIGHT)))
        elif re.match(r"^[一二三四五六七八九十]+、", line):
            out.append(Paragraph(esc(line), HEAD))
        elif line.endswith("：") and len(line) < 20:
            out.append(Paragraph(esc(line), style(14)))
        else:
            out.append(Paragraph(esc(line), BODY))
    return out


def table_grid(rows: list[list[str]], lay: Layout) -> tuple[list[list[str]], list[tuple], int]:
    """Header rows, data rows and the SPAN commands: blanks under fill_down columns become merged cells."""
    header = rows[0]
    data = [r for r in rows[1:]]
    spans: list[tuple] = []
    n = len(header)
    if lay.group_header:
        title, a, b = lay.group_header
        top = [h if not (a <= j <= b) else "" for j, h in enumerate(header)]
        top[a] = title
        second = ["" if not (a <= j <= b) else h for j, h in enumerate(header)]
        head = [top, second]
        spans.append(("SPAN", (a, 0), (b, 0)))
        spans += [("SPAN", (j, 0), (j, 1)) for j in range(n) if not (a <= j <= b)]
        if data and not any(c.strip() for c in data[0]):
            data = data[1:]  # the seed's empty second header line
    else:
        head = [header]
    h = len(head)
    # category and total rows: label spans the text columns
    amount_cols = [j for j, t in enumerate(header) if re.search(r"投资|资金", t)]
    first_amount = min(amount_cols) if amount_cols else n
    for i, r in enumerate(data):
        label_cols = [j for j in range(first_amount) if r[j].strip()]
        is_item = r[0].strip().isdigit()
        if not is_item and label_cols and r[0].strip() != "" and re.match(r"^[（(]?[一二三四五六七八九十]+[)）]?", r[0]):
            if len(label_cols) == 1:  # "(一) 产业合作" alone: span to the amounts
                spans.append(("SPAN", (0, h + i), (first_amount - 1, h + i)))
            else:                      # "一 | 产业合作": the name spans the rest
                spans.append(("SPAN", (1, h + i), (first_amount - 1, h + i)))
        elif not is_item and any("合计" in c for c in r[:first_amount]):
            spans.append(("SPAN", (0, h + i), (first_amount - 1, h + i)))
            for j in range(first_amount):
                if "合计" in r[j]:
                    r[0], r[j] = "合计", r[j] if j == 0 else ""
    fill = [j for j, t in enumerate(header) if any(t.replace("\n", "").startswith(f) for f in lay.fill_down)]
    for j in fill:
        i = 0
        while i < len(data):
            if data[i][0].strip().isdigit() and data[i][j].strip():
                k = i + 1
                while k < len(data) and data[k][0].strip().isdigit() and not data[k][j].strip():
                    k += 1
                if k > i + 1:
                    spans.append(("SPAN", (j, h + i), (j, h + k - 1)))
                i = k
            else:
                i += 1
    return head + data, spans, h


def table_flowable(rows: list[list[str]], lay: Layout) -> Table:
    grid, spans, h = table_grid(copy.deepcopy(rows), lay)
    cells = [[Paragraph(esc(c), CELL_LEFT if (j in lay.left_cols and i >= h) else CELL)
              for j, c in enumerate(r)] for i, r in enumerate(grid)]
    t = Table(cells, colWidths=lay.col_widths, repeatRows=h, splitInRow=0)
    t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                           ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                           ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                           ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                           *spans]))
    return t


def render(plan: PlanText, lay: Layout, out: Path, *, encrypt: str | None = None,
           with_table: bool = True) -> Path:
    """Body on A4 portrait pages, the attachment table on landscape pages."""
    out.parent.mkdir(parents=True, exist_ok=True)
    pw, ph = A4
    lw, lh = landscape(A4)
    m = 25 * mm
    doc = BaseDocTemplate(str(out), pagesize=A4, title=plan.body[0], author="", creator="aidplans samples",
                          invariant=1, encrypt=encrypt)
    doc.addPageTemplates([
        PageTemplate("portrait", [Frame(m, m, pw - 2 * m, ph - 2 * m, id="p")], pagesize=A4),
        PageTemplate("landscape", [Frame(12 * mm, 12 * mm, lw - 24 * mm, lh - 24 * mm, id="l")],
                     pagesize=landscape(A4)),
    ])
    story = body_flowables(plan, lay)
    if with_table:
        story += [NextPageTemplate("landscape"), PageBreak(),
                  Paragraph("附件", style(14)),
                  Paragraph(esc(plan.table_title), style(16, TA_CENTER, leading=26)),
                  *[Paragraph(esc(re.sub(r"\s{2,}", "　" * 8, p)), style(10)) for p in plan.table_preamble],
                  Spacer(1, 4), table_flowable(plan.rows, lay)]
    doc.build(story)
    return out


LAYOUT_2026 = Layout(
    name="2026_shizhong_pairing_plan",
    col_widths=[24, 34, 90, 200, 48, 62, 42, 58, 92, 92, 28],
    centered={0, 1},
    group_header=("计划投资（万元）", 6, 7),
    fill_down=("类别", "建设", "总投资", "其中", "责任单位", "实施主体"),
    left_cols=(3,),
)
LAYOUT_2023 = Layout(
    name="2023_east_west_plan",
    col_widths=[30, 110, 168, 52, 40, 40, 52, 58, 170, 56],
    letterhead={0}, centered={1, 2, 7}, right={5, 6, 95, 96},
    page_break_before={7},
    left_cols=(2, 8),
)


def drop_trailing(plan: PlanText, marker: str) -> PlanText:
    """Body without its trailing lines from `marker` on (the 附件 line moves onto the table page)."""
    body = plan.body
    if body and body[-1].strip() == marker:
        body = body[:-1]
    return PlanText(body, plan.table_title, plan.table_preamble, plan.rows)


def shuffled_columns(plan: PlanText) -> PlanText:
    """The 2026 plan with another column order, renamed headers and an extra column."""
    rows = [r for r in plan.rows if any(c.strip() for c in r)]
    rows[0]
    rename = {"建设\n地点": "实施地点", "其中：市中区拟安排帮扶资金": "市中区帮扶资金", "建设内容及规模": "建设规模及内容"}
    order = [0, 2, 7, 6, 5, 1, 3, 9, 8, 4, 10]
    out = []
    for i, r in enumerate(rows):
        r2 = [r[j] for j in order]
        if i == 0:
            r2 = [rename.get(c, c) for c in r2]
            r2.insert(3, "资金来源")
        else:
            r2.insert(3, "结对帮扶资金" if r[0].strip().isdigit() else "")
        out.append(r2)
    return PlanText(plan.body, plan.table_title, plan.table_preamble, out)


def with_cell(plan: PlanText, find: tuple[str, str], col: int, value: str) -> PlanText:
    """A copy with one cell changed: the row whose cells 0 and 1 are `find`."""
    rows = copy.deepcopy(plan.rows)
    for r in rows:
        if (r[0].strip(), r[1].strip()) == find:
            r[col] = value
    return PlanText(plan.body, plan.table_title, plan.table_preamble, rows)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--samples", type=Path, default=ROOT / "raw" / "samples")
    ap.add_argument("--fixtures", type=Path, default=ROOT / "tests" / "data")
    a = ap.parse_args(argv)
    register_font()
    p2026 = drop_trailing(read_plan_text(HERE / "seeds" / "000_95e08694c9ba34bc.txt"), "附件")
    p2023 = read_plan_text(HERE / "seeds" / "2023_east_west_plan.published.txt")
    written = [
        render(p2026, LAYOUT_2026, a.samples / "2026_shizhong_pairing_plan.published.pdf"),
        render(p2023, LAYOUT_2023, a.samples / "2023_east_west_plan.published.pdf"),
    ]
    f = a.fixtures
    shuffled = Layout("shuffled", col_widths=[24, 90, 50, 44, 42, 60, 34, 190, 80, 80, 40, 28],
                      centered={0, 1}, left_cols=(7,), fill_down=("类别", "实施地点", "市中区", "总投资", "责任", "实施主体"))
    written += [
        render(shuffled_columns(p2026), shuffled, f / "2026_column_order_shuffled.pdf"),
        render(with_cell(p2026, ("五", "改善民生"), 7, "230"), LAYOUT_2026, f / "2026_wrong_subtotal.pdf"),
        render(p2026, LAYOUT_2026, f / "encrypted.pdf", encrypt="secret"),
        render(p2026, LAYOUT_2026, f / "no_plan_table.pdf", with_table=False),
    ]
    written.append(noise_page(f / "noise_page.pdf"))
    src = written[0].read_bytes()
    (f / "truncated.pdf").write_bytes(src[: len(src) * 2 // 5])
    (f / "empty.pdf").write_bytes(b"")
    (f / "not_a_pdf.pdf").write_text("这不是PDF文件 / this is a text file with a .pdf name\n", encoding="utf-8")
    written.append(duplicate_page(written[0], f / "duplicated_page.pdf", page=2))
    for w in written:
        print(f"wrote {w.relative_to(ROOT)}")
    return 0


def noise_page(out: Path) -> Path:
    """One page of seeded random characters and marks: what a mis-fed scanner or a wrong file gives."""
    import random
    from reportlab.pdfgen import canvas
    rng = random.Random(7)
    c = canvas.Canvas(str(out), pagesize=A4, invariant=1)
    c.setFont(FONT, 9)
    pool = "峨边彝族自治县项目资金计划表|_—.,;:!?#%&*0123456789ABCDEFGHIJKabcdefghijk"
    for _ in range(90):
        c.drawString(rng.uniform(20, 500), rng.uniform(20, 800), "".join(rng.choice(pool) for _ in range(rng.randint(3, 40))))
    for _ in range(40):
        c.line(rng.uniform(0, 595), rng.uniform(0, 842), rng.uniform(0, 595), rng.uniform(0, 842))
    c.save()
    return out


def duplicate_page(src: Path, out: Path, page: int) -> Path:
    """A copy of `src` with page `page` (1-based) printed twice, as a careless re-scan would."""
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(src))
    pdf.import_pages(pdfium.PdfDocument(str(src)), [page - 1], index=page)
    pdf.save(str(out))
    return reproducible_pdfium_save(out)


def reproducible_pdfium_save(out: Path) -> Path:
    """Zero the random /ID and fix the creation time pdfium writes (same lengths, so the xref
    offsets stay right): the file is then the same on every run."""
    data = re.sub(rb"/ID\s*\[<[0-9A-Fa-f]+><[0-9A-Fa-f]+>",
                  lambda m: re.sub(rb"[0-9A-Fa-f](?=[0-9A-Fa-f]*>)", b"0", m.group(0)), out.read_bytes())
    data = re.sub(rb"/CreationDate\(D:\d{14}", b"/CreationDate(D:20000101000000", data)  # reportlab's invariant date
    out.write_bytes(data)
    return out


if __name__ == "__main__":
    sys.exit(main())
