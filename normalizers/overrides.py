"""Archivists' corrections (curated/overrides.csv or .xlsx) checked, and applied to a plan's records, durably.

`check_overrides` refuses, with one line each, what must never be applied: unknown fields,
control characters, over-long values, lines that contradict each other; it reports plan
keys the dataset does not know. Re-applying is idempotent: the overrides already on a
document are first undone (each is a `corrections` row with rule `override` whose
`original` is the pipeline's value), then the current ones applied. An override that names
no such plan row or field is reported, never guessed at; one whose value fails the checks every
pipeline value passes (the column's type, pattern, range) is reported and not applied; one that
matches the value already there adds nothing. A line with decision `accept` keeps the value: it
takes it out of the review queue (flows/review) and takes its `low_confidence:`/`conflict:` flag off
while the value is still the one accepted. Values are stored as typed, formula-looking text included (flows/sheets.py
makes it safe wherever it is written to a spreadsheet).
"""
from __future__ import annotations

import copy
import re
import unicodedata

from normalizers.dates import parse_date
from normalizers.numbers import parse_amount
from normalizers.provenance import OVERRIDE, Provenance
from normalizers.records import NormalizedDocument
from normalizers.text import as_text, compact
from schemas.tables import column_names
from schemas.types import Correction, Override, ProjectRecord

PROJECT_FIELDS = column_names("projects", overridable=True)      # declared in schemas/tables.py
ACCEPT = "accept"       # a decision that keeps the value as it is (flows/review); only its doubt flags go
DOCUMENT_FIELDS = column_names("documents", overridable=True)


# C0 and C1 controls (NUL, ANSI escapes, tabs and line breaks in a one-line value), DEL,
# bidirectional overrides and isolates, and Unicode line/paragraph separators
REFUSED_CHARS = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\u2028\u2029]")


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
    where_from = [r for r in doc.provenance if r.reading != OVERRIDE]
    notes: list[str] = []
    for o in (o for o in overrides if o.plan_key == document.plan_key and o.decision != ACCEPT):
        where = f"overrides line {o.line}"
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
            notes.append(f"{where}: {o.field} {o.value!r}: {exc}; not applied")
            continue
        old = getattr(target, o.field)
        if as_text(old) == as_text(value):
            continue
        setattr(target, o.field, value)
        if (why := invalid(target, o.field)) is not None:
            setattr(target, o.field, old)
            notes.append(f"{where}: {o.field} {o.value!r} {why}; not applied")
            continue
        if isinstance(target, ProjectRecord):
            target.flags = [f for f in target.flags if f not in (f"conflict:{o.field}", f"low_confidence:{o.field}")]
        pid = getattr(target, "project_id", None)
        out.append(Correction(document.doc_id, pid, o.field, as_text(old), as_text(value), "override", None, None,
                              document.plan_year))
        where_from.append(Provenance(document.doc_id, pid, o.field, OVERRIDE, text=as_text(value), source=OVERRIDE,
                                     plan_year=document.plan_year))
    for o in (o for o in overrides if o.plan_key == document.plan_key and o.decision == ACCEPT):
        target = document if o.seq is None else by_seq.get(o.seq)
        if target is not None and compact(as_text(getattr(target, o.field, None))) == compact(o.value):
            target.flags = [f for f in target.flags if f not in (f"conflict:{o.field}", f"low_confidence:{o.field}")]
    return NormalizedDocument(document, projects, out, where_from), notes



def invalid(record, fieldname: str) -> str | None:
    """Why the record's value of `fieldname` fails the checks every pipeline value passes
    (schemas/tables.py: the column's pattern, range, list), or None when it passes."""
    from schemas.models import frame, validate
    table = "projects" if isinstance(record, ProjectRecord) else "documents"
    _, report = validate(table, frame(table, [record]))
    if not len(report):
        return None
    mine = report[report["column"].isin([fieldname]) | report["column"].isna()]
    if not len(mine):
        return None
    return f"fails the check {mine.iloc[0]['check']}"


def refused_character(text: str) -> str | None:
    """Why `text` cannot be a value (a control or bidi character, named), or None."""
    m = REFUSED_CHARS.search(text)
    if m is None:
        return None
    ch = m.group()
    name = unicodedata.name(ch, {"\n": "LINE FEED", "\r": "CARRIAGE RETURN", "\t": "TAB", "\x00": "NUL",
                                 "\x1b": "ESCAPE"}.get(ch, "control character"))
    return f"contains U+{ord(ch):04X} ({name}) at character {m.start() + 1}"


def check_overrides(overrides: list[Override], plan_keys: set[str] | None, max_chars: int,
                    label: str = "overrides line") -> tuple[list[Override], list[str]]:
    """The overrides that may be applied, and one line for each refused or suspicious one.

    Refused: no plan_key, a field that cannot be overridden, a refused character, a value over
    `max_chars`, and every line of a plan/project/field that two lines set to different values.
    Reported but kept: a plan_key not among `plan_keys` (the dataset's; None: unknown), so a
    plan ingested later still gets it."""
    kept, notes = [], []
    for o in overrides:
        where = f"{label} {o.line}"
        allowed = DOCUMENT_FIELDS if o.seq is None else PROJECT_FIELDS
        if not o.plan_key:
            notes.append(f"{where}: no plan_key; copy it from documents.plan_key; not applied")
        elif o.decision == ACCEPT and not o.field:
            notes.append(f"{where}: an accept decision needs the field of the item it accepts; not applied")
        elif o.field not in allowed and o.decision != ACCEPT:
            kind = "a document" if o.seq is None else "a project"
            notes.append(f"{where}: {o.field!r} is not a field of {kind} that can be overridden; "
                         f"use one of {', '.join(allowed)}; not applied")
        elif len(o.value) > max_chars:
            notes.append(f"{where}: value is {len(o.value)} characters, over Settings.max_override_chars "
                         f"({max_chars}); not applied")
        elif (why := refused_character(o.value)) is not None:
            notes.append(f"{where}: value {why}; retype it without it; not applied")
        else:
            kept.append(o)
    groups: dict[tuple, list[Override]] = {}
    for o in kept:          # accepts of several values of one field may stand together: each is keyed on its value
        groups.setdefault((o.plan_key, o.seq, o.field) if o.decision != ACCEPT else (o.line,), []).append(o)
    out = []
    for same in groups.values():
        key, seq, fieldname = same[0].plan_key, same[0].seq, same[0].field
        if len({o.value.strip() for o in same}) > 1:
            lines = ", ".join(str(o.line) for o in same)
            what = f"project {seq}" if seq is not None else "the document"
            notes.append(f"{label}s {lines}: different values for plan {key}, {what}, {fieldname}; "
                         f"none applied; keep one line")
            continue
        out.append(same[0])
    if plan_keys is not None:
        for key in dict.fromkeys(o.plan_key for o in out if o.plan_key not in plan_keys):
            lines = ", ".join(str(o.line) for o in out if o.plan_key == key)
            notes.append(f"{label} {lines}: plan_key {key!r} matches no plan in the dataset; "
                         f"check it against documents.plan_key (applied only if such a plan is ingested)")
    out.sort(key=lambda o: o.line)
    return out, notes
