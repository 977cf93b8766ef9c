"""Issue 15 in a real browser: the file picker speaks Vietnamese in a chromium whose own
language is English, and the dashboard's downloads are there (with the summary report's note
until a periodic report exists). Screenshots at desktop and phone width."""

import datetime as dt

import pytest
import time_machine

from tasks.deadlines import VIETNAM
from tests.browser import test_scenario as scenario
from tests.browser.test_scenario import CHROMIUM, Person

browser = scenario.browser  # the scenario's fixtures: a chromium, and axe-core on every page
accessibility = scenario.accessibility

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed"),
]


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_file_picker_and_the_downloads_speak_vietnamese(
    live_server, browser, make_task, secretariat, chair, phone, tmp_path
):
    with time_machine.travel(dt.datetime(2020, 10, 8, 9, tzinfo=VIETNAM), tick=False):
        make_task()
    width = "phone" if phone else "desktop"
    office = Person(browser, live_server.url, secretariat, f"office-{width}", phone=phone)
    office.login()
    office.go("/directives/new/")
    picker = office.page.locator(".dd-file").first
    assert picker.locator("label").inner_text().strip().endswith("Chọn tệp")
    assert picker.locator(".dd-file__names").inner_text() == "Chưa chọn tệp"
    page_text = office.page.locator("body").inner_text()
    assert "Choose File" not in page_text and "No file chosen" not in page_text
    sample = tmp_path / "thong-bao-125.txt"
    sample.write_text("II. NHIỆM VỤ", encoding="utf-8")
    office.page.set_input_files("input[name=files]", str(sample))
    assert picker.locator(".dd-file__names").inner_text() == "thong-bao-125.txt"
    office.shot("15-file-picker")

    boss = Person(browser, live_server.url, chair, f"chair-{width}", phone=phone)
    boss.login()
    boss.go("/dashboard/")
    downloads = boss.page.locator("#downloads")
    text = downloads.inner_text()
    assert "Báo cáo tổng hợp: chưa có chế độ báo cáo định kỳ nào" in text
    for label in ("Nhiệm vụ quá hạn", "Nhiệm vụ (Excel)", "Kết quả theo đơn vị (Excel)"):
        assert downloads.get_by_text(label).is_visible(), label
    boss.shot("15-dashboard-downloads")
    office.context.close()
    boss.context.close()
