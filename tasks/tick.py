"""The one periodic entry point: every periodic job, run once.

`manage.py tick`, the embedded server's background thread (`manage.py serve`) and the Celery
beat task all call `run_tick()`. It is safe at any moment, any number of times, and twice at
once: every message and every periodic report is claimed through a unique constraint, and
viewflow's start timers (which the library says need a single dispatcher) run under a lock.
One job failing never stops the others.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import logging
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone

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


@contextlib.contextmanager
def single_runner(name: str) -> Iterator[bool]:
    """Yield True if this process got the lock `name`, False if another runner holds it.

    PostgreSQL: a session advisory lock (shared by every worker on every machine).
    SQLite (the embedded mode, one machine): an flock on a file beside the database.
    """
    if connection.vendor == "postgresql":
        key = zlib.crc32(f"dondoc389:{name}".encode())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            got = cursor.fetchone()[0]
        try:
            yield got
        finally:
            if got:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        return
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    with open(settings.VAR_DIR / f"{name}.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# ---- the jobs, in order: periodic reports first (they open what reminders chase), digests last
# (they collect the reminders just sent). No job catches the flows up: each flow is the only
# writer of what it routes, so there is nothing to reconcile.


def obligations(now: dt.datetime) -> str:
    from .reporting import create_due_submissions

    return f"{create_due_submissions(now)} periodic reports opened"


def reminders(now: dt.datetime) -> str:
    from .reminders import send_reminders

    return f"{send_reminders(now)} sent"


def escalations(now: dt.datetime) -> str:
    from .reminders import send_escalations

    return f"{send_escalations(now)} sent"


def digests(now: dt.datetime) -> str:
    from .notifications import send_digests

    return f"{send_digests(now)} sent"


JOBS: list[tuple[str, Callable[[dt.datetime], str]]] = [
    ("obligations", obligations),
    ("reminders", reminders),
    ("escalations", escalations),
    ("digests", digests),
]


def run_tick(now: dt.datetime | None = None) -> list[JobResult]:
    """Run every periodic job once; return one line per job."""
    results = []
    for name, job in JOBS:
        try:
            summary = job(now or timezone.now())
        except Exception as exc:  # one broken job must not stop the others
            logger.exception("periodic job %s failed", name)
            results.append(JobResult(name, f"failed: {exc.__class__.__name__}: {exc}", ok=False))
        else:
            results.append(JobResult(name, summary))
    return results
