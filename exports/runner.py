"""The embedded server's export thread (`manage.py run`, no broker): runs the queued exports one
at a time, woken as soon as one is queued (exports/background.py: `wake`), and looks again every
`interval` seconds in case another process queued one. When it starts, an export left running
by the server's last life is queued again (or failed after its second try)."""

from __future__ import annotations

import datetime as dt
import threading

from django.db import close_old_connections, connection
from django.utils import timezone

from ops.jobs import logger

from .background import next_queued, recover_exports, run_export, wake


def run_queued_exports() -> int:
    """Run every queued export, oldest first; return how many this call made or failed."""
    ran = 0
    while (export_id := next_queued()) is not None:
        ran += run_export(export_id)
    return ran


def export_forever(stop: threading.Event, interval: float = 10.0) -> None:
    """Run queued exports until `stop` is set; never dies."""
    try:
        close_old_connections()
        # This process is the only embedded worker: whatever is still "running" was lost.
        recover_exports(timezone.now(), stale_after=dt.timedelta(0))
    except Exception:
        logger.exception("exports: recovery at start failed")
    finally:
        connection.close()
    while not stop.is_set():
        try:
            close_old_connections()
            run_queued_exports()
        except Exception:  # the next round tries again
            logger.exception("exports failed")
        finally:
            connection.close()
        wake.wait(interval)
        wake.clear()
