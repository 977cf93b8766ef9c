"""Urging letters: previewed, then issued with the next number of the committee's series."""

import datetime as dt
import threading

import pytest
from django.db import connection

from chasing.urging import LetterOptions, issue_urging_letter, preview_urging_letter
from documents.models import UrgingLetter
from project.errors import ActionError, ActionForbidden
from tasks.models import TaskEvent
from tests.exports.pdf import conftest as pdf_fixtures
from tests.exports.pdf.conftest import (
    NOW,
    assert_nfc,
    one_line,
    pdf_region_text,
    pdf_text,
    save_for_review,
)

scene = pdf_fixtures.scene  # the shared scene of tasks in every timeliness


def test_preview_has_every_part_of_the_national_format_and_saves_nothing(
    scene, committee, police, secretariat, chair
):
    chair.full_name = "Nguyễn Đức Chín"
    chair.position = "Phó Chủ tịch UBND tỉnh, Trưởng ban"
    chair.save()
    data = preview_urging_letter(committee, police, by=secretariat, now=NOW)
    save_for_review("urging_preview.pdf", data)
    text = pdf_text(data)
    assert_nfc(text)
    flat = one_line(text)
    # the header's two columns: issuing body, number and subject left; Quốc hiệu, Tiêu ngữ,
    # place and date right (A4 portrait, left margin 30 mm, right 15 mm)
    left = pdf_region_text(data, 30, 15, 69, 40)
    right = pdf_region_text(data, 99.5, 15, 95, 40)
    assert left.startswith("BAN CHỈ ĐẠO 389 TỈNH KIÊN GIANG Số:")
    assert "V/v đôn đốc thực hiện các nhiệm vụ quá hạn" in left
    assert right == (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc "
        "Kiên Giang, ngày 15 tháng 01 năm 2021"
    )
    for part in [
        "Kính gửi: Công an tỉnh Kiên Giang.",
        "còn 1 nhiệm vụ đã quá thời hạn",
        "Kiểm tra hàng nhập lậu qua tuyến biên giới Tây Nam",
        "Nơi nhận:",
        "- Như trên;",
        "TM. BAN CHỈ ĐẠO",
        "PHÓ CHỦ TỊCH UBND TỈNH, TRƯỞNG BAN",
        "Nguyễn Đức Chín",
    ]:
        assert part in flat, part
    assert "/BCĐ389-VP" in flat and "01/BCĐ389-VP" not in flat  # no number before issuing
    assert not UrgingLetter.objects.exists()
    assert not TaskEvent.objects.filter(kind="urging_letter").exists()


def test_issuing_numbers_stores_and_records_the_letter_on_each_task(
    scene, committee, police, secretariat
):
    letter = issue_urging_letter(committee, police, by=secretariat, now=NOW)
    assert (letter.number, letter.year, letter.number_symbol) == (1, 2021, "01/BCĐ389-VP")
    assert letter.issued_on == dt.date(2021, 1, 15)
    assert list(letter.tasks.all()) == [scene["tasks"][0]]
    stored = letter.pdf.read()
    save_for_review("urging_issued.pdf", stored)
    flat = one_line(pdf_text(stored))
    assert "Số: 01/BCĐ389-VP" in flat
    # a typed history entry on the task, about the agency urged
    note = TaskEvent.objects.get(task=scene["tasks"][0], kind="urging_letter")
    assert note.agency == police and note.to_value == "01/BCĐ389-VP"
    assert "15/01/2021" in note.note and "46 day(s) overdue" in note.note
    assert note.actor == secretariat
    second = issue_urging_letter(committee, police, by=secretariat, now=NOW)
    assert second.number_symbol == "02/BCĐ389-VP"


def test_numbers_restart_on_the_first_of_january(scene, committee, police, secretariat):
    issue_urging_letter(
        committee,
        police,
        by=secretariat,
        now=NOW,
        options=LetterOptions(issued_on=dt.date(2020, 12, 30)),
    )
    letter = issue_urging_letter(committee, police, by=secretariat, now=NOW)
    assert (letter.year, letter.number) == (2021, 1)


@pytest.mark.parametrize("who", ["chair", "officer"])
def test_only_the_standing_office_issues(scene, committee, police, who, request):
    user = request.getfixturevalue(who)
    with pytest.raises(ActionForbidden):
        issue_urging_letter(committee, police, by=user, now=NOW)
    assert not UrgingLetter.objects.exists()


def test_an_agency_with_nothing_overdue_is_not_urged(scene, committee, border_guard, secretariat):
    with pytest.raises(ActionError, match="no overdue task"):
        issue_urging_letter(committee, border_guard, by=secretariat, now=NOW)
    # the preview still renders, and says there is nothing overdue
    flat = one_line(
        pdf_text(preview_urging_letter(committee, border_guard, by=secretariat, now=NOW))
    )
    assert "Không có nhiệm vụ nào quá hạn." in flat


def test_a_wrong_authority_prefix_is_refused(scene, committee, police, secretariat):
    with pytest.raises(ActionError, match="TM., KT., TL., TUQ. or Q."):
        issue_urging_letter(
            committee,
            police,
            by=secretariat,
            now=NOW,
            options=LetterOptions(authority="Thay mặt Ban"),
        )
    assert not UrgingLetter.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_letters_issued_at_once_get_different_numbers(scene, committee, police, secretariat):
    barrier = threading.Barrier(2)
    numbers, errors = [], []

    def issue():
        try:
            barrier.wait()
            numbers.append(issue_urging_letter(committee, police, by=secretariat, now=NOW).number)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(numbers) == [1, 2]
