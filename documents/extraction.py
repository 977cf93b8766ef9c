"""A directive's text from the files it was registered with: .txt, .docx, or a PDF with a text
layer.

The register form and the edit page both call `text_from_uploads`. A file that is dangerous or
unreadable (a zip bomb, a text in an unknown encoding) refuses the form with a message; a PDF
without a text layer (a scan) is not an error: the directive is registered with the file
attached, and the person is told to type or paste the text on the edit page.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from breakdown.readers import BreakdownInputError, decode_text, read_docx_bytes

READABLE_SUFFIXES = (".txt", ".docx", ".pdf")
MAX_PDF_PAGES = 300  # a directive is a few pages; past this it is not read (bounded work)


@dataclass
class Extracted:
    """What the uploads gave: the text (may be empty), the file it came from, and notices for
    files that gave nothing (not errors: the directive can still be registered)."""

    text: str = ""
    source: str = ""
    notices: list[str] = field(default_factory=list)


class ExtractionRefused(Exception):
    """A file that must not be kept as the directive's source; the message is for people."""


def read_pdf_bytes(data: bytes, name: str) -> str:
    """The text layer of an uploaded PDF ("" for a scan)."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if len(reader.pages) > MAX_PDF_PAGES:
            return ""
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as error:
        # A damaged PDF fails in many ways inside pypdf; to the user it is one problem.
        raise ExtractionRefused(
            _("“%(name)s” is not a readable PDF file.") % {"name": name}
        ) from error
    return "\n".join(pages)


def _text_of(upload: UploadedFile) -> str:
    suffix = PurePath(upload.name).suffix.lower()
    raw = upload.read()
    upload.seek(0)
    try:
        if suffix == ".txt":
            return decode_text(raw, upload.name)
        if suffix == ".docx":
            limit = settings.DOCX_MAX_UNCOMPRESSED_MB * 1024 * 1024
            return read_docx_bytes(raw, upload.name, max_uncompressed=limit)
    except BreakdownInputError as error:
        raise ExtractionRefused(str(error)) from error
    return read_pdf_bytes(raw, upload.name)


def text_from_uploads(uploads: list[UploadedFile]) -> Extracted:
    """The first readable text among the uploads (in the order they were chosen)."""
    result = Extracted()
    limit = settings.DIRECTIVE_TEXT_MAX_CHARS
    for upload in uploads:
        if PurePath(upload.name).suffix.lower() not in READABLE_SUFFIXES:
            continue
        text = _text_of(upload)
        if len(text) > limit:
            raise ExtractionRefused(
                _("“%(name)s” holds more than %(limit)s characters of text.")
                % {"name": upload.name, "limit": intcomma(limit)}
            )
        if text.strip():
            result.text, result.source = text, upload.name
            return result
        result.notices.append(
            _(
                "No text could be read from “%(name)s” (a scan?). The file is kept; type or "
                "paste the text on the directive's edit page."
            )
            % {"name": upload.name}
        )
    return result
