import unicodedata
from pathlib import Path

import pytest

from breakdown import BreakdownInputError, propose_tasks, read_directive_file

FONT = Path(__file__).resolve().parents[2] / "exports" / "fonts" / "LiberationSerif-Regular.ttf"
TEXT = (
    "THÔNG BÁO\nKết luận\n\nII. NHIỆM VỤ\n1. Công an tỉnh chủ trì, phối hợp với Sở Y tế kiểm tra.\n"
)


def test_reads_utf8_text(tmp_path):
    path = tmp_path / "tb.txt"
    path.write_text(TEXT, encoding="utf-8")
    assert read_directive_file(path) == TEXT


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Công an tỉnh".encode("cp1258", errors="replace") + b"\xff\xfe", "UTF-8"),
        (b"", "không có nội dung"),
        (b"   \n\n  ", "không có nội dung"),
        (b"\x00\x01\x02binary", "nhị phân"),
        (b"\xff\xfe\xfa bad", "UTF-8"),  # a UTF-16 mark, then no text
    ],
)
def test_rejects_what_is_not_utf8_text(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(BreakdownInputError, match=message):
        read_directive_file(path)


def cp1258(text: str) -> bytes:
    """Vietnamese Windows: precomposed base letters, tone marks as combining characters."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tones = [m for m in parts[1:] if m in "\u0300\u0301\u0303\u0309\u0323"]
            base = unicodedata.normalize("NFC", "".join(m for m in parts if m not in tones))
            out += base.encode("cp1258") + "".join(tones).encode("cp1258")
    return out


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-16"),
        lambda t: t.encode("utf-16-le"),
        lambda t: t.encode("utf-16-be"),
        lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
        cp1258,
    ],
    ids=["utf-16", "utf-16-le-no-bom", "utf-16-be-no-bom", "utf-8-bom", "cp1258"],
)
def test_reads_vietnamese_text_in_the_encodings_offices_use(tmp_path, encode):
    path = tmp_path / "tb.txt"
    path.write_bytes(encode(TEXT))
    assert read_directive_file(path) == TEXT


def test_refuses_a_zip_bomb_docx(tmp_path):
    import zipfile

    from breakdown import readers

    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "word/document.xml", b"<a>" + b" " * (readers.MAX_DOCX_UNCOMPRESSED + 10) + b"</a>"
        )
    assert path.stat().st_size < 200_000  # small on disk…
    with pytest.raises(BreakdownInputError, match="giải nén ra quá"):
        read_directive_file(path)


def test_refuses_a_docx_with_xml_entities(tmp_path):
    import zipfile

    path = tmp_path / "laughs.docx"
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><w:document>&lol2;</w:document>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", laughs)
    with pytest.raises(BreakdownInputError, match="không an toàn"):
        read_directive_file(path)


def test_missing_file(tmp_path):
    with pytest.raises(BreakdownInputError, match="Không tìm thấy"):
        read_directive_file(tmp_path / "none.txt")


def test_reads_docx_with_header_table(tmp_path, kg):
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nTỈNH KIÊN GIANG"
    table.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    table.cell(1, 0).text = "Số: 12/TB-UBND"
    table.cell(1, 1).text = "Kiên Giang, ngày 07 tháng 10 năm 2020"
    for line in TEXT.splitlines():
        document.add_paragraph(line)
    path = tmp_path / "tb.docx"
    document.save(path)
    breakdown = propose_tasks(read_directive_file(path), kg)
    assert breakdown.directive.number == "12/TB-UBND"
    assert breakdown.directive.issuer == "ỦY BAN NHÂN DÂN TỈNH KIÊN GIANG"
    assert [(t.ref, t.lead, t.support) for t in breakdown.tasks] == [("II.1", ["KG-CA"], ["KG-YT"])]


def test_broken_docx(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK not really a zip")
    with pytest.raises(BreakdownInputError, match="docx"):
        read_directive_file(path)


def test_reads_the_text_layer_of_a_pdf(tmp_path, kg):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("LiberationSerif", str(FONT)))
    path = tmp_path / "tb.pdf"
    page = canvas.Canvas(str(path))
    page.setFont("LiberationSerif", 12)
    lines = [
        "ỦY BAN NHÂN DÂN",
        "TỈNH KIÊN GIANG",
        "Số: 12/TB-UBND",
        "Kiên Giang, ngày 07 tháng 10 năm 2020",
        "THÔNG BÁO",
        "Kết luận của Trưởng Ban Chỉ đạo",
        "II. NHIỆM VỤ",
        "1. Công an tỉnh chủ trì, phối hợp với Sở Y tế kiểm tra, báo cáo",
        "kết quả trước ngày 15/11/2020.",
    ]
    for index, line in enumerate(lines):
        page.drawString(72, 780 - 18 * index, line)
    page.save()
    breakdown = propose_tasks(read_directive_file(path), kg)
    assert breakdown.directive.number == "12/TB-UBND"
    (task,) = breakdown.tasks
    assert (task.lead, task.support, task.deadline.isoformat()) == (
        ["KG-CA"],
        ["KG-YT"],
        "2020-11-15",
    )


def test_pdf_without_text_layer(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    page = canvas.Canvas(str(path))
    page.rect(10, 10, 100, 100)
    page.save()
    with pytest.raises(BreakdownInputError, match="lớp chữ"):
        read_directive_file(path)
