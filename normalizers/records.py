"""DocumentParts → the contract's document, project and correction records for one plan."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from normalizers.checks import UNCATEGORISED, arithmetic_flags
from normalizers.lookalikes import fix_year_digit
from normalizers.merge import fix_reading
from normalizers.numbers import row_amount
from normalizers.provenance import Provenance, provenance
from normalizers.reconcile import reconcile
from normalizers.text import compact
from normalizers.vocab import canonical_category
from schemas.settings import Settings
from schemas.version import pipeline_version
from schemas.types import Correction, DocumentParts, DocumentRecord, ProjectRecord

PIPELINE_VERSION = pipeline_version()


@dataclass
class NormalizedDocument:
    document: DocumentRecord
    projects: list[ProjectRecord]
    corrections: list[Correction]
    provenance: list[Provenance] = field(default_factory=list)    # where each value was printed


def doc_id_for(sha256: str) -> str:
    """Stable document id: the first 16 hex digits of the PDF's SHA-256."""
    return sha256[:16]


def plan_key(title: str, doc_number: str | None, plan_year: int, program: str) -> str:
    """Identity of a plan across copies (a scan and a published file of one plan share it)."""
    raw = "|".join([compact(title), compact(doc_number or ""), str(plan_year), program])
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


def _confidence(flags: list[str]) -> float:
    score = 1.0
    for f in flags:
        if f.startswith("conflict:"):
            score -= 0.15
        elif f.startswith("low_confidence:"):
            score -= 0.2
        elif f == "needs_review":
            score -= 0.3
    return round(max(score, 0.0), 3)


def doubt_subtotals(projects: list[ProjectRecord], doc_flags: list[str]) -> None:
    """A category whose items do not add up to its stated subtotal: each of its amounts is in doubt."""
    short = {f.split(":", 1)[1] for f in doc_flags if f.startswith("subtotal_mismatch:")}
    for p in projects:
        if p.category in short and "low_confidence:aid_funds_wan" not in p.flags:
            p.flags.append("low_confidence:aid_funds_wan")
            p.confidence = _confidence(p.flags)


FIXED_DOCUMENT_TEXT = ("title", "issuer", "doc_number")    # names a scan misreads as a project's (峨边琶族自治县, 府办画)


def fixed_document_text(parts: DocumentParts, doc_id: str, settings: Settings) -> tuple[dict[str, str], list[Correction]]:
    """The title, issuer and 文号 with OCR look-alikes repaired as a project's offices are, each change a
    corrections row of the document (project_id null)."""
    out: dict[str, str] = {}
    fixes: list[Correction] = []
    for f in FIXED_DOCUMENT_TEXT if settings.correct else ():
        value = getattr(parts.metadata, f)
        fixed, changes, _ = fix_reading(value, settings, parts.source_kind == "scanned")
        if f == "title" and parts.source_kind == "scanned":
            fixed, year = fix_year_digit(fixed, parts.metadata.plan_year)
            changes = changes + year
        if value and fixed and fixed != value and changes:
            out[f] = fixed
            fixes.append(Correction(doc_id, None, f, value, fixed, changes[0].rule,
                                    min(c.score for c in changes), None, parts.metadata.plan_year))
    return out, fixes


def normalize(parts: DocumentParts, settings: Settings | None = None) -> NormalizedDocument:
    settings = settings or Settings()
    md = parts.metadata
    doc_id = doc_id_for(parts.sha256)
    fixed_text, corrections = fixed_document_text(parts, doc_id, settings)
    stated = {c.label: c.amount_wan for c in md.categories_stated if c.amount_wan is not None}
    counts = [(c.label, c.count) for c in md.categories_stated if c.count]
    merged = reconcile(parts.items, parts.rows, settings, parts.witnesses, stated, counts=counts,
                       scanned=parts.source_kind == "scanned")
    projects: list[ProjectRecord] = []
    for seq, m in enumerate(merged, start=1):
        category, score = canonical_category(m.category_raw)
        flags = list(m.flags)
        if category is None or score < settings.category_match_min:
            category = compact(m.category_raw) or UNCATEGORISED
            flags.append("new_category")
            if not compact(m.category_raw):
                flags.append("low_confidence:category")      # no heading, row or 类别 cell said it
        deadline = m.values.get("deadline")
        if deadline and md.issue_date and str(deadline) < md.issue_date[: len(str(deadline))]:
            flags.append("deadline_before_issue")
            if parts.source_kind == "scanned" and str(deadline)[5:7] == "01" and "low_confidence:deadline" not in flags:
                flags.append("low_confidence:deadline")    # 10 to 12 wrapped, its last digit lost (2026.1 | 0, k8-018)
        pid = f"{doc_id}-{seq}"
        values = {k: v for k, v in m.values.items()}
        projects.append(ProjectRecord(
            project_id=pid, doc_id=doc_id, plan_year=md.plan_year, program=md.program,
            donor=md.donor or "", recipient=md.recipient or "", seq=seq, category=category,
            category_raw=compact(m.category_raw), subcategory=values.pop("subcategory", None),
            name=values.pop("name") or "", source_pages=sorted(m.pages),
            flags=list(dict.fromkeys(flags)), confidence=_confidence(flags), **values))
        corrections += [Correction(**{**c.__dict__, "doc_id": doc_id, "project_id": pid,
                                          "plan_year": md.plan_year}) for c in m.corrections]
    total_row = next((r for r in parts.rows if r.kind == "total"), None)
    table_total_inv = row_amount(total_row, "total_investment_wan") if total_row else None
    table_total_aid = row_amount(total_row, "aid_funds_wan") if total_row else None
    doc_flags = arithmetic_flags(projects, parts.rows, md, settings, parts.witnesses)
    doubt_subtotals(projects, doc_flags)
    if any("needs_review" in p.flags for p in projects):
        doc_flags.append("needs_review")
    doc = DocumentRecord(
        doc_id=doc_id, source_file=parts.source_file, sha256=parts.sha256, title=fixed_text.get("title", md.title),
        doc_number=fixed_text.get("doc_number", md.doc_number), issuer=fixed_text.get("issuer", md.issuer),
        issue_date=md.issue_date, plan_year=md.plan_year,
        program=md.program, donor=md.donor or "", recipient=md.recipient or "",
        total_aid_funds_wan=md.total_aid_funds_wan if md.total_aid_funds_wan is not None else table_total_aid,
        total_investment_wan=md.total_investment_wan if md.total_investment_wan is not None else table_total_inv,
        project_count_stated=md.project_count_stated, category_count_stated=md.category_count_stated,
        source_kind=parts.source_kind, text_source=parts.text_source, page_count=parts.page_count,
        flags=doc_flags, pipeline_version=PIPELINE_VERSION,
        plan_key=plan_key(md.title, md.doc_number, md.plan_year, md.program))
    return NormalizedDocument(doc, projects, corrections, provenance(parts, doc, projects, merged))
