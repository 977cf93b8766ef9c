"""4. The urging letter (công văn đôn đốc), laid out as Nghị định 30/2020, Phụ lục I asks:
issuing body and number on the left, Quốc hiệu and Tiêu ngữ with place and date on the right,
"V/v" subject under the number, "Kính gửi", the body, then "Nơi nhận" on the left and the
signature block (authority prefix, title, name) on the right."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import HRFlowable, Paragraph, Spacer, Table, TableStyle

from tasks.models import TaskAssignment

from . import labels
from .appendix import part_deadline_text, ref_and_text
from .layout import (
    STYLES,
    DocumentMeta,
    build_pdf,
    columns,
    data_table,
    fit_column,
    nfc,
    para,
    place_and_date,
    usable_width,
)
from .queries import directive_label

TASK_HEADER = [
    labels.COL_NO,
    labels.COL_DIRECTIVE,
    labels.COL_TASK,
    labels.COL_DEADLINE,
    labels.COL_DAYS_OVERDUE,
]
TASK_ALIGN = ["CENTER", "LEFT", "LEFT", "CENTER", "RIGHT"]
TASK_WIDTHS = [6, 22, 44, 16, 12]
LEFT_SHARE = 0.42  # the right column must hold the Quốc hiệu on one line
BLANK_NUMBER = "\u00a0" * 12  # a draft leaves the number blank, to be written when issued


@dataclass
class LetterContent:
    """Everything printed on the letter; the same for the preview and the issued copy."""

    committee_name: str
    place: str
    issued_on: dt.date
    symbol: str
    subject: str
    addressee: str
    body: str  # paragraphs separated by blank lines; the task list follows the first one
    parts: list[TaskAssignment]  # the agency's own overdue parts (own deadline, days overdue)
    authority: str = ""
    signer_title: str = ""
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)
    reply_by: dt.date | None = None
    number: int | None = None  # None on a preview: the number is given when it is issued
    filters: list[str] = field(default_factory=list)
    generated_at: dt.datetime = field(default_factory=timezone.now)

    @property
    def number_line(self) -> str:
        if self.number is None:
            return f"{labels.NUMBER_PREFIX}{BLANK_NUMBER}/{self.symbol}"
        return f"{labels.NUMBER_PREFIX}{self.number:02d}/{self.symbol}"


def _line(width: str) -> HRFlowable:
    return HRFlowable(
        width=width, thickness=0.6, color=colors.black, spaceBefore=1, spaceAfter=3, hAlign="CENTER"
    )


def balanced(text: str, style: str, width: float) -> Paragraph:
    """A centred name on one line if it fits, else broken into two lines of similar length
    ("BAN CHỈ ĐẠO 389 / TỈNH KIÊN GIANG") rather than leaving one word alone."""
    font, size = STYLES[style].fontName, STYLES[style].fontSize
    if stringWidth(text, font, size) <= width:
        return para(text, style)
    words = text.split()
    best = min(
        range(1, len(words)),
        key=lambda i: max(
            stringWidth(" ".join(words[:i]), font, size),
            stringWidth(" ".join(words[i:]), font, size),
        ),
        default=len(words),
    )
    lines = [" ".join(words[:best]), " ".join(words[best:])]
    return para("<br/>".join(escape(line) for line in lines if line), style, markup=True)


def _header(letter: LetterContent, width: float) -> Table:
    left = [
        balanced(nfc(letter.committee_name).upper(), "org", width * LEFT_SHARE),
        _line("35%"),
        para(letter.number_line, "number"),
        balanced(f"{labels.SUBJECT_PREFIX}{nfc(letter.subject)}", "gist", width * LEFT_SHARE),
    ]
    right = [
        para(labels.NATIONAL_NAME, "national"),
        para(labels.MOTTO, "motto"),
        _line("62%"),
        Spacer(1, 2 * mm),
        para(place_and_date(letter.place, letter.issued_on), "place_date"),
    ]
    return _side_by_side(left, right, [width * LEFT_SHARE, width * (1 - LEFT_SHARE)])


def _signature(letter: LetterContent, width: float) -> Table:
    left = [para(labels.RECIPIENTS, "recipients_head")] + [
        para(line, "recipients") for line in letter.recipients
    ]
    right = []
    if letter.authority:
        right.append(para(nfc(letter.authority).upper(), "sign_authority"))
    if letter.signer_title:
        right.append(para(nfc(letter.signer_title).upper(), "sign_authority"))
    right.append(Spacer(1, 28 * mm))  # room for the signature and the seal
    right.append(para(letter.signer_name, "sign_name"))
    return _side_by_side(left, right, [width * 0.5, width * 0.5])


def _side_by_side(left: list, right: list, widths: list[float]) -> Table:
    """Two blocks top-aligned in columns, as the letter's header and signature are laid out."""
    table = Table([[left, right]], colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


@labels.in_vietnamese
def build_urging_letter(letter: LetterContent) -> bytes:
    meta = DocumentMeta(
        title=f"{labels.SUBJECT_PREFIX}{letter.subject}",
        filters=letter.filters,
        generated_at=letter.generated_at,
        footer=False,
    )
    width = usable_width(meta)
    paragraphs = [p.strip() for p in nfc(letter.body).split("\n\n") if p.strip()]
    story = [
        _header(letter, width),
        Spacer(1, 6 * mm),
        para(f"{labels.ADDRESSEE}: {letter.addressee}.", "to"),
    ]
    if paragraphs:
        story.append(para(paragraphs[0], "body"))
    if letter.parts:
        rows = [
            [
                n,
                directive_label(part.task.directive),
                ref_and_text(part.task),
                part_deadline_text(part),
                part.days_overdue,  # type: ignore[attr-defined]  # with_timeliness()'s
            ]
            for n, part in enumerate(letter.parts, start=1)
        ]
        widths = fit_column(columns(meta, TASK_WIDTHS), 0, str(len(rows)), room_from=2)
        story.append(data_table(TASK_HEADER, rows, widths, align=TASK_ALIGN))
        story.append(Spacer(1, 3 * mm))
    else:
        story.append(para(labels.NO_OVERDUE, "empty"))
    story.extend(para(text, "body") for text in paragraphs[1:])
    story.append(Spacer(1, 4 * mm))
    story.append(_signature(letter, width))
    return build_pdf(story, meta)
