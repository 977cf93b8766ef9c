"""Header of a directive: number and symbol, type, issuer, place and date, subject."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from breakdown.text import fold, fold_keep_offsets, is_upper_line

# Type codes of Nghị định 30/2020 (a Công văn has none: "CV").
TYPE_CODES = {
    "NQ",
    "QĐ",
    "CT",
    "QC",
    "QYĐ",
    "TC",
    "TB",
    "HD",
    "CTR",
    "KH",
    "PA",
    "ĐA",
    "DA",
    "BC",
    "BB",
    "TTR",
    "HĐ",
    "CĐ",
    "GM",
}
_TYPE_BY_FOLDED_CODE = {fold(code): code for code in TYPE_CODES}
# Some writers use ASCII "QD"/"CD"/"DA"; map folded forms back to the official code.
_TYPE_BY_FOLDED_CODE.update({"qd": "QĐ", "cd": "CĐ", "ctr": "CTr", "ttr": "TTr", "hd": "HD"})
TYPE_TITLES = {
    "thong bao": "TB",
    "ke hoach": "KH",
    "quyet dinh": "QĐ",
    "chi thi": "CT",
    "nghi quyet": "NQ",
    "cong dien": "CĐ",
    "huong dan": "HD",
    "chuong trinh": "CTr",
    "phuong an": "PA",
    "bao cao": "BC",
    "cong van": "CV",
}
_TITLE = re.compile(
    r"^(?P<title>thong\ bao|ke\ hoach|quyet\ dinh|chi\ thi|nghi\ quyet|cong\ dien|huong\ dan"
    r"|chuong\ trinh|phuong\ an|cong\ van)(?:\ (?:ket\ luan|khan))?\b\s*[:.]?\s*(?P<rest>.*)$",
    re.VERBOSE,
)
_MOTTO = re.compile(
    r"cong\s+hoa\s+xa\s+hoi\s+chu\s+nghia\s+viet\s+nam"
    r"|doc\s+lap\s*[-–]\s*tu\s+do\s*[-–]\s*hanh\s+phuc",
)
_NUMBER = re.compile(
    r"(?<!\w)so\s*:?\s*(?P<num>\d{0,6})\s*/\s*(?P<sym>[a-z0-9][a-z0-9\-./&]*[a-z0-9])", re.VERBOSE
)
_PLACE_DATE = re.compile(
    r"""(?P<place>[^\W\d_][^,\n]{1,40}?)\s*,\s*ngay\s+(?P<d>\d{1,2})\s*
        (?:thang\s+(?P<m>\d{1,2})\s*(?:,\s*)?nam\s+(?P<y>\d{4})
          |[/.-]\s*(?P<m2>\d{1,2})\s*[/.-]\s*(?P<y2>\d{4}))""",
    re.VERBOSE,
)
_ANY_DATE = re.compile(
    r"""(?<!\w)ngay\s+(?P<d>\d{1,2})\s*
        (?:thang\s+(?P<m>\d{1,2})\s*(?:,\s*)?nam\s+(?P<y>\d{4})
          |[/.-]\s*(?P<m2>\d{1,2})\s*[/.-]\s*(?P<y2>\d{4}))""",
    re.VERBOSE,
)
_SUBJECT_PREFIX = re.compile(r"^v/v\s*[:.]?\s*", re.VERBOSE)
_BODY_START = re.compile(
    r"^(?:can\ cu|thuc\ hien|ngay\ \d|kinh\ gui|sang\ ngay|chieu\ ngay|trong\ |de\ |nham\ "
    r"|theo\ |tai\ |sau\ khi"
    r"|[ivx]+\s*[.)]\s|\d+\s*[.)]\s|dieu\ \d|[-–+•]\s)",
    re.VERBOSE,
)
_NEWS_ISSUE = re.compile(
    r"""(?P<issuer>(?-i:Văn\s+phòng|Bộ|Ủy\s+ban|Uỷ\s+ban|UBND|Ban|Sở|Cục|Thủ\s+tướng|Chính\s+phủ|Chủ\s+tịch)
        [^.,;:\n]{0,60}?)\s+(?:vừa\s+|đã\s+)?(?:ban\s+hành|ký|có)\s+
        (?P<type>Thông\s+báo|Kế\s+hoạch|Quyết\s+định|Chỉ\s+thị|Công\s+văn|Công\s+điện)\s+(?:số\s+)?
        (?P<num>\d+(?:/[\w\-Đđ]+)?)
        (?:\s+ngày\s+(?P<d>\d{1,2})\s*(?:/|\s+tháng\s+)\s*(?P<m>\d{1,2})\s*(?:/|\s+năm\s+)\s*(?P<y>\d{4}))?
        (?P<rest>[^.\n]*)""",
    re.VERBOSE | re.IGNORECASE,
)
# Right after the title word a subject may start with a verb ("Thực hiện …"): only these
# mean the subject is missing and the body has begun.
_FIRST_LINE_IS_BODY = re.compile(
    r"^(?:can\ cu|kinh\ gui|ngay\ \d|[ivx]+\s*[.)]\s|\d+\s*[.)]\s|dieu\ \d)", re.VERBOSE
)
_ORG_LINE_HEAD = re.compile(
    r"^(?:ban\ |van\ phong|so\ |cuc\ |chi\ cuc|bo\ chi\ huy|cong\ an|to\ |hoi\ dong|phong\ "
    r"|co\ quan)",
    re.VERBOSE,
)
_SEPARATOR = re.compile(r"^[\s\-–—_*=.]+$")
_HEADER_SCAN_LINES = 14


@dataclass
class DirectiveHeader:
    number: str | None = None
    doc_type: str | None = None
    issued_on: dt.date | None = None
    issuer: str | None = None
    subject: str | None = None

    def to_dict(self) -> dict:
        return {
            "number": self.number,
            "doc_type": self.doc_type,
            "issued_on": self.issued_on.isoformat() if self.issued_on else None,
            "issuer": self.issuer,
            "subject": self.subject,
        }


def _date(day: str, month: str, year: str) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _strip_motto(line: str) -> str:
    folded = fold_keep_offsets(line)
    pieces, last = [], 0
    for match in _MOTTO.finditer(folded):
        pieces.append(line[last : match.start()])
        last = match.end()
    pieces.append(line[last:])
    return re.sub(r"\s{2,}", " ", "".join(pieces)).strip(" -–")


def parse_header(lines: list[str]) -> tuple[DirectiveHeader, int]:
    """Read the header; return it and the index of the first body line."""
    header = DirectiveHeader()
    issuer_lines: list[str] = []
    number_line = title_line = None
    for index, raw in enumerate(lines[:_HEADER_SCAN_LINES]):
        line = _strip_motto(raw)
        folded = fold(line)
        if not line or _SEPARATOR.match(line):
            continue
        number = _NUMBER.search(folded)
        if (
            number
            and header.number is None
            and (index < 8 or number_line is None)
            and title_line is None
        ):
            header.number = _clean_number(line[number.start("num") : number.end("sym")])
            number_line = index
            rest = (line[: number.start()] + " " + line[number.end() :]).strip()
            _read_place_date(header, rest)
            before = line[: number.start()].strip()
            if before and is_upper_line(before):
                issuer_lines.append(before)
            continue
        if header.issued_on is None and title_line is None:
            remainder = _take_place_date(header, line)
            if remainder is not None:
                if not remainder:
                    continue
                line, folded = remainder, fold(remainder)
        title = _TITLE.match(folded)
        if title and is_upper_line(line[: title.end("title")]) and title_line is None:
            title_line = index
            header.doc_type = header.doc_type or TYPE_TITLES[title["title"]]
            rest = line[title.start("rest") :].strip()
            subject_lines = [rest] if rest else []
            next_index = index + 1
            while next_index < len(lines) and len(subject_lines) < 3:
                candidate = lines[next_index]
                candidate_folded = fold(candidate)
                if _SEPARATOR.match(candidate):
                    next_index += 1
                    break
                if subject_lines and (
                    _BODY_START.match(candidate_folded)
                    or not _continues_subject(candidate)
                    or (is_upper_line(candidate) and not is_upper_line(subject_lines[-1]))
                ):
                    break
                if not subject_lines and _FIRST_LINE_IS_BODY.match(candidate_folded):
                    break
                subject_lines.append(candidate)
                next_index += 1
            header.subject = _clean_subject(" ".join(subject_lines)) or None
            return _finish(header, issuer_lines, lines, next_index), next_index
        if folded.startswith(("v/v", "ve viec")) and header.subject is None:
            header.subject = _clean_subject(line)
            header.doc_type = header.doc_type or "CV"
            continue
        if number_line is None and is_upper_line(line) and not _BODY_START.match(folded):
            issuer_lines.append(line)
            continue
        if number_line is None and header.subject is None:
            break  # no formal header: a news text or a bare body
    body_start = _body_start_without_title(lines, number_line, header)
    return _finish(
        header, issuer_lines if number_line is not None else [], lines, body_start
    ), body_start


def _continues_subject(line: str) -> bool:
    return len(line) < 160 and not line.rstrip().endswith((".", ":", ";"))


def _clean_number(raw: str) -> str:
    return re.sub(r"\s+", "", raw).upper()


def _clean_subject(raw: str) -> str:
    subject = raw.strip()
    match = _SUBJECT_PREFIX.match(fold(subject))
    if match:
        subject = subject[match.end() :]
    return subject.strip(" .:")


def _read_place_date(header: DirectiveHeader, line: str) -> bool:
    match = _PLACE_DATE.search(fold(line))
    if not match:
        return False
    header.issued_on = _date(match["d"], match["m"] or match["m2"], match["y"] or match["y2"])
    return header.issued_on is not None


def _take_place_date(header: DirectiveHeader, line: str) -> str | None:
    """Read "Tây Ninh, ngày 02 tháng 11 năm 2023" off a line; return what else the line
    holds ("V/v …" often shares it in a text layer), or None when there is no such date."""
    match = _PLACE_DATE.search(fold(line))
    if not match:
        return None
    header.issued_on = _date(match["d"], match["m"] or match["m2"], match["y"] or match["y2"])
    if header.issued_on is None:
        return None
    words = line[: match.end("place")].split()
    # The place is the run of capitalised words just before the comma.
    keep = len(words)
    while keep > 0 and words[keep - 1][:1].isupper() and len(words) - keep < 4:
        keep -= 1
    if keep == len(words):
        keep = max(0, len(words) - 1)
    before = " ".join(words[:keep])
    after = line[match.end() :].strip()
    return " ".join(part for part in (before, after) if part).strip()


def _body_start_without_title(
    lines: list[str], number_line: int | None, header: DirectiveHeader
) -> int:
    """No title word (a Công văn): the body starts after the header's own lines."""
    if number_line is None:
        return 0
    index = number_line + 1
    while index < len(lines) and index < _HEADER_SCAN_LINES:
        line = _strip_motto(lines[index])
        folded = fold(line)
        header_line = (
            not line
            or _SEPARATOR.match(line)
            or folded.startswith(("v/v", "ve viec"))
            or (is_upper_line(line) and len(line) < 80)
            or (_PLACE_DATE.match(folded) and len(line) < 60)
        )
        if not header_line:
            return index
        index += 1
    return number_line + 1


def _finish(
    header: DirectiveHeader, issuer_lines: list[str], lines: list[str], body_start: int
) -> DirectiveHeader:
    if issuer_lines:
        header.issuer = _issuer_from(issuer_lines)
    if header.number:
        code = _type_from_number(header.number)
        if code:
            header.doc_type = code
        elif header.doc_type is None:
            header.doc_type = "CV"
    if header.number is None and header.doc_type is None:
        _read_news_header(header, lines)
    if header.issued_on is None:
        header.issued_on = _first_event_date(lines[body_start:] or lines)
    return header


def _type_from_number(number: str | None) -> str | None:
    if not number or "/" not in number:
        return None
    symbol = number.split("/", 1)[1]
    first = fold(symbol.split("-", 1)[0])
    return _TYPE_BY_FOLDED_CODE.get(first)


def _issuer_from(issuer_lines: list[str]) -> str:
    """Two-level headers name the parent body first: keep the issuing body itself."""
    lines = [line.strip(" -–") for line in issuer_lines if line.strip(" -–")]
    for index in range(len(lines) - 1, 0, -1):
        if _ORG_LINE_HEAD.match(fold(lines[index])):
            lower = " ".join(lines[index:])
            # "UBND TỈNH KIÊN GIANG / VĂN PHÒNG": a bare office word needs its parent.
            return lower if len(lower.split()) > 2 else " ".join(lines)
    return " ".join(lines)


def _read_news_header(header: DirectiveHeader, lines: list[str]) -> None:
    for line in lines[:6]:
        match = _NEWS_ISSUE.search(line)
        if not match:
            continue
        header.issuer = header.issuer or match["issuer"].strip()
        header.doc_type = TYPE_TITLES[fold(re.sub(r"\s+", " ", match["type"]))]
        header.number = match["num"]
        if match["d"] and header.issued_on is None:
            header.issued_on = _date(match["d"], match["m"], match["y"])
        code = _type_from_number(header.number)
        if code:
            header.doc_type = code
        rest = match["rest"].strip(" ,")
        if rest and header.subject is None:
            header.subject = rest
        return


def _first_event_date(lines: list[str]) -> dt.date | None:
    """No place-and-date line: the first date the text is about (a meeting's date)."""
    for line in lines[:8]:
        folded = fold(line)
        for match in _ANY_DATE.finditer(folded):
            before = folded[max(0, match.start() - 40) : match.start()]
            if re.search(r"(?:so\s+\S+|\d+/\S+)\s*$", before):
                continue  # the date of a cited document
            found = _date(match["d"], match["m"] or match["m2"], match["y"] or match["y2"])
            if found:
                return found
    return None
