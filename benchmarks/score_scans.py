"""Score the scanned samples and measure OCR correction precision and recall against the gold.

    python benchmarks/score_scans.py [--gold ../shared/gold] [FILE.pdf ...]

For each scan (default: raw/scans/*.pdf) the pipeline runs twice on one extraction: with
correction (as shipped) and with `Settings(correct=False)` (every value as read). Each
result lands in its own curated folder (the dataset keeps one copy per plan, so scans of a
plan cannot share one) and the project's scorer is run on it.

- precision: share of logged corrections that are right. A change is right when it turns
  a value the scorer counts wrong into one it counts right; for the free-text fields the
  scorer compares fuzzily (content, beneficiary_linkage), when it brings the value nearer
  the gold (rapidfuzz ratio) without making it wrong.
- recall: of the fields the scorer counts wrong without correction, the share that
  correction made right.
Evaluation only: this script reads the gold; no pipeline code does.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import re
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import fields, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from extractors.document import extract  # noqa: E402
from extractors.errors import ExtractionError  # noqa: E402
from flows.ingest import DocResult, write_curated  # noqa: E402
from normalizers.records import normalize  # noqa: E402
from schemas.settings import Settings, SettingsError  # noqa: E402


def load_scorer(path: Path):
    spec = importlib.util.spec_from_file_location("score", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def gold_for(doc, gold_dir: Path) -> dict | None:
    for g in sorted(gold_dir.glob("*.gold.json")):
        data = json.loads(g.read_text(encoding="utf-8"))
        if data.get("plan_year") == doc.document.plan_year and data.get("program") == doc.document.program:
            return data
    return None


def match(projects, gold: dict, sc) -> dict[str, dict]:
    """project_id → gold project, by best name score (as the scorer matches)."""
    out, used = {}, set()
    for p in projects:
        best = max(((sc.name_score(g["name"], p.name), i) for i, g in enumerate(gold["projects"])
                    if i not in used), default=(0, None))
        if best[1] is not None and best[0] >= 60:
            used.add(best[1])
            out[p.project_id] = gold["projects"][best[1]]
    return out


def settings_with(overrides: list[str]) -> Settings:
    """Default settings with NAME=VALUE overrides, each value read as its default's type."""
    defaults = Settings()
    changed = {}
    for item in overrides:
        name, _, value = item.partition("=")
        if name not in {f.name for f in fields(Settings)}:
            raise ValueError(f"no setting named {name!r}")
        kind = type(getattr(defaults, name))
        changed[name] = value.lower() in ("1", "true", "yes") if kind is bool else kind(value)
    return replace(defaults, **changed)


def typed(field: str, text: str):
    if field.endswith("_wan"):
        try:
            return float(text)
        except ValueError:
            return text
    return text


def correction_right(sc, field: str, gold_value, original: str, corrected: str) -> bool:
    o, c = typed(field, original), typed(field, corrected)
    if field in sc.FUZZY_FIELDS:
        alts = gold_value["any"] if isinstance(gold_value, dict) else [gold_value]
        near = lambda v: max(sc.similarity(sc.canon(a) or "", sc.canon(v) or "") for a in alts)  # noqa: E731
        return near(c) > near(o) and sc.field_ok(field, gold_value, c)
    return sc.field_ok(field, gold_value, c) and not sc.field_ok(field, gold_value, o)


def measure(path: Path, gold_dir: Path, sc, out_root: Path, settings: Settings) -> dict:
    t0 = time.perf_counter()
    parts = extract(path, settings=settings)
    seconds = time.perf_counter() - t0
    fixed, raw = normalize(parts, settings), normalize(parts, replace(settings, correct=False))
    curated = out_root / path.stem
    write_curated([DocResult(str(path), doc=fixed, warnings=parts.warnings, sha256=parts.sha256)], str(curated))
    gold = gold_for(fixed, gold_dir)
    res = {"file": str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path), "pages": parts.page_count,
           "extract_s": round(seconds, 1), "text_source": parts.text_source, "curated": str(curated),
           "corrections": len(fixed.corrections)}
    if gold is None:
        return res
    gmap, graw = match(fixed.projects, gold, sc), match(raw.projects, gold, sc)
    right = sum(correction_right(sc, c.field, gmap[c.project_id][c.field], c.original, c.corrected)
                for c in fixed.corrections if c.project_id in gmap and c.field in gmap[c.project_id])
    fixed_of = {id(gmap[p.project_id]): p for p in fixed.projects if p.project_id in gmap}
    wrong = fixed_n = 0
    for p in raw.projects:
        g = graw.get(p.project_id)
        if g is None:
            continue
        q = fixed_of.get(id(g))
        for f in sc.PROJECT_FIELDS:
            if f in g and not sc.field_ok(f, g[f], getattr(p, f, None)):
                wrong += 1
                fixed_n += bool(q is not None and sc.field_ok(f, g[f], getattr(q, f, None)))
    res.update(right=right, precision=round(right / len(fixed.corrections), 3) if fixed.corrections else None,
               wrong_as_read=wrong, made_right=fixed_n, recall=round(fixed_n / wrong, 3) if wrong else None)
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--gold", type=Path, default=ROOT.parent / "shared" / "gold")
    ap.add_argument("--scorer", type=Path, default=ROOT.parent / "shared" / "eval" / "score.py")
    ap.add_argument("--out", type=Path, help="where the per-scan curated folders go (default: a temp dir)")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", dest="overrides",
                    help="a setting for this run, to compare (e.g. --set ocr_det_side=1600); repeatable")
    a = ap.parse_args(argv)
    try:
        settings = settings_with(a.overrides)
    except (ValueError, SettingsError) as exc:
        ap.error(f"--set: {exc}")
    files = a.files or sorted((ROOT / "raw" / "scans").glob("*.pdf"))
    sc = load_scorer(a.scorer)
    out_root = a.out or Path(tempfile.mkdtemp(prefix="aidplans-scans-"))
    for f in files:
        try:
            res = measure(f.resolve(), a.gold, sc, out_root, settings)
        except ExtractionError as exc:
            print(f"== {f}: {exc.line()}")
            continue
        line = subprocess.run([sys.executable, str(a.scorer), "--curated", res["curated"], "--gold", str(a.gold)],
                              capture_output=True, text=True).stdout.strip().splitlines()
        doc_line = next((ln for ln in line if re.match(r"^\S+\.gold\.json\s+\d+/\d+", ln)
                         and ln.split()[1] != "0/" + ln.split()[1].split("/")[1]), "")
        print(f"== {res['file']} ({res['pages']} pages, {res['text_source']}, extraction {res['extract_s']} s)")
        print(f"   {doc_line.strip()}")
        if doc_line:
            right, total = map(int, doc_line.split()[1].split("/"))
            print(f"   this document's field accuracy: {right / total:.3f} (the summary line below counts "
                  f"every gold plan, and this folder holds one)")
        print(f"   {next((ln for ln in line if ln.startswith('score:')), '')}")
        print(f"   corrections: {res['corrections']}", end="")
        if "precision" in res:
            print(f", right {res['right']} → precision {res['precision']}; fields wrong as read "
                  f"{res['wrong_as_read']}, made right {res['made_right']} → recall {res['recall']}")
        else:
            print(" (no gold for this plan)")
    print(f"curated folders under {out_root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
