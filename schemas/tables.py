"""The curated tables' storage types (arrow schemas), apart from the pandera checks so that
reading the dataset does not import pandera. Both follow ../shared/design/DATA_CONTRACT.md.
"""
from __future__ import annotations

import pyarrow as pa_arrow

S = pa_arrow.string()
F = pa_arrow.float64()
I = pa_arrow.int64()
LS = pa_arrow.list_(S)

ARROW = {
    "documents": pa_arrow.schema([
        ("doc_id", S), ("source_file", S), ("sha256", S), ("title", S), ("doc_number", S),
        ("issuer", S), ("issue_date", pa_arrow.date32()), ("plan_year", I), ("program", S),
        ("donor", S), ("recipient", S), ("total_aid_funds_wan", F), ("total_investment_wan", F),
        ("project_count_stated", I), ("category_count_stated", I), ("source_kind", S),
        ("text_source", S), ("page_count", I), ("flags", LS), ("pipeline_version", S),
        ("plan_key", S), ("alternates", LS), ("alternate_sha256", LS), ("origin", S)]),
    "projects": pa_arrow.schema([
        ("project_id", S), ("doc_id", S), ("plan_year", I), ("program", S), ("donor", S),
        ("recipient", S), ("seq", I), ("category", S), ("category_raw", S), ("subcategory", S),
        ("name", S), ("content", S), ("location", S), ("aid_funds_wan", F),
        ("total_investment_wan", F), ("construction_period", S), ("responsible_leader", S),
        ("responsible_unit", S), ("implementing_entity", S), ("deadline", S),
        ("beneficiary_linkage", S), ("ownership", S), ("notes", S),
        ("source_pages", pa_arrow.list_(I)), ("flags", LS), ("confidence", F)]),
    "corrections": pa_arrow.schema([
        ("doc_id", S), ("project_id", S), ("field", S), ("original", S), ("corrected", S),
        ("rule", S), ("score", F), ("page", I), ("plan_year", I)]),
}
