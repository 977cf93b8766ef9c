"""What the standing office meets every day, in a real browser (issue 15): registering a
directive from its Word file (and again, by mistake), correcting the breakdown with agency
chips, a mapping that keeps the other cards' edits and deadline rules that compute their date,
and issuing an urging letter from its page. Screenshots at desktop and phone width.
"""

import datetime as dt
import io
import re

import docx
import pytest
from pypdf import PdfReader

from documents.models import Directive, UrgingLetter
from tasks.models import Task, TaskEvent
from tests.factories import AgencyFactory, MembershipFactory

from .test_scenario import CHROMIUM, CHROMIUM_ARGS, SEED, Person, playwright_api

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed"),
]


@pytest.fixture
def browser():
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def docx_of(text: str) -> bytes:
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def fill_register_form(person: Person, *, number: str) -> None:
    person.go("/directives/new/")
    person.page.fill("#id_number", number)
    person.page.select_option("#id_doc_type", "TB")
    person.page.fill("#id_subject", "Kết luận của Trưởng Ban Chỉ đạo 389/KG, sơ kết 9 tháng 2020")
    person.page.fill("#id_issued_on", "07/10/2020")
    person.page.set_input_files(
        "input[name=files]",
        files=[
            {
                "name": "thong-bao-ket-luan.docx",
                "mimeType": DOCX_MIME,
                "buffer": docx_of(SEED.read_text(encoding="utf-8")),
            }
        ],
    )


def test_register_from_word_correct_the_breakdown_and_issue_an_urging_letter(
    live_server, browser, committee, police, border_guard, secretariat, make_task
):
    # A third member, last in the list: the one the office adds by the chips' search.
    market = AgencyFactory(
        code="KG-QLTT", name="Cục Quản lý thị trường tỉnh Kiên Giang", short_name="Cục QLTT tỉnh"
    )
    MembershipFactory(committee=committee, agency=market)
    base = live_server.url
    office = Person(browser, base, secretariat, "secretariat")
    phone = Person(browser, base, secretariat, "secretariat-phone", phone=True)
    office.login()
    phone.login()

    # 1. Registered from its .docx alone: the text is read, the editor offers proposals.
    fill_register_form(office, number="189/TB-VPUBND")
    office.shot("i15-01-register-docx")
    office.submit(".dd-page button[type=submit]")
    assert "/breakdown/" in office.page.url
    directive = Directive.objects.get(number=189)
    assert "hoàn chỉnh báo cáo" in directive.text
    assert office.page.locator("a[href$='/breakdown/propose/']").count() == 1

    # …and registered again by mistake: not a bare refusal, a way to the one registered.
    fill_register_form(office, number="189/TB-VPUBND")
    office.submit(".dd-page button[type=submit]")
    registered = office.page.locator("[data-registered]")
    assert registered.count() == 1
    office.shot("i15-02-registered-twice")
    phone.go("/directives/new/")
    with phone.page.expect_navigation():
        phone.page.evaluate("document.querySelector('.dd-page form').submit()")
    phone.shot("i15-02-register-errors")
    with office.page.expect_navigation():
        registered.locator("a").click()
    assert office.page.url.endswith(f"/directives/{directive.pk}/edit/")
    office.shot("i15-03-directive-edit")
    phone.go(f"/directives/{directive.pk}/edit/")
    phone.shot("i15-03-directive-edit")
    assert Directive.objects.count() == 1

    # 2. The proposals: agencies as chips with a search, corrected by keyboard.
    office.go(f"/directives/{directive.pk}/breakdown/propose/")
    page = office.page
    cards = page.locator("article[data-key]")
    assert cards.count() > 3
    market_option = f"select[name$='-lead'] option[value='{market.pk}']"
    first = next(  # a card the market authority does not lead yet
        cards.nth(i)
        for i in range(cards.count())
        if not cards.nth(i).locator(market_option).evaluate("o => o.selected")
    )
    assert first.locator("select[name$='-lead']").is_hidden()  # replaced by the chips
    search = first.locator("input.dd-chips__search").nth(0)
    search.click()
    search.type("quan ly thi truong")  # accents folded: finds "Cục Quản lý thị trường…"
    page.keyboard.press("Enter")
    lead = first.locator(".dd-chips").nth(0)
    assert "QLTT" in " ".join(lead.locator(".dd-chip").all_inner_texts())
    assert first.locator(market_option).evaluate("o => o.selected")
    page.keyboard.press("Backspace")  # the empty search box's Backspace takes the last chip off
    assert not first.locator(market_option).evaluate("o => o.selected")
    search.type("QLTT")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert "QLTT" in " ".join(lead.locator(".dd-chip").all_inner_texts())
    office.shot("i15-04-chips")

    # A deadline rule: ten working days from signing; the date is computed and shown.
    second = cards.nth(1)
    second.locator("select[name$='-deadline_kind']").select_option("working_days")
    assert second.locator("input[name$='-deadline']").is_hidden()
    second.locator("input[name$='-deadline_days']").fill("10")
    second.locator("input[name$='-deadline_days']").dispatch_event("change")
    computed = page.locator(f"#{second.get_attribute('id')} [data-computed]")
    computed.filter(has_text="21/10/2020").wait_for()
    # An unsaved edit on another card…
    third = cards.nth(2)
    third_key = third.get_attribute("data-key")
    third.locator("input[name$='-title']").fill("Tiêu đề sửa tay, chưa lưu")
    office.shot("i15-05-deadline-rule")
    phone.go(f"/directives/{directive.pk}/breakdown/propose/")
    phone.shot("i15-05-proposals")

    # …survives mapping an unknown name, which re-reads the proposals.
    names = page.locator("#unmatched form")
    assert names.count() > 0
    names.first.locator("select").select_option(str(police.pk))
    with page.expect_navigation():
        names.first.locator("button").click()
    assert page.locator("[data-kept-edits]").count() == 1
    kept = page.locator(f"article[data-key='{third_key}'] input[name$='-title']")
    assert kept.input_value() == "Tiêu đề sửa tay, chưa lưu"
    office.shot("i15-06-mapping-kept-edits")
    page.locator(f"article[data-key='{third_key}'] input[name$='-title']").fill("Tiêu đề sửa tay")
    office.submit("#proposals button[name=confirm]")
    assert Task.objects.filter(directive=directive, title="Tiêu đề sửa tay").exists()
    assert Task.objects.filter(directive=directive, deadline=dt.date(2020, 10, 21)).exists()
    office.shot("i15-07-breakdown")

    # 3. An urging letter, issued from its page; the issued PDF carries its number.
    overdue = make_task(title="Kiểm tra hàng nhập lậu qua tuyến biên giới", lead=[police])
    office.go(f"/work/overdue/?agency={police.pk}")
    with page.expect_navigation():
        page.click("[data-urging-letter]")
    assert page.locator("[data-next-number]").inner_text().endswith("01/BCĐ389-VP")
    office.shot("i15-08-urging-letter")
    phone.go(page.url.removeprefix(base))
    phone.shot("i15-08-urging-letter")
    page.fill("#id_reply_by", (dt.date.today() + dt.timedelta(days=10)).strftime("%d/%m/%Y"))
    office.submit("[data-issue]")
    letter = UrgingLetter.objects.get()
    row = page.locator(f"[data-letter='{letter.number_symbol}']")
    assert row.count() == 1 and letter.number_symbol == "01/BCĐ389-VP"
    office.shot("i15-09-urging-issued")
    phone.go(page.url.removeprefix(base).split("#")[0])
    phone.shot("i15-09-urging-issued")
    response = page.request.get(base + row.locator("a[href$='/pdf/']").get_attribute("href"))
    assert response.ok
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert re.search(r"Số:\s*01/BCĐ389-VP", text)
    assert TaskEvent.objects.filter(task=overdue, kind="urging_letter").count() == 1
