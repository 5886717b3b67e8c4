"""HTTP(S) listing pages → their PDF links → new documents, politely and safely.

Every request stays inside its source's scope (the listing's own scheme, host and port, plus
the hosts the source lists); redirects are followed by hand so each hop is checked. Timeouts
on connect and read, one overall deadline per download, size limits enforced while streaming
(documents and listing pages), retries with exponential backoff for transient failures only
(timeouts, connection errors, 5xx, 429), conditional requests (If-None-Match /
If-Modified-Since) for known URLs. Nothing is ever written under a name taken from a URL or
a header: raw/ stores content by its hash.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx

from schemas.settings import Settings

DEFAULT_PORTS = {"http": 80, "https": 443}
REDIRECTS = (301, 302, 303, 307, 308)


class FetchError(Exception):
    """A URL that gave no document: the message names the URL, the reason, the detail, and what to do."""
    reason = "failed"
    advice = ""
    transient = False

    def __init__(self, url: str, detail: str = ""):
        self.url = url
        super().__init__(shown(f"{url}: {self.reason}{f' ({detail})' if detail else ''}"
                               f"{f'; {self.advice}' if self.advice else ''}"))


def shown(text: str) -> str:
    """Text from a server (links, headers) safe to print: control and bidi characters as escapes."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class HttpStatusError(FetchError):
    reason = "HTTP error"


class TransientError(FetchError):
    reason = "gave up after retries"
    transient = True


class TooLargeError(FetchError):
    reason = "larger than max_download_bytes"
    advice = "raise Settings.max_download_bytes if it is a real plan"


class ListingTooLargeError(FetchError):
    reason = "listing page larger than max_listing_bytes"
    advice = "check the address, or raise Settings.max_listing_bytes"


class NotPdfError(FetchError):
    reason = "not a PDF"


class OffHostError(FetchError):
    reason = "refused: off the listing's host"
    advice = "if that host is trusted, add it to the source's hosts = [...] in the sources file"


class NotHttpError(FetchError):
    reason = "refused: not an http(s) address"


class RedirectLoopError(FetchError):
    reason = "redirect loop"


class TooManyRedirectsError(FetchError):
    reason = "too many redirects (more than Settings.http_max_redirects)"


class BadRedirectError(FetchError):
    reason = "redirect without a usable Location"


class BadAddressError(FetchError):
    reason = "not a usable address"


class DeadlineError(FetchError):
    reason = "not finished within Settings.http_deadline"
    advice = "raise it if the server is only slow"


class BadResponseError(FetchError):
    reason = "unreadable response"


@dataclass
class Download:
    url: str
    data: bytes | None            # None: not modified since last time
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class Scope:
    """Where one source's requests may go: its listing's origin and the extra hosts it names."""
    origin: tuple[str, str, int]
    hosts: tuple[tuple[str, int | None], ...] = ()     # (host, port or None for the default ports)


def scope_of(listing_url: str, hosts: tuple[str, ...] = ()) -> Scope:
    """The scope of a source (url and hosts already checked by flows.sources)."""
    extra = []
    for h in hosts:
        p = urlsplit(f"http://{h}/")
        extra.append((p.hostname or "", p.port))
    return Scope(origin(listing_url), tuple(extra))


def origin(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL, the port made explicit."""
    p = urlsplit(url)
    return p.scheme.lower(), (p.hostname or "").lower(), p.port or DEFAULT_PORTS.get(p.scheme.lower(), 0)


def check_address(url: str, scope: Scope, asked: str) -> None:
    """Raise unless `url` (reached while fetching `asked`) is an http(s) address inside the scope."""
    try:
        scheme, host, port = origin(url)
    except ValueError as exc:
        raise BadAddressError(asked, f"{url!r}: {exc}") from exc
    where = "" if url == asked else f"redirected to {url}"
    if scheme not in DEFAULT_PORTS:
        raise NotHttpError(asked, where or url)
    if (scheme, host, port) == scope.origin:
        return
    for h, p in scope.hosts:
        if host == h and (port == p if p is not None else port == DEFAULT_PORTS[scheme]):
            return
    listing = f"{scope.origin[0]}://{scope.origin[1]}:{scope.origin[2]}"
    raise OffHostError(asked, f"{where + '; ' if where else ''}listing is {listing}")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs += [v for k, v in attrs if k == "href" and v]


def client(settings: Settings) -> httpx.Client:
    """An HTTP client that follows no redirect by itself (each hop is checked here)."""
    timeout = httpx.Timeout(settings.http_read_timeout, connect=settings.http_connect_timeout)
    return httpx.Client(timeout=timeout, follow_redirects=False, headers={"User-Agent": "aidplans/0.1"})


def _timeout(settings: Settings, deadline: float, url: str) -> httpx.Timeout:
    left = deadline - time.monotonic()
    if left <= 0:
        raise DeadlineError(url, f"{settings.http_deadline:g} s")
    return httpx.Timeout(min(settings.http_read_timeout, left), connect=min(settings.http_connect_timeout, left))


def _with_retries(url: str, settings: Settings, deadline: float, fn):
    """fn() retried with backoff on transient failures, never past the deadline."""
    delay = settings.http_backoff
    for attempt in range(settings.http_retries + 1):
        try:
            return fn()
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            last = f"{type(exc).__name__}"
        except HttpStatusError as exc:
            if not exc.transient:
                raise
            last = str(exc)
        except httpx.HTTPError as exc:          # undecodable content and the like: another try reads the same
            raise BadResponseError(url, type(exc).__name__) from exc
        if time.monotonic() + (delay if attempt < settings.http_retries else 0) >= deadline:
            raise DeadlineError(url, f"{settings.http_deadline:g} s; last: {last}")
        if attempt < settings.http_retries:
            time.sleep(delay)
            delay *= 2
    raise TransientError(url, f"{settings.http_retries + 1} tries, last: {last}")


def _check_status(url: str, r: httpx.Response) -> None:
    if r.status_code >= 400:
        err = HttpStatusError(url, f"{r.status_code} {r.reason_phrase}")
        err.transient = r.status_code >= 500 or r.status_code == 429
        raise err


def _get(http: httpx.Client, url: str, scope: Scope, settings: Settings, deadline: float,
         read, headers: dict | None = None):
    """GET `url`, following redirects by hand (each hop checked), and return read(response, final_url)."""
    current, seen = url, {url}
    for _ in range(settings.http_max_redirects + 1):
        check_address(current, scope, url)
        try:
            with http.stream("GET", current, headers=headers, timeout=_timeout(settings, deadline, url)) as r:
                if r.status_code not in REDIRECTS:
                    return read(r, current)
                location = r.headers.get("Location", "").strip()
        except httpx.RemoteProtocolError as exc:     # httpx checks a Location itself, even when not following
            if "location header" in str(exc).lower():
                raise BadRedirectError(url, str(exc).rstrip(".")) from exc
            raise
        except httpx.InvalidURL as exc:              # e.g. a control character in a link
            raise BadAddressError(url, str(exc).rstrip(".")) from exc
        if not location:
            raise BadRedirectError(url, f"{r.status_code} from {current}")
        try:
            joined = urljoin(current, location).split("#")[0]
            httpx.URL(joined)
        except (httpx.InvalidURL, ValueError) as exc:
            raise BadRedirectError(url, f"{location!r}: {exc}") from exc
        current = joined
        if current in seen:
            raise RedirectLoopError(url, f"back to {current}")
        seen.add(current)
    raise TooManyRedirectsError(url, f"{settings.http_max_redirects} followed")


def _read_capped(r: httpx.Response, url: str, limit: int, too_large: type[FetchError], deadline: float,
                 settings: Settings) -> bytes:
    """The body, refused as soon as it passes `limit` bytes or the deadline."""
    declared = r.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large(url, f"{declared} bytes declared")
    chunks, size = [], 0
    for chunk in r.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise too_large(url, f"over {limit} bytes")
        if time.monotonic() > deadline:
            raise DeadlineError(url, f"{settings.http_deadline:g} s, {size} bytes read")
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(body: bytes, content_type: str) -> str:
    """A listing page's text: the charset its header or <meta> names (GBK pages are common), else UTF-8."""
    m = re.search(r"charset=[\"']?([\w-]+)", content_type, re.I) or \
        re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", body[:4096], re.I)
    charset = m.group(1) if m else "utf-8"
    charset = charset.decode("ascii", "replace") if isinstance(charset, bytes) else charset
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def pdf_links(http: httpx.Client, url: str, scope: Scope, settings: Settings) -> list[str]:
    """Absolute http(s) links ending in .pdf on a listing page, in page order, once each.

    Links to other hosts are returned too: `download` refuses them with a line naming them."""
    deadline = time.monotonic() + settings.http_deadline

    def read(r: httpx.Response, final: str) -> tuple[str, str]:
        _check_status(url, r)
        body = _read_capped(r, url, settings.max_listing_bytes, ListingTooLargeError, deadline, settings)
        return final, _decode(body, r.headers.get("Content-Type", ""))
    final, text = _with_retries(url, settings, deadline, lambda: _get(http, url, scope, settings, deadline, read))
    parser = _Links()
    parser.feed(text)
    out = []
    for href in parser.hrefs:
        try:
            absolute = urljoin(final, href.strip())
            p = urlsplit(absolute)
        except ValueError:
            continue                         # a malformed link is no document
        if p.scheme in DEFAULT_PORTS and p.path.lower().endswith(".pdf"):
            out.append(absolute.split("#")[0])
    return list(dict.fromkeys(out))


def download(http: httpx.Client, url: str, scope: Scope, settings: Settings, etag: str | None = None,
             last_modified: str | None = None) -> Download:
    """The PDF at `url`, or data=None when the server says it has not changed."""
    deadline = time.monotonic() + settings.http_deadline
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified

    def read(r: httpx.Response, final: str) -> Download:
        if r.status_code == 304:
            return Download(url, None, etag, last_modified)
        _check_status(url, r)
        data = _read_capped(r, url, settings.max_download_bytes, TooLargeError, deadline, settings)
        if b"%PDF-" not in data[:1024]:
            raise NotPdfError(url, f"Content-Type {r.headers.get('Content-Type', '?')}")
        return Download(url, data, r.headers.get("ETag"), r.headers.get("Last-Modified"))
    return _with_retries(url, settings, deadline, lambda: _get(http, url, scope, settings, deadline, read, headers))
