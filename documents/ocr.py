"""Reading scans: Tesseract (Debian's tesseract-ocr with its Vietnamese data, tesseract-ocr-vie)
through pytesseract; PDF pages are rendered with pypdfium2 (a wheel, no system program).

Tesseract is optional at run time: where it (or its Vietnamese data) is missing, `unavailable()`
says so in a sentence for the user and everything else keeps working.
"""

from __future__ import annotations

import functools
import io
import shutil
import time

import pypdfium2
import pytesseract
from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image

RENDER_DPI = 300  # Tesseract reads body text best at about 300 dpi


class OcrError(Exception):
    """The scan could not be read; the message is for the user."""


@functools.cache
def _languages(command: str) -> frozenset[str]:
    pytesseract.pytesseract.tesseract_cmd = command
    try:
        return frozenset(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractError, OSError, RuntimeError):
        return frozenset()


def unavailable() -> str:
    """Why OCR cannot run here ("" when it can)."""
    command = shutil.which(settings.TESSERACT_CMD)
    if command is None:
        return _(
            "Tesseract OCR is not installed on the server, so scanned pages cannot be read "
            "(apt-get install tesseract-ocr tesseract-ocr-vie). Type or paste the text instead."
        )
    if settings.OCR_LANGUAGE not in _languages(command):
        return _(
            "Tesseract has no Vietnamese language data (apt-get install tesseract-ocr-vie), so "
            "scanned pages cannot be read. Type or paste the text instead."
        )
    return ""


class Budget:
    """The time one request may spend on OCR (OCR_BUDGET_SECONDS): a scan is read within the
    web server's timeout, page by page, and what is left unread is said, not waited for."""

    def __init__(self, seconds: float | None = None) -> None:
        self.ends = time.monotonic() + (settings.OCR_BUDGET_SECONDS if seconds is None else seconds)

    @property
    def left(self) -> float:
        return self.ends - time.monotonic()


def read_image(image: Image.Image, budget: Budget | None = None) -> str:
    """The text of one page image."""
    command = shutil.which(settings.TESSERACT_CMD)
    pytesseract.pytesseract.tesseract_cmd = command or settings.TESSERACT_CMD
    timeout = settings.OCR_PAGE_TIMEOUT_SECONDS
    if budget is not None and budget.left > 0:
        timeout = min(timeout, max(5, int(budget.left)))
    try:
        # --psm 4: one column of text of varying sizes, as a directive's page is.
        return pytesseract.image_to_string(
            image.convert("L"), lang=settings.OCR_LANGUAGE, config="--psm 4", timeout=timeout
        )
    except RuntimeError as error:  # pytesseract's timeout
        raise OcrError(_("Reading a scanned page took too long.")) from error
    except (pytesseract.TesseractError, OSError) as error:
        raise OcrError(_("Tesseract could not read a scanned page.")) from error


def read_image_bytes(data: bytes, name: str, budget: Budget | None = None) -> list[str]:
    """The text of each page of an image file (a multi-page TIFF is a whole scanned
    document), as far as the budget goes."""
    budget = budget or Budget()
    try:
        image = Image.open(io.BytesIO(data))
        pages: list[str] = []
        for index in range(min(getattr(image, "n_frames", 1), settings.OCR_MAX_PAGES)):
            if pages and budget.left <= 0:
                break
            image.seek(index)
            try:
                pages.append(read_image(image.copy(), budget))
            except OcrError:
                if not pages:
                    raise
                break  # out of time on a later page: keep what was read
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise OcrError(
            _("“%(name)s” is not an image that can be read.") % {"name": name}
        ) from error
    return pages


def read_pdf_pages(data: bytes, pages: list[int], budget: Budget | None = None) -> dict[int, str]:
    """OCR the given pages (0-based) of a PDF, in order, as far as the budget goes:
    {page: text}."""
    budget = budget or Budget()
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        raise OcrError(_("The PDF could not be opened to read its scanned pages.")) from error
    try:
        texts: dict[int, str] = {}
        for index in pages[: settings.OCR_MAX_PAGES]:
            if texts and budget.left <= 0:
                break
            bitmap = document[index].render(scale=RENDER_DPI / 72)
            try:
                texts[index] = read_image(bitmap.to_pil(), budget)
            except OcrError:
                if not texts:
                    raise
                break  # out of time on a later page: keep what was read
        return texts
    finally:
        document.close()
