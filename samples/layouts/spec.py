"""Seeded random SYNTHETIC plan specs: invented projects, amounts and people, real place/office names.

A spec is everything a renderer and the gold writer need: the plan's facts and the variant's axis
values (how it is typeset). The same (seed, index) always gives the same spec. Axis values rotate
in balanced blocks, so every value of every axis appears within a few consecutive variants.
"""
from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass, field

import fmt
import names as N

# Axis -> values. "render" pairs renderer and font: reportlab's TTFont cannot read Noto CJK (CFF
# outlines), so Noto is only set through LibreOffice.
RENDERS = ["reportlab/wqy-zenhei", "reportlab/arphic-uming", "docx/wqy-zenhei", "docx/arphic-uming",
           "docx/noto-cjk"]
AXES: dict[str, list[str]] = {
    "render": RENDERS,
    "program": ["东西部协作", "结对帮扶"],
    "ncols": ["9-10", "11-12", "13-14"],
    "order": ["standard", "shuffled"],
    "header_rows": ["1", "2", "3"],
    "ruling": ["grid", "three_line", "none"],
    "unit": ["万元", "元"],
    "unit_place": ["caption", "header"],
    "numbers": ["int", "dec", "sep"],
    "category_form": ["cn_heading", "paren_heading", "subtotal_after", "class_column", "none"],
    "total_row": ["top", "bottom", "none"],
    "repeat_header": ["yes", "no"],
    "split_rows": ["yes", "no"],
    "numbering": ["global", "per_category", "paren", "none"],
    "narrative": ["labelled", "sentence", "yishi", "none"],
    "date_form": ["年月", "dot", "dash", "月底", "日前"],
    "period_form": ["single", "dash", "至"],
    "meta": ["red_header", "no_number", "signature_only"],
    "wording": ["canonical", "varied"],
    "table_pages": ["one", "several"],     # intended; variants.build records what the PDF really has
}
BIG = ("产业合作", "改善民生", "基础设施与基层治理")
# Table columns: key -> header wordings (issue 10's list). Amount keys are money columns.
HEADERS = {
    "seq": ["序号"], "category": ["类别", "项目类别"], "name": ["项目名称", "项目"],
    "content": ["建设内容", "建设内容及规模", "主要建设内容"],
    "location": ["建设地点", "实施地点", "项目地点"], "period": ["建设年限", "建设周期"],
    "total": ["总投资", "项目总投资"], "county": ["县级配套", "县级配套资金"], "self": ["群众自筹", "自筹资金"],
    "unit": ["责任单位", "行业主管部门"], "entity": ["实施主体", "实施单位", "项目业主"],
    "leader": ["责任领导"], "deadline": ["完成时限", "完成时间", "建设期限"], "goal": ["绩效目标"],
    "linkage": ["利益联结机制", "联农带农机制"], "ownership": ["产权归属"], "source": ["资金来源"],
    "remark": ["备注"],
}
AID_HEADERS = {"东西部协作": ["协作资金", "东西部协作资金", "规划投资", "财政援助资金"],
               "结对帮扶": ["帮扶资金", "市中区帮扶资金", "财政援助资金"]}
AMOUNT_KEYS = ("total", "aid", "county", "self")
STANDARD_ORDER = ["seq", "category", "name", "content", "location", "period", "total", "aid", "county", "self",
                  "unit", "entity", "leader", "deadline", "goal", "linkage", "ownership", "source", "remark"]
CONTENT_TAILS = ["", "", "；配套完善水、电、路等基础设施", "；建立项目管护机制，确保项目长期发挥效益",
                 "；项目建成后移交村集体经济组织统一运营管理"]
OPTIONAL = ["total", "period", "leader", "county", "self", "goal", "remark", "source", "linkage", "ownership"]


@dataclass
class Project:
    seq: int
    category: str                 # canonical
    name: str
    content: str
    location: str                 # as in the table (most specific place)
    aid_c: int                    # 0.01 万元
    total_c: int
    county_c: int
    self_c: int
    period: str                   # ISO: 2025 or 2025-2026
    unit: str
    entity: str
    leader: str
    deadline: str                 # ISO with the precision written
    goal: str
    linkage: str
    ownership: str
    remark: str


@dataclass
class Category:
    canonical: str
    table_label: str
    narrative_label: str
    projects: list[Project] = field(default_factory=list)


@dataclass
class PlanSpec:
    id: str
    seed: int
    index: int
    axes: dict[str, str]
    year: int
    program: str
    donor: str
    title: str
    doc_number: str | None
    issuer: str
    issue_date: str
    columns: list[list[str]]      # [key, header wording] in printed order
    categories: list[Category]
    office_full: bool             # 峨边彝族自治县农业农村局 or 县农业农村局

    @property
    def projects(self) -> list[Project]:
        return [p for c in self.categories for p in c.projects]

    @property
    def renderer(self) -> str:
        return self.axes["render"].split("/")[0]

    @property
    def font(self) -> str:
        return self.axes["render"].split("/")[1]

    def has(self, key: str) -> bool:
        return any(k == key for k, _ in self.columns)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True)


def axis_values(seed: int, index: int) -> dict[str, str]:
    """Balanced rotation: within each block of len(values) variants every value appears once."""
    out = {}
    for axis, values in AXES.items():
        block = index // len(values)
        order = list(values)
        random.Random(f"{seed}:{axis}:{block}").shuffle(order)
        out[axis] = order[index % len(values)]
    if out["category_form"] == "none" and out["narrative"] == "none":
        out["narrative"] = "labelled"     # a table with no categories needs the narrative's headings
    return out


def variant_id(seed: int, index: int) -> str:
    return f"s{seed}-{index:03d}"


def make_spec(seed: int, index: int) -> PlanSpec:
    """The plan for variant `index` of `seed`: facts drawn from a seeded generator, axes rotated."""
    axes = axis_values(seed, index)
    rng = random.Random(f"{seed}:{index}:facts")
    year = rng.randint(2021, 2027)
    program = axes["program"]
    prog = N.PROGRAMS[program]
    office_full = rng.random() < 0.5
    categories = make_categories(rng, axes, year, program, office_full)
    columns = choose_columns(rng, axes, program)
    axes["ncols"] = bucket(len(columns))
    title = f"{N.COUNTY}{year}年" + (f"东西部协作{rng.choice(['建设项目', '项目'])}实施方案" if program == "东西部协作"
                                    else f"{prog['donor']}结对帮扶项目实施方案")
    month = rng.randint(1, 4)
    issue_date = f"{year}-{month:02d}-{rng.randint(1, 28):02d}"
    red = axes["meta"] == "red_header"
    issuer = N.ISSUERS[0] if axes["meta"] != "signature_only" else rng.choice(N.ISSUERS)
    doc_number = f"峨边府办{rng.choice(['函', '发'])}〔{year}〕{rng.randint(2, 60)}号" if red else None
    return PlanSpec(variant_id(seed, index), seed, index, axes, year, program, prog["donor"], title, doc_number,
                    issuer, issue_date, columns, categories, office_full)


def bucket(ncols: int) -> str:
    return "9-10" if ncols <= 10 else "11-12" if ncols <= 12 else "13-14"


def choose_columns(rng: random.Random, axes: dict, program: str) -> list[list[str]]:
    """9-14 columns: the core ones, the ones the header rows and category form need, then extras."""
    target = {"9-10": rng.randint(9, 10), "11-12": rng.randint(11, 12), "13-14": rng.randint(13, 14)}[axes["ncols"]]
    keys = ["name", "content", "location", "aid", "unit", "entity", "deadline"]
    if axes["numbering"] != "none":
        keys.insert(0, "seq")
    if axes["category_form"] == "class_column":
        keys.append("category")
    hr = int(axes["header_rows"])
    if hr >= 2:
        keys.append("total")
    if hr == 3:
        keys += rng.sample(["county", "self"], rng.randint(1, 2))
    extras = [k for k in OPTIONAL if k not in keys]
    rng.shuffle(extras)
    while len(keys) < target and extras:
        keys.append(extras.pop())
    keys = [k for k in STANDARD_ORDER if k in keys]
    if axes["order"] == "shuffled":
        keys = shuffled(rng, keys, together=hr > 1 or rng.random() < 0.5)
    out = []
    for k in keys:
        label = rng.choice(AID_HEADERS[program]) if k == "aid" else rng.choice(HEADERS[k])
        out.append([k, label])
    return out


def shuffled(rng: random.Random, keys: list[str], together: bool) -> list[str]:
    """Any order, but 序号 first; the money columns kept together when they share a group header."""
    money = [k for k in keys if k in AMOUNT_KEYS]
    rest = [k for k in keys if k not in AMOUNT_KEYS and k != "seq"]
    rng.shuffle(money)
    if "total" in money:                         # the group header puts 总投资 first
        money.remove("total")
        money.insert(0, "total")
    blocks = [[k] for k in rest] + ([money] if together else [[k] for k in money])
    rng.shuffle(blocks)
    if blocks[0] == money and len(blocks) > 1:   # keep a text column before the money
        blocks[0], blocks[1] = blocks[1], blocks[0]
    return (["seq"] if "seq" in keys else []) + [k for b in blocks for k in b]


def office(stem: str, full: bool) -> str:
    short = N.OFFICES[stem]
    return N.COUNTY + short[1:] if full else short


def project_counts(rng: random.Random, chosen: list[str], total: int) -> list[int]:
    """Split `total` projects over the categories: one each, the rest mostly to the big ones."""
    counts = [1] * len(chosen)
    cap = [5 if c in BIG else 3 for c in chosen]
    while sum(counts) < min(total, sum(cap)):
        j = rng.choice([j for j, c in enumerate(chosen) if counts[j] < cap[j]] +
                       [j for j, c in enumerate(chosen) if c in BIG and counts[j] < cap[j]])
        counts[j] += 1
    return counts


def make_categories(rng: random.Random, axes: dict, year: int, program: str, full: bool) -> list[Category]:
    """3-6 categories in canonical order; 6-8 projects for a one-page table, 10-15 for a longer one."""
    canon = list(N.CATEGORY_TABLE)
    k = rng.randint(3, 6)
    chosen = sorted(rng.sample(canon, k), key=canon.index)
    if "产业合作" not in chosen:
        chosen[0] = "产业合作"
        chosen = sorted(set(chosen), key=canon.index)
    total = rng.randint(6, 8) if axes["table_pages"] == "one" else rng.randint(10, 15)
    cats, seq, used = [], 0, set()
    towns = list(N.TOWNS)
    rng.shuffle(towns)
    for c, n in zip(chosen, project_counts(rng, chosen, total)):
        varied = axes["wording"] == "varied"
        table_label = rng.choice(N.CATEGORY_TABLE[c][1:] or N.CATEGORY_TABLE[c]) if varied else N.CATEGORY_TABLE[c][0]
        narr = rng.choice(N.CATEGORY_NARRATIVE[c]) if varied else N.CATEGORY_NARRATIVE[c][0]
        cat = Category(c, table_label, narr)
        templates = list(N.PROJECTS[c])
        rng.shuffle(templates)
        for t in range(n):
            seq += 1
            cat.projects.append(make_project(rng, axes, year, program, full, c, templates[t % len(templates)],
                                             seq, towns, used))
        cats.append(cat)
    return cats


def make_project(rng, axes, year, program, full, category, tpl, seq, towns, used) -> Project:
    name_t, content_t, stem, where = tpl
    prog = N.PROGRAMS[program]
    town = towns[seq % len(towns)]
    vals = dict(town=town, crop=rng.choice(N.CROPS), n=rng.randint(2, 60) * 10, k=rng.randint(2, 9),
                m=rng.randint(2, 12), year=year, donor=prog["donor"])
    name = name_t.format(**vals)
    while name in used:                      # the same template twice: another town or a 二期
        vals["town"] = town = rng.choice(towns)
        name = name_t.format(**vals)
        if name in used:
            name = name.replace("项目", "（二期）项目", 1) if "项目" in name else name + "（二期）"
    used.add(name)
    content = content_t.format(**vals) + (rng.choice(CONTENT_TAILS) if where == "town" else "")
    if where == "town":
        villages = N.VILLAGES.get(town)
        location = town + villages[0] if villages and rng.random() < 0.6 else town
    else:
        location = N.COUNTY if where == "county" else prog["donor"]
    aid_c, total_c, county_c, self_c = amounts(rng, axes, category)
    multi = axes["period_form"] != "single" and rng.random() < 0.5
    end = year + (1 if multi else 0)
    period = f"{year}-{end}" if multi else f"{year}"
    month = rng.randint(9, 12)
    day = fmt.last_day(end, month) if axes["date_form"] == "日前" and rng.random() < 0.6 else (
        rng.choice([15, 20, 25]) if axes["date_form"] == "日前" else None)
    entity = (f"{town}人民政府" if where == "town" and rng.random() < 0.6
              else rng.choice(N.COMPANIES) if where == "town" and category == "产业合作"
              else office(stem, full))
    if where != "town" and entity == office(stem, full) and rng.random() < 0.3:
        entity = office(rng.choice(list(N.OFFICES)), full)
    leader = rng.choice(N.SURNAMES) + rng.choice(N.GIVEN)
    return Project(
        seq=seq, category=category, name=name, content=content, location=location,
        aid_c=aid_c, total_c=total_c, county_c=county_c, self_c=self_c, period=period,
        unit=office(stem, full), entity=entity, leader=leader,
        deadline=fmt.deadline_iso(end, month, day),
        goal=f"项目建成后带动{rng.randint(20, 400)}户群众增收，其中脱贫户{rng.randint(10, 90)}户",
        linkage=f"带动脱贫人口{rng.randint(20, 300)}人，户均年增收{rng.randint(5, 40)}00元",
        ownership=rng.choice([f"{town}人民政府", "村集体经济组织", "受益群众", "县国有资产管理中心"]),
        remark=rng.choice(["", "", "新建", "续建", "年内完工"]),
    )


def amounts(rng: random.Random, axes: dict, category: str) -> tuple[int, int, int, int]:
    """aid, total, county, self in 0.01 万元; total = aid + county + self + other."""
    big = category in ("产业合作", "改善民生", "基础设施与基层治理")
    aid = rng.randint(20, 600 if big else 120) * 100
    if axes["numbers"] != "int":
        aid += rng.randint(1, 99) if rng.random() < 0.7 else 0
    county = rng.choice([0, rng.randint(5, 80) * 100 + (rng.randint(0, 99) if axes["numbers"] != "int" else 0)])
    self_ = rng.choice([0, 0, rng.randint(1, 30) * 100])
    other = rng.choice([0, 0, rng.randint(1, 40) * 1000]) if big else 0
    return aid, aid + county + self_ + other, county, self_
