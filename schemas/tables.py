"""The curated tables' columns, declared once: name, type, unit, meaning, where a plan states it,
an example, the value checks, and the roles a column plays in the pipeline.

Everything else is derived from COLUMNS: the arrow schemas (ARROW, the storage types), the
pandera models (schemas/models.py builds them from `checks`), the fields an override may set,
the fields read from both the narrative and the table (normalizers), and docs/DATA.md
(`aidplans dictionary`). This module imports no pandas or pandera, so reading the dataset
stays cheap. It follows ../shared/design/DATA_CONTRACT.md (add columns freely, rename none).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa_arrow

PROGRAMS = ["东西部协作", "结对帮扶", "对口支援"]
SOURCE_KINDS = ["published", "scanned"]
TEXT_SOURCES = ["text_layer", "ocr", "mixed"]
ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
ISO_PARTIAL = r"^\d{4}(-\d{2}(-\d{2})?)?$"
PERIOD = r"^\d{4}(-\d{4})?$"
WAN = "万元"
PT = "pt (1/72 inch, from the page's top left)"
PROVENANCE_SOURCES = ["text_layer", "ocr", "pipeline", "override"]

# column type → storage type; `date` is stored as a date and checked as ISO text before storage
ARROW_TYPES = {"str": pa_arrow.string(), "int": pa_arrow.int64(), "float": pa_arrow.float64(),
               "date": pa_arrow.date32(), "list<str>": pa_arrow.list_(pa_arrow.string()),
               "list<int>": pa_arrow.list_(pa_arrow.int64())}


@dataclass(frozen=True)
class Column:
    """One column of a curated table. `checks` are pandera Field arguments (unique, isin, ge …);
    `overridable`: an archivist may set it in overrides.csv; `merged`: a project text field read
    from both the narrative item and the table row and merged (normalizers/merge.py)."""
    name: str
    type: str
    meaning: str
    source: str
    example: str
    nullable: bool = False
    unit: str = ""
    checks: dict = field(default_factory=dict)
    overridable: bool = False
    merged: bool = False

    def __post_init__(self):
        if self.type not in ARROW_TYPES:
            raise ValueError(f"column {self.name}: type {self.type!r} is not one of {', '.join(ARROW_TYPES)}")


C = Column
_FROM_DOC = "copied from the plan's row in documents, for easy querying"

COLUMNS: dict[str, tuple[Column, ...]] = {
    "documents": (
        C("doc_id", "str", "stable id of the source file: the first 16 hex digits of its SHA-256",
          "computed from the PDF's bytes", "0520b6d3d8a032d4", checks={"unique": True, "str_matches": r"^[0-9a-f]{16}$"}),
        C("source_file", "str", "path of the PDF as ingested (under raw/)", "the file given to the run",
          "raw/samples/2023_east_west_plan.published.pdf"),
        C("sha256", "str", "SHA-256 of the PDF's bytes", "computed from the PDF's bytes",
          "0520b6d3d8a032d4a4c4…", checks={"str_matches": r"^[0-9a-f]{64}$"}),
        C("title", "str", "the plan's title", "the title lines of page 1",
          "峨边彝族自治县2023年东西部协作建设项目实施方案", checks={"str_length": {"min_value": 4}}, overridable=True),
        C("doc_number", "str", "文号, the document's reference number", "the line under the letterhead",
          "峨边府办函〔2023〕7号", nullable=True, overridable=True),
        C("issuer", "str", "the issuing office", "the letterhead, or the signature closing the body",
          "峨边彝族自治县人民政府办公室", nullable=True, overridable=True),
        C("issue_date", "date", "成文/印发 date", "the date under the signature or the 印发 line",
          "2023-02-07", nullable=True, checks={"str_matches": ISO_DATE}, overridable=True),
        C("plan_year", "int", "the year the plan is for (the partition key)", "the title (…2023年…实施方案)",
          "2023", checks={"ge": 1990, "le": 2100}),
        C("program", "str", "the aid program (a controlled list)", "the title and opening paragraph",
          "东西部协作", checks={"isin": PROGRAMS}),
        C("donor", "str", "the helping side, full official name", "the opening paragraph (e.g. 柯桥区…协作资金)",
          "浙江省绍兴市柯桥区", checks={"str_length": {"min_value": 2}}, overridable=True),
        C("recipient", "str", "the helped side, full official name", "the title and opening paragraph",
          "峨边彝族自治县", checks={"str_length": {"min_value": 2}}, overridable=True),
        C("total_aid_funds_wan", "float", "the donor's funds the plan states in total (协作资金 / 帮扶资金)",
          "the overview paragraph (安排…资金3900万元)", "3900.0", nullable=True, unit=WAN,
          checks={"ge": 0}, overridable=True),
        C("total_investment_wan", "float", "total investment (总投资) where the plan states it",
          "the overview paragraph (总投资…万元)", "23622.0", nullable=True, unit=WAN, checks={"ge": 0},
          overridable=True),
        C("project_count_stated", "int", "the number of projects the plan states",
          "the overview: 实施项目5类11个 → 11", "11", nullable=True, checks={"ge": 0}, overridable=True),
        C("category_count_stated", "int", "the number of categories the plan states",
          "the overview: 实施项目5类11个 → 5", "5", nullable=True, checks={"ge": 0}, overridable=True),
        C("source_kind", "str", "published (born-digital) or scanned", "how the PDF was made", "published",
          checks={"isin": SOURCE_KINDS}),
        C("text_source", "str", "where the text was read from: text_layer, ocr or mixed",
          "each page's text layer, or OCR of its image", "text_layer", checks={"isin": TEXT_SOURCES}),
        C("page_count", "int", "pages in the PDF", "the PDF", "9", checks={"ge": 1}),
        C("flags", "list<str>", "document-level review flags (total_mismatch, count_mismatch …)",
          "the pipeline's checks of the plan's stated totals and counts", "[]"),
        C("pipeline_version", "str", "version of the code that wrote the row", "the pipeline", "0.1.0+ec618d27b1"),
        C("plan_key", "str", "the plan's identity across copies (title, 文号, year, program)",
          "computed from the plan's metadata", "1af937f46a97765f", checks={"unique": True}),
        C("alternates", "list<str>", "other files holding the same plan (not the current copy)",
          "other copies ingested", "[]"),
        C("alternate_sha256", "list<str>", "SHA-256 of each alternate file", "other copies ingested", "[]"),
        C("origin", "str", "where the file came from: its original path or URL", "the landing manifest",
          "raw/samples/2023_east_west_plan.published.pdf"),
    ),
    "projects": (
        C("project_id", "str", "`<doc_id>-<seq>`", "computed", "0520b6d3d8a032d4-1", checks={"unique": True}),
        C("doc_id", "str", "the document the project stands in", "computed", "0520b6d3d8a032d4"),
        C("plan_year", "int", "the year the plan is for (the partition key)", _FROM_DOC, "2023",
          checks={"ge": 1990, "le": 2100}),
        C("program", "str", "the aid program", _FROM_DOC, "东西部协作", checks={"isin": PROGRAMS}),
        C("donor", "str", "the helping side, full official name", _FROM_DOC, "浙江省绍兴市柯桥区",
          checks={"str_length": {"min_value": 2}}),
        C("recipient", "str", "the helped side, full official name", _FROM_DOC, "峨边彝族自治县",
          checks={"str_length": {"min_value": 2}}),
        C("seq", "int", "order of the project in the plan's narrative, 1..N across all categories",
          "the numbered items of the narrative (the table's order in a table-only plan)", "1", checks={"ge": 1}),
        C("category", "str", "canonical category (产业合作, 劳务协作, 人才交流, 消费帮扶, 片区任务, 改善民生, 基础设施与基层治理)",
          "the category heading (（一）产业合作 / 一、… row of the table), mapped to the canonical list",
          "产业合作", checks={"str_length": {"min_value": 2}}, overridable=True),
        C("category_raw", "str", "the category heading as printed", "the narrative's heading or the table's category row",
          "产业合作"),
        C("subcategory", "str", "the table's finer 类别 where there is one", "the table's 类别 column",
          "消费帮扶", nullable=True, overridable=True),
        C("name", "str", "项目名称, OCR-corrected", "the narrative item's name and the table's 项目名称 cell",
          "宜坪粮果产业园区-提升改造“1+3”粮经复合产业环线建设项目", checks={"str_length": {"min_value": 2}},
          overridable=True, merged=True),
        C("content", "str", "建设内容及规模 (the table's cell; the narrative's text where the table has none)",
          "the table's 建设内容 cell, or the narrative item's text", "种植枇杷、玉米等约900亩；…", nullable=True,
          overridable=True, merged=True),
        C("location", "str", "实施地点 / 建设地点, the most specific place stated",
          "the table's 建设地点 cell and the narrative's 实施地点", "宜坪乡", nullable=True, overridable=True, merged=True),
        C("aid_funds_wan", "float", "the donor's money for this project (协作资金 / 帮扶资金)",
          "the table's 协作资金 / 帮扶资金 column; the narrative's 投入资金…万元", "1000.0", nullable=True, unit=WAN,
          checks={"ge": 0}, overridable=True),
        C("total_investment_wan", "float", "总投资 of the project where stated", "the table's 总投资 column",
          "60.0", nullable=True, unit=WAN, checks={"ge": 0}, overridable=True),
        C("construction_period", "str", "建设年限, `YYYY` or `YYYY-YYYY`", "the table's 建设年限 column", "2026",
          nullable=True, checks={"str_matches": PERIOD}, overridable=True, merged=True),
        C("responsible_leader", "str", "责任领导", "the table's 责任领导 column", "欧其月布", nullable=True,
          overridable=True, merged=True),
        C("responsible_unit", "str", "责任单位", "the table's 责任单位 column and the narrative", "县农业农村局",
          nullable=True, overridable=True, merged=True),
        C("implementing_entity", "str", "实施单位 / 实施主体", "the table's 实施单位 column and the narrative",
          "宜坪乡", nullable=True, overridable=True, merged=True),
        C("deadline", "str", "完成时限, ISO with the precision written", "the table's 完成时限 column and the narrative",
          "2023-10-30", nullable=True, checks={"str_matches": ISO_PARTIAL}, overridable=True, merged=True),
        C("beneficiary_linkage", "str", "脱贫人口利益联结情况 (or the stated benefit)", "the table's 利益联结 column",
          "种植枇杷、玉米等约900亩，帮助群众增收；…", nullable=True, overridable=True, merged=True),
        C("ownership", "str", "产权归属", "the table's 产权归属 column", "宜坪乡宜坪村等和受益群众", nullable=True,
          overridable=True, merged=True),
        C("notes", "str", "备注", "the table's 备注 column", "", nullable=True, overridable=True, merged=True),
        C("source_pages", "list<int>", "pages (1-based) the values came from", "the pages of the narrative item "
          "and the table row", "[2, 8]"),
        C("flags", "list<str>", "review flags for this record (shared_amount, conflict:<field> …)",
          "the pipeline's checks", "['deadline_before_issue']"),
        C("confidence", "float", "0..1, the pipeline's confidence in the record as a whole", "the pipeline",
          "1.0", checks={"ge": 0, "le": 1}),
    ),
    "corrections": (
        C("doc_id", "str", "the document whose value was altered", "computed", "0520b6d3d8a032d4"),
        C("project_id", "str", "the project (empty for a document field)", "computed", "0520b6d3d8a032d4-10",
          nullable=True),
        C("field", "str", "the column altered, or `text` for document text", "the pipeline", "location"),
        C("original", "str", "what the PDF's text (or the pipeline, for an override) said", "the page named",
          "峡边"),
        C("corrected", "str", "what the dataset says", "the pipeline or overrides.csv", "峨边"),
        C("rule", "str", "why: confusion, cross_witness, arithmetic, unit, override …", "the pipeline",
          "confusion", checks={"str_matches": r"^[a-z_]+$"}),
        C("score", "float", "match score (0..100) where a fuzzy match decided", "the pipeline", "92.5",
          nullable=True, checks={"ge": 0, "le": 100}),
        C("page", "int", "the page (1-based) of the original value", "the PDF", "8", nullable=True, checks={"ge": 1}),
        C("plan_year", "int", "the year the plan is for (the partition key)", _FROM_DOC, "2023"),
    ),
    "provenance": (
        C("doc_id", "str", "the document the value stands in", "computed", "0520b6d3d8a032d4"),
        C("project_id", "str", "the project (empty for a document field)", "computed", "0520b6d3d8a032d4-1",
          nullable=True),
        C("field", "str", "the column of documents (project_id empty) or projects the value is in",
          "the pipeline", "location"),
        C("reading", "str", "which reading of the plan: narrative (the body text: items, title, overview), table "
          "(the attachment table), table_<n> (the n-th reading of a scan's table), pipeline (computed, not "
          "printed), override (overrides.csv)", "the pipeline", "table",
          checks={"str_matches": r"^(narrative|table(_\d+)?|pipeline|override)$"}),
        C("page", "int", "the page (1-based) the reading stands on; empty when not printed or not found",
          "the PDF", "8", nullable=True, checks={"ge": 1}),
        C("x0", "float", "left edge of the reading's box", "the table cell, or the part of the body lines holding "
          "the text", "340.94", nullable=True, unit=PT),
        C("top", "float", "top edge of the reading's box (from the top of the page)", "as x0", "167.92",
          nullable=True, unit=PT),
        C("x1", "float", "right edge of the reading's box", "as x0", "392.94", nullable=True, unit=PT),
        C("bottom", "float", "bottom edge of the reading's box", "as x0", "203.42", nullable=True, unit=PT),
        C("text", "str", "the reading's text as read, before any correction", "the page", "宜坪乡"),
        C("source", "str", "how the text was read: text_layer, ocr (a page read by OCR, or a table of a "
          "scan's text layer read again by OCR), pipeline or override", "the page's text source", "text_layer",
          checks={"isin": PROVENANCE_SOURCES}),
        C("confidence", "float", "for an `ocr` reading, the lowest confidence the OCR engine (rapidocr) gave a "
          "character of it (0..1; characters with their middle in the box, line by line for a narrative "
          "reading; punctuation other than a decimal point left out); empty for a text-layer reading (a PDF's own text, or an OCR layer a scan came with: no "
          "per-character confidence), a reading with no place on a page, `pipeline` and `override` rows",
          "the OCR engine", "0.93", nullable=True, checks={"ge": 0, "le": 1}),
        C("plan_year", "int", "the year the plan is for (the partition key)", _FROM_DOC, "2023"),
    ),
}


def arrow_schema(table: str) -> pa_arrow.Schema:
    """The storage types of a table's declared columns, in order."""
    return pa_arrow.schema([(c.name, ARROW_TYPES[c.type]) for c in COLUMNS[table]])


ARROW = {table: arrow_schema(table) for table in COLUMNS}


def column_names(table: str, **roles: bool) -> tuple[str, ...]:
    """A table's column names in order, those with the given roles: column_names('projects', merged=True)."""
    return tuple(c.name for c in COLUMNS[table] if all(getattr(c, k) == v for k, v in roles.items()))
