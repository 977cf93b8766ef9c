"""`manage.py serve`: the embedded mode — the web server, and the tick every minute beside it.

No broker and no Redis: a background thread runs the same `run_tick()` that Celery beat runs in
production. An error in a tick is logged and the next tick runs as usual; it never stops the
server.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from chasing.tick import run_tick

logger = logging.getLogger("tasks.serve")


def tick_forever(
    stop: threading.Event,
    interval: float,
    first_delay: float = 5.0,
    report: Callable[[str], None] | None = None,
) -> None:
    """Run the tick every `interval` seconds until `stop` is set; `report` what it did."""
    delay = first_delay
    while not stop.wait(delay):
        delay = interval
        try:
            for result in run_tick():
                if not result.ok:
                    logger.error("%s", result)
                elif result.did_something and report:
                    report(str(result))
                else:
                    logger.info("%s", result)
        except Exception:  # never let the thread die: the next tick tries again
            logger.exception("tick failed")
        finally:
            connection.close()  # a fresh connection for each tick (and none left dangling)


class Command(BaseCommand):
    help = "Run the web server and, beside it, the periodic jobs every minute (no broker)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument(
            "--interval",
            type=float,
            default=settings.TICK_INTERVAL_SECONDS,
            help="Seconds between ticks (default: TICK_INTERVAL_SECONDS, 60).",
        )
        parser.add_argument("--no-tick", action="store_true", help="Serve without the tick.")

    def handle(self, *args, **options) -> None:
        stop = threading.Event()
        if not options["no_tick"]:
            thread = threading.Thread(
                target=tick_forever,
                args=(stop, options["interval"]),
                kwargs={"report": self.stdout.write},
                name="tick",
                daemon=True,
            )
            thread.start()
            self.stdout.write(f"Periodic jobs: every {options['interval']:g} s (manage.py tick)")
        try:
            call_command("runserver", f"{options['host']}:{options['port']}", use_reloader=False)
        finally:
            stop.set()
