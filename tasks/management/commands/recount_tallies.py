"""Recount every task's stored summary of its leads and the dashboards' tallies from the parts."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from tasks.models import DirectiveTally, LeadTally, Task


class Command(BaseCommand):
    help = (
        "Recount every task's stored summary of its leads and the dashboards' tallies "
        "(LeadTally, DirectiveTally) from the agencies' parts. The actions keep them; run this "
        "after writing tasks or parts behind them (SQL, a partial restore)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Actions recount their own pairs meanwhile: they wait for this recount to
                # commit, then recount on top of it (SQLite has one writer at a time anyway).
                tables = ", ".join(m._meta.db_table for m in (LeadTally, DirectiveTally))
                with connection.cursor() as cursor:
                    cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
            tasks = Task.objects.all().refresh_lead_summary()
        self.stdout.write(
            f"{tasks} tasks recounted: {LeadTally.objects.count()} lead tally rows, "
            f"{DirectiveTally.objects.count()} directive tally rows."
        )
