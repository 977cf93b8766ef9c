"""Django's flush, allowed past the append-only triggers (it empties every table at once)."""

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand

from audit.triggers import history_purge_allowed


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        with history_purge_allowed():
            return super().handle(**options)
