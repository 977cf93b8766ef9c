import unicodedata

from breakdown.text import fold, normalize_text


def test_nfd_input_becomes_nfc():
    nfd = unicodedata.normalize("NFD", "Công an tỉnh chủ trì")
    assert normalize_text(nfd) == "Công an tỉnh chủ trì"


def test_repeated_and_odd_spaces_collapse():
    assert normalize_text("Sở  Công\u00a0Thương \t chủ trì") == "Sở Công Thương chủ trì"


def test_line_broken_inside_a_sentence_is_joined():
    text = "1. Công an tỉnh chủ trì, phối hợp với\ncác đơn vị liên quan triển khai."
    assert (
        normalize_text(text)
        == "1. Công an tỉnh chủ trì, phối hợp với các đơn vị liên quan triển khai."
    )


def test_new_item_is_never_joined_to_the_previous_line():
    text = "1. Tăng cường kiểm tra, kiểm soát\n2. Đẩy mạnh tuyên truyền\na) Sở Y tế kiểm tra"
    assert normalize_text(text).split("\n") == [
        "1. Tăng cường kiểm tra, kiểm soát",
        "2. Đẩy mạnh tuyên truyền",
        "a) Sở Y tế kiểm tra",
    ]


def test_capital_headings_stay_on_their_own_lines():
    text = "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NINH\nSố: 58/TB-UBND"
    assert normalize_text(text).split("\n") == [
        "ỦY BAN NHÂN DÂN",
        "TỈNH QUẢNG NINH",
        "Số: 58/TB-UBND",
    ]


def test_fold_is_accent_and_case_insensitive():
    assert fold("ỦY BAN NHÂN DÂN Đà Nẵng") == "uy ban nhan dan da nang"
    assert fold(unicodedata.normalize("NFD", "Uỷ ban")) == fold("Ủy ban")
