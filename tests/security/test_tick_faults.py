"""The tick under failure, on PostgreSQL, as production runs it: `manage.py tick` in its own
process, e-mail to a real SMTP server on 127.0.0.1 (aiosmtpd).

- killed with SIGKILL at each step: before each of its jobs, right after a job's messages
  commit (before their e-mails go), after the outbox claimed them, after the mail server
  accepted one; then a clean tick runs. Every notification exists once and every e-mail arrives
  exactly once (the kill after the server accepted a message is the one documented exception:
  it arrives again, with the same Message-ID, which lets the receiving server drop it);
- the mail server down for a tick, then back: everything arrives once;
- the mail server stalling: EMAIL_TIMEOUT bounds each attempt, the tick finishes, and the mail
  comes once the server answers again.

The pause points are project/faults.py's (DEBUG and DONDOC_PAUSE_AT only).
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from chasing import tick
from chasing.models import Notification, OutboxEmail
from chasing.notifications import set_digest_only
from reporting.models import ReportingObligation
from tests.chasing.smtp_sink import Sink
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
VN = ZoneInfo("Asia/Ho_Chi_Minh")
FIRST = dt.datetime(2024, 2, 16, 8, tzinfo=VN)  # a Friday: reminders, escalations, digests
LATER = FIRST + dt.timedelta(minutes=10)  # the clean tick: same day, past every lease
# Every job, in the tick's order (tests/chasing/test_tick.py pins that order by name).
JOBS = [name for name, _job in tick.JOBS]

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# `manage.py tick`, at a given moment (the clock runs on from there).
TICK = """
import datetime as dt, sys
import time_machine
time_machine.travel(dt.datetime.fromisoformat(sys.argv[1]), tick=True).start()
from django.core.management import execute_from_command_line
execute_from_command_line(["manage.py", "tick"])
"""


@pytest.fixture
def smtp():
    sink = Sink()
    yield sink
    sink.stop()


@pytest.fixture
def scene(make_task, committee, police, officer, chair, secretariat):
    """Two tasks (one due in a day, one overdue for two weeks), a monthly periodic report, a
    head and an officer with e-mail, a chair who takes the daily digest.

    Returns the notices the setup itself wrote (the hand-over notices of registering and
    dispatching the tasks, already e-mailed in this process), so the assertions count only
    what the tick writes and check that it leaves these alone."""
    UserFactory(
        username="lanhdao.ca",
        role="agency_head",
        committee=committee,
        agency=police,
        email="lanhdao.ca@example.vn",
    )
    officer.email = "canbo.ca@example.vn"
    officer.save()
    chair.email = "truongban@example.vn"
    chair.save()
    set_digest_only(chair, True)
    obligation = ReportingObligation.objects.create(
        committee=committee, name="Báo cáo tháng", frequency="month", starts_on=dt.date(2024, 2, 1)
    )
    obligation.members.add(police)
    with time_machine.travel(dt.datetime(2024, 2, 1, 8, tzinfo=VN), tick=False):
        make_task(deadline=dt.date(2024, 2, 19), title="Kiểm tra chợ biên giới")
        make_task(deadline=dt.date(2024, 1, 31), title="Báo cáo kết quả tháng 1")
    return setup_notices()


def setup_notices() -> dict[int, tuple]:
    """Every notice now in the table, by id: what it says and when it was e-mailed."""
    return {
        row[0]: row[1:]
        for row in Notification.objects.values_list(
            "id", "kind", "recipient__username", "object_key", "period", "emailed_at"
        )
    }


def by_tick(scene):
    """The notices the tick wrote: everything the setup had not."""
    return Notification.objects.exclude(id__in=scene)


def environment(smtp, **extra):
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "project.settings",
        "DJANGO_DEBUG": "true",  # pause points only work with DEBUG on
        "DATABASE_URL": (
            f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "EMAIL_TIMEOUT": "2",
        "OUTBOX_LEASE_SECONDS": "60",
        "OUTBOX_RETRY_SECONDS": "1",
        **extra,
    }


def start_tick(env, moment):
    return subprocess.Popen(
        [sys.executable, "-c", TICK, moment.isoformat()],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_tick(env, moment, timeout=180):
    process = start_tick(env, moment)
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, out + err
    return out.splitlines()


def wait_for_pause(process, point, timeout=120):
    """Read the tick's stderr until it says it is paused at `point`."""
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            if process.poll() is not None:
                break
            continue
        seen.append(line)
        if line.strip() == f"paused at {point}":
            return
    process.kill()
    raise AssertionError(f"the tick never paused at {point}: {''.join(seen)[-3000:]}")


def kill_at(env, point):
    process = start_tick({**env, "DONDOC_PAUSE_AT": point}, FIRST)
    wait_for_pause(process, point)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    process.stdout.close()
    process.stderr.close()
    return process.returncode


# What a tick at FIRST sends when nothing goes wrong (on top of the setup's hand-over notices):
# one notice each to the officer (the task due on Monday and the monthly report) and the head
# (those, and the overdue task); one each to the chair and the office (long overdue), the chair's
# also through the daily digest (1). By e-mail: one message each to the officer and the head, the
# chair's digest (the office has no address).
EXPECTED_NOTIFICATIONS = 5
EXPECTED_MAILS = {
    "canbo.ca@example.vn": 1,
    "lanhdao.ca@example.vn": 1,
    "truongban@example.vn": 1,
}


def assert_delivered_once(scene, smtp, *, resent: int = 0):
    """Each notification once; each message accepted by the server once per Message-ID
    (`resent` of them a second time, with the same Message-ID). The setup's own notices are
    left as they were: the tick neither rewrites nor re-sends them."""
    assert by_tick(scene).count() == EXPECTED_NOTIFICATIONS, list(
        by_tick(scene).values_list("kind", "recipient__username")
    )
    assert {k: v for k, v in setup_notices().items() if k in scene} == scene
    keys = Notification.objects.values_list("recipient", "kind", "object_key", "period")
    assert len(set(keys)) == len(keys)
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {"sent"}
    ids = Counter(str(message["Message-ID"]) for message in smtp.accepted)
    assert sorted(ids.values()) == [1] * (len(ids) - resent) + [2] * resent, ids
    unique = {str(m["Message-ID"]): m for m in smtp.accepted}.values()
    assert Counter(str(m["To"]) for m in unique) == EXPECTED_MAILS, [
        (str(m["To"]), str(m["Subject"])) for m in unique
    ]
    emailed = Notification.objects.filter(email_wanted=True, emailed_at__isnull=True)
    assert not emailed.exists(), list(emailed.values_list("kind", "recipient__username"))


def test_a_clean_tick_sends_each_message_once(scene, smtp):
    smtp.start()
    lines = run_tick(environment(smtp), FIRST)
    assert [line.split(":")[0] for line in lines] == JOBS
    assert_delivered_once(scene, smtp)
    # a second tick sends nothing more
    run_tick(environment(smtp), LATER)
    assert_delivered_once(scene, smtp)


POINTS = [f"tick:{job}" for job in JOBS] + [
    "outbox:committed",  # a job's messages committed, their e-mails not yet tried
    "outbox:claimed",  # the outbox took them (a lease), nothing sent yet
    "outbox:accepted",  # the server took one, the outbox has not recorded it
]


@pytest.mark.parametrize("point", POINTS)
def test_a_tick_killed_at_any_step_loses_and_doubles_nothing(scene, smtp, point):
    smtp.start()
    env = environment(smtp, OUTBOX_LEASE_SECONDS="5")
    assert kill_at(env, point) == -signal.SIGKILL
    run_tick(env, LATER)  # ten minutes later: any lease the dead tick held has run out
    assert_delivered_once(scene, smtp, resent=1 if point == "outbox:accepted" else 0)


def test_mail_server_down_for_a_tick_then_back(scene, smtp):
    env = environment(smtp)
    # the setup's hand-over e-mails went out already; these are the tick's
    tick_mail = OutboxEmail.objects.exclude(
        pk__in=list(OutboxEmail.objects.values_list("pk", flat=True))
    )
    lines = run_tick(env, FIRST)  # nothing listens on the port
    assert "outbox: 0 sent" in "\n".join(lines)
    assert by_tick(scene).count() == EXPECTED_NOTIFICATIONS
    assert not tick_mail.filter(status="sent").exists()
    assert tick_mail.filter(status="pending").exists()
    smtp.start()
    run_tick(env, LATER)
    assert_delivered_once(scene, smtp)


def test_a_stalling_mail_server_holds_the_tick_no_longer_than_email_timeout(scene, smtp):
    smtp.start()
    smtp.stall = True
    env = environment(smtp, EMAIL_TIMEOUT="2")
    # the setup's hand-over e-mails went out already; these are the tick's
    tick_mail = OutboxEmail.objects.exclude(
        pk__in=list(OutboxEmail.objects.values_list("pk", flat=True))
    )
    started = time.monotonic()
    lines = run_tick(env, FIRST, timeout=120)
    took = time.monotonic() - started
    # every job ran; each attempt gave up after EMAIL_TIMEOUT (a few attempts, not minutes)
    assert [line.split(":")[0] for line in lines] == JOBS
    assert took < 60, took
    assert smtp.accepted == []
    assert tick_mail.exists()
    assert not tick_mail.filter(status="sent").exists()
    smtp.stall = False
    run_tick(env, LATER)
    assert_delivered_once(scene, smtp)


def test_a_title_with_line_breaks_is_mailed_on_one_line(scene, smtp, make_task):
    """A task title with CR/LF used to make Django refuse the e-mail (BadHeaderError)."""
    with time_machine.travel(dt.datetime(2024, 2, 1, 8, tzinfo=VN), tick=False):
        make_task(deadline=dt.date(2024, 2, 19), title="Kiểm tra\r\nBcc: evil@example.com")
    smtp.start()
    run_tick(environment(smtp), FIRST)
    subjects = [str(m["Subject"]) for m in smtp.accepted]
    bodies = "\n".join(m.get_body().get_content() for m in smtp.accepted)
    assert all("\n" not in s and "\r" not in s for s in subjects)
    # the title reached its readers (in the body, where a line break is harmless), and no
    # header was injected
    assert "Bcc: evil@example.com" in bodies
    assert all(not m["Bcc"] and "evil" not in str(m["To"]) for m in smtp.accepted)
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {"sent"}
