"""`manage.py run`: the embedded mode for real use (`make run`) — one process, only Python.

waitress (a production WSGI server in pure Python) serves the site; beside it, a thread runs
the periodic jobs every TICK_INTERVAL_SECONDS (the same `run_tick()` Celery beat runs in
production), another writes the worker heartbeat that /healthz reads, and another makes the
long exports queued for the background (exports/runner.py). No broker: the embedded default
needs none. `make dev` keeps Django's development server instead.
"""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.core.wsgi import get_wsgi_application
from waitress import serve

from chasing.runner import start_embedded_jobs


class Command(BaseCommand):
    help = "Serve the site with waitress and run the periodic jobs beside it (no broker)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8, help="Request threads (8).")
        parser.add_argument(
            "--interval",
            type=float,
            default=settings.TICK_INTERVAL_SECONDS,
            help="Seconds between ticks (default: TICK_INTERVAL_SECONDS, 60).",
        )
        parser.add_argument("--no-tick", action="store_true", help="Serve without the tick.")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.DEBUG:
            self.stderr.write(
                self.style.WARNING("DJANGO_DEBUG is on: use `make dev` for development.")
            )
        stop = threading.Event()
        start_embedded_jobs(stop, interval=options["interval"], tick=not options["no_tick"])
        if not options["no_tick"]:
            self.stdout.write(f"Periodic jobs: every {options['interval']:g} s")
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(
            f"Serving {url} with waitress, {options['threads']} threads, "
            f"DEBUG {'on' if settings.DEBUG else 'off'} (Ctrl+C stops)"
        )
        try:
            serve(
                get_wsgi_application(),
                host=options["host"],
                port=options["port"],
                threads=options["threads"],
                ident="dondoc389",
            )
        finally:
            stop.set()
