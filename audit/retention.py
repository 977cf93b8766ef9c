"""The access log's retention: rows older than ACCESS_LOG_RETENTION_DAYS are written to a
compressed JSON-lines archive, one file per day, and only then deleted from the database.

Every other log (task, directive and periodic-report history, change events) is kept for good.
`archive_by_day` is the same archive-then-delete, chunked delete included, for any table with
a `created_at` (the notifications' retention, chasing/retention.py, uses it).

Safe to stop at any moment and to run again: a day's file is written whole to a temporary name
and renamed into place before that day's rows are deleted, in a transaction of their own. A run
killed in between leaves the rows in the database; the next run writes the day's file again,
merged with what the file already holds (by row id), so no row is lost or archived twice.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import logging
import os
import uuid
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from project.audit import AppendOnlyModel

from .models import AccessEvent
from .triggers import archiving_allowed

logger = logging.getLogger(__name__)

FIELDS = [
    "id",
    "created_at",
    "kind",
    "user_id",
    "username",
    "committee_id",
    "agency_id",
    "ip_address",
    "method",
    "path",
    "status",
    "detail",
    "user_agent",
    "request_id",
]


DELETE_CHUNK = 500  # ids per DELETE statement (SQLite's limit on parameters)


@dataclass
class ArchiveResult:
    archived: int = 0
    files: list[Path] = field(default_factory=list)
    what: str = "access events"

    def __str__(self) -> str:
        return f"{self.archived} {self.what} archived"


def archive_path(directory: Path, day: dt.date, name: str = "access-log") -> Path:
    return directory / f"{name}-{day:%Y-%m-%d}.jsonl.gz"


def archive_rows(path: Path) -> Iterator[dict]:
    """The rows of one archive file, one at a time (what an inspector or a restore reads)."""
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def read_archive(path: Path) -> list[dict]:
    return list(archive_rows(path))


def _plain(value: object) -> str:
    """Times as ISO 8601, ids as text: what JSON has no type for."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"cannot archive {value!r}")


def _line(values: dict) -> str:
    return json.dumps(values, ensure_ascii=False, sort_keys=True, default=_plain) + "\n"


def _write_day(path: Path, rows: Iterable[dict]) -> list[int]:
    """Stream the day's rows to a temporary file, then rename it into place (never a half
    file); a file a dead run left for this day keeps the rows no longer in the database.
    Returns the ids written from the database."""
    ids: list[int] = []
    partial = path.with_name(path.name + ".partial")
    with gzip.open(partial, "wt", encoding="utf-8") as out:
        for row in rows:
            ids.append(row["id"])
            out.write(_line(row))
        if path.exists():
            written = set(ids)
            for row in archive_rows(path):
                if row["id"] not in written:
                    out.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    with open(partial, "rb") as done:
        os.fsync(done.fileno())
    os.replace(partial, path)
    return ids


def _delete(rows: QuerySet, ids: list[int]) -> int:
    """Delete exactly the rows just written to the archive, DELETE_CHUNK ids a statement, in one
    transaction. The base manager's plain delete keeps the model's on_delete rules (a digest's
    notifications that stay lose their link to it); an append-only log refuses every delete
    but this one, inside `archiving_allowed` (which refuses a log that is not archivable)."""
    model = rows.model
    allowed: AbstractContextManager[object] = (
        archiving_allowed(connection, model._meta.db_table)
        if issubclass(model, AppendOnlyModel)
        else transaction.atomic()
    )
    deleted = 0
    with allowed:
        for first in range(0, len(ids), DELETE_CHUNK):
            chunk = model._base_manager.filter(pk__in=ids[first : first + DELETE_CHUNK])
            _total, by_model = chunk.delete()
            deleted += by_model.get(model._meta.label, 0)
    return deleted


MAX_DAYS = 31  # days archived per run; the next run goes on


def retention_cutoff(now: dt.datetime, days: int) -> dt.datetime:
    """The start of the day (the site's time zone) `days` days before `now`'s: rows created
    before it are past a retention of `days` days."""
    local = timezone.get_default_timezone()  # days are the site's (Vietnam's) days
    cutoff_day = now.astimezone(local).date() - dt.timedelta(days=days)
    return dt.datetime.combine(cutoff_day, dt.time(), tzinfo=local)


def archive_by_day(
    rows: QuerySet,
    *,
    fields: list[str],
    now: dt.datetime | None,
    days: int,
    directory: Path,
    name: str,
    what: str,
    max_days: int = MAX_DAYS,
) -> ArchiveResult:
    """Archive, then delete, the `rows` past a retention of `days` days (none when `days` is 0
    or less: kept for good), whole days (the site's time zone) at a time, one file per day
    (`name`-YYYY-MM-DD.jsonl.gz), at most `max_days` days per run (the tick catches up); the
    result counts them as `what`."""
    local = timezone.get_default_timezone()
    result = ArchiveResult(what=what)
    if days <= 0:
        return result
    cutoff = retention_cutoff(now or timezone.now(), days)
    for _ in range(max_days):
        oldest = (
            rows.filter(created_at__lt=cutoff)
            .order_by("created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        if oldest is None:
            break
        day = oldest.astimezone(local).date()
        start = dt.datetime.combine(day, dt.time(), tzinfo=local)
        end = start + dt.timedelta(days=1)
        # Streamed: a day of a password-spraying attack can hold a great many rows.
        day_rows = (
            rows.filter(created_at__gte=start, created_at__lt=end)
            .order_by("id")
            .values(*fields)
            .iterator(chunk_size=2000)
        )
        directory.mkdir(parents=True, exist_ok=True)
        path = archive_path(directory, day, name)
        deleted = _delete(rows, _write_day(path, day_rows))
        logger.info("%s of %s archived to %s: %s rows", name, day, path, deleted)
        result.archived += deleted
        result.files.append(path)
    return result


def archive_access_log(
    now: dt.datetime | None = None,
    *,
    days: int | None = None,
    directory: Path | None = None,
    max_days: int = MAX_DAYS,
) -> ArchiveResult:
    """Archive and delete access events older than `days` (ACCESS_LOG_RETENTION_DAYS), whole
    days (the site's time zone) at a time, at most `max_days` days per run (the tick catches up)."""
    return archive_by_day(
        AccessEvent.objects.all(),
        fields=FIELDS,
        now=now,
        days=settings.ACCESS_LOG_RETENTION_DAYS if days is None else days,
        directory=Path(directory or settings.ACCESS_LOG_ARCHIVE_DIR),
        name="access-log",
        what="access events",
        max_days=max_days,
    )


def tick_job(now: dt.datetime) -> str:
    """The periodic tick's job: archive what is past the retention period."""
    return str(archive_access_log(now))
