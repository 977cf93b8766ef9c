"""Background work, seen from outside: heartbeats, the last tick, and one log line per job.

Celery (production): each worker writes `worker:<host>` every HEARTBEAT_SECONDS from a thread
started when it is ready; every finished Celery task logs one line on `ops.jobs`, and the
`tasks.tick` task also records the `tick` heartbeat. The embedded server (`manage.py run`)
runs the same heartbeat thread and its own tick thread (chasing/runner.py), with the same lines
and records. ops imports nothing of the apps it runs: they come before it (docs/architecture.md).
"""

from __future__ import annotations

import logging
import socket
import threading
import time

from celery import signals
from django.db import close_old_connections, connection
from django.utils import timezone

from .models import Heartbeat

HEARTBEAT_SECONDS = 30
logger = logging.getLogger("ops.jobs")
_started: dict[str, float] = {}


def beat(name: str, detail: str = "") -> None:
    Heartbeat.objects.update_or_create(
        name=name, defaults={"at": timezone.now(), "detail": detail[:500]}
    )


def heartbeat_forever(stop: threading.Event, name: str, every: float = HEARTBEAT_SECONDS) -> None:
    """Write the `name` heartbeat now and every `every` seconds until `stop` is set."""
    while True:
        try:
            close_old_connections()
            beat(name)
        except Exception:  # the database may be back in a moment; keep trying
            logger.exception("heartbeat %s failed", name)
        finally:
            connection.close()
        if stop.wait(every):
            return


def start_heartbeat(name: str) -> threading.Event:
    stop = threading.Event()
    threading.Thread(
        target=heartbeat_forever, args=(stop, name), name="heartbeat", daemon=True
    ).start()
    return stop


def log_job(name: str, *, ok: bool, duration_ms: float | None = None, **fields: object) -> None:
    """One line for one job: its name, whether it worked, how long it took, what it said."""
    words = [f"job {name} {'ok' if ok else 'failed'}"]
    if duration_ms is not None:
        words.append(f"{duration_ms:.0f}ms")
    if fields.get("summary"):
        words.append(f"- {fields['summary']}")
    logger.log(
        logging.INFO if ok else logging.ERROR,
        " ".join(words),
        extra={
            "fields": {"event": "job", "job": name, "ok": ok, "duration_ms": duration_ms, **fields}
        },
    )


# ---- Celery


def _task_prerun(task_id: str, **kwargs: object) -> None:
    _started[task_id] = time.monotonic()


def _task_postrun(task_id: str, task: object, retval: object, state: str, **kwargs: object) -> None:
    started = _started.pop(task_id, None)
    duration_ms = round((time.monotonic() - started) * 1000, 1) if started else 0.0
    name = getattr(task, "name", str(task))
    ok = state == "SUCCESS"
    log_job(name, ok=ok, duration_ms=duration_ms, task_id=task_id, state=state)
    if name == "tasks.tick" and ok and isinstance(retval, list):
        for line in retval:  # "reminders: 3 sent": one line per periodic job, as embedded
            job, _, summary = str(line).partition(": ")
            log_job(f"tick.{job}", ok=not summary.startswith("failed"), summary=summary)
        try:
            beat("tick", "; ".join(map(str, retval)))
        finally:
            connection.close()


def _worker_ready(sender: object = None, **kwargs: object) -> None:
    hostname = getattr(sender, "hostname", None) or socket.gethostname()
    start_heartbeat(f"worker:{hostname}")


def connect_celery_signals() -> None:
    signals.task_prerun.connect(_task_prerun, weak=False)
    signals.task_postrun.connect(_task_postrun, weak=False)
    signals.worker_ready.connect(_worker_ready, weak=False)
