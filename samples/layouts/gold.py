"""Gold records written from a spec (never from pipeline output), in the format of ../shared/gold.

Amounts in 万元 whatever the table's unit; category canonical; deadline ISO with the precision
written; a field the plan does not print at all is null (the pipeline must leave it empty).
"""
from __future__ import annotations

import json
from pathlib import Path

import fmt
import names as N
from spec import PlanSpec


def location(loc: str) -> str | dict:
    if loc.startswith((N.COUNTY, "浙江", "乐山")):
        return loc
    return {"any": [loc, N.COUNTY + loc]}


def project_gold(spec: PlanSpec, p) -> dict:
    g = {
        "seq": p.seq,
        "category": p.category,
        "name": p.name,
        "content": p.content,
        "location": location(p.location),
        "aid_funds_wan": fmt.wan(p.aid_c),
        "total_investment_wan": fmt.wan(p.total_c) if spec.has("total") else None,
        "construction_period": p.period if spec.has("period") else None,
        "responsible_leader": p.leader if spec.has("leader") else None,
        "responsible_unit": p.unit,
        "implementing_entity": p.entity,
        "deadline": p.deadline,
    }
    if spec.has("linkage"):
        g["beneficiary_linkage"] = p.linkage
    if spec.has("ownership"):
        g["ownership"] = p.ownership
    return g


def gold(spec: PlanSpec) -> dict:
    projects = spec.projects
    return {
        "synthetic": True,
        "variant": spec.id,
        "plan_year": spec.year,
        "program": spec.program,
        "donor": spec.donor,
        "recipient": N.COUNTY,
        "title": spec.title,
        "doc_number": spec.doc_number,
        "issuer": spec.issuer,
        "issue_date": spec.issue_date,
        "total_aid_funds_wan": fmt.wan(sum(p.aid_c for p in projects)),
        "total_investment_wan": fmt.wan(sum(p.total_c for p in projects)) if spec.has("total") else None,
        "project_count_stated": len(projects),
        "category_count_stated": len(spec.categories),
        "projects": [project_gold(spec, p) for p in projects],
    }


def write(spec: PlanSpec, out_dir: Path) -> Path:
    path = out_dir / f"{spec.id}.gold.json"
    path.write_text(json.dumps(gold(spec), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path
