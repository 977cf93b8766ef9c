"""Send the e-mail waiting in the outbox (also done by every tick)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from chasing.outbox import send_outbox


class Command(BaseCommand):
    help = "Send the e-mails due in the outbox, retrying failures with backoff."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=200, help="messages per batch")
        parser.add_argument(
            "--until-empty", action="store_true", help="repeat batches until nothing is due"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            result = send_outbox(limit=options["limit"])
            self.stdout.write(str(result))
            if not options["until_empty"] or not (result.sent or result.retried or result.failed):
                break
            if not result.sent:  # everything failed: the server is down, retry later
                break
