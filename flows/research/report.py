"""`aidplans report`: one static HTML page (opens from disk, no server, no network) with the funds
by year and category, by partner and by town (charts rendered to inline SVG), the documents with
their provenance, and every flagged record, correction and quarantined item with its reason and page."""
from __future__ import annotations

import datetime as dt
import html
import os
from pathlib import Path

import pandas as pd
import pyarrow as pa

from flows.research import charts
from normalizers.vocab import place_ancestors, place_parts

DEFAULT_OUT = "report"
NO_TOWN = "（全县或未写明乡镇）"
# what each review flag means (README, "The data contract, in short")
FLAG_MEANINGS = {
    "shared_amount": "a merged amount cell spans several projects; the amount sits on the project whose narrative states it",
    "deadline_before_issue": "the deadline is before the plan's issue date (kept as written)",
    "conflict": "narrative and table disagree on this field; the table's value is kept",
    "subtotal_mismatch": "the category's projects do not add up to its stated subtotal",
    "total_mismatch": "the projects do not add up to the stated total",
    "count_mismatch": "the number of projects differs from the number stated",
    "new_category": "a category heading not in the canonical list (kept as printed)",
    "needs_review": "the project was found in only one reading (narrative or table)",
    "low_confidence": "the pipeline doubts this value (close candidates, no heading, sums that do not agree)",
    "invalid": "the value failed validation and was emptied",
}
HEADERS = {"plan_year": "year", "total_aid_funds_wan": "aid stated (万元)", "text_source": "text from",
           "source_kind": "kind", "doc_number": "文号 doc_number"}
CSS = f"""body{{font-family:"{charts.CJK_FONT}","Noto Sans SC","Source Han Sans SC",sans-serif;margin:2em;color:#222}}
table{{border-collapse:collapse;margin:0.5em 0 1.5em;font-size:0.85em}}th,td{{border:1px solid #ccc;padding:3px 6px;
vertical-align:top;text-align:left}}td.n{{text-align:right}}th{{background:#f2f2f2}}figure.chart{{margin:1em 0 2em}}
.mono{{font-family:monospace;font-size:0.8em;word-break:break-all;white-space:pre-line;min-width:16em}}
td{{max-width:24em}}td.w{{min-width:14em}}"""


class ReportError(RuntimeError):
    """The report cannot be written where asked."""


def town(location: str | None) -> str:
    """The town (镇/乡) a project's location names, itself or as the parent of a village; else NO_TOWN."""
    for part in place_parts(location or ""):
        for place in [part] + place_ancestors(part):
            if place.endswith(("镇", "乡")):
                return place
    return NO_TOWN


def write_report(tables: dict[str, pa.Table], out: str | Path = DEFAULT_OUT, curated: str = "") -> Path:
    """Write `out`/index.html and return its path."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ReportError(f"--out {out} is a file; the report is a folder (index.html inside); give another path")
    page = render(tables, curated)
    try:
        out.mkdir(parents=True, exist_ok=True)
        tmp = out / f".index.html.{os.getpid()}.tmp"
        tmp.write_text(page, encoding="utf-8")
        os.replace(tmp, out / "index.html")
    except OSError as exc:
        raise ReportError(f"cannot write the report to {out}: {exc.strerror or exc}; give --out a writable folder") from exc
    return out / "index.html"


def render(tables: dict[str, pa.Table], curated: str = "") -> str:
    """The report page as HTML text."""
    docs, projects = tables["documents"].to_pandas(), tables["projects"].to_pandas()
    corrections, quarantine = tables["corrections"].to_pandas(), tables["quarantine"].to_pandas()
    projects["town"] = [town(v) for v in projects["location"]]
    body = ["<h1>峨边彝族自治县 帮扶项目实施方案：资金与项目 · Aid plans report</h1>",
            f"<p>Dataset <span class=mono>{_e(curated)}</span>: {len(docs)} plans, {len(projects)} projects, "
            f"{_num(projects['aid_funds_wan'].sum())} 万元 of aid funds in the projects; written "
            f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC.</p>"]
    body += _charts(projects)
    body += ["<h2>资金按年度和类别 Funds by year and category (万元)</h2>", _year_category(projects, docs)]
    body += ["<h2>文件来源 Documents and their provenance</h2>", _documents(docs, projects)]
    body += ["<h2>需复核的记录 Flagged records</h2>", _flagged(docs, projects)]
    body += ["<h2>更正记录 Corrections</h2>", _corrections(corrections, projects)]
    body += ["<h2>隔离 Quarantine</h2>", _table(quarantine, ["kind", "name", "reason", "note"])]
    return ("<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>aidplans report</title>"
            f"<style>{CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


def _charts(projects: pd.DataFrame) -> list[str]:
    if projects.empty:
        return ["<p>No projects in the dataset: no charts.</p>"]
    out = []
    for name, make in (("by-year-category", charts.by_year_category), ("by-partner", charts.by_partner),
                       ("by-town", charts.by_town)):
        out.append(f'<figure class="chart" id="{name}">{make(projects)}</figure>')
    return out


def _year_category(projects: pd.DataFrame, docs: pd.DataFrame) -> str:
    if projects.empty:
        return "<p>No projects.</p>"
    pivot = projects.pivot_table(index="category", columns="plan_year", values="aid_funds_wan", aggfunc="sum",
                                 fill_value=0.0, observed=True)
    years = list(pivot.columns)
    rows = [[_e(cat)] + [_num(pivot.at[cat, y]) for y in years] for cat in pivot.index]
    rows.append(["<b>projects' sum</b>"] + [_num(pivot[y].sum()) for y in years])
    stated = docs.groupby("plan_year")["total_aid_funds_wan"].sum(min_count=1)
    rows.append(["<b>stated in the plans</b>"] + [_num(stated.get(y)) for y in years])
    head = "<tr><th>类别 category</th>" + "".join(f"<th>{y}</th>" for y in years) + "</tr>"
    return "<table>" + head + "".join("<tr>" + "".join(
        f"<td{' class=n' if i else ''}>{c}</td>" for i, c in enumerate(r)) + "</tr>" for r in rows) + "</table>"


def _documents(docs: pd.DataFrame, projects: pd.DataFrame) -> str:
    d = docs.assign(projects=docs["doc_id"].map(projects.groupby("doc_id").size()).fillna(0).astype(int),
                    flags=docs["flags"].map(_list), pages=docs["page_count"],
                    file=[f"{s}\nsha256 {h}" + (f"\nfrom {o}" if o and o != s else "")
                          for s, h, o in zip(docs["source_file"], docs["sha256"], docs["origin"])])
    return _table(d.sort_values(["plan_year", "program"]), [
        "plan_year", "program", "donor", "title", "doc_number", "issue_date", "projects", "total_aid_funds_wan",
        "file", "pages", "text_source", "source_kind", "flags"], mono={"file"})


def _flagged(docs: pd.DataFrame, projects: pd.DataFrame) -> str:
    title = dict(zip(docs["doc_id"], docs["plan_year"].astype(str) + " " + docs["program"]))
    rows = []
    for _, d in docs.iterrows():
        for f in list(d["flags"]):
            rows.append({"plan": title[d["doc_id"]], "seq": "", "name": "(the document)", "flag": f,
                         "reason": _meaning(f), "pages": "", "source_file": d["source_file"]})
    src = dict(zip(docs["doc_id"], docs["source_file"]))
    for _, p in projects.sort_values(["plan_year", "doc_id", "seq"]).iterrows():
        for f in list(p["flags"]):
            rows.append({"plan": title.get(p["doc_id"], p["doc_id"]), "seq": p["seq"], "name": p["name"], "flag": f,
                         "reason": _meaning(f), "pages": _list(p["source_pages"]), "source_file": src.get(p["doc_id"])})
    return _table(pd.DataFrame(rows, columns=["plan", "seq", "name", "flag", "reason", "pages", "source_file"]),
                  ["plan", "seq", "name", "flag", "reason", "pages", "source_file"], mono={"source_file"})


def _corrections(corrections: pd.DataFrame, projects: pd.DataFrame) -> str:
    seq = dict(zip(projects["project_id"], projects["seq"]))
    c = corrections.assign(seq=corrections["project_id"].map(seq))
    return _table(c, ["plan_year", "doc_id", "seq", "field", "original", "corrected", "rule", "score", "page"])


def _meaning(flag: str) -> str:
    kind, _, what = flag.partition(":")
    text = FLAG_MEANINGS.get(kind, "see README, Flags")
    return f"{text} ({what})" if what else text


def _table(frame: pd.DataFrame, cols: list[str], mono: set[str] = frozenset(),
           wide: set[str] = frozenset({"title", "name", "reason", "original", "corrected"})) -> str:
    if frame.empty:
        return "<p>None.</p>"
    head = "<tr>" + "".join(f"<th>{_e(HEADERS.get(c, c))}</th>" for c in cols) + "</tr>"
    body = []
    for _, r in frame.iterrows():
        cells = []
        for c in cols:
            v = r[c]
            num = isinstance(v, (int, float)) and not isinstance(v, bool)
            cls = " class=n" if num else (" class=mono" if c in mono else (" class=w" if c in wide else ""))
            cells.append(f"<td{cls}>{_num(v) if isinstance(v, float) else _e(_list(v) if _is_list(v) else v)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return "<table>" + head + "".join(body) + "</table>"


def _is_list(v) -> bool:
    return isinstance(v, (list, tuple)) or hasattr(v, "tolist") and not isinstance(v, str)


def _list(v) -> str:
    items = list(v.tolist() if hasattr(v, "tolist") else (v if v is not None else []))
    return ", ".join(map(str, items))


def _num(v) -> str:
    if v is None or isinstance(v, float) and v != v:
        return ""
    return f"{float(v):,.2f}".rstrip("0").rstrip(".")


def _e(v) -> str:
    if v is None or isinstance(v, float) and v != v or v is pd.NaT:
        return ""
    return html.escape(str(v))
