"""The directive's task appendix (Phụ lục: Danh mục nhiệm vụ)."""

from exports.pdf.appendix import build_appendix

from .conftest import assert_nfc, one_line, pdf_text, save_for_review


def test_appendix_lists_every_task_with_agencies_deadline_state_and_timeliness(scene, filters):
    data = build_appendix(filters(directive=scene["directive"]))
    save_for_review("appendix.pdf", data)
    text = pdf_text(data)
    assert_nfc(text)
    flat = one_line(text)
    assert "DANH MỤC NHIỆM VỤ" in flat
    assert "381/TB-VPUBND ngày 07/10/2020" in flat
    assert "Kiểm tra hàng nhập lậu qua tuyến biên giới Tây Nam" in flat
    assert "Công an tỉnh Kiên Giang" in flat
    assert "Bộ Chỉ huy Bộ đội Biên phòng tỉnh Kiên Giang" in flat
    assert "30/11/2020" in flat and "31/03/2021" in flat
    assert "quá hạn (46 ngày)" in flat
    assert "Hoàn thành đúng hạn" in flat
    assert "Hoàn thành quá hạn" in flat
    assert "tính đến 15/01/2021" in flat
