"""Archivists' corrections (curated/overrides.csv) applied to a plan's records, durably.

Re-applying is idempotent: the overrides already on a document are first undone (each is a
`corrections` row with rule `override` whose `original` is the pipeline's value), then the
current ones applied. An override that names no such plan row or field is reported, never
guessed at; one that matches the value already there adds nothing.
"""
from __future__ import annotations

import copy

from normalizers.dates import parse_date
from normalizers.numbers import parse_amount
from normalizers.records import NormalizedDocument
from normalizers.text import as_text
from schemas.types import Correction, Override, ProjectRecord

PROJECT_FIELDS = ("category", "subcategory", "name", "content", "location", "aid_funds_wan",
                  "total_investment_wan", "construction_period", "responsible_leader", "responsible_unit",
                  "implementing_entity", "deadline", "beneficiary_linkage", "ownership", "notes")
DOCUMENT_FIELDS = ("title", "doc_number", "issuer", "issue_date", "donor", "recipient", "total_aid_funds_wan",
                   "total_investment_wan", "project_count_stated", "category_count_stated")


class OverrideError(ValueError):
    """An override value that cannot be a value of its field."""


def typed(fieldname: str, text: str | None):
    """The override's text as the field's type (an empty text clears the value)."""
    if text is None or not text.strip():
        return None
    if fieldname.endswith("_wan"):
        return parse_amount(text, errors="raise")
    if fieldname.endswith("_stated"):
        if not text.strip().isdigit():
            raise OverrideError(f"{fieldname} takes a whole number, got {text!r}")
        return int(text)
    if fieldname in ("deadline", "issue_date"):
        return parse_date(text, errors="raise")
    return text.strip()


def apply_overrides(doc: NormalizedDocument, overrides: list[Override]) -> tuple[NormalizedDocument, list[str]]:
    """A copy of the plan's records with each override's value set, and notes on what could not be."""
    if not overrides and not any(c.rule == "override" for c in doc.corrections):
        return doc, []
    doc = copy.deepcopy(doc)
    document, projects, corrections = doc.document, doc.projects, doc.corrections
    by_seq = {p.seq: p for p in projects}
    for c in (c for c in corrections if c.rule == "override"):          # undo what was applied before
        target = document if c.project_id is None else next((p for p in projects if p.project_id == c.project_id), None)
        if target is not None:
            setattr(target, c.field, typed(c.field, c.original) if c.original else None)
    out = [c for c in corrections if c.rule != "override"]
    notes: list[str] = []
    for o in (o for o in overrides if o.plan_key == document.plan_key):
        where = f"overrides.csv line {o.line}"
        target = document if o.seq is None else by_seq.get(o.seq)
        allowed = DOCUMENT_FIELDS if o.seq is None else PROJECT_FIELDS
        if target is None:
            notes.append(f"{where}: plan {document.plan_year} {document.program} has no project {o.seq}; not applied")
            continue
        if o.field not in allowed:
            notes.append(f"{where}: {o.field!r} cannot be overridden; use one of {', '.join(allowed)}")
            continue
        try:
            value = typed(o.field, o.value)
        except (ValueError, OverrideError) as exc:
            notes.append(f"{where}: {exc}; not applied")
            continue
        old = getattr(target, o.field)
        if as_text(old) == as_text(value):
            continue
        setattr(target, o.field, value)
        if isinstance(target, ProjectRecord):
            target.flags = [f for f in target.flags if f not in (f"conflict:{o.field}", f"low_confidence:{o.field}")]
        out.append(Correction(document.doc_id, getattr(target, "project_id", None), o.field, as_text(old),
                              as_text(value), "override", None, None, document.plan_year))
    return NormalizedDocument(document, projects, out), notes

