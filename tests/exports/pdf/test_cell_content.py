"""What the PDFs' cells say (issue 15): a task's words once, a task of every member named as
the directive names them, a directive's subject whole, and no "tạo lúc" on an official letter."""

import datetime as dt

import time_machine

from chasing.urging import issue_urging_letter, preview_urging_letter
from documents.actions import register_directive
from exports.pdf.appendix import build_appendix
from exports.pdf.overdue import build_overdue_audit
from tasks import actions
from tests.factories import AgencyFactory, MembershipFactory
from workflows import services as flows

from .conftest import NOW, VN, one_line, pdf_text, save_for_review

TITLE = "Tăng cường kiểm tra, kiểm soát hàng hóa nhập lậu tại các chợ biên giới"
CONTENT = (
    f"{TITLE}. Trong quý I năm 2021, các lực lượng chức năng tổ chức kiểm tra đột xuất "
    "các điểm tập kết hàng hóa tại Hà Tiên, Giang Thành và báo cáo kết quả."
)
LONG_SUBJECT = (
    "Kế hoạch cao điểm đấu tranh phòng, chống buôn lậu, gian lận thương mại và hàng giả "
    "trước, trong và sau Tết Nguyên đán của Ban Chỉ đạo 389 tỉnh Kiên Giang"
)


def dispatch(directive, secretariat, chair):
    flows.start_directive_flow(directive)
    flows.submit_breakdown(directive, by=secretariat)
    flows.decide_task_list(directive, by=chair, approve=True)
    flows.dispatch(directive, by=secretariat)


def test_a_task_cell_says_the_title_once_and_the_rest_of_the_content(
    committee, secretariat, chair, police, filters
):
    with time_machine.travel(dt.datetime(2020, 12, 1, 9, tzinfo=VN), tick=False):
        directive = register_directive(
            committee,
            by=secretariat,
            number="12/KH-BCĐ389",
            subject="Kế hoạch quý I",
            issued_on=dt.date(2020, 11, 30),
        )
        actions.create_task(
            directive,
            by=secretariat,
            ref="1",
            title=TITLE,
            content=CONTENT,
            lead=[police],
            deadline=dt.date(2021, 3, 31),
        )
        actions.create_task(
            directive,
            by=secretariat,
            ref="2",
            title="Báo cáo sơ kết",
            content="Gửi báo cáo về Cơ quan Thường trực trước ngày 25 hằng tháng.",
            lead=[police],
            deadline=dt.date(2021, 3, 31),
        )
        dispatch(directive, secretariat, chair)
    data = build_appendix(filters(directive=directive))
    save_for_review("appendix_cells.pdf", data)
    flat = one_line(pdf_text(data))
    assert flat.count("Tăng cường kiểm tra, kiểm soát hàng hóa nhập lậu") == 1
    assert "báo cáo kết quả" in flat
    # A content that does not start with the title still follows it.
    assert "Báo cáo sơ kết Gửi báo cáo về Cơ quan Thường trực" in flat


def test_a_task_of_every_member_says_so_instead_of_listing_them(
    committee, secretariat, chair, officer, police, border_guard, filters
):
    others = []
    for n, name in enumerate(["Sở Công Thương", "Cục Hải quan", "Cục Quản lý thị trường"]):
        agency = AgencyFactory(code=f"KG-X{n}", name=f"{name} tỉnh Kiên Giang", short_name=name)
        MembershipFactory(committee=committee, agency=agency)
        others.append(agency)
    members = [police, border_guard, *others]
    with time_machine.travel(dt.datetime(2020, 12, 1, 9, tzinfo=VN), tick=False):
        directive = register_directive(
            committee,
            by=secretariat,
            number="13/KH-BCĐ389",
            subject="Kế hoạch tháng cao điểm",
            issued_on=dt.date(2020, 11, 30),
        )
        actions.create_task(
            directive,
            by=secretariat,
            ref="1",
            title="Các thành viên báo cáo kết quả tháng cao điểm",
            lead=members,
            deadline=dt.date(2020, 12, 31),
        )
        actions.create_task(
            directive,
            by=secretariat,
            ref="2",
            title="Kiểm tra chợ Hà Tiên",
            lead=[police, border_guard],
            deadline=dt.date(2020, 12, 31),
        )
        draft = build_appendix(filters(directive=directive))
        dispatch(directive, secretariat, chair)
    assert "Các thành viên Ban Chỉ đạo" in one_line(pdf_text(draft))
    data = build_appendix(filters(directive=directive))
    save_for_review("appendix_all_members.pdf", data)
    flat = one_line(pdf_text(data))
    assert flat.count("Các thành viên Ban Chỉ đạo") == 1
    assert "Đã giao: 5" in flat
    for agency in others:
        assert agency.name not in flat  # no longer eight full names
    # A task of two leads still names both, each with its part.
    assert "Công an tỉnh Kiên Giang: Đã giao" in flat
    assert "Bộ Chỉ huy Bộ đội Biên phòng tỉnh Kiên Giang: Đã giao" in flat
    # Past the deadline: who is late, or that all are.
    with time_machine.travel(NOW, tick=False):
        late = one_line(pdf_text(build_appendix(filters(directive=directive))))
    assert "Đã giao: 5 tất cả đều quá hạn" in late


def test_an_unnumbered_directives_subject_is_printed_whole(
    committee, secretariat, chair, police, filters
):
    with time_machine.travel(dt.datetime(2020, 10, 8, 9, tzinfo=VN), tick=False):
        directive = register_directive(
            committee,
            by=secretariat,
            doc_type="KH",
            subject=LONG_SUBJECT,
            issued_on=dt.date(2020, 10, 7),
        )
        actions.create_task(
            directive,
            by=secretariat,
            ref="1",
            title="Kiểm tra chợ Hà Tiên",
            lead=[police],
            deadline=dt.date(2020, 11, 30),
        )
        dispatch(directive, secretariat, chair)
    data = build_overdue_audit(filters())
    save_for_review("overdue_long_subject.pdf", data)
    assert "của Ban Chỉ đạo 389 tỉnh Kiên Giang" in one_line(pdf_text(data))


def test_an_official_letter_has_no_made_by_footer_a_working_report_has(
    scene, committee, police, secretariat, filters
):
    letter = issue_urging_letter(committee, police, by=secretariat, now=NOW)
    issued = pdf_text(letter.pdf.read())
    draft = pdf_text(preview_urging_letter(committee, police, by=secretariat, now=NOW))
    for text in (issued, draft):
        assert "Đôn đốc 389" not in text and "tạo lúc" not in text
        assert "V/v đôn đốc" in one_line(text)
    report = one_line(pdf_text(build_overdue_audit(filters())))
    assert "Đôn đốc 389 – tạo lúc 15/01/2021" in report
