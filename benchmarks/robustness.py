"""Score generated born-digital layout variants: field accuracy overall and per variation axis.

    python benchmarks/robustness.py [--n 40] [--seed 1] [--out DIR] [--keep] [--renderers reportlab,docx]
                                    [--where AXIS=VALUE ...]
    python benchmarks/robustness.py --variant s1-007      # one variant, with the scorer's wrong fields
    python benchmarks/robustness.py --scans [--n 40] [--seed 1] [--jobs 1] [--out DIR] [--where AXIS=VALUE ...]
    python benchmarks/robustness.py --variant k1-007 --out /tmp/k  # one scan variant, with its wrong fields

Generates n seeded SYNTHETIC variants with samples/layouts (renderers and fonts rotate, so every
axis value appears), runs the pipeline on each without Prefect's server (process + write_curated
into a per-variant curated folder: the scorer matches plans by plan_year+program) and scores it
with ../shared/eval/score.py against that variant's gold alone. A rejected plan counts as accuracy 0.
Needs the generator tools (samples/install_generator_tools.sh). Evaluation only: no pipeline code
reads the gold. Always exits 0 (it measures; it does not judge).

--scans: scan variants k<seed>-<index> of the same plans (samples/scanvariants: dpi, colour/grey/1-bit,
JPEG, blur, noise, paper, tilt, turned pages, seals, faint/broken rules; no layer, a rapidocr layer or
OCRmyPDF's tesseract layer), scored the same way, overall and per scan and layout axis, with s/page.
Also needs samples/install_scan_tools.sh. With --out, scans already made there are reused.
"""
from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import math
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "samples" / "layouts"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

import spec as S  # noqa: E402
import variants  # noqa: E402

SCORER = ROOT.parent / "shared" / "eval" / "score.py"


@dataclass
class Result:
    id: str
    axes: dict
    accuracy: float
    spurious: int
    unflagged_wrong: int
    false_alarms: int
    pages: int
    seconds: float
    rejected: bool
    note: str = ""


def load_scorer(path: Path = SCORER):
    spec = importlib.util.spec_from_file_location("score", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def page_count(pdf: Path) -> int:
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(str(pdf))
    try:
        return len(doc)
    finally:
        doc.close()


def run_one(v: variants.Variant, work: Path, scorer, verbose: bool = False) -> Result:
    """Pipeline on one variant into its own curated folder, scored against its own gold."""
    return run_pdf(v.spec.id, v.spec.axes, v.pdf, v.gold, work, scorer, verbose)


def run_pdf(vid: str, axes: dict, pdf: Path, gold: Path, work: Path, scorer, verbose: bool = False,
            log: list[str] | None = None, settings=None) -> Result:
    """Pipeline on one PDF into its own curated folder, scored against its own gold; `log` gets
    the pipeline's lines and the scorer's wrong fields."""
    from flows.ingest import process, write_curated
    from schemas.settings import Settings
    curated, gold_dir = work / "curated" / vid, work / "gold" / vid
    shutil.rmtree(curated, ignore_errors=True)
    gold_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(gold, gold_dir / gold.name)
    pages = page_count(pdf)
    t0 = time.perf_counter()
    try:
        r = process(pdf, settings or Settings())
        seconds = time.perf_counter() - t0
        if r.error:           # rejected: nothing to store or score
            if verbose:
                print(f"  pipeline: rejected {r.error}")
            if log is not None:
                log.append(f"pipeline: rejected {r.error}")
            return Result(vid, axes, 0.0, 0, 0, 0, pages, seconds, True, r.error)
        with contextlib.redirect_stdout(io.StringIO()):
            summary = write_curated.fn([r], str(curated))
    except Exception as exc:  # a pipeline crash is a rejected plan here, with its reason
        if log is not None:
            import traceback
            log.append(traceback.format_exc())
        return Result(vid, axes, 0.0, 0, 0, 0, pages, time.perf_counter() - t0, True,
                      f"crash: {type(exc).__name__}: {exc}")
    if verbose:
        for line in summary.lines:
            print(f"  pipeline: {line}")
    if log is not None:
        log += [f"pipeline: {ln}" for ln in summary.lines]
    if not (curated / "documents").exists():
        return Result(vid, axes, 0.0, 0, 0, 0, pages, seconds, True, "no document landed")
    out = io.StringIO()
    with contextlib.redirect_stdout(out if not verbose else sys.stdout):
        sc = scorer.score(curated, gold_dir, verbose=verbose or log is not None)
    if log is not None:
        log.append(out.getvalue())
    rejected = sc["docs_found"] == 0
    return Result(vid, axes, sc["field_accuracy"] if not rejected else 0.0, sc["spurious"],
                  sc["unflagged_wrong"], sc["false_alarms"], pages, seconds, rejected)


def p10(values: list[float]) -> float:
    """10th percentile, nearest rank."""
    v = sorted(values)
    return v[max(0, math.ceil(0.1 * len(v)) - 1)]


def summary_row(label: str, rs: list[Result]) -> str:
    acc = [r.accuracy for r in rs]
    pages, secs = sum(r.pages for r in rs), sum(r.seconds for r in rs)
    return (f"{label:34} {len(rs):>3} {statistics.median(acc):>7.3f} {p10(acc):>6.3f} {min(acc):>6.3f} "
            f"{sum(r.spurious for r in rs):>5} {sum(r.spurious > 0 for r in rs):>4} "
            f"{sum(r.rejected for r in rs):>4} {sum(r.unflagged_wrong > 0 for r in rs):>5} "
            f"{sum(r.false_alarms for r in rs):>6} {pages / secs if secs else 0:>7.1f}")


def report(results: list[Result]) -> None:
    print()
    print(f"{'':34} {'n':>3} {'median':>7} {'p10':>6} {'worst':>6} {'spur':>5} {'sp>0':>4} {'rej':>4} "
          f"{'uw>0':>5} {'falarm':>6} {'pages/s':>7}")
    print(summary_row("overall", results))
    for axis in S.AXES:
        for value in S.AXES[axis]:
            rs = [r for r in results if r.axes.get(axis) == value]
            if rs:
                print(summary_row(f"{axis}={value}", rs))
    print("columns: n variants; median/p10/worst field accuracy; spur = spurious records (sum), sp>0 = variants "
          "with any; rej = rejected plans; uw>0 = variants with unflagged wrong fields; falarm = false alarms "
          "(sum); pages/s = extraction+normalisation speed")


def line(r: Result) -> str:
    axes = " ".join(r.axes[a] for a in S.AXES)
    tail = f"  [{r.note}]" if r.note else ""
    return (f"{r.id} acc={r.accuracy:.3f} spur={r.spurious} uw={r.unflagged_wrong} fa={r.false_alarms} "
            f"pages={r.pages} {r.seconds:.2f}s | {axes}{tail}")


def parse_id(vid: str) -> tuple[int, int]:
    m = re.fullmatch(r"s(\d+)-(\d+)", vid)
    if not m:
        raise SystemExit(f"robustness.py: variant id {vid!r} is not like s1-007 (seed 1, index 7)")
    return int(m.group(1)), int(m.group(2))


def scan_row(label: str, rs: list[Result]) -> str:
    acc = [r.accuracy for r in rs]
    pages, secs = sum(r.pages for r in rs), sum(r.seconds for r in rs)
    return (f"{label:30} {len(rs):>3} {statistics.median(acc):>7.3f} {p10(acc):>6.3f} {min(acc):>6.3f} "
            f"{sum(r.spurious for r in rs):>5} {sum(r.rejected for r in rs):>4} "
            f"{sum(r.unflagged_wrong for r in rs):>5} {sum(r.unflagged_wrong > 0 for r in rs):>5} "
            f"{sum(r.false_alarms for r in rs):>6} {secs / pages if pages else 0:>7.2f}")


def scan_report(results: list[Result], axes: dict[str, list[str]]) -> None:
    """Overall, then per scan axis and per layout axis."""
    print()
    print(f"{'':30} {'n':>3} {'median':>7} {'p10':>6} {'worst':>6} {'spur':>5} {'rej':>4} {'uw':>5} "
          f"{'uw>0':>5} {'falarm':>6} {'s/page':>7}")
    print(scan_row("overall", results))
    for axis, values in axes.items():
        for value in values:
            rs = [r for r in results if r.axes.get(axis) == value]
            if rs:
                print(scan_row(f"{axis}={value}", rs))
    print("columns: n variants; median/p10/worst field accuracy; spur = spurious records (sum); rej = rejected "
          "plans; uw = unflagged wrong fields (sum), uw>0 = variants with any; falarm = false alarms (sum); "
          "s/page = pipeline seconds per page (OCR included)")


def scan_line(r: Result, axes: dict[str, list[str]]) -> str:
    tail = f"  [{r.note}]" if r.note else ""
    return (f"{r.id} acc={r.accuracy:.3f} spur={r.spurious} uw={r.unflagged_wrong} fa={r.false_alarms} "
            f"pages={r.pages} {r.seconds:.1f}s | " + " ".join(f"{a}={r.axes.get(a)}" for a in axes) + tail)


def scans(a, scorer, work: Path) -> int:
    """--scans: scan variants (samples/scanvariants) of the layout variants, scored the same way."""
    sys.path.insert(0, str(ROOT / "samples" / "scanvariants"))
    import batch
    import scanaxes
    if a.variant:
        try:
            pairs = [batch.by_id(a.variant)]
        except ValueError as exc:
            raise SystemExit(f"robustness.py: {exc}")
    else:
        where = dict(w.split("=", 1) for w in a.where if "=" in w)
        unknown = [f"{k}={v}" for k, v in where.items() if v not in batch.ALL_AXES.get(k, [])]
        if unknown or len(where) < len(a.where):
            print(f"robustness.py: --where {' '.join(unknown or a.where)} names no axis value; axes: "
                  + "; ".join(f"{k}: {','.join(vs)}" for k, vs in batch.ALL_AXES.items()))
            return 0
        pairs = batch.pick(a.seed, a.n, where=where, renderers=set(a.renderers.split(",")))
    from schemas.settings import Settings
    settings = Settings(ocr_workers=1) if a.jobs > 1 else Settings()   # the other cores make scans
    shown = {**scanaxes.SCAN_AXES, **S.AXES}
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    results: list[Result] = []
    t0 = time.perf_counter()

    def read(v) -> None:          # each scan is read as soon as it is made (or found made)
        log: list[str] = []
        r = run_pdf(v.id, v.axes, v.pdf, v.gold, work, scorer, verbose=bool(a.variant), log=log, settings=settings)
        (logs / f"{v.id}.txt").write_text("\n".join(log) + "\n", encoding="utf-8")
        results.append(r)
        print(f"[{len(results)}/{len(pairs)} {time.perf_counter() - t0:.0f}s] " + scan_line(r, scanaxes.SCAN_AXES),
              flush=True)

    try:
        batch.build(pairs, work / "scans", jobs=max(1, a.jobs), progress=read)
    except Exception as exc:  # a missing tool: one line with the advice
        print(f"robustness.py: cannot generate scan variants ({type(exc).__name__}: {exc}); run "
              "samples/install_generator_tools.sh and samples/install_scan_tools.sh")
        return 0
    order = {k.id: i for i, (_, k) in enumerate(pairs)}
    results.sort(key=lambda r: order[r.id])
    if not a.variant:
        scan_report(results, shown)
    if a.out or a.keep or a.variant:
        print(f"kept: {work} (scans/<id>.pdf, gold and axes; logs/<id>.txt: pipeline lines and wrong fields)")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=40, help="number of variants (default 40)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, help="keep PDFs, gold and curated folders here")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder and say where it is")
    ap.add_argument("--variant", help="run one variant (e.g. s1-007) and print the scorer's wrong fields")
    ap.add_argument("--renderers", default="reportlab,docx", help="comma list of renderers to include")
    ap.add_argument("--where", action="append", default=[], metavar="AXIS=VALUE",
                    help="only variants with this axis value (repeatable), e.g. --where ruling=none")
    ap.add_argument("--scans", action="store_true",
                    help="scan variants k<seed>-<index> (samples/scanvariants) instead of born-digital ones")
    ap.add_argument("--jobs", type=int, default=1,
                    help="--scans: make scans in this many processes (OCR layers, one core each) while "
                         "this one reads each finished scan on one core (ocr_workers=1); default 1: make "
                         "and read in turn, the pipeline's OCR on every core")
    a = ap.parse_args(argv)
    if not SCORER.exists():
        print(f"robustness.py: the scorer {SCORER} is missing; it lives in ../shared/eval beside the repo")
        return 0
    scorer = load_scorer()
    work = a.out or Path(tempfile.mkdtemp(prefix="aidplans-robustness-"))
    work.mkdir(parents=True, exist_ok=True)
    if a.scans or (a.variant or "").startswith("k"):
        return scans(a, scorer, work)
    if a.variant:
        seed, index = parse_id(a.variant)
        specs = [S.make_spec(seed, index)]
    else:
        where = dict(w.split("=", 1) for w in a.where if "=" in w)
        unknown = [f"{k}={v}" for k, v in where.items() if v not in S.AXES.get(k, [])]
        if unknown or len(where) < len(a.where):
            print(f"robustness.py: --where {' '.join(unknown or a.where)} names no axis value; axes: "
                  + "; ".join(f"{k}: {','.join(vs)}" for k, vs in S.AXES.items()))
            return 0
        specs = variants.pick(a.seed, a.n, set(a.renderers.split(",")), where=where)
    t0 = time.perf_counter()
    try:
        built = variants.build(specs, work / "pdf")
    except Exception as exc:  # a missing tool: one line with the advice
        print(f"robustness.py: cannot generate variants ({type(exc).__name__}: {exc}); "
              "run samples/install_generator_tools.sh")
        return 0
    print(f"generated {len(built)} variants in {time.perf_counter() - t0:.1f}s into {work / 'pdf'}")
    print("axes: " + " ".join(S.AXES))
    results = []
    for v in built:
        r = run_one(v, work, scorer, verbose=bool(a.variant))
        results.append(r)
        print(line(r), flush=True)
    if not a.variant:
        report(results)
    if a.out or a.keep or a.variant:          # one variant: keep its PDF and curated folder to look at
        print(f"kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
