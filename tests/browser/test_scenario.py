"""The product in a real browser (headless Debian chromium via Playwright), over a live server.

1. A directive's whole life: the secretariat registers the seed-003 directive (which starts its
   flow) and breaks it down in the breakdown editor, the chair approves on the flow's step, the
   secretariat dispatches; Công an's officer acknowledges and reports with a file, its head signs
   the report off, the secretariat returns it once and then accepts it; the chair's dashboard
   counts it.
2. A task with two lead agencies: Công an reports, its head signs off, the standing office
   accepts; BĐBP still sees its own part open and can report it; the dashboard and the scorecard
   credit only Công an until BĐBP is accepted.
3. A task for every member of the committee (no head sign-off in this committee): some members
   report and are accepted, the others still owe theirs; only those are credited; the task is
   completed when the last one is accepted.

Every step leaves a screenshot in test-output/screenshots/, at desktop (1366×768) and phone
(390×844) width; on a phone no page may be wider than the screen. Every page each role sees is
checked with axe-core against the WCAG 2.1 A and AA rules (tests/browser/a11y.py): any
violation fails the test, listed at its end.
"""

import datetime as dt
import io
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from tasks.models import Task, TaskAssignment, TaskState
from tests.browser.a11y import Audit, require_axe_in_ci
from tests.factories import AgencyFactory, MembershipFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

playwright_api = pytest.importorskip("playwright.sync_api")

# Seed 003 as the fixtures keep it, so the test needs nothing outside the repository.
SEED = (
    Path(settings.BASE_DIR) / "fixtures" / "data" / "directives" / "texts" / "kg-tb-2020-10-07.txt"
)
SHOTS = Path(settings.BASE_DIR) / "test-output" / "screenshots"
# With DONDOC_GUIDE_IMAGES=1, these steps' desktop screenshots (the screen as it opens, not the
# whole page) are written as the user guide's images (docs/huong-dan/img/), by image name.
GUIDE_IMAGES = Path(settings.BASE_DIR) / "docs" / "huong-dan" / "img"
GUIDE_SHOTS = {
    "i15-01-register-docx": "vp-vao-so.png",
    "i15-04-chips": "vp-de-xuat.png",
    "i15-05-deadline-rule": "vp-thoi-han.png",
    "04-breakdown": "vp-danh-muc.png",
    "08-dispatch-step": "vp-giao-viec.png",
    "13-review-queue": "vp-xem-xet.png",
    "i15-08-urging-letter": "vp-cong-van-don-doc.png",
    "09-inbox": "cv-viec-cua-don-vi.png",
    "10-task": "cv-nhiem-vu.png",
    "11-report-form": "cv-bao-cao.png",
    "12-head-inbox": "tt-viec-cua-don-vi.png",
    "m03-ca-head-sign-off": "tt-ky-duyet.png",
    "06-approvals": "tb-cho-phe-duyet.png",
    "07-approve-step": "tb-phe-duyet.png",
    "17-dashboard-after": "tb-tong-quan.png",
}
CHROMIUM = Path("/usr/bin/chromium")
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
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
PASSWORD = "matkhau-389"  # tests.factories.UserFactory
# The first figures of an agency's scorecard (exports/pdf/scorecard.py), as the PDF words them.
SCORECARD_FIGURES = {
    "done_on_time": "Hoàn thành đúng hạn",
    "done_late": "Hoàn thành quá hạn",
    "open_on_time": "Đang thực hiện trong hạn",
    "open_overdue": "Đang thực hiện quá hạn",
}

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


@pytest.fixture(autouse=True)
def accessibility():
    """axe-core on every page the test's people visit; the violations, all of them, at the end."""
    require_axe_in_ci()
    audit = Audit()
    Person.audit = audit
    yield audit
    audit.assert_clean()


class Person:
    """One user in their own browser window (their own session)."""

    audit: Audit | None = None

    def __init__(self, browser, base_url: str, user, name: str, *, phone: bool = False) -> None:
        self.context = browser.new_context(viewport=PHONE if phone else DESKTOP, locale="vi-VN")
        if self.audit:
            self.audit.prepare(self.context)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.base = base_url
        self.name = name
        self.user = user
        self.phone = phone

    def go(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.check_access()

    def check_access(self) -> None:
        """axe-core on the page as it is now (once per role, width and kind of page)."""
        if self.audit and self.page.url.startswith(self.base):
            self.audit.check(self.page, self.user.role)

    def login(self) -> None:
        self.go("/accounts/login/")
        self.page.fill("#id_username", self.user.username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state()

    def shot(self, step: str) -> None:
        self.check_access()
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{step}-{self.name}.png"), full_page=True)
        if os.environ.get("DONDOC_GUIDE_IMAGES") and not self.phone and step in GUIDE_SHOTS:
            GUIDE_IMAGES.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(GUIDE_IMAGES / GUIDE_SHOTS[step]))
        if self.phone:  # nothing may push the page sideways on a phone
            width = self.page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"] + 1, f"{step}: the page is {width}px wide on a phone"

    def submit(self, selector: str) -> None:
        with self.page.expect_navigation():
            self.page.click(selector)

    def figures(self) -> dict[str, int]:
        """The committee's four figures, from the dashboard's cards."""
        self.go("/dashboard/")
        cards = self.page.locator("[data-figure]")
        return {
            cards.nth(i).get_attribute("data-figure"): int(
                cards.nth(i).locator(".dd-figure__value").inner_text()
            )
            for i in range(cards.count())
        }

    def ranking(self) -> dict[str, str]:
        """Each lead agency's on-time rate, as the dashboard's ranking shows it."""
        self.go("/dashboard/")
        rows = self.page.locator("table.dd-table--keep tbody tr")
        return {
            rows.nth(i).locator("td").nth(1).inner_text().strip(): rows.nth(i)
            .locator("td")
            .nth(2)
            .inner_text()
            .strip()
            for i in range(rows.count())
        }

    def scorecard(self, agency) -> dict[str, int]:
        """The figures at the top of an agency's scorecard PDF (downloaded in this person's
        session): its own parts of the tasks it leads."""
        response = self.page.request.get(f"{self.base}/documents/pdf/scorecard/{agency.code}/")
        assert response.ok, response.status
        text = "\n".join(
            page.extract_text() for page in PdfReader(io.BytesIO(response.body())).pages
        )
        return {
            key: int(re.search(rf"{label}\s*\n\s*(\d+)", text).group(1))
            for key, label in SCORECARD_FIGURES.items()
        }

    # ---- a task's page: one panel per lead agency

    def open_task(self, task: Task) -> None:
        self.go(f"/work/tasks/{task.pk}/")

    def panel(self, agency):
        return self.page.locator(f"section.dd-part[data-agency='{agency.code}']")

    def acknowledge(self, task: Task, agency) -> None:
        self.open_task(task)
        with self.page.expect_navigation():
            self.panel(agency).locator("form[data-acknowledge] button[type=submit]").click()

    def open_report_form(self, task: Task, agency) -> None:
        self.open_task(task)
        with self.page.expect_navigation():
            self.panel(agency).locator("a[href$='/report/']").click()

    def report(self, text: str, *, files: tuple[str, ...] = ()) -> None:
        """On the report form: a result report, with files."""
        self.page.check("input[name=kind][value=result]")
        self.page.fill("textarea[name=text]", text)
        if files:
            self.page.set_input_files(
                "input[name=files]",
                files=[
                    {"name": name, "mimeType": "application/pdf", "buffer": b"%PDF-1.4 bao cao"}
                    for name in files
                ],
            )

    def send_report(self) -> None:
        self.submit("form.dd-form button[type=submit]")

    def decide(self, task: Task, agency, form: str, decision: str, note: str = "") -> None:
        """Press a decision button on a part's panel: the head's sign-off (`sign-off`) or the
        standing office's review (`review`)."""
        self.open_task(task)
        panel = self.panel(agency).locator(f"form[data-{form}]")
        if note:
            panel.locator("textarea[name=note]").fill(note)
        with self.page.expect_navigation():
            panel.locator(f"button[name=decision][value={decision}]").click()


def part_state(task: Task, agency) -> str:
    return TaskAssignment.objects.get(task=task, agency=agency).state


def logged_in(browser, base: str, **people) -> dict[str, Person]:
    """A desktop and a phone window for each person, logged in."""
    windows = {}
    for name, user in people.items():
        windows[name] = Person(browser, base, user, name)
        windows[f"{name}_phone"] = Person(browser, base, user, f"{name}-phone", phone=True)
    for window in windows.values():
        window.login()
    return windows


def both(windows: dict[str, Person], name: str, step: str, path: str) -> None:
    """Screenshot `path` as `name` sees it on a desktop and on a phone."""
    for window in (windows[name], windows[f"{name}_phone"]):
        window.go(path)
        window.shot(step)


@pytest.fixture
def police_head(committee, police):
    return UserFactory(
        username="lanhdao.ca", role="agency_head", committee=committee, agency=police
    )


@pytest.fixture
def border_guard_head(committee, border_guard):
    return UserFactory(
        username="lanhdao.bdbp", role="agency_head", committee=committee, agency=border_guard
    )


NOTHING = dict.fromkeys(SCORECARD_FIGURES, 0)


def in_a_month() -> dt.date:
    return dt.date.today() + dt.timedelta(days=30)


# ---- 1. a directive's whole life


def test_directive_from_registration_to_accepted_report(
    live_server, browser, committee, police, border_guard, secretariat, chair, officer, police_head
):
    base = live_server.url
    office = Person(browser, base, secretariat, "secretariat")
    boss = Person(browser, base, chair, "chair")
    agent = Person(browser, base, officer, "officer")
    head = Person(browser, base, police_head, "head")
    agent_phone = Person(browser, base, officer, "officer-phone", phone=True)
    boss_phone = Person(browser, base, chair, "chair-phone", phone=True)
    office_phone = Person(browser, base, secretariat, "secretariat-phone", phone=True)
    head_phone = Person(browser, base, police_head, "head-phone", phone=True)
    agent_phone.go("/accounts/login/")
    agent_phone.shot("00-login")
    for person in (office, boss, agent, head, agent_phone, boss_phone, office_phone, head_phone):
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
    office.page.check(f"#field-coordinating input[value='{border_guard.pk}']")
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
    # Seed 003's 2020 deadlines have long passed: dispatch asks for new ones, and the reason.
    past = office.page.locator("input[name^='deadline_']")
    assert past.count() > 0
    office.shot("08-dispatch-step")
    office_phone.go(office.page.url.removeprefix(office.base))
    office_phone.shot("08-dispatch-step")
    moved = (dt.date.today() + dt.timedelta(days=45)).strftime("%d/%m/%Y")
    for i in range(past.count()):
        past.nth(i).fill(moved)
    office.page.fill("textarea[name=note]", "Vào sổ muộn: lùi thời hạn các nhiệm vụ đã quá hạn.")
    office.submit("button[name=complete]")
    office.shot("08-dispatched")

    task = Task.objects.get(directive_id=directive_id, ref="II.9")
    assert task.state == TaskState.ASSIGNED
    assert part_state(task, police) == "assigned"
    before = boss.figures()
    boss.shot("08-dashboard-dispatched")

    # 4. The officer finds it in the inbox, acknowledges Công an's part on the task page and
    # reports with a file; the report goes to the head first (the committee's default).
    agent.go("/work/")
    agent.shot("09-inbox")
    agent_phone.go("/work/")
    agent_phone.shot("09-inbox")
    agent.page.click(f"a[href^='/work/tasks/{task.pk}/']")
    agent.page.wait_for_load_state()
    agent.shot("10-task")
    agent.acknowledge(task, police)
    agent.shot("10-acknowledged")
    assert part_state(task, police) == "in_progress"
    agent_phone.open_task(task)
    agent_phone.shot("10-task")
    agent_phone.open_report_form(task, police)
    agent_phone.shot("11-report-form")
    agent.open_report_form(task, police)
    assert agent.page.locator("[data-to-head]").count() == 1
    agent.report(
        "Đã xử lý 7/9 hồ sơ do Cục QLTT chuyển; 2 hồ sơ đang xác minh.",
        files=("bao-cao-ket-qua.pdf",),
    )
    agent.shot("11-report-form")
    agent.send_report()
    agent.shot("12-reported-to-head")
    assert part_state(task, police) == "awaiting_head"

    # 5. The head signs it off to the standing office.
    head.go("/work/")
    head.shot("12-head-inbox")
    head_phone.open_task(task)
    head_phone.shot("12-head-sign-off")
    head.decide(task, police, "sign-off", "send_on")
    head.shot("12-head-signed-off")
    assert part_state(task, police) == "reported"

    # 6. The secretariat returns it once (a reason is required), then accepts the second report.
    office.go("/work/reviews/")
    office.shot("13-review-queue")
    office.decide(task, police, "review", "return")
    # The action refuses (no reason): its message on the page, nothing changed.
    assert office.page.locator(".dd-alert--error").count() >= 1
    assert part_state(task, police) == "reported"
    office.shot("14-return-needs-reason")
    office.decide(task, police, "review", "return", "Đề nghị bổ sung kết quả 2 hồ sơ còn lại.")
    office.shot("15-returned")
    assert part_state(task, police) == "returned"

    agent.open_report_form(task, police)
    assert "Đề nghị bổ sung" in agent.page.content()
    agent.report("Đã xử lý xong 9/9 hồ sơ.")
    agent.send_report()
    head.decide(task, police, "sign-off", "send_on")
    office.decide(task, police, "review", "accept")
    office.shot("16-accepted")
    task.refresh_from_db()
    assert task.state == TaskState.COMPLETED
    assert part_state(task, police) == "accepted"

    # 7. The chair's dashboard counts it as done on time.
    after = boss.figures()
    boss.shot("17-dashboard-after")
    boss_phone.go("/dashboard/")
    boss_phone.shot("17-dashboard")
    assert after["done_on_time"] == before["done_on_time"] + 1
    assert after["open_overdue"] == before["open_overdue"]
    office.go("/directives/?q=buon+lau")
    office.shot("18-search")
    assert "189/TB-VPUBND" in office.page.content()


# ---- 2. two lead agencies, each with its own part


def test_two_leads_each_report_and_are_credited_on_their_own(
    live_server,
    browser,
    make_task,
    police,
    border_guard,
    secretariat,
    chair,
    officer,
    support_officer,
    police_head,
    border_guard_head,
):
    task = make_task(
        title="Kiểm tra, kiểm soát các bến bãi, cửa sông có dấu hiệu vận chuyển hàng lậu",
        lead=[police, border_guard],
        coordinating=[],
        deadline=in_a_month(),
    )
    people = logged_in(
        browser,
        live_server.url,
        office=secretariat,
        chair=chair,
        ca=officer,
        ca_head=police_head,
        bdbp=support_officer,
        bdbp_head=border_guard_head,
    )
    office, boss, ca, ca_head, bdbp = (
        people[name] for name in ("office", "chair", "ca", "ca_head", "bdbp")
    )
    page = f"/work/tasks/{task.pk}/"
    before = boss.figures()
    both(people, "bdbp", "m01-two-leads-bdbp", page)

    # Công an acknowledges and reports its part; its head signs it off; the office accepts it.
    ca.acknowledge(task, police)
    ca.open_report_form(task, police)
    ca.report(
        "Đã kiểm tra 27 bến bãi, 64 phương tiện thủy; xử lý 05 vụ vận chuyển thuốc lá điếu ngoại.",
        files=("ca-bao-cao.pdf",),
    )
    ca.shot("m02-ca-report-form")
    ca.send_report()
    assert part_state(task, police) == "awaiting_head"
    both(people, "ca_head", "m03-ca-head-sign-off", page)
    ca_head.decide(task, police, "sign-off", "send_on")
    assert part_state(task, police) == "reported"
    both(people, "office", "m04-office-review-ca", page)
    office.decide(task, police, "review", "accept", "Đạt yêu cầu.")
    office.shot("m05-ca-accepted")
    assert part_state(task, police) == "accepted"
    task.refresh_from_db()
    assert task.state == TaskState.ASSIGNED  # BĐBP still owes its part

    # BĐBP still sees its own part open, and can act on it; Công an's shows as accepted.
    bdbp.open_task(task)
    assert bdbp.panel(border_guard).get_attribute("data-state") == "assigned"
    assert bdbp.panel(border_guard).locator("form[data-acknowledge]").count() == 1
    assert bdbp.panel(police).get_attribute("data-state") == "accepted"
    assert bdbp.panel(police).locator("form, a[href$='/report/']").count() == 0
    both(people, "bdbp", "m06-bdbp-still-open", page)
    both(people, "bdbp", "m06-bdbp-inbox", "/work/")
    both(people, "bdbp_head", "m06-bdbp-head-agency", "/work/agency/")

    # The dashboard and the scorecards credit only Công an.
    middle = boss.figures()
    assert middle["done_on_time"] == before["done_on_time"]  # the task is not done yet
    ranking = boss.ranking()
    assert ranking[str(police)].startswith("100")
    assert not ranking.get(str(border_guard), "–").startswith("100")
    both(people, "chair", "m07-dashboard-ca-only", "/dashboard/")
    assert boss.scorecard(police) == {**NOTHING, "done_on_time": 1}
    assert boss.scorecard(border_guard) == {**NOTHING, "open_on_time": 1}

    # BĐBP reports its own part; its head signs off; the office accepts: the task is done.
    bdbp.acknowledge(task, border_guard)
    bdbp.open_report_form(task, border_guard)
    people["bdbp_phone"].open_report_form(task, border_guard)
    people["bdbp_phone"].shot("m08-bdbp-report-form")
    bdbp.report("Đã kiểm tra 14/14 cửa sông thuộc địa bàn quản lý; bắt giữ 02 phương tiện.")
    bdbp.send_report()
    people["bdbp_head"].decide(task, border_guard, "sign-off", "send_on")
    office.decide(task, border_guard, "review", "accept")
    both(people, "office", "m09-both-accepted", page)
    task.refresh_from_db()
    assert task.state == TaskState.COMPLETED
    after = boss.figures()
    assert after["done_on_time"] == before["done_on_time"] + 1
    assert boss.ranking()[str(border_guard)].startswith("100")
    assert boss.scorecard(border_guard) == {**NOTHING, "done_on_time": 1}
    both(people, "chair", "m10-dashboard-both", "/dashboard/")


# ---- 3. every member of the committee leads


def test_all_members_task_credits_each_member_that_reported(
    live_server,
    browser,
    committee,
    make_task,
    police,
    border_guard,
    secretariat,
    chair,
    officer,
    support_officer,
):
    # This committee lets an officer's report go straight to the standing office.
    committee.reports_need_head_approval = False
    committee.save(update_fields=["reports_need_head_approval"])
    members = [police, border_guard]
    officers = {police: officer, border_guard: support_officer}
    for code, name, short in (
        ("KG-SCT", "Sở Công Thương tỉnh Kiên Giang", "Sở Công Thương"),
        ("KG-CCQLTT", "Chi cục Quản lý thị trường tỉnh Kiên Giang", "Chi cục QLTT"),
    ):
        agency = AgencyFactory(code=code, name=name, short_name=short)
        MembershipFactory(committee=committee, agency=agency)
        members.append(agency)
        officers[agency] = UserFactory(
            username=f"canbo.{code.lower()}",
            role="agency_officer",
            committee=committee,
            agency=agency,
        )
    task = make_task(
        title="Các thành viên Ban Chỉ đạo báo cáo sơ kết 6 tháng thực hiện Kế hoạch",
        lead=members,
        coordinating=[],
        deadline=in_a_month(),
    )
    people = logged_in(
        browser,
        live_server.url,
        office=secretariat,
        chair=chair,
        **{f"m{i}": officers[agency] for i, agency in enumerate(members)},
    )
    office, boss = people["office"], people["chair"]
    page = f"/work/tasks/{task.pk}/"
    before = boss.figures()
    both(people, "office", "a01-all-members", page)

    # Công an and BĐBP report (straight to the office: no sign-off here) and are accepted.
    for i, agency in enumerate(members[:2]):
        member = people[f"m{i}"]
        member.acknowledge(task, agency)
        member.open_report_form(task, agency)
        assert member.page.locator("[data-to-head]").count() == 0
        member.report(f"{agency} báo cáo sơ kết 6 tháng: đã hoàn thành các chỉ tiêu Kế hoạch.")
        member.send_report()
        assert part_state(task, agency) == "reported"
        office.decide(task, agency, "review", "accept")
        assert part_state(task, agency) == "accepted"
    both(people, "office", "a02-two-of-four-accepted", page)
    task.refresh_from_db()
    assert task.state == TaskState.ASSIGNED
    assert {a.agency.code: a.state for a in task.assignments.all()} == {
        "KG-CA": "accepted",
        "KG-BDBP": "accepted",
        "KG-SCT": "assigned",
        "KG-CCQLTT": "assigned",
    }

    # Those who have not reported still see their own part open.
    late = people["m2"]
    late.open_task(task)
    assert late.panel(members[2]).get_attribute("data-state") == "assigned"
    assert late.panel(members[2]).locator("form[data-acknowledge]").count() == 1
    both(people, "m2", "a03-member-still-open", page)

    # Only the two are credited; the task is not done.
    assert boss.figures()["done_on_time"] == before["done_on_time"]
    ranking = boss.ranking()
    assert ranking[str(police)].startswith("100") and ranking[str(border_guard)].startswith("100")
    for agency in members[2:]:
        assert not ranking.get(str(agency), "–").startswith("100")
        assert boss.scorecard(agency) == {**NOTHING, "open_on_time": 1}
    assert boss.scorecard(police) == {**NOTHING, "done_on_time": 1}
    both(people, "chair", "a04-dashboard-two-of-four", "/dashboard/")

    # The other two report and are accepted: the task is completed.
    for i, agency in enumerate(members[2:], start=2):
        member = people[f"m{i}"]
        member.acknowledge(task, agency)
        member.open_report_form(task, agency)
        member.report(f"{agency} báo cáo sơ kết 6 tháng.")
        member.send_report()
        office.decide(task, agency, "review", "accept")
    task.refresh_from_db()
    assert task.state == TaskState.COMPLETED
    assert boss.figures()["done_on_time"] == before["done_on_time"] + 1
    both(people, "office", "a05-all-accepted", page)
    both(people, "chair", "a06-dashboard-all", "/dashboard/")


# ---- 4. an urging letter signed from its page (issue 14)


def test_an_urging_letter_is_signed_from_its_page_and_shows_its_signatures(
    live_server, browser, make_task, committee, police, secretariat, chair
):
    """The standing office signs an issued letter with the signer's certificate (password typed
    at signing) and the organisation's (password kept, seal image); the page then shows both
    signatures valid, unchanged and trusted, and the signed PDF verifies."""
    from chasing.urging import issue_urging_letter
    from egov import signing
    from egov.models import SigningCredential, TrustedRoot
    from egov.verify import verify_pdf
    from tests.egov.pki import make_authority

    chair.full_name = "Nguyễn Đức Chín"
    chair.save()
    make_task(deadline=dt.date(2020, 12, 31))
    letter = issue_urging_letter(committee, police, by=secretariat)
    ca = make_authority()
    TrustedRoot.objects.create(name="CA", certificate=ca.der, subject="CA", fingerprint="f" * 64)
    signing.store_credential(
        SigningCredential(committee=committee, kind="personal", label="Chữ ký Trưởng ban"),
        pkcs12_data=ca.issue_pkcs12("Nguyễn Đức Chín", "UBND tỉnh Kiên Giang", "ky-so"),
        password="ky-so",
        keep_password=False,
        seal_image=None,
        by=None,
    )
    seal = signing.store_credential(
        SigningCredential(committee=committee, kind="organisation", label="Con dấu Ban"),
        pkcs12_data=ca.issue_pkcs12("Ban Chỉ đạo 389 tỉnh Kiên Giang", "UBND", "dau"),
        password="dau",
        keep_password=True,
        seal_image=None,
        by=None,
    )
    windows = logged_in(browser, live_server.url, office=secretariat)
    office = windows["office"]
    office.go(reverse("directives:urging_letter", args=[police.code]))
    office.page.click(f"#letter-{letter.pk} [data-sign-link]")
    office.page.wait_for_load_state()
    office.shot("40-letter-to-sign")
    office.page.fill("#id_personal_password", "ky-so")
    office.page.select_option("#id_organisation", str(seal.pk))
    office.submit("[data-sign-letter]")
    office.shot("41-letter-signed")
    panel = office.page.locator('[data-signature-ok="yes"]')
    assert panel.count() == 2
    assert "Nguyễn Đức Chín" in panel.first.inner_text()
    assert office.page.locator("[data-sign-letter]").count() == 0  # signed once
    both(windows, "office", "41-letter-signed", f"/egov/letters/{letter.pk}/")
    signed = office.page.request.get(f"{live_server.url}/egov/letters/{letter.pk}/signed.pdf")
    # pyHanko runs its own event loop: not in this thread, where Playwright's is running.
    with ThreadPoolExecutor(1) as pool:
        reports = pool.submit(verify_pdf, signed.body()).result()
    assert [r.ok for r in reports] == [True, True]
