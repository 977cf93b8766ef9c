"""Notifications' retention: a notification created more than NOTIFICATION_RETENTION_DAYS ago
and read is written to a compressed JSON-lines archive (one file a day, under
NOTIFICATION_ARCHIVE_DIR) and only then deleted, with the access log's archive-then-delete
(audit/retention.py: `archive_by_day`; a digest's notifications that stay lose their link to
it, as `on_delete=SET_NULL` says). An unread notification stays, however old: nobody has
seen it yet. 0 keeps every notification for good.

Safe to stop at any moment and to run again, as the access log's: a day's file is written
whole before its rows are deleted, and merged (by id) with what an earlier run wrote for that
day, so a notification of that day read later joins the same file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings

from audit.retention import MAX_DAYS, ArchiveResult, archive_by_day

from .models import Notification

FIELDS = [
    "id",
    "created_at",
    "recipient_id",
    "kind",
    "object_key",
    "period",
    "task_id",
    "submission_id",
    "due_at",
    "title",
    "body",
    "url",
    "sections",
    "read_at",
    "email_wanted",
    "emailed_at",
    "digest_id",
]


def archive_notifications(
    now: dt.datetime | None = None,
    *,
    days: int | None = None,
    directory: Path | None = None,
    max_days: int = MAX_DAYS,
) -> ArchiveResult:
    """Archive and delete the read notifications created more than `days` days ago
    (NOTIFICATION_RETENTION_DAYS), at most `max_days` days of them per run."""
    return archive_by_day(
        Notification.objects.filter(read_at__isnull=False),
        fields=FIELDS,
        now=now,
        days=settings.NOTIFICATION_RETENTION_DAYS if days is None else days,
        directory=Path(directory or settings.NOTIFICATION_ARCHIVE_DIR),
        name="notifications",
        what="notifications",
        max_days=max_days,
    )
