"""`manage.py serve` (`make dev`): Django's development server, and beside it the same tick
thread, worker heartbeat and export thread as `manage.py run` (chasing/runner.py, ops/jobs.py,
exports/runner.py), so a developer sees the job lines, /healthz and long exports as a user of
`make run` does.

No broker and no Redis. An error in a tick is logged and the next tick runs as usual; it never
stops the server.
"""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from chasing.runner import start_embedded_jobs


class Command(BaseCommand):
    help = "Run the development server and, beside it, the periodic jobs every minute (no broker)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument(
            "--interval",
            type=float,
            default=settings.TICK_INTERVAL_SECONDS,
            help="Seconds between ticks (default: TICK_INTERVAL_SECONDS, 60).",
        )
        parser.add_argument("--no-tick", action="store_true", help="Serve without the tick.")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        start_embedded_jobs(stop, interval=options["interval"], tick=not options["no_tick"])
        if not options["no_tick"]:
            self.stdout.write(f"Periodic jobs: every {options['interval']:g} s (manage.py tick)")
        try:
            call_command("runserver", f"{options['host']}:{options['port']}", use_reloader=False)
        finally:
            stop.set()
