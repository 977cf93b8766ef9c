"""The embedded server's background jobs (`manage.py run` and `serve`): the tick in its own
thread, the same run_tick() Celery beat runs in production, with the same log lines and the
`tick` heartbeat /healthz reads (ops/jobs.py), and the long exports' thread. Here, not in ops:
ops runs the apps without importing them (docs/architecture.md).
"""

from __future__ import annotations

import threading
import time

from django.db import close_old_connections, connection

from exports.runner import export_forever
from ops.jobs import beat, log_job, logger, start_heartbeat

from .tick import run_tick


def run_tick_once() -> bool:
    """The periodic jobs once, as the embedded server runs them: one line per job, then the
    `tick` heartbeat. True if every job succeeded."""
    started = time.monotonic()
    results = run_tick()
    duration_ms = round((time.monotonic() - started) * 1000, 1)
    for result in results:
        log_job(f"tick.{result.name}", ok=result.ok, summary=result.summary)
    ok = all(result.ok for result in results)
    log_job("tasks.tick", ok=ok, duration_ms=duration_ms)
    beat("tick", "; ".join(str(result) for result in results))
    return ok


def tick_forever(stop: threading.Event, interval: float, first_delay: float = 5.0) -> None:
    """Run the periodic jobs every `interval` seconds until `stop` is set; never dies."""
    delay = first_delay
    while not stop.wait(delay):
        delay = interval
        try:
            close_old_connections()
            run_tick_once()
        except Exception:  # the next tick tries again
            logger.exception("tick failed")
        finally:
            connection.close()


def start_embedded_jobs(stop: threading.Event, *, interval: float, tick: bool = True) -> None:
    """What the embedded server runs beside its web server (`manage.py run` and `serve`): the
    worker heartbeat and the tick every `interval` seconds (unless `tick` is off), and always
    the long exports' thread. Each thread ends when `stop` is set."""
    if tick:
        start_heartbeat("worker:embedded")
        threading.Thread(
            target=tick_forever, args=(stop, interval), name="tick", daemon=True
        ).start()
    threading.Thread(target=export_forever, args=(stop,), name="exports", daemon=True).start()
