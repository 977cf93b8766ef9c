"""Long exports in the background (issue 11): one function starts an export, one runs it.

`start_export()` stores who asked for what (exports.Export, queued) and, once that commits,
hands its id to the worker: a Celery task (exports/celery_tasks.py) when there is a broker, else
the embedded server's export thread (exports/runner.py), woken at once. `run_export()` claims the
export with one conditional UPDATE (queued → running, with a fresh claim), so a Celery message
delivered twice or an export queued again runs once; it counts the rows (one COUNT), writes the
file through the same builder as the immediate download, moving the progress every
EXPORT_PROGRESS_ROWS rows, then marks it done and announces it (`signals.export_finished`:
chasing tells the person, with the link). Every write checks the claim: a run that lost it stops.

Survival: an export whose progress has not moved for EXPORT_STALE_MINUTES was lost with its
process (a worker killed, the embedded server stopped); `recover_exports()` — every tick, and
when the embedded thread starts — queues it again once, then marks it failed with a message for
the person. A failure shows that message, never a traceback (the log has the traceback).
`delete_old_exports()` removes files and rows past EXPORT_KEEP_DAYS, once a day from the tick.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import threading
import uuid
from functools import partial

from celery import current_app
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.http import Http404, QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ops.jobs import log_job
from project.errors import ActionError

from .kinds import Prepared, prepare
from .models import Export, ExportState, scope_of
from .signals import export_finished

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 2  # a lost export is queued again once, then failed
BATCH = 500  # rows recovered or deleted per call (bounded work per tick)
CELERY_TASK = "exports.run"

FAILED = _(
    "The file could not be made. Please ask for it again; if it fails again, tell the "
    "administrator."
)
LOST = _("The server stopped while making the file. Please ask for it again.")
NOT_ALLOWED = _("You can no longer see what this file would hold.")

# The embedded thread waits on this between exports; start_export sets it (same process).
wake = threading.Event()


class ExportLost(Exception):
    """Another run holds the export now (it was taken to be lost and queued again)."""


def is_background(total: int) -> bool:
    """Whether an export of `total` rows is made in the background rather than at once."""
    return total > settings.EXPORT_BACKGROUND_ROWS


def start_export(prepared: Prepared, *, query: str, target: str = "", total: int) -> Export:
    """Queue `prepared` for the background; the worker hears of it once this commits. The same
    file asked for again while it is still being made is that export, not a second one (a
    double click, a reload): one person cannot fill the worker with copies."""
    with transaction.atomic():
        # One person's requests one at a time: two at once would each find none pending and
        # queue two. The person's row is the lock (PostgreSQL; SQLite has one writer anyway).
        get_user_model().objects.select_for_update().only("pk").get(pk=prepared.user.pk)
        scope = scope_of(prepared.user)
        pending = (
            Export.objects.filter(
                user=prepared.user,
                kind=prepared.kind,
                query=query,
                target=target,
                # Asked as someone else (a role or committee changed meanwhile): a new file,
                # for the pending one would be refused to the person as they are now.
                scope=scope,
                state__in=(ExportState.QUEUED, ExportState.RUNNING),
            )
            .order_by("-pk")
            .first()
        )
        if pending is not None:
            return pending
        export = Export.objects.create(
            user=prepared.user,
            kind=prepared.kind,
            query=query,
            target=target,
            scope=scope,
            filename=prepared.filename,
            total=total,
            created_at=prepared.filters.now,
            updated_at=timezone.now(),
        )
        transaction.on_commit(lambda: dispatch(export.pk))
    return export


def dispatch(export_id: int) -> None:
    """Hand the export to whoever runs exports here."""
    if settings.EXPORT_WORKER == "celery":
        current_app.send_task(CELERY_TASK, args=[export_id])
    else:
        wake.set()


class _Progress:
    """Called after each row; writes the count every EXPORT_PROGRESS_ROWS rows, and stops the
    run (ExportLost) if its claim is gone."""

    def __init__(self, export_id: int, claim: uuid.UUID) -> None:
        self.export_id, self.claim = export_id, claim
        self.every = max(1, settings.EXPORT_PROGRESS_ROWS)
        self.last = 0

    def __call__(self, done: int) -> None:
        if done - self.last < self.every:
            return
        self.last = done
        self.save(done=done)

    def save(self, **fields: object) -> None:
        mine = Export.objects.filter(pk=self.export_id, claim=self.claim, state=ExportState.RUNNING)
        if not mine.update(updated_at=timezone.now(), **fields):
            raise ExportLost


def next_queued() -> int | None:
    """The oldest queued export's id (the embedded thread runs them one by one)."""
    return (
        Export.objects.filter(state=ExportState.QUEUED)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
        .first()
    )


def run_export(export_id: int) -> bool:
    """Make the export's file if this run wins its claim; True if it did (done or failed)."""
    claim = uuid.uuid4()
    won = Export.objects.filter(pk=export_id, state=ExportState.QUEUED).update(
        state=ExportState.RUNNING,
        claim=claim,
        attempts=F("attempts") + 1,
        done=0,
        updated_at=timezone.now(),
    )
    if not won:
        return False
    export = Export.objects.select_related("user").get(pk=export_id)
    progress = _Progress(export_id, claim)
    try:
        prepared = prepare(
            export.kind,
            export.user,
            QueryDict(export.query),
            target=export.target,
            now=export.created_at,
        )
        # The rows were counted when the export was asked for (its total); not again here.
        with tempfile.TemporaryFile() as out:
            prepared.write(out, progress)
            out.seek(0)
            name = export.file.storage.save(
                export.file.field.generate_filename(export, prepared.filename), File(out)
            )
    except ExportLost:
        logger.warning("export %s: another run took it over", export_id)
        return False
    except Http404:
        return _fail(export, claim, NOT_ALLOWED)
    except ActionError as exc:
        return _fail(export, claim, exc.message)
    except Exception:
        logger.exception("export %s failed", export_id)
        return _fail(export, claim, FAILED)
    with transaction.atomic():
        finished = Export.objects.filter(
            pk=export_id, claim=claim, state=ExportState.RUNNING
        ).update(
            state=ExportState.DONE,
            file=name,
            done=F("total"),
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        if not finished:
            export.file.storage.delete(name)  # another run owns it now
            return False
        export.refresh_from_db()
        export_finished.send(sender=Export, export=export)
    log_job(
        "exports.run", ok=True, export_id=export_id, summary=f"{export.kind}: {export.total} rows"
    )
    return True


def _fail(export: Export, claim: uuid.UUID | None, message: object) -> bool:
    """Mark the running export failed with `message` (in the person's language), if `claim`
    still holds it, and announce it."""
    with translation.override(export.user.language or settings.LANGUAGE_CODE):
        text = str(message)
    now = timezone.now()
    with transaction.atomic():
        failed = Export.objects.filter(pk=export.pk, claim=claim, state=ExportState.RUNNING)
        if not failed.update(state=ExportState.FAILED, error=text, finished_at=now, updated_at=now):
            return False
        export.refresh_from_db()
        export_finished.send(sender=Export, export=export)
    log_job("exports.run", ok=False, export_id=export.pk, summary=f"{export.kind}: {text}")
    return True


def recover_exports(
    now: dt.datetime, *, stale_after: dt.timedelta | None = None
) -> tuple[int, int]:
    """Exports lost with their process: a running one whose progress stopped is queued again
    (once) or failed; a queued one nobody took is handed to the worker again. Returns (queued
    again, failed)."""
    if stale_after is None:
        stale_after = dt.timedelta(minutes=settings.EXPORT_STALE_MINUTES)
    stale = Export.objects.filter(
        state__in=[ExportState.QUEUED, ExportState.RUNNING], updated_at__lte=now - stale_after
    ).select_related("user")
    requeued = failed = 0
    for export in stale.order_by("updated_at")[:BATCH]:
        if export.state == ExportState.RUNNING and export.attempts >= MAX_ATTEMPTS:
            failed += _fail(export, export.claim, LOST)
            continue
        again = Export.objects.filter(pk=export.pk, state=export.state, claim=export.claim).update(
            state=ExportState.QUEUED, claim=None, done=0, updated_at=timezone.now()
        )
        if again:
            requeued += 1
            transaction.on_commit(partial(dispatch, export.pk))
    return requeued, failed


def delete_old_exports(now: dt.datetime) -> int:
    """Delete the files and rows of exports asked for more than EXPORT_KEEP_DAYS ago."""
    cutoff = now - dt.timedelta(days=settings.EXPORT_KEEP_DAYS)
    old = list(
        Export.objects.filter(created_at__lt=cutoff)
        .exclude(state__in=[ExportState.QUEUED, ExportState.RUNNING])
        .order_by("pk")[:BATCH]
    )
    for export in old:
        name = export.file.name
        if name:
            export.file.storage.delete(name)
    Export.objects.filter(pk__in=[e.pk for e in old]).delete()
    return len(old)
