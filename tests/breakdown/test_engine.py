import datetime as dt
import json
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from breakdown import propose_tasks
from breakdown.scoring import score

from .conftest import SAMPLES, load_sample, sample_paths

TUNING = [p for p in sample_paths() if not p.name.startswith("heldout")]
HELD_OUT = [p for p in sample_paths() if p.name.startswith("heldout")]


def run(path, directories):
    text, spec = load_sample(path)
    return propose_tasks(text, directories[spec["committee"]]).to_dict(), spec


def _brief(tasks):
    return [
        (
            t["ref"],
            sorted(t["lead"]),
            sorted(t["support"]),
            t["all_members"],
            t["deadline"],
            t["recurrence"],
        )
        for t in tasks
    ]


@pytest.mark.parametrize("name", ["seed_003_kg_tb_ket_luan", "seed_002_tb381_news"])
def test_golden_seed(name, directories):
    proposed, spec = run(SAMPLES / f"{name}.txt", directories)
    assert _brief(proposed["tasks"]) == _brief(spec["expected"]["tasks"])
    assert proposed["directive"] == spec["expected"]["directive"]


@pytest.mark.parametrize("path", TUNING, ids=lambda p: p.stem)
def test_tuning_sample_is_fully_right(path, directories):
    proposed, spec = run(path, directories)
    result = score(spec["expected"], proposed, name=path.stem)
    assert result.problems == []
    assert sorted(proposed["unmatched"]) == sorted(spec["expected"]["unmatched"])


def test_held_out_samples_meet_the_quality_bar(directories):
    from breakdown.scoring import Score

    total = Score()
    for path in HELD_OUT:
        proposed, spec = run(path, directories)
        total.add(score(spec["expected"], proposed, name=path.stem))
    metrics = total.metrics()
    assert metrics["items_found"] >= 0.90
    assert metrics["real_task_precision"] >= 0.80
    assert metrics["lead_exact"] >= 0.85
    assert metrics["support_exact"] >= 0.75
    assert metrics["deadline_exact"] >= 0.80
    assert metrics["header_fields"] >= 0.90


def test_output_is_exactly_the_contract(directories):
    proposed, _ = run(SAMPLES / "101_qn_kh_cao_diem_tet.txt", directories)
    assert list(proposed) == ["directive", "tasks", "unmatched"]
    assert list(proposed["directive"]) == ["number", "doc_type", "issued_on", "issuer", "subject"]
    assert list(proposed["tasks"][0]) == [
        "ref",
        "text",
        "lead",
        "support",
        "all_members",
        "deadline",
        "deadline_rule",
        "recurrence",
    ]
    json.dumps(proposed, ensure_ascii=False)  # serialisable as is


@pytest.mark.parametrize("path", TUNING[:4], ids=lambda p: p.stem)
def test_same_result_from_nfd_crlf_and_extra_spaces(path, directories):
    text, spec = load_sample(path)
    directory = directories[spec["committee"]]
    messy = unicodedata.normalize("NFD", text).replace("\n", "\r\n").replace(" ", "  ")
    clean = propose_tasks(text, directory).to_dict()
    assert propose_tasks(messy, directory).to_dict() == clean


def test_sections_that_assign_nothing_give_no_tasks(kg):
    text = (
        "KẾ HOẠCH\nKiểm tra năm 2024\n\nI. MỤC ĐÍCH, YÊU CẦU\n1. Tăng cường phối hợp giữa các lực lượng.\n"
        "II. NHIỆM VỤ\n1. Công an tỉnh tăng cường tuần tra.\n"
        "Trên đây là Kế hoạch, yêu cầu các đơn vị thực hiện./.\nNơi nhận:\n- Như trên;\n"
    )
    tasks = propose_tasks(text, kg).tasks
    assert [(t.ref, t.lead) for t in tasks] == [("II.1", ["KG-CA"])]


def test_intro_item_gives_no_task_but_its_agency_applies_below(kg):
    text = (
        "THÔNG BÁO\nKết luận\n\nII. NHIỆM VỤ\n1. Công an tỉnh:\n"
        "a) Tăng cường tuần tra, kiểm soát.\nb) Phối hợp với Sở Y tế kiểm tra, báo cáo trước ngày 30/6/2023.\n"
    )
    tasks = propose_tasks(text, kg, today=dt.date(2023, 3, 1)).tasks
    assert [(t.ref, t.lead, t.support, t.deadline) for t in tasks] == [
        ("II.1.a", ["KG-CA"], [], None),
        ("II.1.b", ["KG-CA"], ["KG-YT"], dt.date(2023, 6, 30)),
    ]


def test_year_of_a_bare_period_comes_from_the_directive(kg):
    text = "THÔNG BÁO\nKết luận\n\nNgày 07 tháng 10 năm 2020, tại Văn phòng UBND tỉnh.\nII. NHIỆM VỤ\n1. Giao Sở Y tế kiểm tra vào 3 tháng cuối năm.\n"
    (task,) = propose_tasks(text, kg).tasks
    assert task.deadline == dt.date(2020, 12, 31)
    assert task.deadline_rule == "vào 3 tháng cuối năm"


@pytest.mark.parametrize("width", [60, 76])
@pytest.mark.parametrize(
    "name", ["101_qn_kh_cao_diem_tet", "103_vpcp_tb_ket_luan", "107_ls_kh_bang_phan_cong"]
)
def test_same_tasks_from_a_pdf_like_text_layer(name, width, directories):
    import textwrap

    text, spec = load_sample(SAMPLES / f"{name}.txt")
    directory = directories[spec["committee"]]
    lines = []
    for paragraph in text.split("\n"):
        lines.extend(
            textwrap.wrap(paragraph, width=width) if len(paragraph) > width else [paragraph]
        )
    wrapped = propose_tasks("\n".join(lines), directory).to_dict()
    assert _brief(wrapped["tasks"]) == _brief(propose_tasks(text, directory).to_dict()["tasks"])
    assert wrapped["directive"] == spec["expected"]["directive"]


def test_unknown_agency_named_as_lead_is_not_widened_to_everyone(kg):
    text = "KẾ HOẠCH\nKiểm tra\n\nII. NHIỆM VỤ\n1. Sở Nội vụ:\n- Rà soát, kiện toàn bộ máy Ban Chỉ đạo.\n"
    breakdown = propose_tasks(text, kg)
    (task,) = breakdown.tasks
    assert (task.ref, task.lead, task.all_members) == ("II.1", [], False)
    assert breakdown.unmatched == ["Sở Nội vụ"]


def test_recurring_duty_is_first_due_after_signing(kg):
    text = (
        "UBND TỈNH KIÊN GIANG\nSố: 5/KH-UBND\nKiên Giang, ngày 26 tháng 3 năm 2024\nKẾ HOẠCH\nBáo cáo\n\n"
        "II. NHIỆM VỤ\n1. Công an tỉnh báo cáo kết quả trước ngày 25 hằng tháng.\n"
    )
    (task,) = propose_tasks(text, kg).tasks
    assert task.recurrence == {"freq": "monthly", "day": 25}
    assert task.deadline == dt.date(2024, 4, 25)
    assert task.deadline_rule == "trước ngày 25 hằng tháng"


def test_plan_attached_to_a_decision_is_read_after_its_articles(kg):
    text = (
        "ỦY BAN NHÂN DÂN\nTỈNH KIÊN GIANG\nSố: 30/QĐ-UBND\nKiên Giang, ngày 05 tháng 01 năm 2024\n"
        "QUYẾT ĐỊNH\nBan hành Kế hoạch phòng, chống buôn lậu năm 2024\n\n"
        "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch phòng, chống buôn lậu năm 2024.\n"
        "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.\n"
        "Điều 3. Chánh Văn phòng UBND tỉnh, Thủ trưởng các sở, ngành chịu trách nhiệm thi hành Quyết định này./.\n"
        "Nơi nhận:\n- Như Điều 3;\n- Lưu: VT.\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\n"
        "KẾ HOẠCH\nPhòng, chống buôn lậu năm 2024\n(Ban hành kèm theo Quyết định số 30/QĐ-UBND ngày 05/01/2024)\n\n"
        "I. MỤC ĐÍCH, YÊU CẦU\n1. Nâng cao hiệu quả phối hợp.\n"
        "II. NHIỆM VỤ\n1. Công an tỉnh chủ trì, phối hợp với BĐBP tỉnh đấu tranh với buôn lậu qua biên giới.\n"
        "2. Sở Y tế kiểm tra an toàn thực phẩm trong quý I năm 2024.\n"
    )
    breakdown = propose_tasks(text, kg)
    assert breakdown.directive.doc_type == "QĐ"
    assert [(t.ref, t.lead, t.support, t.deadline) for t in breakdown.tasks] == [
        ("II.1", ["KG-CA"], ["KG-BDBP"], None),
        ("II.2", ["KG-YT"], [], dt.date(2024, 3, 31)),
    ]


_FRAGMENTS = [
    "THÔNG BÁO",
    "KẾ HOẠCH",
    "Số: 12/KH-UBND",
    "Kiên Giang, ngày 31 tháng 2 năm 2024",
    "II. NHIỆM VỤ",
    "1.",
    "a)",
    "- ",
    "Điều 3.",
    "Công an tỉnh chủ trì, phối hợp với",
    "BĐBP tỉnh",
    "các sở, ngành",
    "trước ngày 31/02/2024",
    "trong quý V năm 2024",
    "hằng tháng",
    "trước Tết Nguyên đán",
    "Nơi nhận:",
    "UBND các huyện",
    "\n",
    "\n\n",
    ";",
    ".",
    ":",
    "(",
    ")",
    "./.",
    "thường xuyên",
    "ngày 99/99/9999",
]


@given(st.lists(st.sampled_from(_FRAGMENTS) | st.text(max_size=20), max_size=40))
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_text_gives_a_breakdown_never_an_exception(kg, parts):
    breakdown = propose_tasks(" ".join(parts), kg, today=dt.date(2024, 1, 1))
    json.dumps(breakdown.to_dict(), ensure_ascii=False)


def test_letter_parts_and_slash_numbering(kg):
    text = (
        "KẾ HOẠCH\nKiểm tra năm 2024\n\nA. MỤC ĐÍCH, YÊU CẦU\n1/ Nâng cao hiệu quả phối hợp.\n"
        "B. NỘI DUNG\n1/ Về công tác kiểm tra: Cục QLTT tỉnh tăng cường kiểm tra hàng hóa.\n"
        "2/ Đối với kiến nghị của UBND TP Hà Tiên:\na/ Giao Sở Tài chính nghiên cứu bố trí kinh phí.\n"
        "b/ Công an tỉnh phối hợp với BĐBP tỉnh tuần tra.\n"
    )
    tasks = propose_tasks(text, kg).tasks
    assert [(t.ref, t.lead, t.support) for t in tasks] == [
        ("B.1", ["KG-QLTT"], []),
        ("B.2.a", ["KG-TC"], []),
        ("B.2.b", ["KG-CA"], ["KG-BDBP"]),
    ]


def test_letter_intro_addresses_every_item(kg):
    text = (
        "UBND TỈNH KIÊN GIANG\nSố: 12/UBND-KT\nV/v tăng cường kiểm tra Kiên Giang, ngày 05 tháng 3 năm 2024\n\n"
        "UBND tỉnh yêu cầu Công an tỉnh, BĐBP tỉnh thực hiện các nội dung sau:\n"
        "1. Tăng cường tuần tra khu vực biên giới.\n2. Phối hợp với Sở Y tế kiểm soát người nhập cảnh.\n"
    )
    breakdown = propose_tasks(text, kg)
    assert breakdown.directive.doc_type == "CV"
    assert [(t.ref, t.lead, t.support) for t in breakdown.tasks] == [
        ("1", ["KG-CA", "KG-BDBP"], []),
        ("2", ["KG-CA", "KG-BDBP"], ["KG-YT"]),
    ]
