"""Coverage of the review queue: of the values ../shared/eval/score.py counts wrong, the share that is
in the queue (an item for that project or document and field) or flagged (the record carries a review
flag, as the scorer counts it), and the queue's length per plan.

    python benchmarks/review_coverage.py [--bundled] [--generated DIR ...] [--limit N] [--out DIR]
                                         [--min-confidence X]

--bundled: the scans in raw/scans/ against ../shared/gold (by file stem). --generated DIR: every
`<id>.pdf` with its `<id>.gold.json` in DIR (scan variants made by samples/scanvariants, e.g.
tests/data/scans_gen or a `robustness.py --scans --out` folder's scans/). Each PDF lands alone in its
own curated folder (process + write_curated, no Prefect server), its queue is built as
`aidplans review` builds it (no crops), and its wrong values are found by the scorer's own matching
and comparisons. A plan the pipeline rejects is stored as the pipeline stores it (quarantine/files) and
is one queue item (rule `rejected`) pointing at the file; all its values are wrong. The coverage is
given both ways: those values covered by that item, and not (counted as missed). Evaluation only: no
pipeline code reads the gold. Always exits 0 (it measures).
"""
from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
SCORER = ROOT.parent / "shared" / "eval" / "score.py"
GOLD = ROOT.parent / "shared" / "gold"


@dataclass
class Coverage:
    id: str
    wrong: int = 0
    in_queue: int = 0            # an item for exactly that value
    flagged: int = 0             # not in the queue, but its record carries a review flag
    queue: int = 0               # items in the plan's queue
    accuracy: float = 0.0
    seconds: float = 0.0
    missed: list[str] = field(default_factory=list)
    note: str = ""               # why the pipeline rejected the plan ("" when it landed)
    rejected_item: bool = False  # a rejected plan: the queue holds one item for its file

    @property
    def covered(self) -> int:
        return self.in_queue + self.flagged


def load_scorer(path: Path = SCORER):
    spec = importlib.util.spec_from_file_location("score", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def wrong_values(sc, docs, projects, gold: dict) -> list[tuple[str, str | None, str, list]]:
    """(doc_id, project_id or None, field, record flags) of every value the scorer counts wrong,
    matched as score.py matches (plan by year and program, projects by name score ≥ 60, greedily)."""
    key = (int(gold["plan_year"]), sc.canon(gold["program"]))
    d = docs[(docs["plan_year"].astype(int) == key[0]) & (docs["program"].map(sc.canon) == key[1])]
    if d.empty:     # the plan landed under another year or program: every value is wrong
        doc_id = docs["doc_id"].iloc[0] if len(docs) == 1 else ""
        flags = list(docs["flags"].iloc[0]) if len(docs) == 1 else []
        return [(doc_id, None, f"unmatched:{f}", flags) for f in sc.DOC_FIELDS if f in gold] + \
            [(doc_id, None, f"unmatched:{f}", flags) for g in gold["projects"] for f in sc.PROJECT_FIELDS if f in g]
    drow = d.iloc[0]
    out = [(drow["doc_id"], None, f, list(drow["flags"])) for f in sc.DOC_FIELDS
           if f in gold and not sc.field_ok(f, gold[f], drow.get(f))]
    cand = projects[projects["doc_id"] == drow["doc_id"]].to_dict("records")
    pairs = sorted(((sc.name_score(g["name"], c.get("name")), gi, ci) for gi, g in enumerate(gold["projects"])
                    for ci, c in enumerate(cand)), reverse=True)
    used_g, used_c, match = set(), set(), {}
    for s, gi, ci in pairs:
        if s < 60 or gi in used_g or ci in used_c:
            continue
        used_g.add(gi), used_c.add(ci)
        match[gi] = cand[ci]
    for gi, g in enumerate(gold["projects"]):
        c = match.get(gi)
        if c is None:          # a project not landed: its values are wrong; the plan's count is what can say so
            out += [(drow["doc_id"], None, "project_count_stated" if f == "seq" else f"missing:{f}",
                     list(drow["flags"])) for f in sc.PROJECT_FIELDS if f in g]
            continue
        out += [(c["doc_id"], c["project_id"], f, list(c["flags"])) for f in sc.PROJECT_FIELDS
                if f in g and not sc.field_ok(f, g[f], c.get(f))]
    return out


def measure(vid: str, pdf: Path, gold_path: Path, work: Path, sc, min_confidence: float | None) -> Coverage:
    from flows.ingest import process, write_curated
    from flows.review.page import make_review
    from flows.store import CuratedStore
    from schemas.settings import Settings
    curated = work / "curated" / vid
    shutil.rmtree(curated, ignore_errors=True)
    t0 = time.perf_counter()
    r = process(pdf, Settings())
    cov = Coverage(vid, seconds=time.perf_counter() - t0)
    with contextlib.redirect_stdout(io.StringIO()):
        write_curated.fn([r], str(curated))
    review = make_review(curated, work / "review" / vid, min_confidence, crops=False)
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    cov.queue = len(review.items)
    if r.error:
        cov.note = f"rejected: {r.error}"
        cov.wrong = len([f for f in sc.DOC_FIELDS if f in gold]) + \
            sum(1 for g in gold["projects"] for f in sc.PROJECT_FIELDS if f in g)
        cov.rejected_item = any("rejected" in it.kinds and it.sha256 == r.sha256 for it in review.items)
        return cov
    snap = CuratedStore(curated).snapshot()
    gold_dir = work / "gold" / vid
    gold_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(gold_path, gold_dir / gold_path.name)
    with contextlib.redirect_stdout(io.StringIO()):
        cov.accuracy = sc.score(curated, gold_dir, verbose=False)["field_accuracy"]
    queued = {(it.doc_id, it.project_id, it.field) for it in review.items}
    for doc_id, pid, f, flags in wrong_values(sc, snap.documents, snap.projects, gold):
        cov.wrong += 1
        if (doc_id, pid, f) in queued or (f.startswith("missing:") and (doc_id, None, "project_count_stated") in queued) \
                or (f.startswith("unmatched:") and {(doc_id, None, "plan_year"), (doc_id, None, "program")} & queued):
            cov.in_queue += 1
        elif sc.review_flags(flags):
            cov.flagged += 1
        else:
            cov.missed.append(f"{pid or doc_id}.{f}")
    return cov


def sources(args) -> list[tuple[str, Path, Path]]:
    out = []
    if args.bundled:
        for pdf in sorted((ROOT / "raw" / "scans").glob("*.pdf")):
            out.append((pdf.stem, pdf, GOLD / f"{pdf.name.split('.', 1)[0]}.gold.json"))
    for folder in args.generated:
        for pdf in sorted(Path(folder).glob("*.pdf")):
            gold = pdf.with_name(f"{pdf.stem}.gold.json")
            if gold.exists():
                out.append((pdf.stem, pdf, gold))
    return out[: args.limit] if args.limit else out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bundled", action="store_true", help="the scans in raw/scans against ../shared/gold")
    ap.add_argument("--generated", nargs="*", default=[], metavar="DIR", help="folders of <id>.pdf + <id>.gold.json")
    ap.add_argument("--limit", type=int, default=0, help="at most this many PDFs")
    ap.add_argument("--min-confidence", type=float, default=None, help="as aidplans review --min-confidence")
    ap.add_argument("--out", metavar="DIR", help="work folder (default: a temporary one)")
    args = ap.parse_args(argv)
    work = Path(args.out or tempfile.mkdtemp(prefix="aidplans-coverage-"))
    sc = load_scorer()
    results = []
    for vid, pdf, gold in sources(args):
        cov = measure(vid, pdf, gold, work, sc, args.min_confidence)
        results.append(cov)
        share = ("item " if cov.rejected_item else "none ") if cov.note else \
            f"{cov.covered / cov.wrong:.3f}" if cov.wrong else "  -  "
        print(f"{vid:40} acc={cov.accuracy:.3f} wrong={cov.wrong:>3} queued={cov.in_queue:>3} "
              f"flagged={cov.flagged:>3} covered={share} queue={cov.queue:>3} {cov.seconds:6.1f}s"
              + (f"  missed: {', '.join(cov.missed)}" if cov.missed else "") + (f"  [{cov.note}]" if cov.note else ""),
              flush=True)
    if not results:
        print("no PDFs given: --bundled and/or --generated DIR")
        return 0
    landed = [r for r in results if not r.note]
    rejected = [r for r in results if r.note]
    wrong = sum(r.wrong for r in landed)
    covered = sum(r.covered for r in landed)
    by_item = sum(r.wrong for r in rejected if r.rejected_item)
    every = wrong + sum(r.wrong for r in rejected)
    print(f"\n{len(results)} plans, {len(rejected)} rejected ({sum(r.rejected_item for r in rejected)} with their "
          f"queue item); landed plans: wrong values {wrong}: in the queue {sum(r.in_queue for r in landed)}, "
          f"flagged only {sum(r.flagged for r in landed)}, missed {wrong - covered}; "
          f"coverage {covered / wrong if wrong else 1:.4f}")
    if rejected:
        print(f"with the rejected plans' {every - wrong} values: coverage {(covered + by_item) / every:.4f} counting "
              f"them covered by their file's queue item, {covered / every:.4f} counting them missed")
    for label, group in (("landed plan", landed), ("plan, rejected ones included", results)):
        queues = [r.queue for r in group]
        if queues:
            print(f"queue length per {label}: median {statistics.median(queues):g}, mean "
                  f"{statistics.mean(queues):.1f}, max {max(queues)}, total {sum(queues)}")
    print(f"landed plans with every value right: {sum(1 for r in landed if not r.wrong)} (their queue: "
          f"{sum(r.queue for r in landed if not r.wrong)} items)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
