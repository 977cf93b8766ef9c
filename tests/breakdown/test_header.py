import datetime as dt

from breakdown.header import parse_header
from breakdown.text import normalize_text


def header_of(text):
    return parse_header(normalize_text(text).split("\n"))[0]


def test_two_column_header_read_line_by_line():
    header = header_of(
        "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "TỈNH QUẢNG NINH Độc lập - Tự do - Hạnh phúc\n"
        "Số: 58/TB-UBND Quảng Ninh, ngày 09 tháng 3 năm 2023\n\n"
        "THÔNG BÁO\nKết luận của Trưởng Ban Chỉ đạo 389 tỉnh\n\nNgày 24/02/2023, ..."
    )
    assert header.number == "58/TB-UBND"
    assert header.doc_type == "TB"
    assert header.issued_on == dt.date(2023, 3, 9)
    assert header.issuer == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH"
    assert header.subject == "Kết luận của Trưởng Ban Chỉ đạo 389 tỉnh"


def test_cong_van_has_no_type_code_and_a_vv_subject():
    header = header_of(
        "UBND TỈNH TÂY NINH\nBAN CHỈ ĐẠO 389\nSố: 86/BCĐ389-CQTT\n"
        "V/v tăng cường kiểm tra hàng nhập lậu Tây Ninh, ngày 02 tháng 11 năm 2023\n\nKính gửi: Công an tỉnh"
    )
    assert header.doc_type == "CV"
    assert header.number == "86/BCĐ389-CQTT"
    assert header.subject == "tăng cường kiểm tra hàng nhập lậu"
    assert header.issued_on == dt.date(2023, 11, 2)
    assert header.issuer == "BAN CHỈ ĐẠO 389"


def test_type_from_the_title_word_when_there_is_no_number():
    header = header_of("KẾ HOẠCH\nPhòng, chống buôn lậu năm 2024\n\nI. MỤC ĐÍCH, YÊU CẦU")
    assert header.doc_type == "KH"
    assert header.number is None
    assert header.subject == "Phòng, chống buôn lậu năm 2024"


def test_place_and_date_in_numbers():
    header = header_of(
        "BỘ CÔNG THƯƠNG\nSố: 12/QĐ-BCT\nHà Nội, ngày 5/2/2025\nQUYẾT ĐỊNH\nVề việc thành lập Tổ công tác"
    )
    assert header.issued_on == dt.date(2025, 2, 5)
    assert header.doc_type == "QĐ"
    assert header.subject == "Về việc thành lập Tổ công tác"
