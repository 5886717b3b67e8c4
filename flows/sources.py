"""The nightly run's sources file (TOML): local inbox directories and HTTP(S) listing pages.

    [[source]]
    name = "inbox"
    path = "raw/inbox"                 # a directory; relative to the sources file

    [[source]]
    name = "county-site"
    url = "https://example.gov.cn/plans/"   # a listing page whose PDF links are followed
    hosts = ["cdn.example.gov.cn"]          # other hosts its links may lead to (default: none)

The whole file is checked before anything is fetched; every problem is one line naming the
file, the source and the key.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, StrictStr, ValidationError

MAX_SOURCES_BYTES = 1 << 20     # a sources file is a few lines; anything this big is not one


class SourcesError(ValueError):
    """The sources file is missing or wrong; one line per problem, each naming the file, source and key."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Source:
    name: str
    path: Path | None = None
    url: str | None = None
    hosts: tuple[str, ...] = ()     # further hosts ("host" or "host:port") links may lead to


class _Entry(BaseModel):
    """One [[source]] table as written."""
    model_config = ConfigDict(extra="forbid")
    name: StrictStr
    path: StrictStr | None = None
    url: StrictStr | None = None
    hosts: list[StrictStr] = []


def load_sources(file: str | Path) -> list[Source]:
    """Every source in the file, or SourcesError listing every problem found."""
    file = Path(file)
    doc = _read_toml(file)
    entries = doc.get("source")
    lines = [f"{file}: unknown key {k!r} at the top; only [[source]] tables belong here"
             for k in doc if k != "source"]
    if not entries:
        raise SourcesError(lines + [f"{file}: no [[source]] entries; see the README's sources file section"])
    if not isinstance(entries, list):
        raise SourcesError(lines + [f"{file}: 'source' must be [[source]] tables (an array of tables), "
                                    f"got {_kind(entries)}"])
    out, names = [], set()
    for i, e in enumerate(entries, start=1):
        where = _where(file, i, e)
        if not isinstance(e, dict):
            lines.append(f"{where}: is {_kind(e)}, not a table; write [[source]] with name = …, and path = … or url = …")
            continue
        problems = _entry_problems(e)
        if e.get("name") in names:
            problems.append("name: used by an earlier source; give each source its own name")
        if problems:
            lines += [f"{where}: {p}" for p in problems]
            continue
        entry = _Entry.model_validate(e)
        names.add(entry.name)
        if entry.url is not None:
            out.append(Source(entry.name, url=entry.url, hosts=tuple(h.lower() for h in entry.hosts)))
        else:
            p = Path(entry.path)
            out.append(Source(entry.name, path=p if p.is_absolute() else file.parent / p))
    if lines:
        raise SourcesError(lines)
    return out


def _read_toml(file: Path) -> dict:
    if not file.exists():
        raise SourcesError([f"{file}: no such sources file; copy sources.toml from the project and edit it"])
    if not file.is_file():
        raise SourcesError([f"{file}: is a directory, not a sources file; name the .toml file (--sources FILE)"])
    try:
        data = file.read_bytes()[:MAX_SOURCES_BYTES + 1]
    except OSError as exc:
        raise SourcesError([f"{file}: cannot be read ({exc.strerror}); check the path and permissions"]) from exc
    if len(data) > MAX_SOURCES_BYTES:
        raise SourcesError([f"{file}: over {MAX_SOURCES_BYTES} bytes, not a sources file; name the .toml file"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourcesError([f"{file}: not UTF-8 text (a binary file?); save the sources file as UTF-8"]) from exc
    if "\x00" in text:
        raise SourcesError([f"{file}: contains NUL bytes (a binary file?); name the .toml sources file"])
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError([f"{file}: not valid TOML ({exc}); fix that line"]) from exc


def _where(file: Path, i: int, e) -> str:
    name = e.get("name") if isinstance(e, dict) else None
    return f"{file}: [[source]] {name!r}" if isinstance(name, str) and name else f"{file}: [[source]] #{i}"


def _kind(v) -> str:
    return {str: "text", int: "a number", float: "a number", bool: "true/false", list: "a list",
            dict: "a single table"}.get(type(v), type(v).__name__)


def _entry_problems(e: dict) -> list[str]:
    """What is wrong with one [[source]] table, one phrase per key."""
    try:
        entry = _Entry.model_validate(e)
    except ValidationError as exc:
        return [_pydantic_line(err) for err in exc.errors()]
    out = []
    if entry.name.strip() == "":
        out.append("name: is empty; give the source a short name")
    if (entry.path is None) == (entry.url is None):
        out.append("needs exactly one of path = \"DIR\" (an inbox) or url = \"https://…\" (a listing page)")
    if entry.url is not None:
        out += [f"url: {p}" for p in url_problems(entry.url)]
    if entry.path is not None and not entry.path.strip():
        out.append("path: is empty; name the inbox directory")
    if entry.hosts and entry.url is None:
        out.append("hosts: only a url source follows links to other hosts; remove it")
    out += [f"hosts: {h!r}: {p}" for h in entry.hosts for p in host_problems(h)]
    return out


def _pydantic_line(err: dict) -> str:
    key = ".".join(str(x) for x in err["loc"]) or "entry"
    if err["type"] == "missing":
        return f"{key}: missing; every source needs a name"
    if err["type"] == "extra_forbidden":
        return f"{key}: unknown key; a source takes name, path or url, and hosts"
    expected = "a list of host names in quotes" if key == "hosts" else "text in quotes"
    if key.startswith("hosts."):
        expected = "a host name in quotes"
    return f"{key}: must be {expected}, got {_kind(err['input'])} {err['input']!r}"


def url_problems(url: str) -> list[str]:
    """Why `url` cannot be a listing page's address (empty when it can)."""
    try:
        parts = urlsplit(url)
        parts.port
    except ValueError as exc:
        return [f"{url!r} is not a valid address ({exc})"]
    if parts.scheme not in ("http", "https"):
        return [f"must be http(s), got {url!r}"]
    if not parts.hostname:
        return [f"{url!r} names no host"]
    if any(c.isspace() for c in url):
        return [f"{url!r} contains white space; percent-encode it (%20)"]
    return []


def host_problems(host: str) -> list[str]:
    """Why `host` cannot be an entry of hosts = [...] ("host" or "host:port")."""
    if "/" in host or "@" in host or not host.strip():
        return ["write a host name or host:port, without scheme or path, e.g. \"cdn.example.gov.cn\""]
    if "*" in host:
        return ["wildcards are not followed; list each host"]
    try:
        parts = urlsplit(f"http://{host}/")
        parts.port
    except ValueError as exc:
        return [f"not a host ({exc})"]
    return [] if parts.hostname else ["not a host"]
