"""File checks before any page is read: empty, not a PDF, encrypted, corrupt, too long.

Each refusal is one ExtractionError naming the file, the reason and what to do.
"""
from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium

from extractors.errors import CorruptPdfError, EmptyFileError, EncryptedPdfError, NotAPdfError, TooManyPagesError
from extractors.pdfpages import PDFIUM_LOCK
from schemas.settings import Settings


def check_pdf(path: Path, data: bytes, settings: Settings) -> int:
    """Refuse what is not a readable, unencrypted PDF; return its page count."""
    if not data:
        raise EmptyFileError(str(path))
    if b"%PDF-" not in data[:1024]:
        raise NotAPdfError(str(path), f"starts with {data[:8]!r}")
    try:
        with PDFIUM_LOCK:
            doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise EncryptedPdfError(str(path)) from exc
        raise CorruptPdfError(str(path), msg) from exc
    with PDFIUM_LOCK:
        n = len(doc)
        doc.close()
    if n == 0:
        raise CorruptPdfError(str(path), "no pages")
    if n > settings.max_pages:
        raise TooManyPagesError(str(path), f"{n} pages > max_pages={settings.max_pages}")
    if b"/Encrypt" in data[-4096:] or b"/Encrypt" in data[:4096]:
        raise EncryptedPdfError(str(path), "encrypted even without a user password")
    return n
