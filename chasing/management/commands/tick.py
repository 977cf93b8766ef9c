"""`manage.py tick`: run every periodic job once (cron, the embedded server, or by hand)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from chasing.tick import run_tick


class Command(BaseCommand):
    help = (
        "Run every periodic job once: periodic reports, overdue entries, reminders, "
        "escalations, digests, the e-mail outbox, the access log's retention. Safe to run at "
        "any time, any number of times."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        results = run_tick()
        for result in results:
            style = self.style.SUCCESS if result.ok else self.style.ERROR
            self.stdout.write(style(str(result)))
        if not all(result.ok for result in results):
            raise CommandError("some periodic jobs failed (see above)")
