"""HTTP(S) listing pages → their PDF links → new documents, politely and safely.

Timeouts on connect and read, a size limit enforced while streaming, retries with
exponential backoff for transient failures only (timeouts, connection errors, 5xx, 429),
conditional requests (If-None-Match / If-Modified-Since) for known URLs. Nothing is ever
written under a name taken from a URL or a header: raw/ stores content by its hash.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

import httpx

from schemas.settings import Settings


class FetchError(Exception):
    """A URL that gave no document; `reason` is short, the message names the URL."""
    reason = "failed"
    transient = False

    def __init__(self, url: str, detail: str = ""):
        self.url = url
        super().__init__(f"{url}: {self.reason}{f' ({detail})' if detail else ''}")


class HttpStatusError(FetchError):
    reason = "HTTP error"


class TransientError(FetchError):
    reason = "gave up after retries"
    transient = True


class TooLargeError(FetchError):
    reason = "larger than max_download_bytes; raise Settings.max_download_bytes if it is a real plan"


class NotPdfError(FetchError):
    reason = "not a PDF"


@dataclass
class Download:
    url: str
    data: bytes | None            # None: not modified since last time
    etag: str | None
    last_modified: str | None


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs += [v for k, v in attrs if k == "href" and v]


def client(settings: Settings) -> httpx.Client:
    timeout = httpx.Timeout(settings.http_read_timeout, connect=settings.http_connect_timeout)
    return httpx.Client(timeout=timeout, follow_redirects=True, headers={"User-Agent": "aidplans/0.1"})


def _with_retries(url: str, settings: Settings, fn):
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
        if attempt < settings.http_retries:
            time.sleep(delay)
            delay *= 2
    raise TransientError(url, f"{settings.http_retries + 1} tries, last: {last}")


def _check_status(url: str, r: httpx.Response) -> None:
    if r.status_code >= 400:
        err = HttpStatusError(url, f"{r.status_code} {r.reason_phrase}")
        err.transient = r.status_code >= 500 or r.status_code == 429
        raise err


def pdf_links(http: httpx.Client, url: str, settings: Settings) -> list[str]:
    """Absolute http(s) links ending in .pdf on a listing page, in page order, once each."""
    def get():
        r = http.get(url)
        _check_status(url, r)
        return r
    r = _with_retries(url, settings, get)
    parser = _Links()
    parser.feed(r.text)
    out = []
    for href in parser.hrefs:
        absolute = urljoin(str(r.url), href.strip())
        p = urlparse(absolute)
        if p.scheme in ("http", "https") and p.path.lower().endswith(".pdf"):
            out.append(absolute.split("#")[0])
    return list(dict.fromkeys(out))


def download(http: httpx.Client, url: str, settings: Settings, etag: str | None = None,
             last_modified: str | None = None) -> Download:
    """The PDF at `url`, or data=None when the server says it has not changed."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified

    def get() -> Download:
        with http.stream("GET", url, headers=headers) as r:
            if r.status_code == 304:
                return Download(url, None, etag, last_modified)
            _check_status(url, r)
            declared = int(r.headers.get("Content-Length") or 0)
            if declared > settings.max_download_bytes:
                raise TooLargeError(url, f"{declared} bytes declared")
            chunks, size = [], 0
            for chunk in r.iter_bytes():
                size += len(chunk)
                if size > settings.max_download_bytes:
                    raise TooLargeError(url, f"over {settings.max_download_bytes} bytes")
                chunks.append(chunk)
            data = b"".join(chunks)
            if b"%PDF-" not in data[:1024]:
                raise NotPdfError(url, f"Content-Type {r.headers.get('Content-Type', '?')}")
            return Download(url, data, r.headers.get("ETag"), r.headers.get("Last-Modified"))
    return _with_retries(url, settings, get)
