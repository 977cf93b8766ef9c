"""The one periodic entry point: every periodic job, run once.

`manage.py tick`, the embedded server's background thread (`manage.py serve`) and the Celery
beat task all call `run_tick()`. It is safe at any moment, any number of times, and twice at
once: every message and every periodic report is claimed through a unique constraint, and a
lead's "deadline passed" history entry is written once per deadline. One job failing never
stops the others. The daily jobs (reminders, escalations, digests, the overdue log, the
notifications' retention) record the day they did their work, so the ticks after it that day
cost a read each, not a scan. Nothing here moves a workflow: each flow is the one writer of
what it routes.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from audit.retention import tick_job as access_log_job
from chasing.outbox import tick_job
from exports.background import BATCH as EXPORT_BATCH
from exports.background import delete_old_exports, recover_exports
from ops.models import Heartbeat
from project.faults import pause_point
from reporting.services import create_due_submissions
from tasks.deadlines import today_in_vietnam

from .notifications import is_digest_time, send_digests
from .reminders import (
    OVERDUE_BATCH,
    is_chasing_time,
    record_new_overdue,
    send_escalations,
    send_reminders,
)
from .retention import MAX_DAYS, archive_notifications

# The record of a daily job done for a day: Heartbeat "daily:<job>", detail = that day.
DAILY = "daily:"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobResult:
    name: str
    summary: str
    ok: bool = True

    def __str__(self) -> str:
        return f"{self.name}: {self.summary}"

    @property
    def did_something(self) -> bool:
        """True unless every number in the summary is 0 (or it has none)."""
        return not self.ok or bool(re.search(r"\b[1-9]\d*\b", self.summary))


# ---- the jobs, in order: periodic reports first (they open what reminders chase), then the
# history's "deadline passed" entries, digests (they collect the reminders just sent), the
# outbox, the access log's retention (audit/retention.py), the notifications'
# (retention.py) and the long exports' recovery and old files (exports/background.py). No
# job catches the flows up: each flow is the only writer of what it routes,
# so there is nothing to reconcile.


def obligations(now: dt.datetime) -> str:
    return f"{create_due_submissions(now)} periodic reports opened"


def _done_today(job: str, now: dt.datetime) -> bool:
    """Whether this daily job already did today's work (its record says so): a tick every
    minute then costs one indexed read instead of a scan of every open part."""
    return Heartbeat.objects.filter(name=f"{DAILY}{job}", detail=_today(now)).exists()


def _mark_done(job: str, now: dt.datetime) -> None:
    Heartbeat.objects.update_or_create(
        name=f"{DAILY}{job}", defaults={"at": now, "detail": _today(now)}
    )


def _today(now: dt.datetime) -> str:
    return today_in_vietnam(now).isoformat()


def overdue(now: dt.datetime) -> str:
    """Parts only become overdue when a day ends (a deadline ends at 23:59:59), so once a run
    finds fewer than a batch, the day is caught up."""
    if _done_today("overdue", now):
        return "0 lead parts newly overdue"
    recorded = record_new_overdue(now)
    if recorded < OVERDUE_BATCH:
        _mark_done("overdue", now)
    return f"{recorded} lead parts newly overdue"


def _last_done(job: str) -> tuple[str, dt.datetime | None]:
    """The day this daily job last did its work, and when."""
    record = Heartbeat.objects.filter(name=f"{DAILY}{job}").values_list("detail", "at").first()
    return record or ("", None)


def _daily(
    job: str,
    ready: Callable[[dt.datetime], bool],
    send: Callable[..., int],
    *,
    since: bool = False,
) -> Callable[[dt.datetime], str]:
    """A job that does its work once a working day from its hour: the first tick that may
    sends (every message claimed, as before), later ticks that day see the record and stop.
    With `since`, the job is told when it last ran (reminders: which stages are new today)."""

    def run(now: dt.datetime) -> str:
        day, last = _last_done(job)
        if day == _today(now) or not ready(now):
            return "0 sent"
        sent = send(now, since=last) if since else send(now)
        _mark_done(job, now)
        return f"{sent} sent"

    return run


reminders = _daily("reminders", is_chasing_time, send_reminders, since=True)
escalations = _daily("escalations", is_chasing_time, send_escalations, since=True)
digests = _daily("digests", is_digest_time, send_digests)


def access_log(now: dt.datetime) -> str:
    """Archive and delete access-log rows past ACCESS_LOG_RETENTION_DAYS (audit/retention.py)."""
    return access_log_job(now)


def notification_archive(now: dt.datetime) -> str:
    """Once a day: archive and delete read notifications past NOTIFICATION_RETENTION_DAYS
    (chasing/retention.py); a backlog of more than a run's days goes on at the next tick."""
    if _done_today("notification_archive", now):
        return "0 notifications archived"
    result = archive_notifications(now)
    if len(result.files) < MAX_DAYS:
        _mark_done("notification_archive", now)
    return str(result)


def exports(now: dt.datetime) -> str:
    """Long exports lost with their process queued again or failed (every tick: an indexed
    read when there are none), and once a day the files past EXPORT_KEEP_DAYS deleted."""
    requeued, failed = recover_exports(now)
    deleted = 0
    if not _done_today("exports", now):
        deleted = delete_old_exports(now)
        if deleted < EXPORT_BATCH:  # a backlog goes on at the next tick
            _mark_done("exports", now)
    return f"{requeued} exports queued again, {failed} failed, {deleted} old files deleted"


def outbox(now: dt.datetime) -> str:
    """Send the e-mails waiting in the outbox (retries after a failure, with backoff)."""
    return tick_job(now)


JOBS: list[tuple[str, Callable[[dt.datetime], str]]] = [
    ("obligations", obligations),
    ("overdue", overdue),
    ("reminders", reminders),
    ("escalations", escalations),
    ("digests", digests),
    ("outbox", outbox),
    ("access_log", access_log),
    ("notification_archive", notification_archive),
    ("exports", exports),
]


def run_tick(now: dt.datetime | None = None) -> list[JobResult]:
    """Run every periodic job once; return one line per job."""
    results = []
    for name, job in JOBS:
        pause_point(f"tick:{name}")  # fault tests kill the tick here (DEBUG only)
        try:
            summary = job(now or timezone.now())
        except Exception as exc:  # one broken job must not stop the others
            logger.exception("periodic job %s failed", name)
            results.append(JobResult(name, f"failed: {exc.__class__.__name__}: {exc}", ok=False))
        else:
            results.append(JobResult(name, summary))
    return results
