"""The whole life of a directive in a real browser (headless Debian chromium via Playwright).

The secretariat registers the seed-003 directive (which starts its flow) and breaks it down in
the breakdown editor (proposals beside the text), the chair approves on the flow's step, an
agency officer acknowledges and reports with a file on the task flow's steps, the secretariat
returns the report once and then accepts it, and the chair's dashboard figures change accordingly. Every step leaves a
screenshot in test-output/screenshots/ (desktop, and phone width for the pages people use on
the move).
"""

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from tasks.models import Task, TaskState

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

playwright_api = pytest.importorskip("playwright.sync_api")

# Seed 003 as the fixtures keep it, so the test needs nothing outside the repository.
SEED = (
    Path(settings.BASE_DIR) / "fixtures" / "data" / "directives" / "texts" / "kg-tb-2020-10-07.txt"
)
SHOTS = Path(settings.BASE_DIR) / "test-output" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "matkhau-389"  # tests.factories.UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser():
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Person:
    """One user in their own browser window (their own session)."""

    def __init__(self, browser, base_url: str, user, name: str, *, phone: bool = False) -> None:
        viewport = {"width": 390, "height": 844} if phone else {"width": 1366, "height": 900}
        self.context = browser.new_context(viewport=viewport, locale="vi-VN")
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.base = base_url
        self.name = name
        self.user = user
        self.phone = phone

    def go(self, path: str) -> None:
        self.page.goto(self.base + path)

    def login(self) -> None:
        self.go("/accounts/login/")
        self.page.fill("#id_username", self.user.username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state()

    def shot(self, step: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{step}-{self.name}.png"), full_page=True)
        if self.phone:  # nothing may push the page sideways on a phone
            width = self.page.evaluate("document.documentElement.scrollWidth")
            assert width <= 391, f"{step}: the page is {width}px wide on a 390px phone"

    def submit(self, selector: str) -> None:
        with self.page.expect_navigation():
            self.page.click(selector)

    def figures(self) -> dict[str, int]:
        self.go("/dashboard/")
        cards = self.page.locator("[data-figure]")
        return {
            cards.nth(i).get_attribute("data-figure"): int(
                cards.nth(i).locator(".dd-figure__value").inner_text()
            )
            for i in range(cards.count())
        }


def test_directive_from_registration_to_accepted_report(
    live_server, browser, committee, police, border_guard, secretariat, chair, officer
):
    base = live_server.url
    office = Person(browser, base, secretariat, "secretariat")
    boss = Person(browser, base, chair, "chair")
    agent = Person(browser, base, officer, "officer")
    agent_phone = Person(browser, base, officer, "officer-phone", phone=True)
    boss_phone = Person(browser, base, chair, "chair-phone", phone=True)
    office_phone = Person(browser, base, secretariat, "secretariat-phone", phone=True)
    agent_phone.go("/accounts/login/")
    agent_phone.shot("00-login")
    for person in (office, boss, agent, agent_phone, boss_phone, office_phone):
        person.login()

    boss.go("/dashboard/")
    boss.shot("00-dashboard-empty")

    # 1. The secretariat registers seed 003.
    office.shot("01-register")
    office.go("/directives/new/")
    office.page.fill("#id_number", "189/TB-VPUBND")
    office.page.select_option("#id_doc_type", "TB")
    office.page.fill(
        "#id_subject",
        "Kết luận của Trưởng Ban Chỉ đạo 389/KG tại Hội nghị sơ kết 9 tháng đầu năm 2020",
    )
    office.page.fill("#id_issued_on", "07/10/2020")
    office.page.fill("#id_issuer_name", "ỦY BAN NHÂN DÂN TỈNH KIÊN GIANG")
    office.page.fill("#id_text", SEED.read_text(encoding="utf-8"))
    office.shot("02-register-form")
    office.submit(".dd-page button[type=submit]")
    assert "/breakdown/" in office.page.url
    directive_id = int(re.search(r"/directives/(\d+)/", office.page.url).group(1))

    # 2. Registering started the directive's flow and opened the breakdown editor: the text on
    # the left, the proposals from it on the right, names it could not resolve to map.
    office.page.click("a[href$='/breakdown/propose/']")
    office.page.wait_for_load_state()
    assert office.page.locator("mark.dd-src").count() > 0
    office.shot("03-proposals")
    office_phone.go(f"/directives/{directive_id}/breakdown/propose/")
    office_phone.shot("03-proposals")
    names = office.page.locator("#unmatched form")
    if names.count():
        # The office confirms what the first unresolved name means; the proposals are re-read.
        names.first.locator("select").select_option(str(border_guard.pk))
        with office.page.expect_navigation():
            names.first.locator("button").click()
        office.shot("03-mapped")
    office.submit("#proposals button[name=confirm]")
    assert Task.objects.filter(directive_id=directive_id).exists()
    office.page.click("a[href$='/breakdown/add/']")
    office.page.wait_for_load_state()
    office.page.fill("#id_ref", "II.9")
    office.page.fill(
        "#id_title", "Công an tỉnh đẩy nhanh xử lý hồ sơ do Cục Quản lý thị trường chuyển qua"
    )
    office.page.check(f"#field-lead input[value='{police.pk}']")
    office.page.check(f"#field-support input[value='{border_guard.pk}']")
    deadline = dt.date.today() + dt.timedelta(days=60)
    office.page.fill("#id_deadline", deadline.strftime("%d/%m/%Y"))
    office.page.fill("#id_deadline_text", "trong quý")
    office.submit(".dd-page button[type=submit]")
    office.shot("04-breakdown")
    office_phone.go(f"/directives/{directive_id}/breakdown/")
    office_phone.shot("04-breakdown")
    assert "Công an tỉnh đẩy nhanh" in office.page.content()
    office.submit("#submit-breakdown button[type=submit]")
    office.shot("05-submitted")

    # 3. The chair approves and the secretariat dispatches, each on the directive flow's step,
    # linked from the directive page (its only actions).
    boss.go("/work/approvals/")
    boss.shot("06-approvals")
    boss.go(f"/directives/{directive_id}/")
    assert boss.page.locator("[data-flow-step]").count() == 1
    boss.page.click("[data-flow-step]")
    boss.page.wait_for_load_state()
    boss.page.check("input[name=decision][value=approve]")
    boss.shot("07-approve-step")
    boss.submit("button[name=complete]")
    boss.go(f"/directives/{directive_id}/")
    boss.shot("07-approved")
    assert 'data-state="issued"' in boss.page.content()
    office.go(f"/directives/{directive_id}/")
    office.page.click("[data-flow-step]")
    office.page.wait_for_load_state()
    office.submit("button[name=complete]")
    office.shot("08-dispatched")

    task = Task.objects.get(directive_id=directive_id, ref="II.9")
    assert task.state == TaskState.ASSIGNED
    before = boss.figures()
    boss.shot("08-dashboard-dispatched")

    # 4. The officer finds it in the inbox, acknowledges and reports with a file, on the task
    # flow's steps linked from the task page.
    agent.go("/work/")
    agent.shot("09-inbox")
    agent_phone.go("/work/")
    agent_phone.shot("09-inbox")
    agent.page.click(f"a[href='/work/tasks/{task.pk}/']")
    agent.page.wait_for_load_state()
    agent.page.click("a[href*='/acknowledge/']")
    agent.page.wait_for_load_state()
    agent.submit("button[name=complete]")
    agent.shot("10-acknowledged")
    agent_phone.go(f"/work/tasks/{task.pk}/")
    agent_phone.shot("10-task")
    report_step = agent_phone.page.locator("a[href*='/report/']").first.get_attribute("href")
    agent_phone.go(report_step)
    agent_phone.shot("11-report-form")
    agent.go(report_step)
    agent.page.fill(
        "textarea[name=text]", "Đã xử lý 7/9 hồ sơ do Cục QLTT chuyển; 2 hồ sơ đang xác minh."
    )
    agent.page.set_input_files(
        "input[name=files]",
        files=[
            {
                "name": "bao-cao-ket-qua.pdf",
                "mimeType": "application/pdf",
                "buffer": b"%PDF-1.4 bao cao",
            }
        ],
    )
    agent.shot("11-report-form")
    agent.submit("button[name=complete]")
    agent.shot("12-reported")
    task.refresh_from_db()
    assert task.state == TaskState.REPORTED

    # 5. The secretariat returns it once (a reason is required), then accepts the second report.
    office.go("/work/reviews/")
    office.shot("13-review-queue")
    office.go(f"/work/tasks/{task.pk}/")
    office.page.click("a[href*='/review/']")
    office.page.wait_for_load_state()
    office.page.check("input[name=decision][value=return]")
    office.submit("button[name=complete]")
    # The action refuses (no reason): its message on the form, nothing changed.
    assert office.page.locator("form.dd-form .dd-alert--error").count() == 1
    task.refresh_from_db()
    assert task.state == TaskState.REPORTED
    office.shot("14-return-needs-reason")
    office.page.check("input[name=decision][value=return]")
    office.page.fill("textarea[name=note]", "Đề nghị bổ sung kết quả 2 hồ sơ còn lại.")
    office.submit("button[name=complete]")
    office.shot("15-returned")
    task.refresh_from_db()
    assert task.state == TaskState.RETURNED

    agent.go(f"/work/tasks/{task.pk}/")
    agent.page.click("a[href*='/report/']")
    agent.page.wait_for_load_state()
    assert "Đề nghị bổ sung" in agent.page.content()
    agent.page.fill("textarea[name=text]", "Đã xử lý xong 9/9 hồ sơ.")
    agent.submit("button[name=complete]")
    office.go(f"/work/tasks/{task.pk}/")
    office.page.click("a[href*='/review/']")
    office.page.wait_for_load_state()
    office.page.check("input[name=decision][value=accept]")
    office.submit("button[name=complete]")
    office.shot("16-accepted")
    task.refresh_from_db()
    assert task.state == TaskState.COMPLETED

    # 6. The chair's dashboard counts it as done on time.
    after = boss.figures()
    boss.shot("17-dashboard-after")
    boss_phone.go("/dashboard/")
    boss_phone.shot("17-dashboard")
    assert after["done_on_time"] == before["done_on_time"] + 1
    assert after["open_overdue"] == before["open_overdue"]
    office.go("/directives/?q=buon+lau")
    office.shot("18-search")
    assert "189/TB-VPUBND" in office.page.content()
