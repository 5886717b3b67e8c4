"""The review queue: one item per value a person should look at, built from one commit of the dataset.

What is queued: review-asking flags (`conflict:`, `low_confidence:`, `invalid:`, `needs_review`, and a
document's `total_mismatch`, `count_mismatch`, `subtotal_mismatch:`), corrections whose confidence is
below the threshold (score/100, or the OCR confidence of the value's readings, whichever is lower;
every correction but the archivist's own overrides with `include_all`), values set aside by
validation, files the pipeline rejected (quarantine/files: one item each, the file as a whole), and the
values normalizers/doubts.py finds doubtful though unflagged. Items of one value (a plan, a project or
the document, a field) are one item with every rule that raised it. An item whose current value an
archivist accepted (an `accept` line of the overrides file for that plan, project, field and value)
leaves the queue; when the value changes, it comes back. The order is stable: rejected files (by name),
then plan year, program, plan, project, field.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from normalizers.doubts import doubts, ocr_confidence, text
from normalizers.text import compact, squeeze
from schemas.types import Override

REVIEW_PREFIXES = ("conflict:", "low_confidence:", "invalid:")
DESCRIPTIVE = ("shared_amount", "deadline_before_issue", "new_category")     # queued only with include_all
DOC_FLAG_FIELDS = {"total_mismatch": "total_aid_funds_wan", "count_mismatch": "project_count_stated"}
SUBTOTAL = "subtotal_mismatch:"
OVERRIDE_RULE = "override"
REJECTED = "rejected"
FILE_FIELD = "file"      # the field of a rejected file's item: the file as a whole


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
    confidence: float | None = None     # the OCR confidence of the value's most confident reading (0..1)
    kinds: list[str] = field(default_factory=list)      # flag, correction, conflict, quarantine
    source_file: str = ""
    sha256: str = ""

    @property
    def key(self) -> tuple:
        """What an `accept` decision is keyed on: plan, project, field, and the value accepted."""
        return (self.plan_key, self.seq, self.field, compact(self.after))

    @property
    def order(self) -> tuple:
        return (self.plan_year or 0, self.program, self.plan_key, -1 if self.seq is None else self.seq, self.field,
                self.source_file)


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


def _pid(v) -> str | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else v


def build_queue(documents: pd.DataFrame, projects: pd.DataFrame, corrections: pd.DataFrame,
                provenance: pd.DataFrame, quarantined: list[dict], accepts: list[Override],
                min_confidence: float, include_all: bool = False, near: float = 85.0, filled_share: float = 0.5,
                rejected: list[ReviewItem] = (), near_name: float = 70.0) -> tuple[list[ReviewItem], list[ReviewItem]]:
    """(the queue in its stable order, the items an accept decision took out of it); `near`: see
    doubts.differing_readings, `filled_share`: doubts.missing_values, `near_name`: doubts.misread_names;
    `rejected`: rejected_files()."""
    q = Queue(documents, projects, provenance)
    confidence = ocr_confidence(provenance)
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
        read = confidence.get((c["doc_id"], _pid(c["project_id"]), c["field"]))
        doubtful = score is None or score / 100 < min_confidence or read is not None and read < min_confidence
        if c["rule"] == OVERRIDE_RULE and not include_all or not (include_all or doubtful):
            continue
        q.add(c["doc_id"], _pid(c["project_id"]), c["field"], "correction", c["rule"], score, before=text(c["original"]))
    for (doc_id, pid, f), kind, rule in doubts(documents, projects, provenance, near, filled_share, near_name,
                                               min_confidence):
        q.add(doc_id, pid, f, kind, rule)
    for row in quarantined:
        q.add(row["doc_id"], row.get("project_id"), row["field"], "quarantine", row["rule"], before=row["value"])
    for it in q.items.values():
        it.confidence = confidence.get((it.doc_id, it.project_id, it.field))
    accepted = {(o.plan_key, o.seq, o.field, compact(o.value)) for o in accepts}
    items = sorted(list(q.items.values()) + list(rejected), key=lambda i: i.order)
    return [i for i in items if i.key not in accepted], [i for i in items if i.key in accepted]


def rejected_files(curated, documents: pd.DataFrame) -> list[ReviewItem]:
    """One item per file the pipeline rejected (quarantine/files/*.json) that the dataset has not landed
    since (the same content, a copy of it, or a file at the same path): the archivist looks at the file
    as a whole, as no value of it was read into the dataset. It leaves the queue when the file lands or
    its note is removed; it cannot be accepted (there is no value to keep)."""
    qdir = Path(curated) / "quarantine" / "files"
    landed = set(documents["sha256"]) | set(documents["source_file"]) if len(documents) else set()
    for column in ("alternate_sha256", "alternates"):
        for more in documents[column] if column in documents and len(documents) else []:
            landed.update(more if more is not None else [])
    out = []
    for note in sorted(qdir.glob("*.json")) if qdir.is_dir() else []:
        try:
            q = json.loads(note.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(q, dict):
            continue
        source = str(q.get("source_file") or note.stem)
        if q.get("sha256") in landed or source in landed:
            continue
        out.append(ReviewItem(None, "", "", "", None, None, Path(source).name, FILE_FIELD, str(q.get("reason", "")),
                              "", [REJECTED], kinds=[REJECTED], source_file=source, sha256=str(q.get("sha256") or "")))
    return out


def quarantined_values(curated, documents: pd.DataFrame) -> list[dict]:
    """Values validation set aside (quarantine/<table>/<doc_id>.report.csv), for plans still in the dataset."""
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
