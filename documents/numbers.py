"""Document numbers and symbols ("số, ký hiệu") as Nghị định 30/2020 writes them.

`92/KH-BCĐ389` is number 92, type KH, issuer BCĐ389. A Công văn has no type code:
`11554/VPCP-V.I` is number 11554, issuer VPCP, drafting unit V.I.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Nghị định 30/2020, Phụ lục III: type abbreviations (a Công văn has none).
DOCUMENT_TYPE_CODES: dict[str, str] = {
    "NQ": "Nghị quyết",
    "QĐ": "Quyết định",
    "CT": "Chỉ thị",
    "QC": "Quy chế",
    "QyĐ": "Quy định",
    "TC": "Thông cáo",
    "TB": "Thông báo",
    "HD": "Hướng dẫn",
    "CTr": "Chương trình",
    "KH": "Kế hoạch",
    "PA": "Phương án",
    "ĐA": "Đề án",
    "DA": "Dự án",
    "BC": "Báo cáo",
    "BB": "Biên bản",
    "TTr": "Tờ trình",
    "HĐ": "Hợp đồng",
    "CĐ": "Công điện",
    "GM": "Giấy mời",
}
OFFICIAL_LETTER = "CV"

_NUMBER_RE = re.compile(r"^(?P<number>\d{1,6})/(?P<symbol>[^\s/]+)$")
_SYMBOL_PART_RE = re.compile(r"^[0-9A-ZĐ.&]+$")


class InvalidDocumentNumber(ValueError):
    pass


@dataclass(frozen=True)
class DocumentNumber:
    number: int
    doc_type: str  # a key of DOCUMENT_TYPE_CODES, or "CV"
    issuer_code: str
    symbol: str  # everything after the slash, e.g. "KH-BCĐ389"

    def __str__(self) -> str:
        return format_number(self.number, self.symbol)


def format_number(number: int, symbol: str) -> str:
    """Numbers under 10 take a leading zero (Nghị định 30/2020)."""
    return f"{number:02d}/{symbol}"


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text.strip())
    # Typists write the Vietnamese Đ as a Latin D with stroke from other scripts; fold look-alikes.
    return text.replace("Ð", "Đ").replace("đ", "Đ").upper() if text else text


def parse_document_number(raw: str) -> DocumentNumber:
    """Parse and validate "số, ký hiệu"; raise InvalidDocumentNumber with a message for people."""
    text = _normalise(raw).replace(" ", "")
    match = _NUMBER_RE.match(text)
    if not match:
        raise InvalidDocumentNumber(
            _("“%(value)s” is not a document number: write it as number/symbol, e.g. 92/KH-BCĐ389.")
            % {"value": raw}
        )
    number = int(match["number"])
    if number < 1:
        raise InvalidDocumentNumber(_("A document number starts at 1."))
    symbol = match["symbol"]
    parts = symbol.split("-")
    if any(not part or not _SYMBOL_PART_RE.match(part) for part in parts):
        raise InvalidDocumentNumber(
            _(
                "“%(value)s” has an invalid symbol: "
                "use capitals, digits and hyphens, e.g. KH-BCĐ389."
            )
            % {"value": raw}
        )
    type_code = _type_code(parts[0])
    if type_code and len(parts) >= 2:
        return DocumentNumber(number, type_code, parts[1], symbol)
    # No type code: a Công văn, <number>/<issuer>-<drafting unit>.
    return DocumentNumber(number, OFFICIAL_LETTER, parts[0], symbol)


def _type_code(part: str) -> str | None:
    for code in DOCUMENT_TYPE_CODES:
        if part == code.upper():
            return code
    return None
