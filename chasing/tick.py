"""The one periodic entry point: every periodic job, run once.

`manage.py tick`, the embedded server's background thread (`manage.py serve`) and the Celery
beat task all call `run_tick()`. It is safe at any moment, any number of times, and twice at
once: every message and every periodic report is claimed through a unique constraint, and a
lead's "deadline passed" history entry is written once per deadline. One job failing never
stops the others. Nothing here moves a workflow: each flow is the one writer of what it routes.
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
from project.faults import pause_point

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
# outbox, and the access log's retention (audit/retention.py). No job catches the flows up: each
# flow is the only writer of what it routes, so there is nothing to reconcile.


def obligations(now: dt.datetime) -> str:
    from reporting.services import create_due_submissions

    return f"{create_due_submissions(now)} periodic reports opened"


def overdue(now: dt.datetime) -> str:
    from .reminders import record_new_overdue

    return f"{record_new_overdue(now)} lead parts newly overdue"


def reminders(now: dt.datetime) -> str:
    from .reminders import send_reminders

    return f"{send_reminders(now)} sent"


def escalations(now: dt.datetime) -> str:
    from .reminders import send_escalations

    return f"{send_escalations(now)} sent"


def digests(now: dt.datetime) -> str:
    from .notifications import send_digests

    return f"{send_digests(now)} sent"


def access_log(now: dt.datetime) -> str:
    """Archive and delete access-log rows past ACCESS_LOG_RETENTION_DAYS (audit/retention.py)."""
    return access_log_job(now)


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
