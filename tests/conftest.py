import collections
import datetime as dt
import os
import shutil

import hypothesis
import pytest
import time_machine
from django.conf import settings as django_settings
from django.utils import translation

from documents.actions import register_directive
from tasks.actions import create_task
from tasks.deadlines import VIETNAM, deadline_end
from workflows import services as flows

from .factories import AgencyFactory, CommitteeFactory, MembershipFactory, UserFactory

# Property tests assert behaviour, never time: Hypothesis's default 200 ms deadline per example
# failed a date round trip (0.14 ms when repeated) on a loaded 2-core machine. Speed is measured
# in bench/, not in tests.
hypothesis.settings.register_profile("dondoc", deadline=None)
hypothesis.settings.load_profile("dondoc")


@pytest.fixture(autouse=True)
def _english_unless_asked(request, settings):
    """Tests assert the English msgids; tests marked `vietnamese` (and browser tests) see the
    product as its users do, in Vietnamese."""
    if request.node.get_closest_marker("vietnamese") or request.node.get_closest_marker("browser"):
        yield
        return
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Static files by their plain names, found in the apps: the hashed names of production need
    # a collectstatic first (tests/browser/test_weight.py does one for what it measures).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Tests log users in thousands of times; the real hasher is deliberately slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def committee(db):
    return CommitteeFactory(code="bcd389-kg", name="Ban Chỉ đạo 389 tỉnh Kiên Giang")


@pytest.fixture
def police(committee):
    agency = AgencyFactory(
        code="KG-CA", name="Công an tỉnh Kiên Giang", short_name="Công an tỉnh", kind="police"
    )
    MembershipFactory(committee=committee, agency=agency)
    return agency


@pytest.fixture
def border_guard(committee):
    agency = AgencyFactory(
        code="KG-BDBP",
        name="Bộ Chỉ huy Bộ đội Biên phòng tỉnh Kiên Giang",
        short_name="BĐBP tỉnh",
        kind="border_guard",
    )
    MembershipFactory(committee=committee, agency=agency)
    return agency


@pytest.fixture
def secretariat(committee):
    return UserFactory(username="vanphong", role="secretariat", committee=committee)


@pytest.fixture
def chair(committee):
    return UserFactory(username="truongban", role="chair", committee=committee)


@pytest.fixture
def officer(committee, police):
    return UserFactory(
        username="canbo.ca", role="agency_officer", committee=committee, agency=police
    )


@pytest.fixture
def support_officer(committee, border_guard):
    return UserFactory(
        username="canbo.bdbp", role="agency_officer", committee=committee, agency=border_guard
    )


@pytest.fixture
def make_task(committee, secretariat, chair, police, border_guard):
    """A task through the real actions: registered, broken down, approved, dispatched."""
    counter = iter(range(1, 10_000))

    def make(
        *, deadline=dt.date(2020, 12, 31), dispatch=True, lead=None, coordinating=None, **fields
    ):
        n = next(counter)
        directive = register_directive(
            committee,
            by=secretariat,
            number=f"{n}/TB-VPUBND",
            subject=f"Kết luận số {n}",
            issued_on=dt.date(2020, 10, 7),
        )
        task = create_task(
            directive,
            by=secretariat,
            title=fields.pop("title", "Kiểm tra hàng nhập lậu"),
            lead=lead or [police],
            coordinating=[border_guard] if coordinating is None else coordinating,
            deadline=deadline,
            **fields,
        )
        if dispatch:
            flows.start_directive_flow(directive)
            flows.submit_breakdown(directive, by=secretariat)
            flows.decide_task_list(directive, by=chair, approve=True)
            if deadline is not None and deadline_end(deadline) < dt.datetime.now(tz=VIETNAM):
                # Dispatch refuses a deadline already past: dispatch on the directive's day.
                with time_machine.travel(dt.datetime(2020, 10, 8, 9, tzinfo=VIETNAM)):
                    flows.dispatch(directive, by=secretariat)
            else:
                flows.dispatch(directive, by=secretariat)
        task.refresh_from_db()
        return task

    return make


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests (races) skip on SQLite, loudly; CI's PostgreSQL run requires them.
    Browser tests need Debian's chromium; CI installs it, so there they never skip."""
    on_postgres = "postgresql" in django_settings.DATABASES["default"]["ENGINE"]
    require_postgres = bool(os.environ.get("REQUIRE_POSTGRES_TESTS"))
    has_chromium = shutil.which("chromium") is not None
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            if require_postgres:
                raise pytest.UsageError(
                    "REQUIRE_POSTGRES_TESTS is set but the database is not PostgreSQL"
                )
            item.add_marker(
                pytest.mark.skip(reason="needs PostgreSQL (run with DATABASE_URL=postgres://…)")
            )
        if "browser" in item.keywords and not has_chromium:
            if os.environ.get("CI"):
                raise pytest.UsageError("browser tests need /usr/bin/chromium; CI must install it")
            item.add_marker(pytest.mark.skip(reason=BROWSER_SKIP_REASON))


BROWSER_SKIP_REASON = (
    "browser scenario skipped: Debian's chromium is not on PATH "
    "(apt-get install chromium to run it; CI always does)"
)


def pytest_terminal_summary(terminalreporter):
    """Say at the end, one line per reason, why tests did not run (pytest's own summary only
    counts skips): a missing optional program says what to install."""
    reasons: collections.Counter[str] = collections.Counter()
    for report in terminalreporter.stats.get("skipped", []):
        if isinstance(report.longrepr, tuple):
            reasons[report.longrepr[2].removeprefix("Skipped: ")] += 1
    for reason, count in sorted(reasons.items(), key=lambda item: -item[1]):
        terminalreporter.write_line(f"{count} skipped: {reason}")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """API throttles count requests in the cache: each test starts from zero."""
    from django.core.cache import cache

    cache.clear()
    yield
