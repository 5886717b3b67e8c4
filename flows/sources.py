"""The nightly run's sources file (TOML): local inbox directories and HTTP(S) listing pages.

    [[source]]
    name = "inbox"
    path = "raw/inbox"                 # a directory; relative to the sources file

    [[source]]
    name = "county-site"
    url = "https://example.gov.cn/plans/"   # a listing page whose PDF links are followed
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse


class SourcesError(ValueError):
    """The sources file is missing or wrong; the message names the file and the entry."""


@dataclass(frozen=True)
class Source:
    name: str
    path: Path | None = None
    url: str | None = None


def load_sources(file: Path) -> list[Source]:
    file = Path(file)
    if not file.exists():
        raise SourcesError(f"{file}: no such sources file; copy sources.toml from the project and edit it")
    try:
        doc = tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"{file}: not valid TOML ({exc})") from exc
    entries = doc.get("source", [])
    if not isinstance(entries, list) or not entries:
        raise SourcesError(f"{file}: no [[source]] entries")
    out = []
    for i, e in enumerate(entries, start=1):
        name = e.get("name") or f"source {i}"
        if ("path" in e) == ("url" in e):
            raise SourcesError(f"{file}: [[source]] {name!r} needs exactly one of path = … or url = …")
        if "url" in e:
            if urlparse(e["url"]).scheme not in ("http", "https"):
                raise SourcesError(f"{file}: [[source]] {name!r}: url must be http(s), got {e['url']!r}")
            out.append(Source(name, url=e["url"]))
        else:
            p = Path(e["path"])
            out.append(Source(name, path=p if p.is_absolute() else (file.parent / p)))
    return out
