"""A spec as a document model: the body as typed blocks and the attachment table as a cell grid.

Both renderers draw exactly this model, so a reportlab PDF and a LibreOffice PDF of one spec say
the same things; only the typesetting differs.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

import fmt
import names as N
from spec import AMOUNT_KEYS, PlanSpec

SYNTHETIC_FOOTER = "SYNTHETIC 合成样例（aidplans 版式生成器），非真实文件"
SUBJECT = "SYNTHETIC plan made by the aidplans layout generator; invented projects, amounts and people"
KEYWORDS = "SYNTHETIC, aidplans, layout generator"

WIDTH = {"seq": 0.6, "category": 1.3, "name": 3.0, "content": 4.6, "location": 1.6, "period": 1.2,
         "total": 1.3, "aid": 1.3, "county": 1.2, "self": 1.2, "unit": 2.2, "entity": 2.2, "leader": 1.0,
         "deadline": 1.4, "goal": 2.8, "linkage": 2.8, "ownership": 1.6, "source": 1.4, "remark": 1.0}


@dataclass
class TableModel:
    """header rows and body rows are full-width string grids; spans are (row0, col0, row1, col1)."""
    header: list[list[str]]
    header_spans: list[tuple[int, int, int, int]]
    rows: list[list[str]]
    kinds: list[str]                       # total | category | item | subtotal
    spans: list[tuple[int, int, int, int]] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)
    left: list[bool] = field(default_factory=list)    # left-aligned text columns
    font_size: float = 8.0


@dataclass
class DocModel:
    title: str
    blocks: list[tuple[str, str]]          # (kind, text): letterhead docnum redrule title para plain heading right pagebreak
    table_title: str
    caption: str
    table: TableModel


def label_items(label: str, n: int) -> str:
    return f"{label}{n}个" if label.endswith(("项目", "类")) else f"{label}项目{n}个"


def build(spec: PlanSpec) -> DocModel:
    return DocModel(spec.title, notice(spec) + body(spec), table_title(spec), caption(spec), table(spec))


def wording(spec: PlanSpec, what: str, options: list[str]) -> str:
    """A seeded choice among equivalent phrasings (not an axis: a plan's own wording)."""
    return random.Random(f"{spec.seed}:{spec.index}:{what}").choice(options)


def table_title(spec: PlanSpec) -> str:
    what = "东西部协作" if spec.program == "东西部协作" else f"{spec.donor}结对帮扶"
    return f"{N.COUNTY}{spec.year}年{what}" + wording(spec, "table_title", ["项目资金计划表", "资金项目计划表",
                                                                          "项目计划安排表"])


def caption(spec: PlanSpec) -> str:
    fill = "填报单位（盖章）：" + (N.COUNTY + "发展和改革局" if spec.index % 2 else "")
    return fill + ("　　　　单位：" + spec.axes["unit"] if spec.axes["unit_place"] == "caption" else "")


def notice(spec: PlanSpec) -> list[tuple[str, str]]:
    """The covering notice (red header, 文号 or not) or nothing when the signature closes the plan."""
    if spec.axes["meta"] == "signature_only":
        return []
    out = [("letterhead", spec.issuer)]
    if spec.doc_number:
        out.append(("docnum", spec.doc_number))
    out += [("redrule", ""), ("title", f"{spec.issuer}关于印发{spec.title}的通知"),
            ("plain", "各乡镇人民政府，县级各相关部门："),
            ("para", f"《{spec.title}》已经县人民政府同意，现印发给你们，请认真贯彻执行。"),
            ("right", spec.issuer), ("right", fmt.cn_date(spec.issue_date)), ("pagebreak", "")]
    return out


def money_word(spec: PlanSpec) -> str:
    return N.PROGRAMS[spec.program]["money"]


def body(spec: PlanSpec) -> list[tuple[str, str]]:
    prog = N.PROGRAMS[spec.program]
    ax = spec.axes
    projects = spec.projects
    aid = sum(p.aid_c for p in projects)
    total = sum(p.total_c for p in projects)
    purpose = N.PURPOSES[spec.index % len(N.PURPOSES)].format(pair=prog["pair"], program=spec.program, year=spec.year)
    out = [("title", spec.title),
           ("para", f"{purpose}，根据有关文件要求，结合{N.COUNTY_SHORT}实际，特制定本实施方案。"),
           ("heading", "一、总体要求"),
           ("para", f"坚持“{prog['donor_short']}所能、{N.COUNTY_SHORT}所需”的原则，强化资金保障，确保各项目顺利推进、"
                    "落地见效，助力巩固拓展脱贫攻坚成果同乡村振兴有效衔接。"),
           ("heading", "二、工作任务")]
    parts = "；".join(f"{label_items(c.table_label, len(c.projects))}，计划投资"
                     f"{fmt.narrative_wan(sum(p.aid_c for p in c.projects))}万元" for c in spec.categories)
    stated_total = f"，项目总投资{fmt.narrative_wan(total)}万元" if spec.has("total") else ""
    amount = fmt.narrative_wan(aid)
    task = wording(spec, "task", [
        f"{spec.year}年，{prog['donor_short']}计划投入{money_word(spec)}{amount}万元{stated_total}。",
        f"{spec.year}年实施{spec.program}建设项目资金{amount}万元{stated_total}，",
    ]) + wording(spec, "count", [f"实施{spec.program}项目", "实施项目", "共安排项目"]) + (
        f"{len(spec.categories)}类{len(projects)}个，其中：{parts}。")
    if ax["narrative"] == "none":
        task += "具体项目详见附件。"
    out.append(("para", task))
    if ax["narrative"] != "none":
        for k, c in enumerate(spec.categories, 1):
            out += category_blocks(spec, k, c)
    out += [("heading", "三、工作保障"),
            ("para", "（一）加强组织领导。各责任单位要高度重视，实行一把手负责制，倒排工期，挂图作战，确保项目按期完成。"),
            ("para", "（二）强化资金监管。严格执行资金和项目管理办法，做到专款专用，县财政局、县审计局加强资金监管。")]
    if ax["meta"] == "signature_only":
        out += [("right", spec.issuer), ("right", fmt.cn_date(spec.issue_date))]
    return out


def item_number(spec: PlanSpec, i: int, seq: int) -> str:
    n = spec.axes["numbering"]
    return {"global": f"{seq}.", "per_category": f"{i}.", "paren": f"（{i}）", "none": ""}[n]


def category_blocks(spec: PlanSpec, k: int, c) -> list[tuple[str, str]]:
    ax = spec.axes
    a = fmt.narrative_wan(sum(p.aid_c for p in c.projects))
    lead = f"{fmt.cn_number(k)}是" if ax["narrative"] == "yishi" else f"（{fmt.cn_number(k)}）"
    out = [("para", f"{lead}{c.narrative_label}。{N.CATEGORY_PURPOSE[c.canonical]}，投入{money_word(spec)}{a}万元。")]
    for i, p in enumerate(c.projects, 1):
        total = f"总投资{fmt.narrative_wan(p.total_c)}万元，" if spec.has("total") else ""
        text = (f"{item_number(spec, i, p.seq)}{p.name}。{total}拟投入{money_word(spec)}"
                f"{fmt.narrative_wan(p.aid_c)}万元，在{p.location}{p.content}。")
        deadline = fmt.deadline_narrative(p.deadline, ax["date_form"])
        if ax["narrative"] == "sentence":
            out.append(("para", text + f"责任单位为{p.unit}，实施主体为{p.entity}，计划于{deadline}完成。"))
            continue
        out.append(("para", text))
        place = p.location if p.location.startswith((N.COUNTY, "浙江", "乐山")) else N.COUNTY + p.location
        out.append(("plain", f"实施地点：{place}"))
        if spec.has("leader"):
            out.append(("plain", f"责任领导：{p.leader}"))
        out += [("plain", f"责任单位：{p.unit}"), ("plain", f"实施主体：{p.entity}"),
                ("plain", f"完成时限：{deadline}")]
    return out


def amount_label(spec: PlanSpec, label: str) -> str:
    return f"{label}（{spec.axes['unit']}）" if spec.axes["unit_place"] == "header" else label


def header(spec: PlanSpec) -> tuple[list[list[str]], list[tuple[int, int, int, int]]]:
    """1-3 header rows; with 2 or 3 the money columns are grouped under a title."""
    keys = [k for k, _ in spec.columns]
    labels = [lab for _, lab in spec.columns]
    hr = int(spec.axes["header_rows"])
    money = [j for j, k in enumerate(keys) if k in AMOUNT_KEYS]
    if hr == 1 or len(money) < 2:
        return [[amount_label(spec, lab) if k in AMOUNT_KEYS else lab for k, lab in spec.columns]], []
    a, b = money[0], money[-1]
    rows = [[""] * len(keys) for _ in range(hr)]
    spans = []
    for j, lab in enumerate(labels):
        if not a <= j <= b:
            rows[0][j] = lab
            spans.append((0, j, hr - 1, j))
    if hr == 2:
        rows[0][a] = amount_label(spec, "计划投资")
        spans.append((0, a, 0, b))
        for j in money:
            rows[1][j] = labels[j]
        return rows, spans
    rows[0][a] = amount_label(spec, "资金规模")
    spans.append((0, a, 0, b))
    rows[1][a] = labels[a]                      # 总投资 spans rows 1-2
    spans.append((1, a, 2, a))
    rows[1][a + 1] = "资金来源"
    if b > a + 1:
        spans.append((1, a + 1, 1, b))
    for j in range(a + 1, b + 1):
        rows[2][j] = labels[j]
    return rows, spans


def cell(spec: PlanSpec, key: str, p, i: int, label: str) -> str:
    ax = spec.axes
    money = {"total": p.total_c, "aid": p.aid_c, "county": p.county_c, "self": p.self_c}
    if key in money:
        return fmt.table_amount(money[key], ax["unit"], ax["numbers"], blank_zero=key in ("county", "self"))
    return {
        "seq": item_number(spec, i, p.seq).rstrip("."), "category": label, "name": p.name, "content": p.content,
        "location": p.location, "period": fmt.period_text(p.period, ax["period_form"]), "unit": p.unit,
        "entity": p.entity, "leader": p.leader, "deadline": fmt.deadline_text(p.deadline, ax["date_form"]),
        "goal": p.goal, "linkage": p.linkage, "ownership": p.ownership, "source": f"{spec.program}资金",
        "remark": p.remark,
    }[key]


def label_run(keys: list[str]) -> tuple[int, int]:
    """The run of non-money columns around 项目名称: where a category or 合计 label spans."""
    j = keys.index("name")
    a = b = j
    while a > 0 and keys[a - 1] not in AMOUNT_KEYS:
        a -= 1
    while b + 1 < len(keys) and keys[b + 1] not in AMOUNT_KEYS:
        b += 1
    return a, b


def sums_row(spec: PlanSpec, keys: list[str], projects, label: str) -> list[str]:
    ax = spec.axes
    row = [""] * len(keys)
    a, _ = label_run(keys)
    row[a] = label
    for j, k in enumerate(keys):
        if k in AMOUNT_KEYS:
            s = sum({"total": p.total_c, "aid": p.aid_c, "county": p.county_c, "self": p.self_c}[k] for p in projects)
            row[j] = fmt.table_amount(s, ax["unit"], ax["numbers"], blank_zero=k in ("county", "self"))
    return row


def table(spec: PlanSpec) -> TableModel:
    keys = [k for k, _ in spec.columns]
    head, head_spans = header(spec)
    ax = spec.axes
    form = ax["category_form"]
    rows, kinds, spans = [], [], []
    a, b = label_run(keys)

    # "一 | 产业合作" (number in the 序号 cell, the name spanning the rest) or one cell "一、产业合作"
    split = keys[0] == "seq" and a == 0 and b >= 2 and wording(spec, "split_label", ["split", "one"]) == "split"

    def add(row, kind, start=a):
        rows.append(row)
        kinds.append(kind)
        if kind != "item" and b > start:
            spans.append((len(rows) - 1, start, len(rows) - 1, b))

    def heading(number: str, sep: str, label: str, amounts: list):
        row = sums_row(spec, keys, amounts, number + sep + label) if amounts else [""] * len(keys)
        if split:
            row[0], row[1] = number, label
            add(row, "category", start=1)
        else:
            row[a] = number + sep + label
            add(row, "category")

    if ax["total_row"] == "top":
        add(sums_row(spec, keys, spec.projects, "合计"), "total")
    for k, c in enumerate(spec.categories, 1):
        cn = fmt.cn_number(k)
        if form == "cn_heading":
            heading(cn, "、", f"{c.table_label}（{len(c.projects)}个）", c.projects)
        elif form == "paren_heading":
            count = f"（{len(c.projects)}个）" if spec.index % 2 else ""
            heading(f"（{cn}）", "", f"{c.table_label}{count}", c.projects)
        elif form == "subtotal_after":
            heading(cn, "、", c.table_label, [])
        first = len(rows)
        for i, p in enumerate(c.projects, 1):
            rows.append([cell(spec, key, p, i, c.table_label) for key in keys])
            kinds.append("item")
        if form == "class_column" and len(c.projects) > 1:
            j = keys.index("category")
            for r in range(first + 1, len(rows)):
                rows[r][j] = ""
            spans.append((first, j, len(rows) - 1, j))
        if form == "subtotal_after":
            add(sums_row(spec, keys, c.projects, "小计"), "subtotal")
    if ax["total_row"] == "bottom":
        add(sums_row(spec, keys, spec.projects, "合计"), "total")
    size = 8.0 if ax["table_pages"] == "one" else 10.0
    left = [k in ("content", "goal", "linkage") for k in keys]
    return TableModel(head, head_spans, rows, kinds, spans, widths(keys, rows, kinds, size), left, size)


def text_width(text: str, size: float) -> float:
    return sum(0.58 * size if ord(ch) < 128 else size for ch in text)


def widths(keys: list[str], rows: list[list[str]], kinds: list[str], size: float,
           total: float = 770.0) -> list[float]:
    """Column widths in points for a `total`-point table: numbers and 序号 get room for their widest
    cell on one line; the text columns share the rest by weight."""
    fixed = {}
    for j, k in enumerate(keys):
        if k in AMOUNT_KEYS or k == "seq":
            cells = [r[j] for r, kind in zip(rows, kinds) if k != "seq" or kind == "item"]
            fixed[j] = max(max((text_width(c, size) for c in cells), default=0) + 12, 2.2 * size + 12)
    free = total - sum(fixed.values())
    weight = sum(WIDTH[k] for j, k in enumerate(keys) if j not in fixed)
    return [fixed[j] if j in fixed else WIDTH[k] / weight * free for j, k in enumerate(keys)]
