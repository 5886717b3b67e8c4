"""One small exception class per way an input file can fail; each message names the file and what to do."""
from __future__ import annotations


class ExtractionError(Exception):
    """An input that cannot become a plan. `reason` is short; `advice` says what to try."""
    reason = "cannot be read"
    advice = "check the file"

    def __init__(self, path: str, detail: str = ""):
        self.path = str(path)
        self.detail = detail
        super().__init__(self.line())

    def line(self) -> str:
        extra = f" ({self.detail})" if self.detail else ""
        return f"{self.path}: {self.reason}{extra}; {self.advice}"


class EmptyFileError(ExtractionError):
    reason = "empty file (0 bytes)"
    advice = "the download or copy was cut short; fetch it again"


class NotAPdfError(ExtractionError):
    reason = "not a PDF"
    advice = "only PDF files are read; convert it or remove it from the input"


class CorruptPdfError(ExtractionError):
    reason = "corrupt or truncated PDF"
    advice = "fetch the file again, or repair it (e.g. qpdf --replace-input FILE)"


class EncryptedPdfError(ExtractionError):
    reason = "encrypted PDF (password required)"
    advice = "decrypt it first (qpdf --decrypt --password=… IN OUT) and run again"


class TooManyPagesError(ExtractionError):
    reason = "too many pages for a plan"
    advice = "split the file, or raise Settings.max_pages"


class NoPlanTableError(ExtractionError):
    reason = "no project plan table found"
    advice = "is this a 项目实施方案 with its 资金项目计划表? if its table has no ruling lines, report it"


class NotAPlanError(ExtractionError):
    reason = "not a recognisable plan"
    advice = "the title, year or program could not be read; check that this is a 项目实施方案"


class PageTooLargeError(ExtractionError):
    reason = "page too large to read"
    advice = ("check the page size (a scanner or converter setting?); if the page is real, raise "
              "max_page_pixels or lower min_ocr_dpi in schemas/settings.py")


class MemoryCeilingError(ExtractionError):
    reason = "reading it would exceed the memory ceiling"
    advice = ("no scanned plan holds images this large; if this one does, raise max_memory_mb in "
              "schemas/settings.py on a machine with the memory")


class OutOfMemoryError(ExtractionError):
    reason = "ran out of memory"
    advice = ("run it again alone (--workers 1), or lower max_memory_mb in schemas/settings.py so "
              "such files are refused up front")


class TimeBudgetError(ExtractionError):
    reason = "took longer than its time budget"
    advice = ("a scanned plan takes a few seconds a page; if this file is a long scan, raise "
              "max_seconds_per_file in schemas/settings.py")
