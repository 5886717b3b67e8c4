"""Same output before and after a change: canonical JSON of extract + normalize per PDF, and a diff.

    python benchmarks/same_output.py dump OUT_DIR [--scans] [--variants DIR] [--make-variants DIR] [--only TEXT]
    python benchmarks/same_output.py compare OLD_DIR NEW_DIR

`dump` writes one JSON file per PDF into OUT_DIR: the DocumentParts of extractors.document.extract
(pages, lines, metadata, narrative items, table rows, witnesses, warnings) and the
NormalizedDocument of normalizers.records.normalize (document, projects, corrections, provenance),
floats as repr (so a bbox that moves by 1e-12 shows), the pipeline version (a fingerprint of the
code, so it changes with any edit) written PIPELINE_VERSION. A PDF the pipeline rejects is dumped as its error line.
Files: raw/samples/*.pdf, the born-digital fixtures under tests/data (layouts/, layout_regressions/,
tests/data/*.pdf but bombs and scans), and with --variants DIR every PDF there; --scans adds
raw/scans/*.pdf and tests/data/scan_*.pdf (OCR: slow).
`--make-variants DIR` first writes 40 generated born-digital variants there (seeds 59 and 43, 20 each,
samples/layouts; needs samples/install_generator_tools.sh), once: run it before the change, reuse DIR
afterwards. `compare` prints every file that differs (with the first differing lines) and exits 1 if any.

Typical use (dump on main, change, dump again, compare):
    git stash; python benchmarks/same_output.py dump /tmp/old --make-variants /tmp/var --scans
    git stash pop; python benchmarks/same_output.py dump /tmp/new --variants /tmp/var --scans
    python benchmarks/same_output.py compare /tmp/old /tmp/new
"""
from __future__ import annotations

import argparse
import dataclasses
import difflib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VARIANT_SEEDS = ((59, 20), (43, 20))
NOT_BORN_DIGITAL = ("bomb_", "scan_", "slow_", "large_page")     # bombs and scans (OCR) of tests/data


def plain(obj):
    """Dataclasses, lists and dicts → JSON-ready values; floats as repr so no digit is lost."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        items = [plain(v) for v in obj]
        return sorted(items, key=repr) if isinstance(obj, (set, frozenset)) else items
    if hasattr(obj, "dtype") and hasattr(obj, "item"):      # a numpy scalar (OCR boxes, scores)
        return f"{obj.dtype}:{obj.item()!r}"
    if isinstance(obj, float):
        return repr(obj)
    return obj


def canonical(pdf: Path) -> dict:
    """Everything extract and normalize return for one PDF, or the error it raised."""
    from extractors.document import extract
    from extractors.errors import ExtractionError
    from normalizers.records import normalize
    try:
        parts = extract(pdf)
    except ExtractionError as exc:
        return {"error": f"{type(exc).__name__}: {exc}".replace(str(ROOT), "ROOT")}
    return {"parts": plain(parts), "normalized": plain(normalize(parts))}


def corpus(scans: bool, variants: Path | None) -> list[Path]:
    data = ROOT / "tests" / "data"
    files = sorted((ROOT / "raw" / "samples").glob("*.pdf"))
    files += sorted((data / "layouts").glob("*.pdf")) + sorted((data / "layout_regressions").glob("*.pdf"))
    files += [p for p in sorted(data.glob("*.pdf")) if not p.name.startswith(NOT_BORN_DIGITAL)]
    if variants:
        files += sorted(variants.glob("*.pdf"))
    if scans:
        files += sorted((ROOT / "raw" / "scans").glob("*.pdf")) + sorted(data.glob("scan_*.pdf"))
    return files


def make_variants(dest: Path) -> None:
    sys.path.insert(0, str(ROOT / "samples" / "layouts"))
    import variants
    specs = [s for seed, n in VARIANT_SEEDS for s in variants.pick(seed, n)]
    variants.build(specs, dest)


def key(pdf: Path) -> str:
    rel = pdf.resolve().relative_to(ROOT) if pdf.resolve().is_relative_to(ROOT) else Path("variants", pdf.name)
    return str(rel).replace("/", "__") + ".json"


def dump(out: Path, scans: bool, variants: Path | None, only: str = "") -> int:
    from schemas.version import pipeline_version
    out.mkdir(parents=True, exist_ok=True)
    files = [p for p in corpus(scans, variants) if only in p.name]
    for pdf in files:
        text = json.dumps(canonical(pdf), ensure_ascii=False, indent=1, sort_keys=True)
        text = text.replace(pipeline_version(), "PIPELINE_VERSION")
        (out / key(pdf)).write_text(text.replace(str(ROOT), "ROOT").replace(str(pdf.parent), "DIR") + "\n",
                                    encoding="utf-8")
        print(f"dumped {pdf.name}", flush=True)
    print(f"{len(files)} files dumped into {out}")
    return 0


def compare(old: Path, new: Path) -> int:
    names = sorted({p.name for p in old.glob("*.json")} | {p.name for p in new.glob("*.json")})
    bad, alone = 0, []
    for name in names:
        a, b = old / name, new / name
        if not (a.exists() and b.exists()):
            alone.append(f"{name}: only in {old if a.exists() else new}")
            continue
        if a.read_bytes() != b.read_bytes():
            bad += 1
            diff = list(difflib.unified_diff(a.read_text(encoding="utf-8").splitlines(),
                                             b.read_text(encoding="utf-8").splitlines(), lineterm="", n=1))
            print(f"{name}: differs ({sum(1 for d in diff if d[:1] in '+-') - 2} changed lines)")
            print("\n".join(diff[:20]))
    print("\n".join(alone))
    print(f"{len(names) - len(alone) - bad} of {len(names) - len(alone)} files dumped in both identical"
          f"{f'; {len(alone)} dumped in one folder only (listed above)' if alone else ''}")
    return 1 if bad or alone else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out", type=Path)
    d.add_argument("--scans", action="store_true", help="also raw/scans/*.pdf (OCR, slow)")
    d.add_argument("--variants", type=Path, help="also every PDF in this folder")
    d.add_argument("--make-variants", type=Path, help="first generate 40 born-digital variants here")
    d.add_argument("--only", default="", help="only the PDFs whose file name contains this")
    c = sub.add_parser("compare")
    c.add_argument("old", type=Path)
    c.add_argument("new", type=Path)
    a = ap.parse_args(argv)
    if a.cmd == "compare":
        return compare(a.old, a.new)
    if a.make_variants:
        make_variants(a.make_variants)
    return dump(a.out, a.scans, a.make_variants or a.variants, a.only)


if __name__ == "__main__":
    sys.exit(main())
