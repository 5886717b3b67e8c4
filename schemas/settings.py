"""Every tunable of the pipeline in one settings object, checked when made.

Defaults are named constants so a reader can see them; flows take a Settings and hand
it down, nothing reads configuration on its own.
"""
from __future__ import annotations

from dataclasses import dataclass

DEFAULT_HEADER_MATCH_MIN = 70.0        # rapidfuzz score for a table header to name a field
DEFAULT_ITEM_MATCH_MIN = 45.0          # name similarity for a narrative item and a table row to be one project
DEFAULT_MIN_SUBSEQUENCE_SHARE = 0.4    # shorter/longer length for "one reading abbreviates the other"
DEFAULT_AMOUNT_TOLERANCE = 0.005       # 万元: sums within this are equal
DEFAULT_MAX_PAGES = 500                # a larger PDF is refused: no plan is that long
DEFAULT_LINE_TOLERANCE = 3.0           # points: chars this close vertically share a line
DEFAULT_HTTP_CONNECT_TIMEOUT = 10.0     # seconds
DEFAULT_HTTP_READ_TIMEOUT = 60.0        # seconds between bytes
DEFAULT_MAX_DOWNLOAD_BYTES = 100 * 2**20   # a plan PDF is a few MB; refuse anything this large
DEFAULT_HTTP_RETRIES = 3                # further tries after a transient failure
DEFAULT_HTTP_BACKOFF = 2.0              # seconds, doubled after each try


class SettingsError(ValueError):
    """A setting is out of its range."""


@dataclass(frozen=True)
class Settings:
    header_match_min: float = DEFAULT_HEADER_MATCH_MIN
    item_match_min: float = DEFAULT_ITEM_MATCH_MIN
    min_subsequence_share: float = DEFAULT_MIN_SUBSEQUENCE_SHARE
    amount_tolerance: float = DEFAULT_AMOUNT_TOLERANCE
    max_pages: int = DEFAULT_MAX_PAGES
    line_tolerance: float = DEFAULT_LINE_TOLERANCE
    http_connect_timeout: float = DEFAULT_HTTP_CONNECT_TIMEOUT
    http_read_timeout: float = DEFAULT_HTTP_READ_TIMEOUT
    max_download_bytes: int = DEFAULT_MAX_DOWNLOAD_BYTES
    http_retries: int = DEFAULT_HTTP_RETRIES
    http_backoff: float = DEFAULT_HTTP_BACKOFF

    def __post_init__(self) -> None:
        for name in ("header_match_min", "item_match_min"):
            v = getattr(self, name)
            if not 0 <= v <= 100:
                raise SettingsError(f"{name} must be a rapidfuzz score from 0 to 100, got {v!r}")
        if not 0 < self.min_subsequence_share <= 1:
            raise SettingsError(f"min_subsequence_share must be in (0, 1], got {self.min_subsequence_share!r}")
        if self.amount_tolerance < 0:
            raise SettingsError(f"amount_tolerance must be >= 0, got {self.amount_tolerance!r}")
        if self.max_pages < 1:
            raise SettingsError(f"max_pages must be >= 1, got {self.max_pages!r}")
        for name in ("http_connect_timeout", "http_read_timeout"):
            if getattr(self, name) <= 0:
                raise SettingsError(f"{name} must be > 0 seconds, got {getattr(self, name)!r}")
        if self.max_download_bytes < 1024:
            raise SettingsError(f"max_download_bytes must be >= 1024, got {self.max_download_bytes!r}")
        if self.http_retries < 0 or self.http_backoff < 0:
            raise SettingsError(f"http_retries and http_backoff must be >= 0, got "
                                f"{self.http_retries!r}, {self.http_backoff!r}")
        if self.line_tolerance <= 0:
            raise SettingsError(f"line_tolerance must be > 0, got {self.line_tolerance!r}")
