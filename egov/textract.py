"""A directive's text from the file it came in: a PDF's text layer (OCR for pages without one),
a .docx, an old Word .doc (antiword, or LibreOffice's converter, where installed), a scanned
image (OCR), or a text file. What could not be read is said in `note`, never raised: the
directive is registered anyway and the standing office types what is missing.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from breakdown.readers import BreakdownInputError, decode_text, read_docx_bytes

from . import ocr

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff")
TEXT_SUFFIXES = (".pdf", ".docx", ".doc", ".txt", *IMAGE_SUFFIXES)
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
    text: str
    origin: str
    note: str = ""
    ocr_pages: int = 0


def extract_text(name: str, data: bytes) -> Extracted:
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
        return Extracted("", TextOrigin.NONE, str(error))
    except ocr.OcrError as error:
        return Extracted("", TextOrigin.NONE, str(error))
    return Extracted(
        "", TextOrigin.NONE, _("No text is read from “%(name)s” files.") % {"name": suffix}
    )


def _pdf(name: str, data: bytes) -> Extracted:
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError):
        return Extracted(
            "", TextOrigin.NONE, _("“%(name)s” is not a readable PDF.") % {"name": name}
        )
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


def _doc(name: str, data: bytes) -> Extracted:
    command = doc_reader()
    if command is None:
        return Extracted(
            "",
            TextOrigin.NONE,
            _(
                "Word 97-2003 (.doc) files cannot be read on this server (install antiword or "
                "LibreOffice); the file is kept. Save it as .docx or paste the text."
            ),
        )
    with tempfile.TemporaryDirectory(prefix="dondoc-doc-") as folder:
        source = Path(folder) / "van-ban.doc"
        source.write_bytes(data)
        try:
            if "--outdir" in command:
                subprocess.run(  # noqa: S603 - a fixed program on a file we wrote
                    [*command, folder, str(source)],
                    capture_output=True,
                    timeout=CONVERT_TIMEOUT_SECONDS,
                    check=True,
                )
                raw = (Path(folder) / "van-ban.txt").read_bytes()
            else:
                raw = subprocess.run(  # noqa: S603 - a fixed program on a file we wrote
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
