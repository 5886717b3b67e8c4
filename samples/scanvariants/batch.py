"""A batch of scan variants: pick (seed, index) pairs, render their born-digital plans, scan them.

    import batch; built = batch.build(batch.pick(seed=1, n=40), Path("/tmp/scans"), jobs=1)

Scan variant k<seed>-<index> scans layout variant s<seed>-<index> (samples/layouts): the born-digital
PDFs land in `<out>/born/`, the scans with their gold and axes in `<out>/`. With `reuse`, a scan
already in `<out>` with the same axes is not made again (OCR layers take minutes).
"""
from __future__ import annotations

import json
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

HERE = Path(__file__).resolve().parent
for p in (HERE, HERE.parent / "layouts"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import scanaxes as A  # noqa: E402
import scanbuild  # noqa: E402
import spec as S  # noqa: E402
import variants  # noqa: E402

ALL_AXES = {**S.AXES, **A.SCAN_AXES}


def pick(seed: int, n: int, start: int = 0, where: dict[str, str] | None = None,
         renderers: set[str] | None = None) -> list[tuple[S.PlanSpec, A.ScanSpec]]:
    """The first n (plan, scan) pairs of `seed` from `start` whose layout or scan axes have the values in `where`."""
    out, i = [], start
    while len(out) < n:
        s, k = S.make_spec(seed, i), A.make_scan_spec(seed, i)
        axes = {**s.axes, **k.axes}
        if (renderers is None or s.renderer in renderers) and all(axes.get(a) == v for a, v in (where or {}).items()):
            out.append((s, k))
        i += 1
        if i - start > 60 * n + 60:
            raise ValueError(f"no scan variants of seed {seed} with axes {where or {}}")
    return out


def by_id(vid: str) -> tuple[S.PlanSpec, A.ScanSpec]:
    seed, index = A.parse_scan_id(vid)
    return S.make_spec(seed, index), A.make_scan_spec(seed, index)


def _reusable(s: S.PlanSpec, k: A.ScanSpec, out: Path) -> scanbuild.ScanVariant | None:
    pdf, gold, axes = out / f"{k.id}.pdf", out / f"{k.id}.gold.json", out / f"{k.id}.axes.json"
    if not (pdf.exists() and gold.exists() and axes.exists()):
        return None
    recorded = json.loads(axes.read_text(encoding="utf-8"))
    if any(recorded.get(a) != v for a, v in k.axes.items()) or recorded.get("base") != s.id:
        return None
    return scanbuild.ScanVariant(k.id, {a: recorded[a] for a in ALL_AXES if a in recorded}, pdf, gold)


def _one(job: tuple) -> scanbuild.ScanVariant:
    base_pdf, s, k, out = job
    return scanbuild.build_scan(base_pdf, s, k, out)


def build(pairs: list[tuple[S.PlanSpec, A.ScanSpec]], out: Path, jobs: int = 1, reuse: bool = True,
          progress=None, born: Path | None = None) -> list[scanbuild.ScanVariant]:
    """Render the plans (one LibreOffice call for the docx ones; into `born`, default `<out>/born`),
    then scan each (in `jobs` processes). `progress(variant)` is called in this process for each scan
    as it is ready (reused ones first), while the other scans are still being made."""
    out.mkdir(parents=True, exist_ok=True)
    done = {k.id: v for s, k in pairs if reuse and (v := _reusable(s, k, out))}
    todo = [(s, k) for s, k in pairs if k.id not in done]
    report = progress or (lambda v: None)
    pdfs = {v.spec.id: v.pdf for v in variants.build([s for s, _ in todo], born or out / "born")} if todo else {}
    jobs_ = [(pdfs[s.id], s, k, out) for s, k in todo]
    if jobs > 1 and jobs_:
        with ProcessPoolExecutor(jobs) as ex:
            futures = [ex.submit(_one, j) for j in jobs_]
            for v in list(done.values()):
                report(v)
            for f in as_completed(futures):
                v = f.result()
                done[v.id] = v
                report(v)
    else:
        for v in list(done.values()):
            report(v)
        for j in jobs_:
            v = _one(j)
            done[v.id] = v
            report(v)
    return [done[k.id] for _, k in pairs]
