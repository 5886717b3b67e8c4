"""The pipeline's version as written into every row: release + a fingerprint of the code and data.

Any change to extractors/, normalizers/ (with its gazetteers) or schemas/ gives a new
version, so cached task results and 'already curated' checks never outlive the code
that produced them.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

RELEASE = "0.1.0"
_STAGES = ("extractors", "normalizers", "schemas")


@lru_cache(maxsize=1)
def pipeline_version() -> str:
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha1()
    for stage in _STAGES:
        for f in sorted((root / stage).rglob("*")):
            if f.suffix in (".py", ".csv") and "__pycache__" not in f.parts:
                h.update(f.relative_to(root).as_posix().encode())
                h.update(f.read_bytes())
    return f"{RELEASE}+{h.hexdigest()[:10]}"
