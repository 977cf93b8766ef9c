"""Reading a directive file: .txt (UTF-8), .docx, or a PDF with a text layer."""

from __future__ import annotations

import zipfile
from pathlib import Path


class BreakdownInputError(Exception):
    """A file we cannot read as a directive; the message is for the user (Vietnamese)."""


def read_directive_file(path: str | Path) -> str:
    """The text of a directive file, or BreakdownInputError with a Vietnamese message."""
    path = Path(path)
    if not path.exists():
        raise BreakdownInputError(f"Không tìm thấy tệp: {path}")
    if not path.is_file():
        raise BreakdownInputError(f"Không phải là tệp: {path}")
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
    data = path.read_bytes()
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise BreakdownInputError(
            f"Tệp {path.name} mã hóa UTF-16; hãy lưu lại bằng UTF-8 rồi thử lại"
        )
    if b"\x00" in data[:4096]:
        raise BreakdownInputError(f"Tệp không phải văn bản (nhị phân): {path.name}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BreakdownInputError(
            f"Tệp {path.name} không phải văn bản mã hóa UTF-8 (lỗi ở byte {error.start})"
        ) from error


def _read_docx(path: Path) -> str:
    try:
        import docx  # python-docx
    except ImportError as error:  # pragma: no cover - installed with the project
        raise BreakdownInputError("Chưa cài đặt python-docx để đọc tệp .docx") from error
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, TypeError) as error:
        raise BreakdownInputError(f"Không đọc được tệp .docx: {path.name}") from error
    lines: list[str] = []
    # Body paragraphs and header tables (issuer | motto, number | place-date) in document
    # order; every paragraph once, even inside nested tables.
    for block in document.element.body.iterchildren():
        for element in block.iter():
            if element.tag.endswith("}p"):
                lines.append(_paragraph_text(element))
    return "\n".join(lines)


def _paragraph_text(paragraph) -> str:  # noqa: ANN001 - an lxml element
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
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError as error:  # pragma: no cover - installed with the project
        raise BreakdownInputError("Chưa cài đặt pypdf để đọc tệp PDF") from error
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
