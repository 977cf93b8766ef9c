"""Reading a directive file: .txt (UTF-8, UTF-16 or Windows-1258), .docx, or a PDF with a
text layer.

Files come from people: a .docx is a zip archive and is refused if it would unpack to more
than MAX_DOCX_UNCOMPRESSED bytes (a zip bomb) or if any of its XML parts declares a DTD or an
entity (defusedxml), before python-docx opens it.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import Path
from typing import IO, TYPE_CHECKING

import docx  # python-docx
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from docx.opc.exceptions import PackageNotFoundError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

if TYPE_CHECKING:
    from docx.oxml.xmlchemy import BaseOxmlElement

MAX_DOCX_UNCOMPRESSED = 50 * 1024 * 1024  # bytes; the web form passes settings' value
MAX_DOCX_PARTS = 2000
MAX_FILE_BYTES = 20 * 1024 * 1024  # a directive file larger than this is not read

# Letters a Vietnamese text is written with (after NFC), besides ASCII.
_VIETNAMESE = set(
    "àáâãèéêìíòóôõùúýăđĩũơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
    "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝĂĐĨŨƠƯẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸ"
    "“”‘’–—…•·°№₫§«»×\u00a0"
)


class BreakdownInputError(Exception):
    """A file we cannot read as a directive; the message is for the user (Vietnamese)."""


def read_directive_file(path: str | Path) -> str:
    """The text of a directive file, or BreakdownInputError with a Vietnamese message."""
    path = Path(path)
    if not path.exists():
        raise BreakdownInputError(f"Không tìm thấy tệp: {path}")
    if not path.is_file():
        raise BreakdownInputError(f"Không phải là tệp: {path}")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise BreakdownInputError(
            f"Tệp {path.name} lớn hơn {MAX_FILE_BYTES // (1024 * 1024)} MB; không đọc tệp này"
        )
    suffix = path.suffix.lower()
    try:
        if suffix == ".docx":
            text = _read_docx(path)
        elif suffix == ".pdf":
            text = _read_pdf(path)
        else:
            text = _read_txt(path)
    except OSError as error:
        raise BreakdownInputError(f"Không đọc được tệp {path.name}: {error.strerror}") from error
    if not text.strip():
        raise BreakdownInputError(f"Tệp không có nội dung văn bản: {path.name}")
    return text


def _read_txt(path: Path) -> str:
    return decode_text(path.read_bytes(), path.name)


def _plausible(text: str) -> bool:
    """Vietnamese (or plain) text: no stray combining mark, almost nothing outside ASCII and
    the Vietnamese letters."""
    if any(unicodedata.category(ch) == "Mn" for ch in text):
        return False
    odd = sum(1 for ch in text if ord(ch) > 127 and ch not in _VIETNAMESE)
    return odd <= len(text) // 200


def decode_text(data: bytes, name: str = "") -> str:
    """A text file's content as text: UTF-8 (with or without BOM), UTF-16 (with BOM, or
    without one if its zero bytes say so), or Windows-1258 (Vietnamese Windows); anything else
    is refused with a message (BreakdownInputError)."""
    refuse = BreakdownInputError(
        f"Tệp {name} không phải văn bản mã hóa UTF-8, UTF-16 hay Windows-1258; "
        "hãy lưu lại bằng UTF-8 rồi thử lại"
    )
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise refuse from error
        if not _plausible(text):
            raise refuse
        return unicodedata.normalize("NFC", text)
    head = data[:4096]
    if b"\x00" in head:
        zeros_odd = head[1::2].count(0)
        zeros_even = head[0::2].count(0)
        encoding = None
        if zeros_odd > len(head) // 4 and not zeros_even:
            encoding = "utf-16-le"
        elif zeros_even > len(head) // 4 and not zeros_odd:
            encoding = "utf-16-be"
        if encoding:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                text = ""
            if text and _plausible(text):
                return unicodedata.normalize("NFC", text)
        raise BreakdownInputError(f"Tệp không phải văn bản (nhị phân): {name}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        utf8_error = error
    try:
        text = unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError:
        text = ""
    if text and _plausible(text):
        return text
    raise BreakdownInputError(
        f"Tệp {name} không phải văn bản mã hóa UTF-8 (lỗi ở byte {utf8_error.start}), "
        "UTF-16 hay Windows-1258; hãy lưu lại bằng UTF-8 rồi thử lại"
    ) from utf8_error


def check_docx_archive(
    source: str | Path | io.BufferedIOBase, name: str, max_uncompressed: int | None = None
) -> None:
    """Refuse a .docx that would unpack to too much (a zip bomb) or whose XML declares a DTD
    or entities (billion laughs, external entities)."""
    limit = max_uncompressed or MAX_DOCX_UNCOMPRESSED
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
            if len(members) > MAX_DOCX_PARTS or sum(m.file_size for m in members) > limit:
                raise BreakdownInputError(
                    f"Tệp .docx {name} giải nén ra quá {limit // (1024 * 1024)} MB; "
                    "không đọc tệp này"
                )
            for member in members:
                if member.filename.endswith((".xml", ".rels")):
                    # zipfile reads at most the declared size, which the sum above bounds
                    fromstring(archive.read(member), forbid_dtd=True)
    except (DefusedXmlException, ParseError) as error:
        raise BreakdownInputError(
            f"Tệp .docx {name} chứa XML không an toàn hoặc hỏng; không đọc tệp này"
        ) from error
    except (zipfile.BadZipFile, KeyError, ValueError, RuntimeError, EOFError) as error:
        raise BreakdownInputError(f"Không đọc được tệp .docx: {name}") from error
    finally:
        if hasattr(source, "seek"):
            source.seek(0)


def read_docx_bytes(data: bytes, name: str, max_uncompressed: int | None = None) -> str:
    """The text of an uploaded .docx (same checks as a file on disk)."""
    check_docx_archive(io.BytesIO(data), name, max_uncompressed)
    return _docx_text(io.BytesIO(data), name)


def _read_docx(path: Path) -> str:
    check_docx_archive(path, path.name)
    return _docx_text(str(path), path.name)


def _docx_text(source: str | IO[bytes], name: str) -> str:
    try:
        document = docx.Document(source)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, TypeError) as error:
        raise BreakdownInputError(f"Không đọc được tệp .docx: {name}") from error
    lines: list[str] = []
    # Body paragraphs and header tables (issuer | motto, number | place-date) in document
    # order; every paragraph once, even inside nested tables.
    for block in document.element.body.iterchildren():
        for element in block.iter():
            if element.tag.endswith("}p"):
                lines.append(_paragraph_text(element))
    return "\n".join(lines)


def _paragraph_text(paragraph: BaseOxmlElement) -> str:
    parts: list[str] = []
    for node in paragraph.iter():
        tag = node.tag.rsplit("}", 1)[-1]
        if tag == "t":
            parts.append(node.text or "")
        elif tag in {"br", "cr"}:
            parts.append("\n")
        elif tag == "tab":
            parts.append(" ")
    return "".join(parts)


def _read_pdf(path: Path) -> str:
    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as error:
        # A damaged PDF fails in many ways inside pypdf; to the user it is one problem.
        raise BreakdownInputError(f"Không đọc được tệp PDF: {path.name}") from error
    text = "\n".join(pages)
    if not text.strip():
        raise BreakdownInputError(f"Tệp PDF không có lớp chữ (bản quét?): {path.name}")
    return text
