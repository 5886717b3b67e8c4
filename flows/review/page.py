"""Write the review queue: queue.csv and queue.xlsx (formula-safe, through flows/sheets.py, with the
overrides file's decision columns ready to fill in) and index.html, a static page (no script, no
network) showing each item with a highlighted crop of the page around every reading of its value."""
from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from flows.review.crops import Crop, PdfFinder, Renderer
from flows.review.queue import REJECTED, ReviewItem, build_queue, quarantined_values, rejected_files
from flows.sheets import write_sheet
from flows.store import CuratedStore
from schemas.settings import Settings

DECISION_COLUMNS = ("decision", "value", "reviewer", "date", "note")     # as the overrides file reads them
CSS = """body{font-family:"Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC",sans-serif;margin:2em;color:#222}
section.item{border:1px solid #ccc;border-radius:4px;margin:0 0 1.2em;padding:0.6em 1em}
section.item h2{font-size:1em;margin:0 0 0.4em}table{border-collapse:collapse;font-size:0.9em}
th,td{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top;max-width:48em}
th{background:#f2f2f2}figure{display:inline-block;margin:0.5em 1em 0 0;vertical-align:top}
figure img{border:1px solid #999;max-width:560px}figcaption{font-size:0.8em;color:#555;max-width:560px}
p.missing{color:#a00}.rules{font-family:monospace}"""


class ReviewError(RuntimeError):
    """The review cannot be made: no dataset at the folder, or --out unusable."""


@dataclass
class Review:
    """What `aidplans review` wrote, and what it has to say."""
    paths: list[Path]
    items: list[ReviewItem]
    accepted: list[ReviewItem]
    crops: dict[int, list[Crop]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def make_review(curated: str | Path, out: str | Path, min_confidence: float | None = None,
                include_all: bool = False, settings: Settings = Settings(), crops: bool = True) -> Review:
    """Build the queue from one commit of the dataset and write the sheets and the page under `out`."""
    curated, out = Path(curated), Path(out)
    if not (curated / "documents").is_dir() and not (curated / "quarantine" / "files").is_dir():
        raise ReviewError(f"no curated dataset at {curated} (no documents/ folder, no rejected files); run "
                          f"`aidplans run` first or give --curated the dataset's folder")
    if out.exists() and not out.is_dir():
        raise ReviewError(f"--out {out} is a file; the review is a folder (index.html, queue.csv inside)")
    store = CuratedStore(curated)
    snap = store.snapshot()
    overrides, notes = store.read_overrides()
    accepts = [o for o in overrides if getattr(o, "decision", "") == "accept"]
    threshold = settings.review_min_confidence if min_confidence is None else min_confidence
    items, accepted = build_queue(snap.documents, snap.projects, snap.corrections, snap.provenance,
                                  quarantined_values(curated, snap.documents), accepts, threshold, include_all,
                                  settings.review_near_reading, settings.review_filled_share,
                                  rejected_files(curated, snap.documents), settings.review_near_name)
    review = Review([], items, accepted, notes=list(notes))
    out.mkdir(parents=True, exist_ok=True)
    if crops:
        review.crops, missing = _crops(items, snap, curated, out, settings)
        review.notes += missing
    sheet = queue_frame(items, review.crops)
    review.paths = [write_sheet(out / "queue.csv", sheet), write_sheet(out / "queue.xlsx", sheet)]
    page = out / "index.html"
    tmp = page.with_name(".index.html.tmp")
    tmp.write_text(render(review, curated, threshold, include_all), encoding="utf-8")
    tmp.replace(page)
    review.paths.insert(0, page)
    return review


def _crops(items: list[ReviewItem], snap, curated: Path, out: Path, settings: Settings
           ) -> tuple[dict[int, list[Crop]], list[str]]:
    """Crops per item (by position), and one line per document whose PDF is gone."""
    prov = snap.provenance
    prov = prov[prov["page"].notna() & prov["x0"].notna()] if len(prov) else prov
    where: dict[tuple, list[dict]] = {}
    for r in prov.to_dict("records"):
        pid = r["project_id"] if isinstance(r["project_id"], str) else None
        where.setdefault((r["doc_id"], pid, r["field"]), []).append(r)
    docs = {d["doc_id"]: d for d in snap.documents.to_dict("records")}
    finder, renderer = PdfFinder(curated), Renderer(out, settings.review_crop_dpi, settings.review_crop_margin,
                                                    settings.review_crop_min_width)
    found: dict[str, Path | None] = {}
    lines: list[str] = []
    crops: dict[int, list[Crop]] = {}
    for n, it in enumerate(items):
        rows, label = where.get((it.doc_id, it.project_id, it.field), []), "{}"
        if not rows and it.project_id:              # an empty value: show where its project stands
            rows, label = where.get((it.doc_id, it.project_id, "name"), []), "{} (the project's name; this value has no reading)"
        if not rows:
            continue
        if it.doc_id not in found:
            found[it.doc_id], tried = finder.find(docs[it.doc_id])
            if found[it.doc_id] is None:
                lines.append(f"{it.source_file}: the source PDF (sha256 {it.sha256[:16]}…) is gone or changed; "
                             f"its items have no crops (looked at {', '.join(tried)})")
        pdf = found[it.doc_id]
        if pdf is None:
            continue
        crops[n] = [Crop(renderer.crop(pdf, it.sha256, int(r["page"]), (r["x0"], r["top"], r["x1"], r["bottom"])),
                         label.format(r["reading"]), int(r["page"]), r["text"]) for r in rows]
    return crops, lines


def queue_frame(items: list[ReviewItem], crops: dict[int, list[Crop]]) -> pd.DataFrame:
    """The queue as a sheet: one row per item, the decision columns ready (value: the current one)."""
    rows = []
    for n, it in enumerate(items, start=1):
        pages = sorted({c.page for c in crops.get(n - 1, [])})
        rows.append({"item": n, "plan_year": it.plan_year, "program": it.program, "plan_key": it.plan_key,
                     "seq": it.seq, "project_id": it.project_id, "name": it.name, "field": it.field,
                     "before": it.before, "after": it.after, "rules": ", ".join(it.rules),
                     "score": it.score, "ocr_confidence": it.confidence, "kinds": ", ".join(it.kinds),
                     "pages": ", ".join(map(str, pages)),
                     "source_file": it.source_file, "decision": "", "value": it.after, "reviewer": "",
                     "date": "", "note": ""})
    cols = ["item", "plan_year", "program", "plan_key", "seq", "project_id", "name", "field", "before", "after",
            "rules", "score", "ocr_confidence", "kinds", "pages", "source_file", *DECISION_COLUMNS]
    df = pd.DataFrame(rows, columns=cols)
    df["seq"] = df["seq"].astype("Int64")
    return df


def render(review: Review, curated: Path, threshold: float, include_all: bool) -> str:
    e = html.escape
    what = "every correction" if include_all else \
        f"corrections and OCR readings with a confidence below {threshold:g} (of 1)"
    head = [f"<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>Review queue: {e(str(curated))}"
            f"</title><style>{CSS}</style></head><body>",
            f"<h1>Review queue: {len(review.items)} items</h1>",
            f"<p>From <code>{e(str(curated))}</code>: review-flagged values, reconciliation conflicts, {what}, and "
            f"values set aside by validation, files the pipeline rejected, and values read in a doubtful way "
            f"(rules <code>readings_differ</code>, <code>value_interleaved</code>, <code>name_misread</code>, <code>value_missing</code>, <code>seq_uncertain</code>). "
            f"{len(review.accepted)} accepted items are not shown. To decide, copy "
            f"an item's row of <code>queue.csv</code> into the overrides file with <code>decision</code> "
            f"<code>accept</code> (or the right <code>value</code>), your name and the date.</p>"]
    head += [f"<p class=\"missing\">{e(line)}</p>" for line in review.notes]
    body = [_item(n, it, review.crops.get(n - 1, [])) for n, it in enumerate(review.items, start=1)]
    return "\n".join(head + body + ["</body></html>"]) + "\n"


def _item(n: int, it: ReviewItem, crops: list[Crop]) -> str:
    e = html.escape
    if REJECTED in it.kinds:
        return _rejected(n, it)
    who = f"project {it.seq} {e(it.name)}" if it.seq is not None else "the document"
    score = "" if it.score is None or (isinstance(it.score, float) and math.isnan(it.score)) else f"{it.score:g}"
    conf = "" if it.confidence is None else f"{it.confidence:.3f}"
    figs = "".join(f"<figure><img src=\"{e(c.path)}\" alt=\"{e(c.reading)} page {c.page}\">"
                   f"<figcaption>{e(c.reading)}, page {c.page}: {e(c.text[:120])}</figcaption></figure>"
                   for c in crops)
    if not crops:
        figs = "<p class=\"missing\">no reading of this value with a place on a page (see the notes above)</p>"
    return (f"<section class=\"item\" id=\"item-{n}\"><h2>{n}. {it.plan_year} {e(it.program)} · {who} · "
            f"<code>{e(it.field)}</code></h2><table><tr><th>before (as read)</th><td>{e(it.before)}</td></tr>"
            f"<tr><th>after (in the dataset)</th><td>{e(it.after)}</td></tr><tr><th>rule</th>"
            f"<td class=\"rules\">{e(', '.join(it.rules))}</td></tr><tr><th>score</th><td>{score}</td></tr>"
            f"<tr><th>OCR confidence</th><td>{conf}</td></tr>"
            f"<tr><th>plan_key</th><td><code>{e(it.plan_key)}</code></td></tr></table>{figs}</section>")


def _rejected(n: int, it: ReviewItem) -> str:
    """A file the pipeline rejected: no value of it is in the dataset; the reason and what to do."""
    e = html.escape
    return (f"<section class=\"item\" id=\"item-{n}\"><h2>{n}. rejected file · {e(it.name)}</h2><table>"
            f"<tr><th>file</th><td><code>{e(it.source_file)}</code></td></tr>"
            f"<tr><th>sha256</th><td><code>{e(it.sha256)}</code></td></tr>"
            f"<tr><th>why</th><td>{e(it.before)}</td></tr></table>"
            f"<p class=\"missing\">No value of this file is in the dataset. Look at the file: if it is a plan, "
            f"a better copy (or a newer pipeline) lands it with <code>aidplans run</code>; the item leaves the "
            f"queue when it lands or its note in <code>quarantine/files</code> is removed.</p></section>")
