"""Usable from a border post and by everyone (issue 16), in headless chromium:

1. Weight: served as in production (collectstatic's hashed, compressed files through WhiteNoise,
   DEBUG off, HTML gzipped), a first visit to the login page and to the inbox transfers under
   500 KB, a repeat visit under 40 KB (bytes on the wire, from the DevTools Network events).
   The same visits on a slow 3G link (400 ms, 400 kbit/s, DevTools network emulation) are timed
   and printed; bench/README.md records them.
2. Keyboard only: an officer logs in, goes from the inbox to the task, acknowledges, reports and
   logs out with Tab, Enter and Space (and typing), seeing where the focus is at every stop.
3. The periodic-report pages for each role, at desktop and phone width: within the screen,
   axe-core clean, the by-force grid's boxes named by column and row (screenshots r01–r08).
4. The administrator's dashboard, every committee's figures, at desktop and phone width
   (screenshots d01).
"""

import datetime as dt
import os

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import override_settings
from django.test.testcases import LiveServerThread

from reporting import services as reporting
from reporting.models import ReportSubmission
from tasks.models import TaskAssignment
from tests.browser.a11y import Audit, require_axe
from tests.factories import (
    AgencyFactory,
    CommitteeFactory,
    MembershipFactory,
    ReportingObligationFactory,
    UserFactory,
)
from tests.ui_helpers import make_bulk_tasks

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

playwright_api = pytest.importorskip("playwright.sync_api")

from tests.browser.test_scenario import (  # noqa: E402 - after the importorskip
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    PASSWORD,
    Person,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed"),
]

KB = 1000
FIRST_VISIT_BUDGET = 500 * KB
REPEAT_VISIT_BUDGET = 40 * KB
SLOW_3G = {  # Chrome's DevTools network emulation: the border-post link
    "offline": False,
    "latency": 400,  # ms
    "downloadThroughput": 400_000 / 8,  # bytes/s
    "uploadThroughput": 400_000 / 8,
}
PRODUCTION_STORAGE = {"BACKEND": "project.staticfiles.StaticStorage"}


@pytest.fixture
def browser():
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory):
    """collectstatic as `make run` and `make prod-up` do it: hashed names, .br and .gz copies
    (the admin's and the API browser's files left out: no page measured here loads them)."""
    root = tmp_path_factory.mktemp("static")
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": PRODUCTION_STORAGE,
    }
    with override_settings(STATIC_ROOT=str(root), STORAGES=storages):
        call_command(
            "collectstatic",
            interactive=False,
            verbosity=0,
            ignore_patterns=["admin", "rest_framework", "drf_spectacular*"],
        )
    return root


@pytest.fixture
def production_server(collected_static, settings, transactional_db):
    """A live server whose static files WhiteNoise serves, as in production (pytest-django's
    live_server serves them from the apps, uncompressed and uncached)."""
    settings.STATIC_ROOT = str(collected_static)
    settings.STORAGES = {**settings.STORAGES, "staticfiles": PRODUCTION_STORAGE}
    settings.DEBUG = False
    shared = {}
    for connection in connections.all():
        if connection.vendor == "sqlite" and connection.is_in_memory_db():
            connection.inc_thread_sharing()
            shared[connection.alias] = connection
    server = LiveServerThread("localhost", lambda handler: handler, connections_override=shared)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    yield f"http://localhost:{server.port}"
    server.terminate()
    for connection in shared.values():
        connection.dec_thread_sharing()


class Meter:
    """Bytes on the wire for one page view, from the DevTools protocol's Network events:
    encodedDataLength is what crossed the network (compressed body and headers); a file from
    the browser's cache counts 0."""

    def __init__(self, context, page) -> None:
        self.cdp = context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.urls: dict[str, str] = {}
        self.sizes: dict[str, int] = {}
        self.cdp.on("Network.requestWillBeSent", self._request)
        self.cdp.on("Network.loadingFinished", self._finished)

    def _request(self, event: dict) -> None:
        self.urls[event["requestId"]] = event["request"]["url"]

    def _finished(self, event: dict) -> None:
        self.sizes[event["requestId"]] = int(event["encodedDataLength"])

    def visit(self, page, url: str) -> tuple[int, list[tuple[int, str]]]:
        self.urls.clear()
        self.sizes.clear()
        page.goto(url, wait_until="networkidle")
        files = sorted(
            ((size, self.urls.get(rid, "?").split("/", 3)[-1]) for rid, size in self.sizes.items()),
            reverse=True,
        )
        return sum(size for size, _ in files), files


def log_in(browser, base: str, user) -> list[dict]:
    """Log in through the form in a throw-away window; its session cookie, for a cold one."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    cookies = context.cookies()
    context.close()
    return cookies


def paint_and_load(page) -> tuple[float, float]:
    """First contentful paint and the load event, in seconds from the navigation's start."""
    return page.evaluate(
        """() => {
          const paint = performance.getEntriesByName("first-contentful-paint")[0];
          const nav = performance.getEntriesByType("navigation")[0];
          return [paint ? paint.startTime / 1000 : NaN, nav.loadEventEnd / 1000];
        }"""
    )


def show(label: str, total: int, files: list[tuple[int, str]]) -> None:
    print(f"\n{label}: {total / KB:.1f} KB in {len(files)} responses")
    for size, name in files:
        print(f"  {size / KB:8.1f} KB  {name[:90]}")


def test_first_and_repeat_visits_stay_within_the_byte_budget(
    production_server, browser, officer, make_task
):
    make_task(deadline=dt.date.today() + dt.timedelta(days=20))
    base = production_server

    # The login page, cold, then again.
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    page = context.new_page()
    meter = Meter(context, page)
    login_first, files = meter.visit(page, base + "/accounts/login/")
    show("login, first visit", login_first, files)
    login_again, files = meter.visit(page, base + "/accounts/login/")
    show("login, repeat visit", login_again, files)
    context.close()

    # The inbox, signed in but with nothing cached, then again.
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    context.add_cookies(log_in(browser, base, officer))
    page = context.new_page()
    meter = Meter(context, page)
    inbox_first, files = meter.visit(page, base + "/work/")
    assert page.url.endswith("/work/"), page.url  # signed in, not sent to the login page
    show("inbox, first visit", inbox_first, files)
    assert any(".br" in name or "dondoc." in name for _, name in files)
    inbox_again, files = meter.visit(page, base + "/work/")
    show("inbox, repeat visit", inbox_again, files)
    context.close()

    assert login_first < FIRST_VISIT_BUDGET, f"login, first visit: {login_first} bytes"
    assert inbox_first < FIRST_VISIT_BUDGET, f"inbox, first visit: {inbox_first} bytes"
    assert login_again < REPEAT_VISIT_BUDGET, f"login, repeat visit: {login_again} bytes"
    assert inbox_again < REPEAT_VISIT_BUDGET, f"inbox, repeat visit: {inbox_again} bytes"

    # Slow 3G: timed and printed (recorded in bench/README.md), not asserted.
    print(
        f"\nslow 3G ({SLOW_3G['latency']} ms, {SLOW_3G['downloadThroughput'] * 8 / 1000:.0f} kbit/s):"
    )
    cookies = log_in(browser, base, officer)
    for name, path, signed_in in (("login", "/accounts/login/", False), ("inbox", "/work/", True)):
        context = browser.new_context(viewport=DESKTOP, locale="vi-VN")
        if signed_in:
            context.add_cookies(cookies)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW_3G)
        timings = []
        for _visit in ("first", "repeat"):
            page.goto(base + path, wait_until="load", timeout=120_000)
            timings.append(paint_and_load(page))
        (paint, load), (paint_again, load_again) = timings
        print(
            f"  {name}: first visit: first paint {paint:.2f} s, loaded {load:.2f} s; "
            f"repeat visit: first paint {paint_again:.2f} s, loaded {load_again:.2f} s"
        )
        context.close()


# ---- 2. keyboard only


class Keyboard:
    """Tab through a page as a keyboard user does, checking each stop shows where focus is."""

    def __init__(self, page) -> None:
        self.page = page

    def focused(self, selector: str) -> bool:
        return self.page.evaluate(
            "s => document.activeElement && document.activeElement.matches(s)", selector
        )

    def focus_is_visible(self) -> bool:
        return self.page.evaluate(
            """() => {
              const el = document.activeElement, style = getComputedStyle(el);
              const rect = el.getBoundingClientRect();
              const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
                           || style.boxShadow !== "none";
              return ring && rect.width > 0 && rect.height > 0;
            }"""
        )

    def describe(self) -> str:
        return self.page.evaluate(
            "() => { const e = document.activeElement; "
            "return e.tagName + ' ' + (e.getAttribute('href') || e.name || e.id || '') + ' ' "
            "+ (e.innerText || e.value || '').trim().slice(0, 40); }"
        )

    def tab_to(self, selector: str, *, limit: int = 60) -> int:
        """Press Tab until `selector` has the focus; how many presses it took."""
        if self.focused(selector):  # already there (the login form's autofocus)
            return 0
        for presses in range(1, limit + 1):
            self.page.keyboard.press("Tab")
            if self.focused("body"):  # past the last stop, the browser's own bar has it
                continue
            assert self.focus_is_visible(), f"no visible focus on {self.describe()}"
            if self.focused(selector):
                return presses
        raise AssertionError(f"{selector} not reached in {limit} Tab presses")

    def press(self, key: str, *, navigates: bool = True) -> None:
        if navigates:
            with self.page.expect_navigation():
                self.page.keyboard.press(key)
        else:
            self.page.keyboard.press(key)


def test_an_officer_reports_and_logs_out_with_the_keyboard_alone(
    live_server, browser, make_task, police, officer
):
    require_axe()
    task = make_task(title="Kiểm tra bến bãi ven biển", deadline=dt.date.today() + dt.timedelta(30))
    audit = Audit()
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    audit.prepare(context)
    page = context.new_page()
    keys = Keyboard(page)

    page.goto(live_server.url + "/accounts/login/")
    keys.tab_to("#id_username")
    page.keyboard.type(officer.username)
    keys.tab_to("#id_password")
    page.keyboard.type(PASSWORD)
    keys.press("Enter")
    assert page.url.endswith("/work/")
    audit.check(page, officer.role)

    # The skip link is the first stop; past it, the first task is a few presses away.
    page.keyboard.press("Tab")
    assert keys.focused("a.dd-skip") and keys.focus_is_visible()
    page.keyboard.press("Enter")
    # The skip link hands the focus to <main>; chromium does that a frame after the key, so a
    # Tab sent at once could leave for the menu and have the focus pulled back to <main>.
    page.wait_for_function("document.activeElement && document.activeElement.id === 'main'")
    presses = keys.tab_to(f"main a[href^='/work/tasks/{task.pk}/']")
    # Past the skip link, only the inbox's own filters (state, role: 8 links) and its Excel
    # button come first.
    assert presses <= 10, f"the first task is {presses} Tab stops past the skip link"
    keys.press("Enter")
    audit.check(page, officer.role)

    # The side menu is on the Tab path (viewflow's list script had taken its links out).
    keys.tab_to(".vf-page__menu a.mdc-list-item[href='/directives/']")
    keys.tab_to(f"section.dd-part[data-agency='{police.code}'] form[data-acknowledge] button")
    keys.press("Enter")
    keys.tab_to(f"section.dd-part[data-agency='{police.code}'] a[href$='/report/']")
    keys.press("Enter")
    audit.check(page, officer.role)

    keys.tab_to("input[name=kind][value=result]")
    page.keyboard.press("Space")  # the result report (already chosen): Space keeps it chosen
    keys.tab_to("textarea[name=text]")
    page.keyboard.type("Đã kiểm tra 12 bến bãi; không phát hiện vi phạm.")
    keys.tab_to("form.dd-form button[type=submit]")
    keys.press("Enter")
    part = TaskAssignment.objects.get(task=task, agency=police)
    assert part.state == "awaiting_head"  # sent to the head for sign-off
    audit.check(page, officer.role)

    # Log out: the account menu in the drawer, then its "Đăng xuất".
    keys.tab_to(".vf-page__menu-toggle-button")
    page.keyboard.press("Enter")
    assert page.get_attribute(".vf-page__menu-toggle-button", "aria-expanded") == "true"
    keys.tab_to("button.dd-logout")
    keys.press("Enter")
    page.goto(live_server.url + "/work/")
    assert "/accounts/login/" in page.url  # signed out
    context.close()
    audit.assert_clean()


# ---- 3. the periodic-report pages, at desktop and phone width


def assert_fits(who, name: str, what: str) -> None:
    """The page is no wider than the window (a wide table scrolls in its own region)."""
    width = who.page.evaluate("document.documentElement.scrollWidth")
    assert width <= who.page.viewport_size["width"], f"{name}: {what} is {width}px wide"


def test_periodic_report_pages_fit_the_screen_and_pass_axe(
    live_server, browser, committee, police, border_guard, officer, secretariat, chair
):
    """Every periodic-report page each role opens: no wider than the screen (the submission form
    was 1,536 px on a 1,366 px screen), nothing cut off on a phone, no WCAG A/AA violation, and
    the 49 boxes of the by-force grid each named by its column and row."""
    require_axe()
    obligation = ReportingObligationFactory(
        committee=committee, starts_on=dt.date.today() - dt.timedelta(days=70)
    )
    reporting.create_due_submissions()
    submission = (
        ReportSubmission.objects.filter(agency=police, period__obligation=obligation)
        .order_by("-period__ends_on")
        .first()
    )
    audit = Audit()
    Person.audit = audit
    try:
        windows = {}
        for name, user in (("officer", officer), ("secretariat", secretariat), ("chair", chair)):
            for phone in (False, True):
                label = f"{name}-phone" if phone else name
                windows[label] = Person(browser, live_server.url, user, label, phone=phone)
                windows[label].login()

        submission_url = f"/reporting/submissions/{submission.pk}/"
        for name in ("officer", "officer-phone"):
            who = windows[name]
            who.go("/reporting/")
            who.shot("r01-report-list")
            who.go(submission_url)
            who.shot("r02-report-form")
            assert_fits(who, name, "the form")
        # The grid: 7 lines of a force and 6 figures, each box named by column and row.
        grid = windows["officer"].page.locator(".dd-report__grid tbody [aria-labelledby]")
        assert grid.count() == 49
        box = windows["officer"].page.locator("#id_lines-2-cases_detected")
        assert box.get_attribute("aria-labelledby") == "col-cases_detected lines-2-row"
        assert windows["officer"].page.locator("#lines-2-row").inner_text() == "Dòng 3"

        # The officer sends figures; the standing office reviews; the chair reads the totals.
        form = windows["officer"].page
        form.fill("#id_cases_detected", "12")
        form.fill("#id_admin_cases", "12")
        form.fill("#id_goods_value", "1250000000")
        for name in ("budget_collected", "criminal_cases", "defendants"):
            form.fill(f"#id_{name}", "0")
        windows["officer"].submit(".dd-report__form button[type=submit]")
        submission.refresh_from_db()
        assert submission.state == "submitted"
        windows["officer"].shot("r03-report-sent")

        for name in ("secretariat", "secretariat-phone", "chair", "chair-phone"):
            who = windows[name]
            who.go("/reporting/")
            who.shot("r04-report-list")
            who.go(f"/reporting/periods/{submission.period_id}/")
            who.shot("r05-consolidation")
            assert_fits(who, name, "the consolidation")
        for name in ("secretariat", "secretariat-phone"):
            who = windows[name]
            who.go(submission_url)
            who.shot("r06-review")
            who.go("/reporting/obligations/")
            who.shot("r07-obligations")
            assert_fits(who, name, "the obligations")
            # On a phone, each obligation's status and its delete button stay on the screen.
            for selector in ("td[data-label='Tình trạng']", "form[action$='/remove/'] button"):
                cell = who.page.locator(selector).first
                box = cell.bounding_box()
                assert box and box["x"] >= 0
                assert box["x"] + box["width"] <= who.page.viewport_size["width"], selector
            who.go("/reporting/obligations/new/")
            who.shot("r08-obligation-form")
    finally:
        Person.audit = None
    audit.assert_clean()


# ---- 4. the administrator's dashboard


def test_the_administrators_dashboard_shows_each_committee_within_the_screen(
    live_server, browser, committee, police, border_guard, officer
):
    """Over every committee, the administrator reads a line per committee (not 15 directives
    of anyone's): in Vietnamese, within a phone's width, axe-core clean."""
    require_axe()
    make_bulk_tasks(committee, lead=police, coordinating=border_guard, officer=officer, rows=8)
    province = CommitteeFactory(name="Ban Chỉ đạo 389 tỉnh Lạng Sơn")
    lead, helper = AgencyFactory(), AgencyFactory()
    for agency in (lead, helper):
        MembershipFactory(committee=province, agency=agency)
    province_officer = UserFactory(role="agency_officer", committee=province, agency=lead)
    make_bulk_tasks(province, lead=lead, coordinating=helper, officer=province_officer, rows=6)
    admin = UserFactory(role="admin", committee=None)
    audit = Audit()
    Person.audit = audit
    try:
        for phone in (False, True):
            who = Person(
                browser, live_server.url, admin, "admin-phone" if phone else "admin", phone=phone
            )
            who.login()
            who.go("/dashboard/")
            table = who.page.locator("#by-committee")
            assert table.locator("h2").inner_text() == "Theo Ban Chỉ đạo"
            rows = table.locator("tbody tr")
            assert rows.count() == 2
            assert "Ban Chỉ đạo 389 tỉnh Lạng Sơn" in table.inner_text()
            who.shot("d01-admin-dashboard")
            assert_fits(who, who.name, "the dashboard")
            who.context.close()
    finally:
        Person.audit = None
    audit.assert_clean()
