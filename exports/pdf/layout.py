"""The page of Nghị định 30/2020/NĐ-CP: A4, its margins, its type sizes, the shipped font.

Every generated PDF is built here: `build_pdf(story, meta)` lays the story out on A4 with the
decree's margins, numbers pages 2 onwards centred at the top, and prints the generation date on
every page. Text goes through `para()` so it is NFC-normalised and escaped once.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFBase85Encode,
    PDFName,
    PDFStream,
    PDFZCompress,
)
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
)

from tasks import deadlines
from tasks.deadlines import VIETNAM

from . import labels

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT = "LiberationSerif"
FONT_BOLD = "LiberationSerif-Bold"
FONT_ITALIC = "LiberationSerif-Italic"
FONT_BOLD_ITALIC = "LiberationSerif-BoldItalic"

# Phụ lục I of the decree: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm. A landscape
# page (allowed for tables) turns with the paper, so the binding margin is then at the top.
PORTRAIT_MARGINS = {"top": 20 * mm, "bottom": 20 * mm, "left": 30 * mm, "right": 15 * mm}
LANDSCAPE_MARGINS = {"top": 30 * mm, "bottom": 15 * mm, "left": 20 * mm, "right": 20 * mm}

BODY_SIZE = 14  # the decree: 13–14 pt for the body
TABLE_SIZE = 11
PAGE_NUMBER_SIZE = 13
# The shortest frame of either orientation (landscape: 210 − 30 − 15 mm): a row taller than
# this cannot move to a fresh page to fit, so it is cut inside.
MAX_ROW_HEIGHT = 160 * mm


def register_fonts() -> None:
    """Register the shipped Liberation Serif (Times New Roman's metric twin) once."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    for name, file in [
        (FONT, "LiberationSerif-Regular.ttf"),
        (FONT_BOLD, "LiberationSerif-Bold.ttf"),
        (FONT_ITALIC, "LiberationSerif-Italic.ttf"),
        (FONT_BOLD_ITALIC, "LiberationSerif-BoldItalic.ttf"),
    ]:
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
    )


register_fonts()  # paragraphs resolve their fonts when they are made, before build_pdf


def _style(name: str, **kwargs: Any) -> ParagraphStyle:
    size = kwargs.pop("fontSize", BODY_SIZE)
    kwargs.setdefault("leading", round(size * 1.2, 1))
    return ParagraphStyle(name, fontName=kwargs.pop("fontName", FONT), fontSize=size, **kwargs)


STYLES: dict[str, ParagraphStyle] = {
    "body": _style("body", alignment=TA_JUSTIFY, firstLineIndent=10 * mm, spaceAfter=6),
    "body_left": _style("body_left", alignment=TA_LEFT, spaceAfter=3),
    "title": _style("title", fontName=FONT_BOLD, alignment=TA_CENTER, spaceAfter=2),
    "subtitle": _style("subtitle", fontName=FONT_ITALIC, alignment=TA_CENTER, fontSize=13),
    # A heading never ends a page alone.
    "heading": _style(
        "heading", fontName=FONT_BOLD, fontSize=13, spaceBefore=8, spaceAfter=4, keepWithNext=1
    ),
    "note": _style("note", fontName=FONT_ITALIC, fontSize=11, alignment=TA_CENTER),
    "empty": _style(
        "empty", fontName=FONT_ITALIC, fontSize=13, alignment=TA_CENTER, spaceBefore=12
    ),
    "cell": _style("cell", fontSize=TABLE_SIZE, leading=13),
    "cell_center": _style("cell_center", fontSize=TABLE_SIZE, leading=13, alignment=TA_CENTER),
    "cell_right": _style("cell_right", fontSize=TABLE_SIZE, leading=13, alignment=TA_RIGHT),
    "cell_head": _style(
        "cell_head", fontName=FONT_BOLD, fontSize=TABLE_SIZE, leading=13, alignment=TA_CENTER
    ),
    # The letter's blocks (Phụ lục I: 12–13 pt upper-case bold names, 13–14 pt Tiêu ngữ…).
    "org_upper": _style("org_upper", fontSize=13, alignment=TA_CENTER, leading=15),
    "org": _style("org", fontName=FONT_BOLD, fontSize=12.5, alignment=TA_CENTER, leading=15),
    "national": _style("national", fontName=FONT_BOLD, fontSize=12, alignment=TA_CENTER),
    "motto": _style("motto", fontName=FONT_BOLD, fontSize=13.5, alignment=TA_CENTER),
    "number": _style("number", fontSize=13, alignment=TA_CENTER),
    "gist": _style("gist", fontSize=12, alignment=TA_CENTER, leading=14),
    "place_date": _style("place_date", fontName=FONT_ITALIC, fontSize=14, alignment=TA_CENTER),
    "to": _style("to", fontSize=14, alignment=TA_CENTER, spaceBefore=6, spaceAfter=6),
    "sign_authority": _style("sign_authority", fontName=FONT_BOLD, alignment=TA_CENTER),
    "sign_name": _style("sign_name", fontName=FONT_BOLD, alignment=TA_CENTER),
    "recipients_head": _style("recipients_head", fontName=FONT_BOLD_ITALIC, fontSize=12),
    "recipients": _style("recipients", fontSize=11, leading=13),
}


def nfc(text: object) -> str:
    return unicodedata.normalize("NFC", "" if text is None else str(text))


class _Paragraph(Paragraph):
    """A paragraph that remembers its last wrap: tables measure a cell, then wrap it again to
    draw it at the same width, and breaking lines is the costliest step of a long table."""

    _wrapped_at: tuple[float, float] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        # The cache holds only while the broken lines (blPara) it measured still exist:
        # reportlab's split() deletes them when the paragraph does not fit at the foot of a
        # page, and drawing it on the next page then needs a fresh wrap.
        if (
            self._wrapped_at is not None
            and self._wrapped_at[0] == availWidth
            and hasattr(self, "blPara")
        ):
            return self._wrapped_at[1], self.height
        width, height = super().wrap(availWidth, availHeight)
        self._wrapped_at = (availWidth, width)
        return width, height

    def split(self, availWidth: float, availHeight: float) -> list:
        self._wrapped_at = None  # split() rewraps, or deletes blPara: forget the measure
        return super().split(availWidth, availHeight)


def para(text: object, style: str = "body", *, markup: bool = False) -> Paragraph:
    """A paragraph of NFC text; `markup=True` only for our own <b>/<i> fragments."""
    content = nfc(text) if markup else escape(nfc(text)).replace("\n", "<br/>")
    return _Paragraph(content, STYLES[style])


def vn_date(day: dt.date | dt.datetime | None) -> str:
    """dd/mm/yyyy, the way every screen shows a date (tasks.deadlines.vn_date); a moment is
    shown as its day in Vietnam."""
    if isinstance(day, dt.datetime):
        day = deadlines.today_in_vietnam(day) if timezone.is_aware(day) else day.date()
    return deadlines.vn_date(day)


def vn_datetime(moment: dt.datetime) -> str:
    local = timezone.localtime(moment, VIETNAM) if timezone.is_aware(moment) else moment
    return local.strftime("%d/%m/%Y %H:%M")


def place_and_date(place: str, day: dt.date) -> str:
    """ "Hà Nội, ngày 05 tháng 02 năm 2025": leading zero for days 1–9 and months 1–2."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    prefix = f"{nfc(place)}, " if place else ""
    return f"{prefix}ngày {day.day:02d} tháng {month} năm {day.year}"


@dataclass
class DocumentMeta:
    """What every generated document states about itself: title, when, and with which filters."""

    title: str
    filters: list[str] = field(default_factory=list)
    generated_at: dt.datetime = field(default_factory=timezone.now)
    landscape: bool = False
    author: str = "Đôn đốc 389"
    # "Đôn đốc 389 – tạo lúc …" at the foot of each page: a working report says when it was
    # made; an official letter (Nghị định 30) carries nothing of the kind.
    footer: bool = True

    def generated_line(self) -> str:
        return labels.GENERATED_ON % {"when": vn_datetime(self.generated_at)}

    def filters_line(self) -> str:
        return labels.FILTERS_USED % {
            "filters": "; ".join(self.filters) if self.filters else labels.NO_FILTERS
        }


def _page_decorations(meta: DocumentMeta) -> Callable[[Any, Any], None]:
    # reportlab's canvas and document, which it ships without types
    def draw(canvas: Any, doc: Any) -> None:
        width, height = doc.pagesize
        margins = doc.ndmargins
        canvas.saveState()
        if doc.page > 1:  # the decree: page numbers centred at the top, none on page 1
            canvas.setFont(FONT, PAGE_NUMBER_SIZE)
            canvas.drawCentredString(width / 2, height - margins["top"] / 2 - 4, str(doc.page))
        if meta.footer:
            canvas.setFont(FONT_ITALIC, 8)
            canvas.setFillColor(colors.HexColor("#555555"))
            canvas.drawString(margins["left"], margins["bottom"] / 2, meta.generated_line())
        canvas.restoreState()

    return draw


class _DocumentCanvas(Canvas):
    """The canvas of a generated document. It encodes each page's content as the page ends,
    with the filters the document would apply when it is saved (PDFPage.check_format), so the
    file is the same: a 6,000-page table held every page's drawing as text until then. And it
    turns a table's line of text into PDF once (`table_line`): a 44,000-part scorecard draws
    725,000 lines, 95,000 of them different (issue 11)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # (font, size, leading, line): what `table_line` writes of it
        self._lines: dict[tuple[str, float, float, str], _LineCode] = {}
        self._form_names: dict[object, str] = {}

    def form_name(self, owner: object, prefix: str) -> str:
        """The name of `owner`'s form in this document, numbered in the order they come: the
        same document always comes out the same (a name from id() did not)."""
        name = self._form_names.get(owner)
        if name is None:
            name = self._form_names[owner] = f"{prefix}{len(self._form_names) + 1}"
        return name

    def showPage(self) -> None:
        super().showPage()
        page = self._doc.Pages.pages[-1]
        if not (page.compression and page.stream) or page.Contents:
            return
        filters = [PDFBase85Encode, PDFZCompress] if rl_config.useA85 else [PDFZCompress]
        content = page.stream
        for encoding in reversed(filters):
            content = encoding.encode(content)
        stream = PDFStream(content=content)
        stream.dictionary["Filter"] = PDFArray([PDFName(f.pdfname) for f in filters])
        stream.__Comment__ = "page stream"
        page.Contents, page.stream = stream, None

    def table_line(
        self, text: PDFTextObject, font_name: str, line: str, anchor: float, y: float, align: str
    ) -> None:
        """`line` into `text` as `text.setTextOrigin(x, y); text.textLine(line)` write it (x:
        `anchor` moved by the line's width as Table aligns a string), in a table's TrueType font
        at its size and leading: the same operators, but a line met before is not looked up
        glyph by glyph (font.splitString, most of a long table's drawing) nor measured again.
        A line's code never changes within a document: splitString gives a character its
        subset and code once, the first time it meets it, and a line is met first here, in
        the order reportlab would meet it."""
        key = (font_name, text._fontsize, text._leading, line)
        kept = self._lines.get(key)
        if kept is None:
            kept = self._line_code(text, font_name, line)
            if len(self._lines) >= KEPT_LINES:
                self._lines.clear()  # a bound: memory stays flat whatever the length
            self._lines[key] = kept
        first, last, switch, code, width = kept
        x = anchor
        if align == "RIGHT":
            x -= width
        elif align in ("CENTER", "CENTRE"):
            x -= 0.5 * width
        if first != text._curSubset:  # as _formatText switches to a line's first subset
            code = f"{switch} {code}"
        text._code.append(f"1 0 0 1 {fp_str(x, y)} Tm {code}")
        text._curSubset = last

    def _line_code(self, text: PDFTextObject, font_name: str, line: str) -> _LineCode:
        font = pdfmetrics.getFont(font_name)
        size = f"{fp_str(text._fontsize)} Tf {fp_str(text._leading)} TL"
        runs = font.splitString(line, self._doc)
        code = []
        for index, (subset, chunk) in enumerate(runs):
            if index:  # runs next to each other are of different subsets
                code.append(f"{font.getSubsetInternalName(subset, self._doc)} {size}")
            code.append(f"({self._escape(chunk)}) Tj")
        code.append("T*")
        first, last = runs[0][0], runs[-1][0]
        switch = f"{font.getSubsetInternalName(first, self._doc)} {size}"
        return first, last, switch, " ".join(code), stringWidth(line, font_name, text._fontsize)


# A line's first and last subsets, the switch to its first, its code after that, its width.
_LineCode = tuple[int, int, str, str, float]
# The lines `_DocumentCanvas.table_line` keeps (then starts again): a few MB.
KEPT_LINES = 10_000


def build_pdf(story: list[Flowable], meta: DocumentMeta) -> bytes:
    """Lay `story` out on A4 pages of the decree and return the PDF's bytes. Its caller, a
    document's builder, runs under `labels.in_vietnamese`: the entry sets the language once."""
    register_fonts()
    pagesize = landscape(A4) if meta.landscape else A4
    margins = LANDSCAPE_MARGINS if meta.landscape else PORTRAIT_MARGINS
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=margins["left"],
        rightMargin=margins["right"],
        topMargin=margins["top"],
        bottomMargin=margins["bottom"],
        title=nfc(meta.title),
        author=meta.author,
        creator="Đôn đốc 389",
        invariant=False,
        initialFontName=FONT,  # else the canvas names Helvetica, a font that is never embedded
        initialFontSize=BODY_SIZE,
    )
    doc.ndmargins = margins
    frame = Frame(
        doc.leftMargin,
        doc.bottomMargin,
        doc.width,
        doc.height,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates([PageTemplate(id="nd30", frames=[frame], onPage=_page_decorations(meta))])
    doc.build(story or [para(labels.NOTHING_TO_SHOW, "empty")], canvasmaker=_DocumentCanvas)
    return buffer.getvalue()


def usable_width(meta: DocumentMeta) -> float:
    width = (landscape(A4) if meta.landscape else A4)[0]
    margins = LANDSCAPE_MARGINS if meta.landscape else PORTRAIT_MARGINS
    return width - margins["left"] - margins["right"]


def report_heading(committee_name: str, title: str, subtitle: str, meta: DocumentMeta) -> list:
    """The opening of a report: the body that issues it, the title, and what it covers."""
    return [
        para(nfc(committee_name).upper(), "org"),
        Spacer(1, 4 * mm),
        para(title, "title"),
        *([para(subtitle, "subtitle")] if subtitle else []),
        para(meta.filters_line(), "note"),
        para(meta.generated_line(), "note"),
        Spacer(1, 5 * mm),
    ]


def empty_notice(text: str = "") -> Paragraph:
    return para(text or labels.NOTHING_TO_SHOW, "empty")


# ---- tables


Cell = object  # str, int, Paragraph or any flowable
CELL_PADDING = 3


_word_widths: dict[str, float] = {}


def _word_width(word: str) -> float:
    width = _word_widths.get(word)
    if width is None:
        if len(_word_widths) > 200_000:  # a bound, not a leak, across many documents
            _word_widths.clear()
        width = _word_widths[word] = stringWidth(word, FONT, TABLE_SIZE)
    return width


def wrap_lines(text: str, width: float) -> str:
    """`text` broken into lines no wider than `width` at the table's font, as a Paragraph
    breaks them (words kept whole, runs of spaces collapsed, line breaks kept)."""
    space = _word_width(" ")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line: list[str] = []
        used = 0.0
        for word in paragraph.split():
            word_width = _word_width(word)
            if line and used + space + word_width > width:
                lines.append(" ".join(line))
                line, used = [word], word_width
            else:
                used += (space if line else 0.0) + word_width
                line.append(word)
        lines.append(" ".join(line))
    return "\n".join(lines)


def _cell(value: Cell, align: str, width: float, seen: dict[str, str] | None = None) -> Cell:
    """A table cell as a plain string, wrapped here to the column's width: the table draws it
    in its font and the column's alignment. A Paragraph per cell (parsed as markup, its lines
    broken and drawn one fragment at a time) was most of a 20,000-row document's time and
    memory (issue 11). `seen` keeps the column's short texts wrapped: a date, a state or a
    directive's number comes back thousands of times, wrapped once and held once."""
    if isinstance(value, Flowable):
        return value
    text = nfc(value)
    if " " not in text and text.isprintable():  # one word, never broken: a number, a date
        return text
    if seen is None or len(text) > SHORT_TEXT:
        return _wrapped(text, width)
    cell = seen.get(text)
    if cell is None:
        cell = seen[text] = _wrapped(text, width)
    return cell


def _wrapped(text: str, width: float) -> str:
    wrapped = wrap_lines(text, width - 2 * CELL_PADDING)
    return text if "\n" not in wrapped and "\n" not in text else wrapped


SHORT_TEXT = 80


def data_table(
    header: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    widths: Sequence[float],
    *,
    align: Sequence[str] | None = None,
    total_row: Sequence[Cell] | None = None,
) -> Flowable:
    """A bordered table whose header repeats on every page it runs onto.

    `widths` are points (see `columns`). Splitting one huge reportlab Table re-measures what is
    left on every page, which is quadratic (DESIGN.md pitfall); `PagedTable` measures every row
    once and cuts one small table per page, so 5,000 rows lay out in linear time. A table of
    plain text is drawn once, into one document: its rows are let go as its pages are drawn.
    """
    align = list(align or ["LEFT"] * len(header))
    head = [para(h, "cell_head") for h in header]
    seen: list[dict[str, str]] = [{} for _ in header]
    body: list[list[Cell]] = [
        [_cell(value, align[i], widths[i], seen[i]) for i, value in enumerate(row)] for row in rows
    ]
    if total_row is not None:
        body.append([_cell(value, align[i], widths[i]) for i, value in enumerate(total_row)])
    style = [
        ("FONT", (0, 0), (-1, -1), FONT, TABLE_SIZE, 13),
        ("GRID", (0, 0), (-1, -1), GRID_WIDTH, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ]
    for i, a in enumerate(align):
        style.append(("ALIGN", (i, 1), (i, -1), a))
    return PagedTable(
        head, body, list(widths), style, align=align, bold_last_row=total_row is not None
    )


MEASURE_CHUNK = 200
GRID_WIDTH = 0.5
HEADER_BACKGROUND = colors.HexColor("#EEEEEE")
TOTAL_BACKGROUND = colors.HexColor("#F5F5F5")
CELL_LEADING = 13  # the table's FONT command: TABLE_SIZE on 13 pt
# reportlab's default top and bottom padding of a cell, which the table's style keeps
CELL_TOP_PADDING = CELL_BOTTOM_PADDING = 3


class PagedTable(Flowable):
    """A long table laid out page by page, its header row repeated at the top of each part.

    Every row is measured once; prefix sums of the row heights then tell in O(log n) how many
    rows fit the space left on a page. A table of plain-text cells (what `data_table` makes of
    everything but a flowable) is measured by counting its lines and each page of it drawn
    straight on the canvas (`TablePage`), as reportlab's Table would draw it: a Table per page,
    its cell styles and a text object per line were most of a 40,000-row document's time
    (issue 11). A flowable in a cell, or a row taller than a page, goes through reportlab.
    """

    def __init__(
        self,
        header: list[Cell],
        rows: list[list[Cell]],
        widths: list[float],
        style: list[tuple],
        *,
        align: list[str] | None = None,
        bold_last_row: bool = False,
        _measured: tuple[Table, list[float], bool] | None = None,
        _start: int = 0,
    ) -> None:
        super().__init__()
        self.header, self.rows, self.widths, self.style = header, rows, widths, style
        self.align = align or ["LEFT"] * len(widths)
        self.bold_last_row = bold_last_row
        self.start = _start
        if _measured is None:
            _measured = self._measure()
        self.head_table, self.prefix, self.plain = _measured
        self.header_height = self.head_table._rowHeights[0]
        self.width = sum(widths)

    def _measure(self) -> tuple[Table, list[float], bool]:
        # The header alone, as a table drawn on every page of a plain table.
        head = Table([self.header], colWidths=self.widths, style=self.style)
        head.wrap(sum(self.widths), 10**9)
        plain = all(isinstance(cell, str) for row in self.rows for cell in row)
        prefix = [0.0]
        if plain:
            # reportlab's height of a row of strings: its most lines, and the padding
            padding = CELL_TOP_PADDING + CELL_BOTTOM_PADDING
            total = 0.0
            for row in self.rows:
                breaks = max([cell.count("\n") for cell in row], default=0)  # type: ignore[attr-defined]
                total += CELL_LEADING * (breaks + 1) + padding
                prefix.append(total)
            return head, prefix, plain
        # reportlab finds each unmeasured row with a linear scan, so one probe of n rows is
        # quadratic; probes of MEASURE_CHUNK rows (row heights do not depend on other rows)
        # keep it linear.
        for start in range(0, len(self.rows), MEASURE_CHUNK):
            for height in self._probe(self.rows[start : start + MEASURE_CHUNK]):
                prefix.append(prefix[-1] + height)
        return head, prefix, plain

    def _probe(self, rows: list[list[Cell]]) -> list[float]:
        probe = Table(rows, colWidths=self.widths, style=self.style)
        probe.wrap(sum(self.widths), 10**9)
        return list(probe._rowHeights)

    def _height_of(self, start: int, end: int) -> float:
        return self.header_height + self.prefix[end] - self.prefix[start]

    def header_form(self, canvas: _DocumentCanvas) -> str:
        """The header row drawn once into the document as a form (a PDF XObject) that every
        page of the table places: its paragraphs laid out and drawn 6,000 times were a fifth
        of a long table's drawing. Named for the header Table, which every part shares."""
        name = canvas.form_name(self.head_table, "TableHeader")
        if not canvas.hasForm(name):
            # the box around the row: the grid's half-width lines and round caps stick out
            margin = GRID_WIDTH
            canvas.beginForm(
                name, -margin, -margin, self.width + margin, self.header_height + margin
            )
            self.head_table.drawOn(canvas, 0, 0)
            canvas.endForm()
        return name

    def _part(self, start: int, end: int, *, measured: bool = True) -> Flowable:
        if self.plain and measured:
            return TablePage(self, start, end)
        heights = [self.header_height] + [
            self.prefix[i + 1] - self.prefix[i] for i in range(start, end)
        ]
        style = list(self.style)
        if self.bold_last_row and end == len(self.rows):
            style.append(("BACKGROUND", (0, -1), (-1, -1), TOTAL_BACKGROUND))
            style.append(("FONT", (0, -1), (-1, -1), FONT_BOLD, TABLE_SIZE, CELL_LEADING))
        return Table(
            [self.header, *self.rows[start:end]],
            colWidths=self.widths,
            # Known heights spare a second measurement; a row cut inside must be re-measured.
            rowHeights=heights if measured else None,
            style=style,
            repeatRows=1,
            splitInRow=1,
        )

    def _rest(self, start: int) -> PagedTable:
        return PagedTable(
            self.header,
            self.rows,
            self.widths,
            self.style,
            align=self.align,
            bold_last_row=self.bold_last_row,
            _measured=(self.head_table, self.prefix, self.plain),
            _start=start,
        )

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self._height_of(self.start, len(self.rows))

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        room = availHeight - self.header_height
        if room <= 0:
            return []
        end = bisect_right(self.prefix, self.prefix[self.start] + room) - 1
        if end <= self.start:
            row = self.prefix[self.start + 1] - self.prefix[self.start]
            if row + self.header_height <= MAX_ROW_HEIGHT:
                return []  # it fits on the next page
            # A row taller than a page: let reportlab cut inside it, header repeated.
            tall = self._part(self.start, self.start + 1, measured=False)
            parts: list[Flowable] = tall.split(availWidth, availHeight)
            if not parts:
                return []
            if self.start + 1 < len(self.rows):
                parts.append(self._rest(self.start + 1))
            return parts
        parts = [self._part(self.start, end)]
        if end < len(self.rows):
            parts.append(self._rest(end))
        return parts

    def draw(self) -> None:
        part = self._part(self.start, len(self.rows))
        part.wrapOn(self.canv, self.width, self._height_of(self.start, len(self.rows)))
        part.drawOn(self.canv, 0, 0)


class TablePage(Flowable):
    """The rows `start:end` of a plain PagedTable under its header, drawn as reportlab's Table
    draws them (same positions, fonts, backgrounds and grid), without a Table: the header is
    the table's one header Table, the body's text goes in one text object."""

    def __init__(self, table: PagedTable, start: int, end: int) -> None:
        super().__init__()
        self.table, self.start, self.end = table, start, end
        self.width = table.width
        self.height = table._height_of(start, end)
        self.hAlign = "CENTER"  # as a Table's

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        table, canvas = self.table, self.canv
        if not isinstance(canvas, _DocumentCanvas):
            raise TypeError("a long table is drawn by build_pdf, on its document's canvas")
        if not table.rows[self.start]:  # (a row has a cell per column: let go, it is empty)
            raise RuntimeError("a data_table is drawn once: its rows go as its pages are drawn")
        widths, prefix = table.widths, table.prefix
        lefts = [0.0]
        for width in widths:
            lefts.append(lefts[-1] + width)
        # where each column's text starts, as Table._drawCell places a string
        anchors = []
        for left, width, align in zip(lefts[:-1], widths, table.align, strict=True):
            if align == "RIGHT":
                anchors.append(left + width - CELL_PADDING)
            elif align in ("CENTER", "CENTRE"):  # (the left and right paddings are equal)
                anchors.append(left + width / 2)
            else:
                anchors.append(left + CELL_PADDING)
        body_top = self.height - table.header_height
        bottom = body_top - (prefix[self.end] - prefix[self.start])
        total_row = table.bold_last_row and self.end == len(table.rows)

        canvas.saveState()
        canvas.saveState()
        canvas.translate(0, body_top)
        canvas.doForm(table.header_form(canvas))
        canvas.restoreState()
        if total_row:
            top = body_top - (prefix[self.end - 1] - prefix[self.start])
            canvas.setFillColor(TOTAL_BACKGROUND)
            canvas.rect(0, top, self.width, bottom - top, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        text = canvas.beginText()
        text.setFont(FONT, TABLE_SIZE, CELL_LEADING)
        table_line = canvas.table_line
        font = FONT
        for index in range(self.start, self.end):
            if total_row and index == self.end - 1:
                font = FONT_BOLD
                text.setFont(font, TABLE_SIZE, CELL_LEADING)
            top = body_top - (prefix[index] - prefix[self.start])
            first = top - CELL_TOP_PADDING - TABLE_SIZE
            for cell, anchor, align in zip(table.rows[index], anchors, table.align, strict=True):
                y = first
                for line in cell.split("\n"):  # type: ignore[attr-defined]  # plain: str
                    if not line:  # reportlab draws an empty string: nothing to see
                        y -= CELL_LEADING
                        continue
                    table_line(text, font, line, anchor, y, align)
                    y -= CELL_LEADING
            # A page is drawn once, and nothing reads its rows again (they were measured
            # before): let them go, so a long table's text is not all held until the file is
            # written (a third of the 44,000-part scorecard's memory then).
            table.rows[index] = []
        canvas.drawText(text)
        # the grid below the header: as Table's GRID, round caps and joins
        canvas.setLineCap(1)
        canvas.setLineJoin(1)
        canvas.setStrokeColor(colors.black)
        canvas.setLineWidth(GRID_WIDTH)
        for index in range(self.start + 1, self.end + 1):
            y = body_top - (prefix[index] - prefix[self.start])
            canvas.line(0, y, self.width, y)
        for x in lefts:
            canvas.line(x, bottom, x, body_top)
        canvas.restoreState()


def columns(meta: DocumentMeta, fractions: Sequence[float]) -> list[float]:
    """Column widths in points from fractions of the page's usable width."""
    width = usable_width(meta)
    total = sum(fractions)
    return [width * f / total for f in fractions]


def fit_column(widths: list[float], column: int, text: str, *, room_from: int) -> list[float]:
    """`widths` with `column` widened, if need be, to hold `text` (one word, never broken: a
    row's number) in the table's font, the room taken from column `room_from`: a
    portrait page's numbers column held three digits, and row 1,000 ran over its border."""
    need = stringWidth(text, FONT, TABLE_SIZE) + 2 * CELL_PADDING
    extra = need - widths[column]
    if extra <= 0:
        return widths
    widths = list(widths)
    widths[column] += extra
    widths[room_from] -= extra
    return widths
