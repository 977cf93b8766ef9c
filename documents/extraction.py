"""A directive's text from a file: a PDF's text layer (OCR for pages without one), a .docx, an
old Word .doc (antiword, or LibreOffice's converter, where installed), a scanned image (OCR), or
a text file. The one reader for every way a directive comes in: the register form and its edit
page (`text_from_uploads`), and the e-government import (egov.intake, through `read_file`).

A file that is dangerous or unreadable (a zip bomb, a text in an unknown encoding, a broken
PDF) raises ExtractionRefused with a message. A file that gives no text because a program is
missing here or a scan could not be read is not an error: `note` says why, the directive is
registered with the file attached, and the office types or pastes the text.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from breakdown.readers import BreakdownInputError, decode_text, read_docx_bytes

from . import ocr

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff")
# In the order the register form tries them: a text layer is exact and cheap (a PDF's scanned
# pages aside); a .doc needs a program; OCR of an image is slow and a guess.
SUFFIX_GROUPS = ((".txt", ".docx", ".pdf"), (".doc",), IMAGE_SUFFIXES)
TEXT_SUFFIXES = tuple(suffix for group in SUFFIX_GROUPS for suffix in group)
MAX_PDF_PAGES = 300  # a directive is a few pages; past this it is not read (bounded work)
MIN_PAGE_CHARS = 20  # a page with less text than this is a scan (or a stamp on one)
CONVERT_TIMEOUT_SECONDS = 60


class TextOrigin(models.TextChoices):
    TYPED = "typed", gettext_lazy("typed or pasted")
    PACKAGE = "package", gettext_lazy("the package's summary (Content)")
    PDF = "pdf", gettext_lazy("the PDF's text layer")
    DOCX = "docx", gettext_lazy("the Word file")
    DOC = "doc", gettext_lazy("the Word 97-2003 file")
    TEXT = "text", gettext_lazy("the text file")
    OCR = "ocr", gettext_lazy("OCR of the scan")
    NONE = "none", gettext_lazy("no text could be read")


@dataclass
class Extracted:
    """What one file gave: its text (may be empty), where the text came from, why some or all
    of it could not be read (for people), and how many pages OCR read."""

    text: str
    origin: str
    note: str = ""
    ocr_pages: int = 0


class ExtractionRefused(Exception):
    """A file that must not be kept as the directive's source; the message is for people."""


def read_file(name: str, data: bytes) -> Extracted:
    """The text of one file, by its name's suffix. ExtractionRefused for a dangerous or broken
    file; a note (never an exception) for what this server cannot read."""
    suffix = PurePath(name).suffix.lower()
    try:
        if suffix == ".pdf":
            return _pdf(name, data)
        if suffix == ".docx":
            limit = settings.DOCX_MAX_UNCOMPRESSED_MB * 1024 * 1024
            return Extracted(read_docx_bytes(data, name, max_uncompressed=limit), TextOrigin.DOCX)
        if suffix == ".doc":
            return _doc(name, data)
        if suffix == ".txt":
            return Extracted(decode_text(data, name), TextOrigin.TEXT)
        if suffix in IMAGE_SUFFIXES:
            return _image(name, data)
    except BreakdownInputError as error:
        raise ExtractionRefused(str(error)) from error
    except ocr.OcrError as error:
        return Extracted("", TextOrigin.NONE, str(error))
    return Extracted(
        "", TextOrigin.NONE, _("No text is read from “%(name)s” files.") % {"name": suffix}
    )


def _pdf(name: str, data: bytes) -> Extracted:
    try:
        reader = PdfReader(io.BytesIO(data))
        if len(reader.pages) > MAX_PDF_PAGES:
            return Extracted("", TextOrigin.NONE)
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as error:
        # A damaged PDF fails in many ways inside pypdf; to the user it is one problem.
        raise ExtractionRefused(
            _("“%(name)s” is not a readable PDF file.") % {"name": name}
        ) from error
    scanned = [i for i, text in enumerate(pages) if len(text.strip()) < MIN_PAGE_CHARS]
    if not scanned:
        return Extracted("\n".join(pages), TextOrigin.PDF)
    missing = ocr.unavailable()
    if missing:
        text = "\n".join(pages) if len(scanned) < len(pages) else ""
        return Extracted(text, TextOrigin.PDF if text.strip() else TextOrigin.NONE, missing)
    read = ocr.read_pdf_pages(data, scanned)
    note = ""
    if len(read) < len(scanned):
        note = _(
            "Only %(read)s of the %(count)s scanned pages were read (the time or page limit for "
            "OCR was reached): type or paste the rest."
        ) % {"read": len(read), "count": len(scanned)}
    text = "\n".join(read.get(i, pages[i]) for i in range(len(pages)))
    return Extracted(text, TextOrigin.OCR, note, ocr_pages=len(read))


def _image(name: str, data: bytes) -> Extracted:
    missing = ocr.unavailable()
    if missing:
        return Extracted("", TextOrigin.NONE, missing)
    pages = ocr.read_image_bytes(data, name)
    return Extracted("\n".join(pages), TextOrigin.OCR, ocr_pages=len(pages))


def doc_reader() -> list[str] | None:
    """The command that turns a .doc into text here, or None."""
    antiword = shutil.which("antiword")
    if antiword:
        return [antiword, "-m", "UTF-8.txt", "-w", "0"]
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office:
        return [office, "--headless", "--convert-to", "txt:Text (encoded):UTF8", "--outdir"]
    return None


def _doc_unreadable() -> str:
    return _(
        "Word 97-2003 (.doc) files cannot be read on this server (install antiword or "
        "LibreOffice); the file is kept. Save it as .docx or paste the text."
    )


def cannot_read_here() -> list[str]:
    """What this server cannot read from a file, said before the office uploads one rather than
    after (OCR and .doc readers are optional programs)."""
    return [
        reason
        for reason in (ocr.unavailable(), "" if doc_reader() else _doc_unreadable())
        if reason
    ]


def _doc(name: str, data: bytes) -> Extracted:
    command = doc_reader()
    if command is None:
        return Extracted("", TextOrigin.NONE, _doc_unreadable())
    with tempfile.TemporaryDirectory(prefix="dondoc-doc-") as folder:
        source = Path(folder) / "van-ban.doc"
        source.write_bytes(data)
        try:
            if "--outdir" in command:
                subprocess.run(
                    [*command, folder, str(source)],
                    capture_output=True,
                    timeout=CONVERT_TIMEOUT_SECONDS,
                    check=True,
                )
                raw = (Path(folder) / "van-ban.txt").read_bytes()
            else:
                raw = subprocess.run(
                    [*command, str(source)],
                    capture_output=True,
                    timeout=CONVERT_TIMEOUT_SECONDS,
                    check=True,
                ).stdout
        except (subprocess.SubprocessError, OSError):
            return Extracted(
                "",
                TextOrigin.NONE,
                _("“%(name)s” could not be read as a Word 97-2003 file.") % {"name": name},
            )
    return Extracted(decode_text(raw, name), TextOrigin.DOC)


@dataclass
class UploadsText:
    """What the register form's uploads gave: the text (may be empty), the file it came from,
    and notices for files that gave nothing (not errors: the directive can still be
    registered)."""

    text: str = ""
    source: str = ""
    notices: list[str] = field(default_factory=list)


def _notice(result: UploadsText, message: str) -> None:
    if message and message not in result.notices:
        result.notices.append(message)


def _in_reading_order(uploads: list[UploadedFile]) -> list[UploadedFile]:
    groups: list[list[UploadedFile]] = [[] for _group in SUFFIX_GROUPS]
    for upload in uploads:
        suffix = PurePath(upload.name or "").suffix.lower()
        for index, group in enumerate(SUFFIX_GROUPS):
            if suffix in group:
                groups[index].append(upload)
    return [upload for group in groups for upload in group]


def text_from_uploads(uploads: list[UploadedFile]) -> UploadsText:
    """The first readable text among the uploads: files with a text layer first, then .doc,
    then images (OCR); in the order they were chosen within each kind."""
    result = UploadsText()
    limit = settings.DIRECTIVE_TEXT_MAX_CHARS
    for upload in _in_reading_order(uploads):
        name = upload.name or ""
        raw = upload.read()
        upload.seek(0)
        extracted = read_file(name, raw)
        if len(extracted.text) > limit:
            raise ExtractionRefused(
                _("“%(name)s” holds more than %(limit)s characters of text.")
                % {"name": name, "limit": intcomma(limit)}
            )
        if extracted.text.strip():
            result.text, result.source = extracted.text, name
            if extracted.origin == TextOrigin.OCR:
                _notice(
                    result,
                    _(
                        "The text of “%(name)s” was read by OCR: check it against the scan "
                        "and correct it before relying on the proposed tasks."
                    )
                    % {"name": name},
                )
            _notice(result, extracted.note)
            return result
        _notice(
            result,
            _(
                "No text could be read from “%(name)s” (a scan?). The file is kept; type or "
                "paste the text on the directive's edit page."
            )
            % {"name": name},
        )
        _notice(result, extracted.note)
    return result
