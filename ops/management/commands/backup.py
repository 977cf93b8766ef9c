"""`manage.py backup [FILE]`: a consistent copy of the database, taken while it runs."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ops.backup import BackupError, backup, default_path


class Command(BaseCommand):
    help = (
        "Back up the database: SQLite with its online backup API, PostgreSQL with pg_dump "
        "(custom format). Default file: var/backups/dondoc389-<date>-<time>.sqlite3|pgdump."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="Where to write the backup.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"]) if options["file"] else None
        try:
            written = backup(path or default_path(settings.VAR_DIR / "backups"))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{written} ({written.stat().st_size:,} bytes)")
