"""`manage.py archive_access_log`: archive and delete access events past their retention."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from audit.retention import archive_access_log


class Command(BaseCommand):
    help = (
        "Write access events older than ACCESS_LOG_RETENTION_DAYS to compressed JSON lines "
        "under ACCESS_LOG_ARCHIVE_DIR (one file per day), then delete them from the database. "
        "The tick runs this too; safe to run at any time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, help="keep this many days instead of the setting")
        parser.add_argument(
            "--max-days", type=int, default=31, help="archive at most this many days per run"
        )

    def handle(
        self, *args: Any, days: int | None = None, max_days: int = 31, **options: Any
    ) -> None:
        result = archive_access_log(days=days, max_days=max_days)
        self.stdout.write(str(result))
        for path in result.files:
            self.stdout.write(f"  {path}")
