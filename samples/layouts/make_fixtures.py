"""Write the committed layout fixtures: a fixed-seed subset of variants that spans every axis value.

    .venv/bin/python samples/layouts/make_fixtures.py [--seed 2] [--out tests/data/layouts] [--min 12]

Picks variants of the seed greedily (the one adding most not-yet-seen axis values first) until
every value of every axis appears, then renders them with their gold and axes, plus index.json.
Needs the generator tools: samples/install_generator_tools.sh.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import spec as S  # noqa: E402
import variants  # noqa: E402

ROOT = HERE.parent.parent
FIXTURE_SEED = 2
CANDIDATES = 120


def all_values() -> set[tuple[str, str]]:
    return {(a, v) for a, vs in S.AXES.items() for v in vs}


def cover(seed: int, minimum: int) -> list[S.PlanSpec]:
    """Greedy set cover of the axis values over the seed's first CANDIDATES specs, padded to `minimum`."""
    pool = [S.make_spec(seed, i) for i in range(CANDIDATES)]
    chosen: list[S.PlanSpec] = []
    missing = all_values()
    while missing:
        best = max(pool, key=lambda s: (len(missing & set(s.axes.items())), -s.index))
        gain = missing & set(best.axes.items())
        if not gain:
            raise SystemExit(f"make_fixtures: no variant of seed {seed} has {sorted(missing)}")
        chosen.append(best)
        pool.remove(best)
        missing -= gain
    for s in pool:
        if len(chosen) >= minimum:
            break
        chosen.append(s)
    return sorted(chosen, key=lambda s: s.index)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=FIXTURE_SEED)
    ap.add_argument("--out", type=Path, default=ROOT / "tests" / "data" / "layouts")
    ap.add_argument("--min", type=int, default=12, help="at least this many variants")
    a = ap.parse_args(argv)
    a.out.mkdir(parents=True, exist_ok=True)
    for old in a.out.glob("s*-*.*"):
        old.unlink()
    built = variants.build(cover(a.seed, a.min), a.out)
    seen = {(k, v) for b in built for k, v in b.spec.axes.items()}
    lacking = sorted(all_values() - seen)
    index = {b.spec.id: b.spec.axes for b in built}
    (a.out / "index.json").write_text(json.dumps(index, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for b in built:
        print(f"wrote {b.pdf.name} ({b.pdf.stat().st_size // 1024} KB) + gold + axes: {variants.short_axes(b.spec.axes)}")
    if lacking:   # the measured table_pages can differ from the intended one
        print(f"make_fixtures: axis values not covered after rendering: {lacking}")
        return 1
    print(f"{len(built)} variants cover all {len(all_values())} axis values -> {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
