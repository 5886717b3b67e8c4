"""Seeded scan axes: how a generated born-digital plan is scanned (resolution, colour, damage, text layer).

A scan variant `k<seed>-<index>` scans the layout variant `s<seed>-<index>` (samples/layouts) and
keeps its gold. Scan axes rotate in balanced blocks, independently of the layout axes and of each
other (own shuffle keys), so any run of a few consecutive variants shows every value. The same
(seed, index) always gives the same ScanSpec, and the ScanSpec fixes every random draw.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

SCAN_AXES: dict[str, list[str]] = {
    "dpi": ["150", "200", "300"],
    "colour": ["colour", "grey", "bw"],          # bw: 1-bit, stored losslessly (no JPEG)
    "jpeg": ["30-45", "46-70", "71-90"],         # quality; ignored (recorded as "none") for 1-bit pages
    "blur": ["none", "light", "heavy"],
    "noise": ["low", "high"],
    "paper": ["white", "uneven", "bleed"],       # uneven: grey paper lit unevenly; bleed: the next page shows through
    "tilt": ["none", "small", "large"],          # |angle| < 0.2°, 0.3-1.2°, 1.5-3°
    "turn": ["0", "90", "180", "270"],           # one page fed turned (degrees counter-clockwise)
    "seal": ["none", "caption", "table"],        # red seal over 填报单位（盖章） / over the first rows of the table
    "rules": ["intact", "faint", "broken"],      # ruling lines of the table as printed
    "layer": ["none", "rapidocr", "ocrmypdf", "ocrmypdf_fix"],   # _fix: --deskew --rotate-pages
}
TILT = {"none": (0.0, 0.2), "small": (0.3, 1.2), "large": (1.5, 3.0)}
BLUR_PX_AT_200 = {"none": 0.0, "light": 0.6, "heavy": 1.1}      # Gaussian radius at 200 dpi
NOISE_SIGMA = {"low": 3.0, "high": 9.0}


@dataclass
class ScanSpec:
    id: str                      # k<seed>-<index>
    base: str                    # the layout variant scanned: s<seed>-<index>
    seed: int
    index: int
    axes: dict[str, str]
    quality: int                 # JPEG quality drawn from the jpeg bucket
    page_seed: int               # seeds every per-page draw (tilt angles, noise, turned page)
    extra: dict = field(default_factory=dict)


def scan_axis_values(seed: int, index: int) -> dict[str, str]:
    """Balanced rotation, as samples/layouts/spec.py does for the layout axes (own keys: independent)."""
    out = {}
    for axis, values in SCAN_AXES.items():
        block = index // len(values)
        order = list(values)
        random.Random(f"scan:{seed}:{axis}:{block}").shuffle(order)
        out[axis] = order[index % len(values)]
    if out["colour"] == "bw":
        out["jpeg"] = "none"
    return out


def scan_id(seed: int, index: int) -> str:
    return f"k{seed}-{index:03d}"


def parse_scan_id(vid: str) -> tuple[int, int]:
    m = re.fullmatch(r"k(\d+)-(\d+)", vid)
    if not m:
        raise ValueError(f"scan variant id {vid!r} is not like k1-007 (seed 1, index 7)")
    return int(m.group(1)), int(m.group(2))


def make_scan_spec(seed: int, index: int) -> ScanSpec:
    axes = scan_axis_values(seed, index)
    rng = random.Random(f"scan:{seed}:{index}:draws")
    lo, hi = (30, 45) if axes["jpeg"] == "30-45" else (46, 70) if axes["jpeg"] == "46-70" else (71, 90)
    quality = rng.randint(lo, hi)
    return ScanSpec(scan_id(seed, index), f"s{seed}-{index:03d}", seed, index, axes, quality,
                    rng.randrange(2 ** 31))
