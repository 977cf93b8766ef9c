from breakdown.agencies import AgencyDirectory, AgencyRecord


def _codes(directory, text):
    return [m.codes for m in directory.find_mentions(text) if m.codes]


def test_resolves_with_and_without_the_province(kg):
    for name in (
        "Công an tỉnh",
        "Công an tỉnh Kiên Giang",
        "CÔNG AN TỈNH KIÊN GIANG",
        "cong an tinh kien giang",
    ):
        assert kg.resolve(name) == "KG-CA", name


def test_resolves_abbreviations_and_short_names(kg):
    assert kg.resolve("BĐBP tỉnh") == "KG-BDBP"
    assert kg.resolve("Bộ đội Biên phòng tỉnh") == "KG-BDBP"
    assert kg.resolve("Cục QLTT tỉnh") == "KG-QLTT"
    assert kg.resolve("Sở NN&PTNT") == "KG-NNPTNT"
    assert kg.resolve("UBND TP. Hà Tiên") == "KG-HT"
    assert kg.resolve("Ủy ban nhân dân thành phố Hà Tiên") == "KG-HT"


def test_unknown_or_ambiguous_names_do_not_resolve(kg):
    assert kg.resolve("Sở Nội vụ") is None
    records = [
        AgencyRecord("A", "Ủy ban nhân dân tỉnh Lạng Sơn", kind="province"),
        AgencyRecord("B", "Ủy ban nhân dân tỉnh Cao Bằng", kind="province"),
    ]
    assert AgencyDirectory(records).resolve("UBND tỉnh") is None


def test_list_sharing_a_head_word(national):
    text = "Các Bộ Tư pháp, Công Thương, Tài chính, Thông tin và Truyền thông, Công an và các cơ quan liên quan"
    assert _codes(national, text) == [("BTP",), ("BCT",), ("BTC",), ("BTTTT",), ("BCA",)]


def test_bare_head_list_after_a_colon(kg):
    assert _codes(kg, "Các Sở: Y tế, Tài chính, Thông tin và Truyền thông kiểm tra") == [
        ("KG-YT",),
        ("KG-TC",),
        ("KG-TTTT",),
    ]


def test_named_districts_after_a_plural_head(kg):
    assert _codes(kg, "UBND các huyện Giang Thành, Kiên Lương chỉ đạo") == [("KG-GT",), ("KG-KL",)]


def test_every_member_and_every_member_of_a_kind(kg):
    mentions = kg.find_mentions(
        "các sở, ban, ngành, địa phương và UBND các huyện, thị xã, thành phố"
    )
    assert mentions[0].group == "all"
    assert mentions[1].group == "district"
    assert set(mentions[1].codes) == {"KG-RG", "KG-HT", "KG-GT", "KG-KL", "KG-PQ"}


def test_unknown_agency_like_names_are_reported(kg):
    mentions = kg.find_mentions("phối hợp với Đài Truyền hình huyện đưa tin")
    assert [(m.text, m.codes) for m in mentions] == [("Đài Truyền hình huyện", ())]


def test_report_verb_is_not_the_newspaper(kg):
    assert _codes(kg, "báo cáo kết quả về Sở Công Thương") == [("KG-SCT",)]
