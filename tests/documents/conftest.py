"""Helpers of the document tests: the text of a PDF as a reader would copy it."""

from __future__ import annotations

import io
import unicodedata

from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    """The PDF's text, NFC, with runs of spaces as one (line breaks kept)."""
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    text = unicodedata.normalize("NFC", text)
    return "\n".join(" ".join(line.split()) for line in text.splitlines())


def squeezed(text: str) -> str:
    """`text` without any whitespace: a phrase of a PDF reads the same wherever its lines break."""
    return "".join(unicodedata.normalize("NFC", text).split())
