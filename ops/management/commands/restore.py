"""`manage.py restore FILE`: load a backup made by `manage.py backup`."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ops.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an empty database (run it before "
        "`migrate`), or over an existing one with --replace. Stop the web server and workers "
        "first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Overwrite a database that already has tables (everything in it is lost).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            restore(Path(options["file"]), replace=options["replace"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored {options['file']}")
