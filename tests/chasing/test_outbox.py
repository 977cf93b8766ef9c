"""The e-mail outbox: nothing lost when the mail server is down or a worker dies, nothing sent
twice by two workers, headers safe, failures visible to the administrator."""

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from chasing.models import Notification, OutboxEmail, OutboxStatus
from chasing.notifications import Message, notify
from chasing.outbox import Email, clean_header, enqueue, send_outbox, tick_job

from .smtp_sink import Sink

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    sink = Sink()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_TIMEOUT = 5
    yield sink
    sink.stop()


def later(minutes=60 * 24):
    return timezone.now() + dt.timedelta(minutes=minutes)


def test_a_subject_with_line_breaks_is_sent_on_one_line():
    enqueue([Email(to="canbo@example.vn", subject="Quá hạn:\r\nBcc: evil@example.com", body="x")])
    assert send_outbox().sent == 1
    assert mail.outbox[0].subject == "Quá hạn: Bcc: evil@example.com"
    assert clean_header("a\nb\u2028c\x00d") == "a b c d"


def test_a_notification_is_queued_with_it_and_marked_once_sent(
    officer, django_capture_on_commit_callbacks
):
    officer.email = "canbo.ca@example.vn"
    officer.save()
    message = Message(officer.pk, "overdue", "task:1", "2024-01-01", "Quá hạn\nnhiệm vụ 1")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify([message])
    row = OutboxEmail.objects.get()
    assert row.status == OutboxStatus.PENDING and row.subject == "Quá hạn nhiệm vụ 1"
    assert row.notification_ids == [Notification.objects.get().pk]
    for callback in callbacks:  # the first try, right after the commit
        callback()
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and len(mail.outbox) == 1
    assert Notification.objects.get().emailed_at is not None
    assert "<outbox-" in mail.outbox[0].extra_headers["Message-ID"]


def test_smtp_down_for_a_run_then_up_delivers_exactly_once(smtp):
    enqueue(
        [Email(to=f"canbo{n}@example.vn", subject=f"Nhắc việc {n}", body="…") for n in range(3)]
    )
    down = send_outbox()  # nothing listens on the port
    assert (down.sent, down.retried) == (0, 3)
    row = OutboxEmail.objects.first()
    assert row.status == OutboxStatus.PENDING and row.attempts == 1
    assert "Connection refused" in row.last_error or "Errno" in row.last_error
    assert row.next_attempt_at > timezone.now()  # backing off
    assert send_outbox().sent == 0  # not due yet

    smtp.start()
    assert tick_job(later()) == "3 sent, 0 to retry, 0 failed"
    assert tick_job(later()) == "0 sent, 0 to retry, 0 failed"
    assert sorted(smtp.subjects()) == ["Nhắc việc 0", "Nhắc việc 1", "Nhắc việc 2"]
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}


def test_a_stalling_mail_server_holds_a_worker_no_longer_than_email_timeout(smtp, settings):
    settings.EMAIL_TIMEOUT = 1
    smtp.start()
    smtp.stall = True
    enqueue([Email(to="canbo@example.vn", subject="Nhắc việc", body="…")])
    started = time.monotonic()
    result = send_outbox()
    assert time.monotonic() - started < 5
    assert (result.sent, result.retried) == (0, 1)
    assert "timed out" in OutboxEmail.objects.get().last_error
    smtp.stall = False
    assert send_outbox(now=later()).sent == 1
    assert smtp.subjects() == ["Nhắc việc"]  # the stalled attempt was never accepted


def test_backoff_doubles_and_gives_up_visibly(smtp, settings, admin_client):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    settings.OUTBOX_RETRY_SECONDS = 60
    enqueue([Email(to="canbo@example.vn", subject="Nhắc việc", body="…")])
    delays = []
    moment = timezone.now()
    for _ in range(3):
        send_outbox(now=moment)
        row = OutboxEmail.objects.get()
        delays.append(round((row.next_attempt_at - timezone.now()).total_seconds() / 60))
        moment = row.next_attempt_at + dt.timedelta(seconds=1)
    assert delays[:2] == [1, 2]
    assert row.status == OutboxStatus.FAILED and row.attempts == 3
    page = admin_client.get(reverse("admin:chasing_outboxemail_changelist"), {"status": "failed"})
    assert page.status_code == 200 and "Nhắc việc" in page.content.decode()
    # the administrator sends it again once the server is back
    smtp.start()
    admin_client.post(
        reverse("admin:chasing_outboxemail_changelist"),
        {"action": "send_again", "_selected_action": [row.pk]},
    )
    assert send_outbox().sent == 1 and smtp.subjects() == ["Nhắc việc"]


WORKER = """
import django, os, sys
django.setup()
from django.db import connection
from chasing.models import OutboxEmail
from chasing.outbox import Email, enqueue, send_outbox
if sys.argv[1] == "setup":
    with connection.schema_editor() as editor:
        editor.create_model(OutboxEmail)
    enqueue([Email(to="canbo@example.vn", subject="Giao nhiệm vụ", body="…")])
else:
    print(send_outbox())
"""


def run_worker(env, step, **kwargs):
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, step],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def test_a_worker_killed_mid_send_is_taken_over_and_the_mail_arrives_once(smtp, tmp_path):
    smtp.start()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "project.settings",
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'outbox.sqlite3'}",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "OUTBOX_LEASE_SECONDS": "1",
    }
    assert run_worker(env, "setup").wait(timeout=120) == 0
    smtp.stall = True
    worker = run_worker(env, "send")
    assert smtp.stalled.wait(timeout=60), "the worker reached the SMTP DATA step"
    os.kill(worker.pid, signal.SIGKILL)  # dies holding the claim, before the server accepted
    worker.wait(timeout=10)
    assert smtp.accepted == []

    smtp.stall = False
    time.sleep(1.5)  # the dead worker's lease runs out
    second = run_worker(env, "send")
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert out.strip() == "1 sent, 0 to retry, 0 failed"
    third = run_worker(env, "send")
    assert third.communicate(timeout=120)[0].strip() == "0 sent, 0 to retry, 0 failed"
    assert smtp.subjects() == ["Giao nhiệm vụ"]  # exactly once


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_never_send_one_message_twice(smtp):
    smtp.start()
    enqueue([Email(to=f"canbo{n}@example.vn", subject=f"Thư {n}", body="…") for n in range(40)])
    results = []

    def worker():
        from django.db import connection

        try:
            for _ in range(10):
                results.append(send_outbox(limit=5))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sum(r.sent for r in results) == 40
    assert sorted(smtp.subjects()) == sorted(f"Thư {n}" for n in range(40))
    ids = [m["Message-ID"] for m in smtp.accepted]
    assert len(set(ids)) == 40
