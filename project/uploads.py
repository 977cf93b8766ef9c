"""Uploads are checked by what they contain, not by what they are called.

`check_uploads(files)` (and the form field validator `validate_document`) accept a file only
if its first bytes are those of a document type on the allow-list, its name's extension agrees
with them, it is at most UPLOAD_MAX_FILE_MB, and all files of the request together at most
UPLOAD_MAX_REQUEST_MB. A program renamed to .pdf, a .exe, an HTML page, are refused with a
message saying which types are accepted.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

SNIFF_BYTES = 8192


@dataclass(frozen=True)
class FileType:
    name: str | StrPromise  # shown to the person in their language
    extensions: tuple[str, ...]


PDF = FileType("PDF", (".pdf",))
DOCX = FileType("Word (.docx)", (".docx",))
XLSX = FileType("Excel (.xlsx)", (".xlsx",))
PPTX = FileType("PowerPoint (.pptx)", (".pptx",))
ODF = FileType("OpenDocument", (".odt", ".ods", ".odp"))
OLE = FileType("Word/Excel 97-2003", (".doc", ".xls", ".ppt"))
RTF = FileType("RTF", (".rtf",))
JPEG = FileType("JPEG", (".jpg", ".jpeg"))
PNG = FileType("PNG", (".png",))
TIFF = FileType("TIFF", (".tif", ".tiff"))
TEXT = FileType(pgettext_lazy("file type", "text"), (".txt", ".csv"))
XML = FileType("XML", (".xml",))
ZIP = FileType("ZIP", (".zip",))

# check_uploads returns the files it was given, of their own class
Upload = TypeVar("Upload", bound=UploadedFile)

DOCUMENT_TYPES = (PDF, DOCX, XLSX, PPTX, ODF, OLE, RTF, JPEG, PNG, TIFF, TEXT, XML)


def _zip_kind(upload: UploadedFile) -> FileType | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100]
                return ODF if mimetype.startswith(b"application/vnd.oasis.opendocument") else ZIP
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" in names:
        if any(name.startswith("word/") for name in names):
            return DOCX
        if any(name.startswith("xl/") for name in names):
            return XLSX
        if any(name.startswith("ppt/") for name in names):
            return PPTX
    return ZIP


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True  # UTF-16 with its byte-order mark
    if b"\x00" in head:
        return False
    control = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13))
    return control <= len(head) // 100


def sniff(upload: UploadedFile) -> FileType | None:
    """The document type the content says, or None."""
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(upload)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    if head.startswith(b"{\\rtf"):
        return RTF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<?xml"):
        return XML
    if stripped[:15].lower().startswith((b"<!doctype", b"<html", b"<script", b"<svg")):
        return None  # a web page or script, whatever its name
    if _looks_like_text(head):
        return TEXT
    return None


def _mb(limit: int) -> int:
    return limit * 1024 * 1024


def validate_document(
    upload: UploadedFile, allowed: Iterable[FileType] = DOCUMENT_TYPES
) -> FileType:
    allowed = tuple(allowed)
    if (upload.size or 0) > _mb(settings.UPLOAD_MAX_FILE_MB):
        raise ValidationError(
            _("“%(name)s” is larger than %(size)s MB.")
            % {"name": upload.name, "size": settings.UPLOAD_MAX_FILE_MB},
            code="too_large",
        )
    kind = sniff(upload)
    extension = PurePath(upload.name or "").suffix.lower()
    if kind is None or kind not in allowed or extension not in kind.extensions:
        accepted = ", ".join(dict.fromkeys(str(k.name) for k in allowed))
        raise ValidationError(
            _(
                "“%(name)s” is not an accepted document: its content is not that of a "
                "%(types)s file."
            )
            % {"name": upload.name, "types": accepted},
            code="file_type",
        )
    return kind


def check_uploads(
    files: Iterable[Upload], allowed: Iterable[FileType] = DOCUMENT_TYPES
) -> list[Upload]:
    """Validate each file and their total; return them. Raises ValidationError."""
    files = [upload for upload in files if upload]
    allowed = tuple(allowed)
    for upload in files:
        validate_document(upload, allowed)
    total = sum(upload.size or 0 for upload in files)
    if total > _mb(settings.UPLOAD_MAX_REQUEST_MB):
        raise ValidationError(
            _("The files together are larger than %(size)s MB.")
            % {"size": settings.UPLOAD_MAX_REQUEST_MB},
            code="too_large",
        )
    return files
