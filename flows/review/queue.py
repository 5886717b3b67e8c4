"""The review queue: one item per value a person should look at, built from one commit of the dataset.

What is queued: review-asking flags (`conflict:`, `low_confidence:`, `invalid:`, `needs_review`, and a
document's `total_mismatch`, `count_mismatch`, `subtotal_mismatch:`), corrections whose score is
below the threshold (every correction but the archivist's own overrides with `include_all`), values
set aside by validation, and in a scan: values two of whose readings nearly agree but not quite (one
was misread) and empty values in a field most of the plan's projects fill (a lost cell). Items of one value (a plan, a project or the document, a field) are
one item with every rule that raised it. An item whose current value an archivist accepted (an
`accept` line of the overrides file for that plan, project, field and value) leaves the queue; when
the value changes, it comes back. The order is stable: plan year, program, plan, project, field.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import pandas as pd
from rapidfuzz import fuzz

from normalizers.dates import parse_date, parse_period
from normalizers.text import compact, squeeze
from schemas.tables import column_names
from schemas.types import Override

REVIEW_PREFIXES = ("conflict:", "low_confidence:", "invalid:")
DESCRIPTIVE = ("shared_amount", "deadline_before_issue", "new_category")     # queued only with include_all
DOC_FLAG_FIELDS = {"total_mismatch": "total_aid_funds_wan", "count_mismatch": "project_count_stated"}
SUBTOTAL = "subtotal_mismatch:"
OVERRIDE_RULE = "override"
READINGS_DIFFER = "readings_differ"
VALUE_MISSING = "value_missing"
FILLED_SHARE = 0.5       # a scan's empty value is doubted when at least this share of its plan's projects fill the field
CHECKED_FILLED = column_names("projects", merged=True) + ("aid_funds_wan", "total_investment_wan")
# a scan's readings compared: the narrative paraphrases these, so only the table's readings are compared
PARAPHRASED = ("content", "beneficiary_linkage")
# … and these are headings worded otherwise in the narrative and the table, mapped to one category
NOT_COMPARED = ("category", "category_raw", "subcategory", "seq")      # seq: items are numbered per category


@dataclass
class ReviewItem:
    """One value to look at, with what the pipeline did to it and where it was read."""
    plan_year: int | None
    program: str
    plan_key: str
    doc_id: str
    project_id: str | None
    seq: int | None
    name: str                   # the project's name ('' for a document field)
    field: str
    before: str                 # what the PDF said: the original of a correction, the other readings
    after: str                  # what the dataset says now
    rules: list[str] = field(default_factory=list)      # flags, correction rules, failed checks
    score: float | None = None  # the lowest correction score (0..100), where one decided
    kinds: list[str] = field(default_factory=list)      # flag, correction, conflict, quarantine
    source_file: str = ""
    sha256: str = ""

    @property
    def key(self) -> tuple:
        """What an `accept` decision is keyed on: plan, project, field, and the value accepted."""
        return (self.plan_key, self.seq, self.field, compact(self.after))

    @property
    def order(self) -> tuple:
        return (self.plan_year or 0, self.program, self.plan_key, -1 if self.seq is None else self.seq, self.field)


def text(v) -> str:
    """A value as the queue shows it: '' for none, 90 not 90.0, lists joined."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if hasattr(v, "tolist"):
        v = v.tolist()
    if isinstance(v, (list, tuple)):
        return ", ".join(map(str, v))
    if isinstance(v, float):
        return f"{v:g}"
    if hasattr(v, "isoformat"):
        return v.isoformat()[:10]
    return str(v)


def is_review_flag(flag: str, include_all: bool) -> bool:
    return flag.startswith(REVIEW_PREFIXES) or flag == "needs_review" or flag.startswith(SUBTOTAL) or \
        flag in DOC_FLAG_FIELDS or (include_all and flag.split(":", 1)[0] in DESCRIPTIVE)


def flag_field(flag: str) -> str:
    """The field a flag is about: conflict:location → location; needs_review → name (is it one project?)."""
    if flag in DOC_FLAG_FIELDS:
        return DOC_FLAG_FIELDS[flag]
    if flag.startswith(SUBTOTAL):
        return "category_subtotal"
    if flag in ("needs_review", "shared_amount"):
        return "name" if flag == "needs_review" else "aid_funds_wan"
    if flag == "deadline_before_issue":
        return "deadline"
    if flag == "new_category":
        return "category"
    return flag.split(":", 1)[1] if ":" in flag else flag


class Queue:
    """Items gathered by (document, project, field)."""

    def __init__(self, documents: pd.DataFrame, projects: pd.DataFrame, provenance: pd.DataFrame):
        self.docs = {d["doc_id"]: d for d in documents.to_dict("records")}
        self.projects = {p["project_id"]: p for p in projects.to_dict("records")}
        self.readings: dict[tuple, list[str]] = {}
        for r in provenance.to_dict("records") if len(provenance) else []:
            if r["reading"] not in ("pipeline", "override"):
                self.readings.setdefault((r["doc_id"], _pid(r["project_id"]), r["field"]), []).append(r["text"])
        self.items: dict[tuple, ReviewItem] = {}

    def item(self, doc_id: str, project_id: str | None, fieldname: str) -> ReviewItem | None:
        key = (doc_id, project_id, fieldname)
        if key in self.items:
            return self.items[key]
        d = self.docs.get(doc_id)
        if d is None:
            return None
        p = self.projects.get(project_id) if project_id else None
        where = p if p is not None else d
        after = text(where.get(fieldname)) if fieldname in where else ""
        if fieldname == "category_subtotal":
            after = ""
        others = {compact(t): squeeze(t) for t in self.readings.get(key, [])}      # each distinct reading once
        before = " | ".join(t for c, t in others.items() if c and c != compact(after))
        it = ReviewItem(int(d["plan_year"]), d["program"], d["plan_key"], doc_id, project_id,
                        int(p["seq"]) if p is not None else None, text(p["name"]) if p is not None else "",
                        fieldname, before, after, source_file=d["source_file"], sha256=d["sha256"])
        self.items[key] = it
        return it

    def add(self, doc_id, project_id, fieldname, kind: str, rule: str, score=None, before: str | None = None,
            after: str | None = None) -> None:
        it = self.item(doc_id, project_id, fieldname)
        if it is None:
            return
        if rule not in it.rules:
            it.rules.append(rule)
        if kind not in it.kinds:
            it.kinds.append(kind)
        if score is not None and not (isinstance(score, float) and math.isnan(score)):
            it.score = score if it.score is None else min(it.score, score)
        if before is not None:
            it.before = before
        if after is not None and not it.after:
            it.after = after


def reading_key(fieldname: str, text_read: str) -> str:
    """What a reading says, compared by meaning where the plan writes a fact several ways
    (2023年10月30日 / 2023.10.30; 投入资金90万元 / 90)."""
    if fieldname == "deadline":
        return parse_date(text_read, errors="null") or compact(text_read)
    if fieldname == "construction_period":
        return parse_period(text_read, errors="null") or compact(text_read)
    if fieldname.endswith("_wan"):
        digits = re.findall(r"\d+(?:\.\d+)?", compact(text_read))
        return f"{float(digits[-1]):g}" if digits else compact(text_read)
    return compact(text_read)


def differing_readings(provenance: pd.DataFrame, scanned: set[str], near: float
                       ) -> list[tuple[str, str | None, str]]:
    """(doc_id, project_id, field) of a scan's values two of whose readings are nearly the same but not
    quite (rapidfuzz ratio ≥ `near`, below 100): a slip of OCR in one of them, even where the merge or
    a vote settled it without a flag. Readings further apart are other wordings of one fact (宜坪乡 /
    宜坪乡人民政府), which the merge handles."""
    if not len(provenance):
        return []
    rows = provenance[provenance["doc_id"].isin(scanned) & ~provenance["reading"].isin(["pipeline", "override"])
                      & ~provenance["field"].isin(NOT_COMPARED)]
    out = []
    for (doc_id, pid, f), group in rows.groupby(["doc_id", rows["project_id"].fillna(""), "field"], sort=True):
        if f in PARAPHRASED:
            group = group[group["reading"].str.startswith("table")]
        said = sorted({reading_key(f, t) for t in group["text"]})
        if any(near <= fuzz.ratio(a, b) < 100 for i, a in enumerate(said) for b in said[i + 1:]):
            out.append((doc_id, pid or None, f))
    return out


def missing_values(projects: pd.DataFrame, scanned: set[str], share: float) -> list[tuple[str, str, str]]:
    """(doc_id, project_id, field) of a scan's empty values in a field that at least `share` of the
    plan's projects fill: a cell the scan lost more likely than a fact the plan leaves out."""
    out = []
    for doc_id, group in projects[projects["doc_id"].isin(scanned)].groupby("doc_id", sort=True):
        for f in CHECKED_FILLED:
            filled = group[f].map(lambda v: text(v) != "")
            if filled.mean() < share:
                continue
            for p in group[~filled].to_dict("records"):
                if not (f.endswith("_wan") and "shared_amount" in list(p["flags"])):
                    out.append((doc_id, p["project_id"], f))
    return out


def _pid(v) -> str | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else v


def build_queue(documents: pd.DataFrame, projects: pd.DataFrame, corrections: pd.DataFrame,
                provenance: pd.DataFrame, quarantined: list[dict], accepts: list[Override],
                min_confidence: float, include_all: bool = False, near: float = 85.0
                ) -> tuple[list[ReviewItem], list[ReviewItem]]:
    """(the queue in its stable order, the items an accept decision took out of it); `near`: see
    differing_readings."""
    q = Queue(documents, projects, provenance)
    for d in q.docs.values():
        for f in d["flags"] if d["flags"] is not None else []:
            if is_review_flag(f, include_all) and f != "needs_review":
                q.add(d["doc_id"], None, flag_field(f), "flag", f,
                      after=f.split(":", 1)[1] if f.startswith(SUBTOTAL) else None)
    for p in q.projects.values():
        for f in p["flags"] if p["flags"] is not None else []:
            if is_review_flag(f, include_all):
                q.add(p["doc_id"], p["project_id"], flag_field(f), "conflict" if f.startswith("conflict:") else "flag", f)
    for c in corrections.to_dict("records") if len(corrections) else []:
        score = None if c["score"] is None or pd.isna(c["score"]) else float(c["score"])
        doubtful = score is None or score / 100 < min_confidence
        if c["rule"] == OVERRIDE_RULE and not include_all or not (include_all or doubtful):
            continue
        q.add(c["doc_id"], _pid(c["project_id"]), c["field"], "correction", c["rule"], score, before=text(c["original"]))
    scanned = {d["doc_id"] for d in q.docs.values() if d["source_kind"] == "scanned"}
    for doc_id, pid, f in differing_readings(provenance, scanned, near):
        q.add(doc_id, pid, f, "readings", READINGS_DIFFER)
    for doc_id, pid, f in missing_values(projects, scanned, FILLED_SHARE):
        q.add(doc_id, pid, f, "missing", VALUE_MISSING)
    for row in quarantined:
        q.add(row["doc_id"], row.get("project_id"), row["field"], "quarantine", row["rule"], before=row["value"])
    accepted = {(o.plan_key, o.seq, o.field, compact(o.value)) for o in accepts}
    items = sorted(q.items.values(), key=lambda i: i.order)
    return [i for i in items if i.key not in accepted], [i for i in items if i.key in accepted]


def quarantined_values(curated, documents: pd.DataFrame) -> list[dict]:
    """Values validation set aside (quarantine/<table>/<doc_id>.report.csv), for plans still in the dataset."""
    from pathlib import Path
    out = []
    known = set(documents["doc_id"])
    for table in ("documents", "projects"):
        for report in sorted((Path(curated) / "quarantine" / table).glob("*.report.csv")):
            doc_id = report.name.split(".", 1)[0]
            if doc_id not in known:
                continue
            rows = _rows(report.with_name(f"{doc_id}.rows.csv"))
            for r in _rows(report):
                pid, at = None, _index(r.get("index"))
                if table == "projects" and at is not None and at < len(rows):
                    pid = rows[at].get("project_id")
                out.append({"doc_id": doc_id, "project_id": pid, "field": r.get("column") or "row",
                            "rule": f"invalid:{r.get('check', '')}", "value": r.get("failure_case", "")})
    return out


def _index(v) -> int | None:
    try:
        return int(float(v))
    except (TypeError, ValueError):
        return None


def _rows(path) -> list[dict]:
    import csv
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            return list(csv.DictReader(fh))
    except (OSError, csv.Error, UnicodeDecodeError):
        return []
