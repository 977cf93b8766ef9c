from breakdown.roles import find_roles


def test_lead_and_supports(kg):
    roles = find_roles(
        "Công an tỉnh chủ trì, phối hợp với Cục Hải quan tỉnh, BĐBP tỉnh đấu tranh.", kg
    )
    assert roles.leads == ["KG-CA"]
    assert roles.supports == ["KG-HQ", "KG-BDBP"]


def test_giao_names_joint_leads(kg):
    roles = find_roles(
        "Đối với đề nghị bổ sung trang thiết bị: giao UBND thành phố Hà Tiên, Bộ Chỉ huy Bộ đội Biên "
        "phòng tỉnh, Công an tỉnh nghiên cứu, rà soát.",
        kg,
    )
    assert roles.leads == ["KG-HT", "KG-BDBP", "KG-CA"]
    assert roles.supports == []


def test_de_nghi_names_joint_leads(kg):
    assert find_roles("Đề nghị Cục QLTT tỉnh, Sở Y tế kiểm tra các chợ.", kg).leads == [
        "KG-QLTT",
        "KG-YT",
    ]


def test_phoi_hop_without_chu_tri(kg):
    roles = find_roles("Sở Y tế phối hợp với Công an tỉnh kiểm soát người nhập cảnh.", kg)
    assert (roles.leads, roles.supports) == (["KG-YT"], ["KG-CA"])


def test_agency_merely_mentioned_is_not_a_lead(kg):
    roles = find_roles(
        "Công an tỉnh tổng hợp, đề xuất Sở Tài chính bố trí kinh phí, báo cáo UBND tỉnh.", kg
    )
    assert roles.leads == ["KG-CA"]
    assert roles.supports == []


def test_body_the_files_come_from_co_ordinates(kg):
    roles = find_roles(
        "Đề nghị Công an tỉnh sớm có ý kiến, không để kéo dài đối với hồ sơ của Cục Quản lý thị trường "
        "tỉnh chuyển qua.",
        kg,
    )
    assert (roles.leads, roles.supports) == (["KG-CA"], ["KG-QLTT"])


def test_subject_after_an_opening_purpose_clause(kg):
    roles = find_roles("Để phục vụ Tết, Sở Y tế tăng cường kiểm tra an toàn thực phẩm.", kg)
    assert roles.leads == ["KG-YT"]


def test_co_ordinating_with_every_member_lists_them(kg):
    roles = find_roles("Sở Y tế chủ trì, phối hợp với các sở, ban, ngành, địa phương kiểm tra.", kg)
    assert roles.leads == ["KG-YT"]
    assert "KG-YT" not in roles.supports
    assert {"KG-CA", "KG-SCT", "KG-HT"} <= set(roles.supports)


def test_agreement_goes_to_the_proposer(kg):
    roles = find_roles(
        "Thống nhất việc lắp đặt camera theo đề nghị của UBND thành phố Hà Tiên.", kg
    )
    assert roles.leads == ["KG-HT"]


def test_address_to_every_member(kg):
    assert find_roles("Các sở, ban, ngành, địa phương tiếp tục quán triệt.", kg).all_members
    assert find_roles("Các thành viên Ban Chỉ đạo tăng cường phối hợp.", kg).all_members


def test_address_to_every_district_lists_them(kg):
    roles = find_roles("UBND các huyện, thị xã, thành phố kiện toàn Ban Chỉ đạo 389 cấp huyện.", kg)
    assert not roles.all_members
    assert set(roles.leads) == {"KG-RG", "KG-HT", "KG-GT", "KG-KL", "KG-PQ"}


def test_plan_table_fields(kg):
    roles = find_roles(
        "Cơ quan chủ trì: Sở Y tế; cơ quan phối hợp: Cục QLTT tỉnh, Sở Tài chính.", kg
    )
    assert (roles.leads, roles.supports) == (["KG-YT"], ["KG-QLTT", "KG-TC"])


def test_unmatched_agency_in_a_role_position(kg):
    roles = find_roles(
        "Sở Thông tin và Truyền thông chủ trì, phối hợp với Đài Truyền hình huyện đưa tin.", kg
    )
    assert roles.leads == ["KG-TTTT"]
    assert roles.unmatched == ["Đài Truyền hình huyện"]


def test_co_ordinators_named_after_the_lead_with_phoi_hop_last(kg):
    roles = find_roles("Công an tỉnh chủ trì, Cục Hải quan tỉnh, BĐBP tỉnh phối hợp thực hiện.", kg)
    assert (roles.leads, roles.supports) == (["KG-CA"], ["KG-HQ", "KG-BDBP"])


def test_co_ordinators_listed_after_a_colon(kg):
    roles = find_roles(
        "Sở Y tế chủ trì, phối hợp với các đơn vị: Công an tỉnh, Cục QLTT tỉnh kiểm tra.", kg
    )
    assert (roles.leads, roles.supports) == (["KG-YT"], ["KG-CA", "KG-QLTT"])


def test_person_named_by_office_stands_for_the_agency(kg):
    roles = find_roles(
        "Đề nghị Giám đốc Công an tỉnh, Chỉ huy trưởng BĐBP tỉnh chỉ đạo tuần tra.", kg
    )
    assert roles.leads == ["KG-CA", "KG-BDBP"]
